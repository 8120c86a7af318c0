// Summarises `callgrind_annotate` output (self cost per function) for bench/profile.sh:
// instructions per request, a breakdown by component, and the top functions with short names.
//   callgrind_annotate --threshold=100 callgrind.out | node callgrind-summary.mjs REQUESTS
//   callgrind_annotate --inclusive=yes callgrind.out | node callgrind-summary.mjs --inclusive N
import { readFileSync } from 'node:fs';

const inclusive = process.argv[2] === '--inclusive';
const requests = inclusive ? 0 : Number(process.argv[2] || 0);
const text = readFileSync(0, 'utf8');
let total = 0;
const fns = [];
for (const line of text.split('\n')) {
  const m = /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$/.exec(line);
  if (!m) continue;
  const ir = Number(m[1].replace(/,/g, ''));
  if (m[2].startsWith('PROGRAM TOTALS')) { total = ir; continue; }
  fns.push({ ir, name: m[2] });
}
if (!total) total = fns.reduce((a, f) => a + f.ir, 0);

// Shorter names: drop nlohmann's and std's template noise and the file prefix.
const short = (n) => {
  let s = n.replace(/^\?\?\?:|^[^:\s]*\.(c|cc|cpp|h|hpp|S):|^\.\/[^:]*:/, '').replace(/nlohmann::json_abi_v[\d_]+::/g, 'nlohmann::');
  // Drop template arguments (innermost first) and ABI tags: what is left names the function.
  let prev;
  do { prev = s; s = s.replace(/<[^<>]*>/g, ''); } while (s !== prev);
  return s.replace(/\[abi:cxx11\]/g, '').replace(/\s+\[\/.*\/([^/\]]+)\]$/, '  [$1]').slice(0, 160);
};

if (inclusive) {
  // Inclusive costs: the call path's share, callers before callees.
  const n = Number(process.argv[3] || 50);
  const seen = new Set();
  const rows = [];
  for (const f of fns) {
    const name = short(f.name);
    if (seen.has(name)) continue;
    seen.add(name);
    rows.push(`${((100 * f.ir) / total).toFixed(1).padStart(5)} %  ${name}`);
    if (rows.length >= n) break;
  }
  console.log(rows.join('\n'));
  process.exit(0);
}

// Matched against the short name, which ends with the object file in brackets.
const buckets = [
  ['JSON parsing (nlohmann lexer/parser)', /nlohmann::detail::(lexer|parser|json_sax|input_adapter|iterator_input)/],
  ['JSON serialising (nlohmann dump)', /nlohmann::detail::serializer|nlohmann::basic_json::dump/],
  ['JSON values (nlohmann build/copy/destroy/lookup)', /nlohmann::/],
  ['malloc/free/new/delete', /malloc|_int_free|(^|[^a-z_])free\b|arena|operator new|operator delete|tcache|libjemalloc/],
  ['memcpy/memmove/memcmp/memchr/strlen', /^__mem|^mem(cpy|move|cmp|chr|set)|strlen|strchr/],
  ['std::string building (push_back/append/replace)', /basic_string::(push_back|append|_M_|reserve|basic_string|operator\+=|assign)/],
  ['iostreams (std and Poco stream buffers)', /streambuf|StreamBuf|ostream|istream|ios_base|locale|xsputn|xsgetn|StreamBuf/i],
  ['Poco Net (HTTP messages, sockets)', /Poco::Net|libPocoNet/],
  ['Poco Foundation (threads, strings, misc)', /Poco::|libPocoFoundation/],
  ['OpenSSL (libcrypto/libssl)', /libcrypto|libssl/],
  ['locks and threads (pthread)', /pthread|futex|lll_|__GI___lll/],
  ['logging (spdlog, fmt)', /spdlog|fmt::/],
  ['aicore host', /\[aicore-proxy\]/],
  ['plugins (aicore plugin code)', /\[(openai|claude|auth|gemini)\.so\]/],
  ['dynamic linker', /ld-linux|_dl_|do_lookup/],
  ['other libc / libstdc++', /libc\.so|libstdc\+\+/],
];
const sums = new Map(buckets.map(([n]) => [n, 0]));
let other = 0;
for (const f of fns) {
  const sn = short(f.name);
  const b = buckets.find(([, re]) => re.test(sn));
  if (b) sums.set(b[0], sums.get(b[0]) + f.ir);
  else other += f.ir;
}
const pct = (x) => `${((100 * x) / total).toFixed(1)} %`;
const out = [];
out.push(`total ${total.toLocaleString('en-US')} instructions (Ir) while serving` +
  (requests ? ` ${requests} requests: ${Math.round(total / requests).toLocaleString('en-US')} per request` : ''));
out.push('(callgrind counts user-space instructions only: time in the kernel, syscalls and waiting is not in it)', '');
out.push('## self cost by component', '');
for (const [n, v] of [...sums.entries(), ['other', other]].sort((a, b) => b[1] - a[1])) {
  if (v > 0) out.push(`${pct(v).padStart(7)}  ${n}`);
}
out.push('', '## top 30 functions (self)', '');
for (const f of fns.sort((a, b) => b.ir - a.ir).slice(0, 30)) out.push(`${pct(f.ir).padStart(7)}  ${short(f.name)}`);
console.log(out.join('\n'));
