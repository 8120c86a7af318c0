// What one large request costs the proxy in memory, per shape of body and per plugin: the peak
// RSS growth (VmHWM) of a fresh proxy for one request, divided by the body's size. The numbers
// behind the conversion-cost estimate of the memory budget (host/server/RequestCost.hpp).
//
//   node bench/memory-cost.mjs [shape-filter]        (MB=24 by default; needs build/)
//
// Each shape runs on its own proxy (VmHWM only grows), after one small warm-up request.
import { readFileSync } from 'node:fs';
import { startEmulator, startProxy, writeConfig } from '../tests/integration/lib/harness.mjs';

const hwm = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const size = Number(process.env.MB ?? 24) * 1024 * 1024;
const words = (n) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27)).slice(0, n);
const messages = (make) => { const m = []; let n = 0; while (n < size) { const x = make(m.length); n += JSON.stringify(x).length + 1; m.push(x); } return m; };
const numbers = () => { const a = []; for (let n = 0; n < size; n += 2) a.push(1); return a; };
const enumTool = () => [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'integer', enum: numbers() } } } } }];
const chat = (model, extra) => ({ path: '/v1/chat/completions', body: { model, max_tokens: 1, ...extra } });
const anthropic = (model, extra) => ({ path: '/v1/messages', body: { model, max_tokens: 1, ...extra } });
const user = (content) => [{ role: 'user', content }];
const small = (i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'hello there ' + i });
const smallBlocks = (i) => ({ role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: 'hello there ' + i }] });
const odd = (m) => (m.length % 2 ? m : [...m, { role: 'user', content: 'end' }]);

const shapes = {
  'openai one string': () => chat('gpt-4o', { messages: user(words(size)) }),
  'openai many messages': () => chat('gpt-4o', { messages: odd(messages(small)) }),
  'claude one string': () => anthropic('claude-sonnet-4-5', { messages: user(words(size)) }),
  'claude many messages': () => anthropic('claude-sonnet-4-5', { messages: odd(messages(smallBlocks)) }),
  'claude array of numbers': () => chat('claude-sonnet-4-5', { tools: enumTool(), messages: user('x') }),
  'gemini one string': () => chat('gemini-2.5-flash', { messages: user(words(size)) }),
  'gemini many messages': () => chat('gemini-2.5-flash', { messages: odd(messages(small)) }),
  'gemini array of numbers': () => chat('gemini-2.5-flash', { tools: enumTool(), messages: user('x') }),
  'anthropic on gpt, many messages': () => anthropic('gpt-4o', { messages: odd(messages(smallBlocks)) }),
};

const headers = { authorization: 'Bearer test-key-1', 'x-api-key': 'test-key-1', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const emulator = await startEmulator(['--quiet']);
const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
for (const [name, make] of Object.entries(shapes)) {
  if (process.argv[2] && !name.includes(process.argv[2])) continue;
  const cfg = writeConfig(emulator.url, {
    models: { a: { 'gpt-4o': [dep('d-gpt4o')], 'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')], 'gemini-2.5-flash': [dep('d-gemini25flash')] }, b: {} },
    aliases: {}, extra: { server: { max_body_bytes: 4 * size, max_inflight_body_bytes: 64 * size } },
  });
  const proxy = await startProxy(cfg.path);
  const { path, body } = make();
  const warm = await fetch(proxy.url + path, { method: 'POST', headers, body: JSON.stringify({ model: body.model, max_tokens: 1, messages: user('warm') }) });
  await warm.text();
  const before = hwm(proxy.proc.pid);
  const text = JSON.stringify(body);
  const r = await fetch(proxy.url + path, { method: 'POST', headers, body: text });
  await r.text();
  const grew = hwm(proxy.proc.pid) - before;
  console.log(`${name.padEnd(34)} ${(text.length / 1048576).toFixed(1)} MiB body, status ${r.status}: peak RSS +${(grew / 1048576).toFixed(0)} MiB = ${(grew / text.length).toFixed(1)}x`);
  await proxy.stop();
}
await emulator.stop();
