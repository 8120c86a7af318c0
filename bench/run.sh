#!/usr/bin/env bash
# The benchmark: one command that installs what is missing, builds Release, starts on loopback the
# SAP AI Core emulator (zero latency), aicore-proxy, nginx (plain reverse proxy) and the Portkey
# gateway in front of the same emulator, drives them with wrk and bench/tools/sseload, and writes
# bench/results/results.md, results.png and raw.jsonl. Everything it started is stopped on exit,
# Ctrl-C or failure. See bench/README.md.
#
#   bench/run.sh            default mode (a few minutes)
#   bench/run.sh --quick    a few seconds per scenario (smoke run while developing)
#
# Options: --reps N (runs at concurrency 64), --slices N (1-s slices at concurrency 1),
# --out DIR (default bench/results), --no-install, --no-build, --keep-tmp, --scenarios LIST
# (comma-separated ids, e.g. 1,5: only those, while iterating; the report then has only their rows).
# Environment: AICORE_BENCH_BUILD (build dir, default build-bench), BENCH_CMAKE_ARGS (extra
# configure arguments, e.g. -DAICORE_PLUGINS="common;auth;openai").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${AICORE_BENCH_BUILD:-$root/build-bench}
out=$here/results
mode=default
reps=""
slices=""
do_install=1
do_build=1
keep_tmp=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --reps) reps=$2; shift ;;
    --slices) slices=$2; shift ;;
    --out) out=$2; shift ;;
    --no-install) do_install=0 ;;
    --no-build) do_build=0 ;;
    --keep-tmp) keep_tmp=1 ;;
    --scenarios) only=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--quick] [--reps N] [--slices N] [--out DIR] [--no-install] [--no-build] [--keep-tmp] [--scenarios 1,1s,2,3,4,5]" >&2; exit 2 ;;
  esac
  shift
done

# ---- parameters per mode -------------------------------------------------------------------------
if [ "$mode" = quick ]; then
  : "${reps:=1}"
  c1_slices=${slices:-2} d_c1=1 d_c64=1 d_warm=0.5   # c=1: slices of d_c1 seconds; c=64: reps of d_c64 seconds
  s5_streams=1000 s5_words=80 s5_delay=40 s5_ramp=500 s5_waves=2
else
  : "${reps:=3}"
  c1_slices=${slices:-8} d_c1=1 d_c64=3 d_warm=1
  s5_streams=1000 s5_words=200 s5_delay=40 s5_ramp=1000 s5_waves=3
fi
conc=64             # fixed concurrency for throughput
stream_words=32     # words in the streaming scenarios' prompts (reply = one event per word)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
note() { printf '%s\n' "$*" >>"$tmp/notes.txt"; printf '    note: %s\n' "$*" >&2; }

# ---- install -------------------------------------------------------------------------------------
need_pkgs=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if [ "$do_install" = 1 ]; then
  "$root/scripts/install-deps.sh"
  command -v wrk >/dev/null || need_pkgs+=(wrk)
  command -v gnuplot >/dev/null || need_pkgs+=(gnuplot-nox)
  command -v node >/dev/null || need_pkgs+=(nodejs)
  command -v npm >/dev/null || need_pkgs+=(npm)
  command -v curl >/dev/null || need_pkgs+=(curl)
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    if apt-cache show nginx-light >/dev/null 2>&1; then need_pkgs+=(nginx-light); else need_pkgs+=(nginx); fi
  fi
  if [ "${#need_pkgs[@]}" -gt 0 ]; then
    log "installing Debian packages: ${need_pkgs[*]}"
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq
    # policy-rc.d (when the image has it) keeps apt from starting nginx as a system service.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  fi
  stamp=$here/node_modules/.bench-lock
  if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
    log "installing the Portkey gateway from npm (bench/package-lock.json)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$here/package-lock.json" "$stamp"
  fi
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# ---- build ---------------------------------------------------------------------------------------
# The proxy and its plugins from the main tree (tests off); the emulator on its own from
# bench/emulator, so a half-finished test tree cannot break the benchmark.
claude_built=0
if [ "$do_build" = 1 ]; then
  log "building Release into $build"
  blog=$build/bench-build.log
  mkdir -p "$build"
  # shellcheck disable=SC2086
  { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DAICORE_BUILD_TESTS=OFF ${BENCH_CMAKE_ARGS:-} &&
    cmake --build "$build" -j "$(nproc)" --target aicore-proxy auth openai &&
    cmake -S "$here/emulator" -B "$build/emulator" -DCMAKE_BUILD_TYPE=Release -DAICORE_BENCH_OUT="$build" &&
    cmake --build "$build/emulator" -j "$(nproc)"; } >"$blog" 2>&1 ||
    { tail -30 "$blog" >&2; echo "build failed (log: $blog)" >&2; exit 1; }
  # The target list is read whole first: `grep -q` stops reading at its match, and under pipefail
  # the SIGPIPE that cmake then gets made this test false, so the Claude scenarios never ran.
  targets=$(cmake --build "$build" --target help 2>/dev/null || true)
  if grep -q '^\.\.\. claude$' <<<"$targets"; then
    cmake --build "$build" -j "$(nproc)" --target claude >>"$blog" 2>&1 ||
      echo "    the claude plugin did not build (see $blog): Claude scenarios will be skipped" >&2
  fi
  mkdir -p "$build/bench"
  if [ ! -x "$build/bench/sseload" ] || [ "$here/tools/sseload.cpp" -nt "$build/bench/sseload" ]; then
    g++ -O2 -std=c++20 -Wall -Wextra -o "$build/bench/sseload" "$here/tools/sseload.cpp"
  fi
fi
for b in aicore-proxy aicore-emulator plugins/openai.so plugins/auth.so bench/sseload; do
  [ -e "$build/$b" ] || { echo "missing $build/$b (run without --no-build)" >&2; exit 1; }
done
if [ -e "$build/plugins/claude.so" ]; then claude_built=1; fi

# ---- process bookkeeping -------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/aicore-bench.XXXXXX)
: >"$tmp/notes.txt"
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    if [ "$alive" = 0 ]; then break; fi
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if [ "$keep_tmp" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() {  # url, seconds
  local i
  for i in $(seq 1 $(($2 * 10))); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  return 1
}
# Sum of a /proc status field (kB) over pids.
proc_kb() {
  local field=$1 sum=0 v p
  shift
  for p in "$@"; do
    v=$(awk -v f="$field:" '$1==f{print $2}' "/proc/$p/status" 2>/dev/null || true)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
reset_hwm() { local p; for p in "$@"; do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true; done; }

# ---- emulators -----------------------------------------------------------------------------------
cat >"$tmp/emulator.json" <<'EOF'
{"clients":[{"clientid":"bench-client","clientsecret":"bench-secret"}],
 "token_ttl_seconds":36000,
 "resource_groups":["default"],
 "deployments":{"d-gpt4o":{"executable":"azure-openai","model":"gpt-4o"},
                "d-claude":{"executable":"aws-bedrock","model":"anthropic--claude-4.5-sonnet"}}}
EOF
start_emulator() {  # name, extra args...
  local name=$1
  shift
  "$build/aicore-emulator" --port 0 --port-file "$tmp/$name.port" --config "$tmp/emulator.json" --quiet "$@" \
    >"$tmp/$name.out" 2>&1 &
  pids+=($!)
  eval "${name//-/_}_pid=$!"
  for _ in $(seq 1 100); do if [ -s "$tmp/$name.port" ]; then break; fi; sleep 0.05; done
  [ -s "$tmp/$name.port" ] || { cat "$tmp/$name.out" >&2; echo "$name did not start" >&2; exit 1; }
}
log "starting the emulators (zero latency; the long-stream one with --chunk-delay-ms $s5_delay)"
start_emulator emu-fast --threads 512
start_emulator emu-slow --threads 3000 --chunk-delay-ms "$s5_delay"
emu_fast_port=$(cat "$tmp/emu-fast.port")
emu_slow_port=$(cat "$tmp/emu-slow.port")
emu_fast=http://127.0.0.1:$emu_fast_port
emu_slow=http://127.0.0.1:$emu_slow_port

token() {
  curl -fs "$1/oauth/token" -d 'grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))'
}
tok_fast=$(token "$emu_fast")
tok_slow=$(token "$emu_slow")

# Does this emulator build serve Claude (the aws-bedrock family)?
claude=0
if [ "$claude_built" = 1 ]; then
  code=$(curl -s -o "$tmp/claude-probe.txt" -w '%{http_code}' "$emu_fast/v2/inference/deployments/d-claude/invoke" \
    -H "Authorization: Bearer $tok_fast" -H 'AI-Resource-Group: default' -H 'Content-Type: application/json' \
    -d '{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"ping"}]}' || true)
  if [ "$code" = 200 ]; then
    claude=1
  else
    note "scenarios 2-4 skipped: the emulator does not serve an aws-bedrock (Claude) deployment (HTTP $code on /invoke)"
  fi
else
  note "scenarios 2-4 skipped: $build/plugins/claude.so was not built"
fi

# ---- aicore-proxy --------------------------------------------------------------------------------
mkdir -p "$tmp/proxy/keys"
key() { printf '{"clientid":"bench-client","clientsecret":"bench-secret","url":"%s","identityzoneid":"bench","serviceurls":{"AI_API_URL":"%s"}}' "$1" "$1"; }
key "$emu_fast" >"$tmp/proxy/keys/fast.json"
key "$emu_slow" >"$tmp/proxy/keys/slow.json"
claude_model=""
if [ "$claude" = 1 ]; then claude_model=",\"anthropic--claude-4.5-sonnet\": [\"$emu_fast/v2/inference/deployments/d-claude\"]"; fi
cat >"$tmp/proxy/config.json" <<EOF
{
  "subAccounts": {
    "bench": {
      "resource_group": "default",
      "service_key_json": "keys/fast.json",
      "deployment_models": {"gpt-4o": ["$emu_fast/v2/inference/deployments/d-gpt4o"]$claude_model}
    },
    "bench-long": {
      "resource_group": "default",
      "service_key_json": "keys/slow.json",
      "deployment_models": {"gpt-4o-long": ["$emu_slow/v2/inference/deployments/d-gpt4o"]}
    }
  },
  "secret_authentication_tokens": ["bench-key"],
  "port": 0,
  "host": "127.0.0.1",
  "server": {"drain_timeout_s": 2},
  "log": {"file": "$tmp/proxy/proxy.log"}
}
EOF
log "starting aicore-proxy"
"$build/aicore-proxy" --config "$tmp/proxy/config.json" --plugin-dir "$build/plugins" >"$tmp/proxy/stdout" 2>"$tmp/proxy/stderr" &
proxy_pid=$!
pids+=("$proxy_pid")
proxy=""
for _ in $(seq 1 150); do
  proxy=$(grep -o 'listening on http://[0-9.:]*' "$tmp/proxy/stdout" 2>/dev/null | head -1 | sed 's/listening on //' || true)
  if [ -n "$proxy" ]; then break; fi
  kill -0 "$proxy_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$proxy" ] || { cat "$tmp/proxy/stdout" "$tmp/proxy/stderr" "$tmp/proxy/proxy.log" >&2 2>/dev/null; echo "aicore-proxy did not start" >&2; exit 1; }

# ---- nginx ---------------------------------------------------------------------------------------
log "starting nginx (plain reverse proxy, upstream keep-alive, no buffering)"
ng=$tmp/nginx
mkdir -p "$ng"
ng_fast_port=$(free_port)
ng_slow_port=$(free_port)
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user root;"; fi
ng_server() {  # listen port, upstream name
  cat <<EOF
  server {
    listen 127.0.0.1:$1;
    keepalive_requests 10000;
    location / {
      proxy_pass http://$2;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
EOF
}
cat >"$ng/nginx.conf" <<EOF
$user_line
worker_processes auto;
worker_rlimit_nofile 65536;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 8192; }
http {
  access_log $ng/access.log;
  client_body_temp_path $ng/client_body;
  proxy_temp_path $ng/proxy;
  fastcgi_temp_path $ng/fastcgi;
  uwsgi_temp_path $ng/uwsgi;
  scgi_temp_path $ng/scgi;
  client_max_body_size 64m;
  upstream emu_fast { server 127.0.0.1:$emu_fast_port; keepalive 128; keepalive_requests 10000; }
  upstream emu_slow { server 127.0.0.1:$emu_slow_port; keepalive 128; keepalive_requests 10000; }
$(ng_server "$ng_fast_port" emu_fast)
$(ng_server "$ng_slow_port" emu_slow)
}
EOF
"$nginx_bin" -e "$ng/error.log" -p "$ng" -c "$ng/nginx.conf" -g 'daemon off;' >"$ng/stdout" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
wait_http "http://127.0.0.1:$ng_fast_port/health" 10 ||
  { cat "$ng/stdout" "$ng/error.log" >&2 2>/dev/null; echo "nginx did not start" >&2; exit 1; }
nginx_fast=http://127.0.0.1:$ng_fast_port
nginx_slow=http://127.0.0.1:$ng_slow_port
nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid" || true); }

# ---- Portkey -------------------------------------------------------------------------------------
portkey=""
portkey_pid=""
pk_main=$here/node_modules/@portkey-ai/gateway/build/start-server.js
if [ -f "$pk_main" ]; then
  log "starting the Portkey gateway ($(node -p "require('$here/node_modules/@portkey-ai/gateway/package.json').version"), Node $(node --version))"
  pk_port=$(free_port)
  NODE_ENV=production node "$pk_main" --port="$pk_port" --headless >"$tmp/portkey.out" 2>&1 &
  portkey_pid=$!
  pids+=("$portkey_pid")
  if wait_http "http://127.0.0.1:$pk_port/" 20; then
    portkey=http://127.0.0.1:$pk_port
  else
    note "Portkey did not start: $(tail -c 300 "$tmp/portkey.out" | tr '\n' ' ')"
  fi
else
  note "Portkey not installed (bench/node_modules): its rows are missing"
fi

# ---- request bodies ------------------------------------------------------------------------------
system_prompt="You are a helpful assistant for a team of engineers. Answer briefly and precisely, quote the relevant configuration keys, and say so when you are not sure about something."
user_prompt="Our gateway sits between the OpenAI SDK and SAP AI Core. Please explain in two sentences how round-robin balancing across subaccounts interacts with failover when one deployment answers 429."
words() { local i s=""; for i in $(seq 1 "$1"); do s="$s w$i"; done; echo "${s# }"; }
stream_prompt=$(words "$stream_words")
long_prompt=$(words "$s5_words")
B=$tmp/bodies
mkdir -p "$B"
openai_body() {  # model, user text, stream (true|false)
  printf '{"model":"%s","messages":[{"role":"system","content":"%s"},{"role":"user","content":"%s"}],"temperature":0.7,"stream":%s}' \
    "$1" "$system_prompt" "$2" "$3"
}
anthropic_body() {  # model, user text, stream
  printf '{"model":"%s","max_tokens":1024,"system":"%s","messages":[{"role":"user","content":"%s"}],"temperature":0.7,"stream":%s}' \
    "$1" "$system_prompt" "$2" "$3"
}
openai_body gpt-4o "$user_prompt" false >"$B/s1.client.json"
openai_body gpt-4o "$stream_prompt" true >"$B/s1s.client.json"
openai_body anthropic--claude-4.5-sonnet "$user_prompt" false >"$B/s2.client.json"
anthropic_body anthropic--claude-4.5-sonnet "$stream_prompt" true >"$B/s3.client.json"
openai_body anthropic--claude-4.5-sonnet "$stream_prompt" true >"$B/s4.client.json"
openai_body gpt-4o-long "$long_prompt" true >"$B/s5.client.json"

H_PROXY_OPENAI=$'Authorization: Bearer bench-key'
H_PROXY_ANTHROPIC=$'x-api-key: bench-key\nanthropic-version: 2023-06-01'
h_direct() { printf 'Authorization: Bearer %s\nAI-Resource-Group: default' "$1"; }
h_portkey() {  # deployment id
  printf 'x-portkey-provider: azure-openai\nx-portkey-custom-host: %s/v2/inference\nx-portkey-azure-deployment-id: %s\nx-portkey-azure-api-version: 2024-12-01-preview\nx-portkey-azure-ad-token: %s\nx-portkey-forward-headers: ai-resource-group\nai-resource-group: default' \
    "$emu_fast" "$1" "$tok_fast"
}

# The direct (and nginx) request of a scenario is exactly what the proxy sent upstream for it: one
# request through the proxy, then the emulator's request record gives path, query and body.
capture_upstream() {  # scenario, emulator url, deployment, proxy path, client body, headers
  local s=$1 emu=$2 dep=$3 path=$4 body=$5 headers=$6 args=() line
  curl -s -X DELETE "$emu/_emulator/requests" >/dev/null
  while IFS= read -r line; do if [ -n "$line" ]; then args+=(-H "$line"); fi; done <<<"$headers"
  local code
  code=$(curl -s -o "$B/$s.preflight" -w '%{http_code}' "$proxy$path" "${args[@]}" -H 'Content-Type: application/json' --data-binary @"$body")
  if [ "$code" != 200 ]; then
    note "scenario $s: preflight through aicore-proxy answered HTTP $code: $(head -c 300 "$B/$s.preflight")"
    return 1
  fi
  curl -fs "$emu/_emulator/requests?deployment=$dep" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const all = JSON.parse(s); const list = Array.isArray(all) ? all : (all.requests || []);
      const r = list[list.length - 1];
      const fs = require("fs");
      fs.writeFileSync(process.argv[1] + ".direct.json", r.body);
      let q = r.query || "";
      if (q && typeof q === "object") q = new URLSearchParams(q).toString();
      if (q && !q.startsWith("?")) q = "?" + q;
      fs.writeFileSync(process.argv[1] + ".path", r.path + q);
    });' "$B/$s"
}

# ---- measuring -----------------------------------------------------------------------------------
raw=$tmp/raw.jsonl
: >"$raw"
emit() { echo "$1" >>"$raw"; }

run_wrk() {  # url, body, headers, connections, seconds -> JSON on stdout
  local o
  o=$(BENCH_BODY_FILE=$2 BENCH_HEADERS=$3 wrk -t1 -c"$4" -d"${5}s" --timeout 10s -s "$here/lib/post.lua" "$1" 2>&1) || true
  local j
  j=$(grep '^BENCH_JSON ' <<<"$o" | head -1 | cut -d' ' -f2- || true)
  if [ -z "$j" ]; then
    echo "{\"requests\":0,\"errors\":1,\"first_error\":$(node -p 'JSON.stringify(process.argv[1].slice(0,300))' "$o")}"
  else
    echo "$j"
  fi
}
run_sse() {  # url, body, headers, connections, seconds, extra args...
  local url=$1 body=$2 headers=$3 c=$4 d=$5 args=() line
  shift 5
  while IFS= read -r line; do if [ -n "$line" ]; then args+=(--header "$line"); fi; done <<<"$headers"
  "$build/bench/sseload" --url "$url" --body-file "$body" "${args[@]}" --concurrency "$c" --duration "$d" --timeout 30 "$@"
}

# Per scenario: the targets as "name|url|body|headers" lines.
declare -A T_URL T_BODY T_HDR
targets_of=()
set_target() { T_URL[$1]=$2; T_BODY[$1]=$3; T_HDR[$1]=$4; targets_of+=("$1"); }
target_pids() {
  case "$1" in
    proxy) echo "$proxy_pid" ;;
    nginx) nginx_pids ;;
    portkey) echo "$portkey_pid" ;;
    *) echo "" ;;
  esac
}

# Preflight: one request per target must answer 200 with the expected content.
preflight() {  # scenario, target, kind (json|sse)
  local s=$1 t=$2 args=() line code
  while IFS= read -r line; do if [ -n "$line" ]; then args+=(-H "$line"); fi; done <<<"${T_HDR[$t]}"
  code=$(curl -s -o "$B/$s.$t.check" -w '%{http_code}' "${T_URL[$t]}" "${args[@]}" -H 'Content-Type: application/json' \
    --data-binary @"${T_BODY[$t]}" --max-time 30 || true)
  if [ "$code" != 200 ] || ! grep -q 'Echo\|"w1\| w1' "$B/$s.$t.check"; then
    note "scenario $s, $t: preflight failed (HTTP $code): $(head -c 300 "$B/$s.$t.check" | tr '\n' ' ')"
    return 1
  fi
}

run_scenario() {  # id, tool (wrk|sse), title
  local s=$1 tool=$2 title=$3 t rep i ok=() j pids_t
  log "scenario $s: $title"
  for t in "${targets_of[@]}"; do
    if preflight "$s" "$t"; then ok+=("$t"); fi
  done
  [ "${#ok[@]}" -gt 0 ] || return 0
  local extra=()
  if [ "$tool" = sse ]; then extra=(--expect-words "$stream_words"); fi
  # Warm-up (JIT, pools, tokens), not recorded.
  for t in "${ok[@]}"; do
    if [ "$tool" = wrk ]; then run_wrk "${T_URL[$t]}" "${T_BODY[$t]}" "${T_HDR[$t]}" "$conc" "$d_warm" >/dev/null
    else run_sse "${T_URL[$t]}" "${T_BODY[$t]}" "${T_HDR[$t]}" "$conc" "$d_warm" "${extra[@]}" >/dev/null; fi
  done
  for t in "${ok[@]}"; do pids_t=$(target_pids "$t"); if [ -n "$pids_t" ]; then reset_hwm $pids_t; fi; done
  # c=1: short slices, interleaved across targets (direct, nginx, proxy, ... again and again), so
  # load from other processes on the machine hits every target alike; c=64: longer runs.
  local phase c d rounds
  for phase in 1 "$conc"; do
    c=$phase
    if [ "$c" = 1 ]; then rounds=$c1_slices d=$d_c1; else rounds=$reps d=$d_c64; fi
    for rep in $(seq 1 "$rounds"); do
      # Rotate the order every round so no target always runs first.
      local n=${#ok[@]} order=()
      for i in $(seq 0 $((n - 1))); do order+=("${ok[$(((i + rep - 1) % n))]}"); done
      for t in "${order[@]}"; do
        if [ "$tool" = wrk ]; then j=$(run_wrk "${T_URL[$t]}" "${T_BODY[$t]}" "${T_HDR[$t]}" "$c" "$d")
        else j=$(run_sse "${T_URL[$t]}" "${T_BODY[$t]}" "${T_HDR[$t]}" "$c" "$d" "${extra[@]}"); fi
        emit "{\"scenario\":\"$s\",\"target\":\"$t\",\"rep\":$rep,\"conc\":$c,\"tool\":\"$tool\",\"r\":$j}"
        printf '    %s %-2s %-8s c=%-3s %s\n' "$([ "$c" = 1 ] && echo slice || echo rep)" "$rep" "$t" "$c" "$(node -e '
          const r = JSON.parse(process.argv[1]);
          const rps = r.rps ?? (r.requests / (r.duration_us / 1e6));
          const errs = r.errors ?? (r.err_connect + r.err_read + r.err_write + r.err_status + r.err_timeout);
          console.log(`${rps.toFixed(0)} req/s  p50 ${r.lat_p50_us} us  p99 ${r.lat_p99_us} us` +
            (r.ttfb_p50_us !== undefined ? `  ttfb p50 ${r.ttfb_p50_us} us` : "") + (errs ? `  errors ${errs} ${r.first_error ?? ""}` : ""));' "$j")" >&2
      done
    done
  done
  for t in "${ok[@]}"; do
    pids_t=$(target_pids "$t")
    if [ -n "$pids_t" ]; then emit "{\"scenario\":\"$s\",\"target\":\"$t\",\"hwm_kb\":$(proc_kb VmHWM $pids_t)}"; fi
  done
}

# Scenario 5: waves of long streams, all open at once; RSS before, during, after each wave.
run_long_streams() {
  local t pids_t j before after w
  log "scenario 5: $s5_streams concurrent long streams ($s5_words events each, ${s5_delay} ms apart), $s5_waves waves"
  for t in "${targets_of[@]}"; do
    pids_t=$(target_pids "$t")
    sleep 1
    before=0
    if [ -n "$pids_t" ]; then { reset_hwm $pids_t; before=$(proc_kb VmRSS $pids_t); }; fi
    for w in $(seq 1 "$s5_waves"); do
      local args=() line
      while IFS= read -r line; do if [ -n "$line" ]; then args+=(--header "$line"); fi; done <<<"${T_HDR[$t]}"
      local rss=()
      if [ -n "$pids_t" ]; then rss=(--rss-pids "$(tr ' ' ',' <<<"$pids_t")"); fi
      j=$("$build/bench/sseload" --url "${T_URL[$t]}" --body-file "${T_BODY[$t]}" "${args[@]}" \
        --concurrency "$s5_streams" --per-conn 1 --ramp-ms "$s5_ramp" \
        --timeout $((s5_words * s5_delay / 1000 + 60)) --expect-words "$s5_words" "${rss[@]}")
      sleep 2
      after=0
      if [ -n "$pids_t" ]; then after=$(proc_kb VmRSS $pids_t); fi
      local hwm=0
      if [ -n "$pids_t" ]; then hwm=$(proc_kb VmHWM $pids_t); fi
      emit "{\"scenario\":\"5\",\"target\":\"$t\",\"wave\":$w,\"rss_before_kb\":$before,\"rss_after_kb\":$after,\"hwm_kb\":$hwm,\"r\":$j}"
      printf '    wave %s %-8s %s  rss after %s kB\n' "$w" "$t" "$j" "$after" >&2
    done
  done
}

# ---- the scenarios -------------------------------------------------------------------------------
declare -A dep_of=([s1]=d-gpt4o [s1s]=d-gpt4o [s2]=d-claude [s3]=d-claude [s4]=d-claude)
setup_scenario() {  # id, proxy path, proxy headers, portkey (0|1), emulator url, nginx url, token
  local s=$1 path=$2 ph=$3 pk=$4 emu=$5 ngx=$6 tok=$7 dpath
  targets_of=()
  capture_upstream "$s" "$emu" "${dep_of[$s]:-d-gpt4o}" "$path" "$B/$s.client.json" "$ph" || return 1
  dpath=$(cat "$B/$s.path")
  set_target direct "$emu$dpath" "$B/$s.direct.json" "$(h_direct "$tok")"
  set_target nginx "$ngx$dpath" "$B/$s.direct.json" "$(h_direct "$tok")"
  set_target proxy "$proxy$path" "$B/$s.client.json" "$ph"
  if [ "$pk" = 1 ] && [ -n "$portkey" ]; then
    set_target portkey "$portkey/v1/chat/completions" "$B/$s.client.json" "$(h_portkey "${dep_of[$s]}")"
  fi
}

want() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_start=$(date +%s)
if want 1 && setup_scenario s1 /v1/chat/completions "$H_PROXY_OPENAI" 1 "$emu_fast" "$nginx_fast" "$tok_fast"; then
  run_scenario 1 wrk "OpenAI chat, non-streaming, GPT (near pass-through)"
fi
if want 1s && setup_scenario s1s /v1/chat/completions "$H_PROXY_OPENAI" 0 "$emu_fast" "$nginx_fast" "$tok_fast"; then
  run_scenario 1s sse "OpenAI chat, streaming, GPT (extra: stream pass-through)"
fi
if [ "$claude" = 1 ]; then
  if want 2 && setup_scenario s2 /v1/chat/completions "$H_PROXY_OPENAI" 0 "$emu_fast" "$nginx_fast" "$tok_fast"; then
    run_scenario 2 wrk "OpenAI chat on Claude, non-streaming (full conversion)"
  fi
  if want 3 && setup_scenario s3 /v1/messages "$H_PROXY_ANTHROPIC" 0 "$emu_fast" "$nginx_fast" "$tok_fast"; then
    run_scenario 3 sse "Anthropic Messages on Claude, streaming"
  fi
  if want 4 && setup_scenario s4 /v1/chat/completions "$H_PROXY_OPENAI" 0 "$emu_fast" "$nginx_fast" "$tok_fast"; then
    run_scenario 4 sse "OpenAI chat on Claude, streaming (conversion)"
  fi
fi
if [ -n "$portkey" ]; then
  note "Portkey runs scenario 1 only: its streaming path fails on Node 20 (HTTP 500, \`TypeError: immutable\` from undici's Headers in its updateHeaders), and its Bedrock provider signs requests with AWS SigV4 and builds /model/{id}/invoke paths, so it cannot address SAP AI Core's /v2/inference/deployments/{id}/invoke for the Claude scenarios"
fi
# Scenario 5 on the slow (chunk-delay) emulator, OpenAI chat streaming on GPT.
dep_of[s5]=d-gpt4o
if want 5 && setup_scenario s5 /v1/chat/completions "$H_PROXY_OPENAI" 0 "$emu_slow" "$nginx_slow" "$tok_slow"; then
  # Scenario 5 bodies are named s5.*; preflight looks them up as scenario "5".
  run_long_streams
fi
t_end=$(date +%s)

# ---- report --------------------------------------------------------------------------------------
cat >"$tmp/meta.json" <<EOF
{"mode":"$mode","reps":$reps,"c1_slices":$c1_slices,"d_c1":$d_c1,"d_c64":$d_c64,"conc":$conc,"stream_words":$stream_words,
 "s5_streams":$s5_streams,"s5_words":$s5_words,"s5_delay_ms":$s5_delay,"s5_waves":$s5_waves,
 "started":"$started","seconds":$((t_end - t_start)),"cores":$(nproc),
 "kernel":"$(uname -r)","cpu":"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//;s/"//g')",
 "nginx":"$("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///')","wrk":"$(wrk --version 2>&1 | head -1 | awk '{print $2}')",
 "node":"$(node --version)","portkey":"$( [ -f "$here/node_modules/@portkey-ai/gateway/package.json" ] && node -p "require('$here/node_modules/@portkey-ai/gateway/package.json').version" || echo none)",
 "proxy":"$("$build/aicore-proxy" --version 2>/dev/null | head -1)","commit":"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo +dirty)"}
EOF
mkdir -p "$out"
cp "$raw" "$out/raw.jsonl"
node "$here/lib/report.mjs" "$tmp/meta.json" "$raw" "$tmp/notes.txt" "$out"
log "results: $out/results.md, $out/results.png"
