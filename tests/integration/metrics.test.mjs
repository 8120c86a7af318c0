// GET /metrics: after mixed traffic from the official SDKs (chat, streams, a rate-limited
// deployment, an unknown model), Prometheus's own `promtool check metrics` accepts the scrape, the
// counters equal the traffic sent, the access rules hold (open on loopback, else the admin key),
// and a real Prometheus server (Debian's `prometheus`) scrapes the proxy with that key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startEmulator, writeConfig, startProxy, tempDir } from './lib/harness.mjs';

const ADMIN_KEY = 'admin-key-for-the-metrics-test';
let emulator;
let proxy;
let openai;
let anthropic;

const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
const models = () => ({
  a: { 'gpt-4o': [dep('d-gpt4o')], 'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')] },
  b: { 'gpt-4o': [dep('d-gpt4o-b')] },
});

before(async () => {
  emulator = await startEmulator();
  proxy = await startProxy(writeConfig(emulator.url, { models: models(), aliases: {} }).path);
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'test-key-1', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: proxy.url, apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => {
  await proxy?.stop();
  await emulator?.stop();
});

const scrape = async (url = proxy.url, headers = {}) => {
  const r = await fetch(`${url}/metrics`, { headers });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
};

// The value of the sample `name{labels}` (labels in any order), or undefined.
function value(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(labels).length === Object.keys(have).length && Object.entries(labels).every(([k, v]) => have[k] === v))
      return Number(m[4]);
  }
  return undefined;
}

const promtool = (text) => spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

test('mixed traffic: promtool accepts the scrape and the counters equal what was sent', async () => {
  const before = await scrape();
  assert.equal(before.status, 200);
  assert.match(before.type, /^text\/plain; version=0\.0\.4/);

  // 3 chat completions (round-robin over both gpt-4o deployments), 2 of them streamed with usage.
  const chat = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  for (let i = 0; i < 2; ++i) {
    const s = await openai.chat.completions.create({
      model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _ of s);  // eslint-disable-line no-unused-vars
  }
  // 1 Anthropic message on Claude, streamed.
  const stream = anthropic.messages.stream({
    model: 'anthropic--claude-4.5-sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }],
  });
  const msg = await stream.finalMessage();
  // 1 unknown model (404), whose name must not become a label.
  await assert.rejects(openai.chat.completions.create({ model: 'no-such-model-x', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 404);
  // 1 rate-limited deployment: the request fails over to the other one.
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 30 });
  await emulator.fault({ target: 'd-gpt4o-b', kind: '429', count: 1, retry_after: 30 });
  await assert.rejects(openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 429);

  const { status, text } = await scrape();
  assert.equal(status, 200);
  const check = promtool(text);
  assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);

  const req = (labels) => value(text, 'aicore_requests_total', labels) ?? 0;
  assert.equal(req({ dialect: 'openai.chat', model: 'gpt-4o', plugin: 'openai', status: '200' }), 3);
  assert.equal(req({ dialect: 'openai.chat', model: 'gpt-4o', plugin: 'openai', status: '429' }), 1);
  assert.equal(req({ dialect: 'anthropic.messages', model: 'anthropic--claude-4.5-sonnet', plugin: 'claude', status: '200' }), 1);
  assert.equal(req({ dialect: 'openai.chat', model: '', plugin: '', status: '404' }), 1);
  assert.ok(!text.includes('no-such-model-x'), 'a client-chosen model name is no label');

  const hist = (name, labels) => value(text, `${name}_count`, labels);
  assert.equal(hist('aicore_request_duration_seconds', { dialect: 'openai.chat', model: 'gpt-4o' }), 4);
  assert.equal(value(text, 'aicore_request_duration_seconds_bucket', { dialect: 'openai.chat', model: 'gpt-4o', le: '+Inf' }), 4);
  assert.equal(hist('aicore_time_to_first_byte_seconds', { dialect: 'anthropic.messages', model: 'anthropic--claude-4.5-sonnet' }), 1);

  // Tokens: what the SDKs were told, summed (the streams' usage included).
  // The key's name: secret_authentication_tokens are named by a fingerprint of the key.
  const key = `key-${createHash('sha256').update('test-key-1').digest('hex').slice(0, 8)}`;
  const tok = (model, type) => value(text, 'aicore_tokens_total', { key, model, type });
  assert.ok(chat.usage.prompt_tokens > 0);
  assert.equal(tok('anthropic--claude-4.5-sonnet', 'output'), msg.usage.output_tokens);
  assert.equal(tok('anthropic--claude-4.5-sonnet', 'input'),
    msg.usage.input_tokens + (msg.usage.cache_read_input_tokens ?? 0) + (msg.usage.cache_creation_input_tokens ?? 0));
  assert.equal(tok('gpt-4o', 'input') % chat.usage.prompt_tokens, 0);
  assert.equal(tok('gpt-4o', 'input'), 3 * chat.usage.prompt_tokens, 'the same prompt three times');

  // Upstream attempts: 3 + 1 answered calls and the two 429s.
  const att = (deployment, outcome) => value(text, 'aicore_upstream_attempts_total', { subaccount: deployment === 'd-gpt4o' ? 'sub-a' : 'sub-b', deployment, outcome }) ?? 0;
  assert.equal(att('d-gpt4o', 'rate_limited') + att('d-gpt4o-b', 'rate_limited'), 2);
  assert.equal(att('d-gpt4o', 'answered') + att('d-gpt4o-b', 'answered'), 3);
  const cooling = value(text, 'aicore_deployment_cooldown_seconds', { subaccount: 'sub-a', deployment: 'd-gpt4o' });
  assert.ok(cooling > 20 && cooling <= 30, `d-gpt4o cools for its Retry-After: ${cooling}`);
  assert.equal(value(text, 'aicore_deployment_cooldown_seconds', { subaccount: 'sub-a', deployment: 'd-claude45sonnet' }), 0);

  assert.ok(value(text, 'aicore_token_refreshes_total', { subaccount: 'sub-a', outcome: 'success' }) >= 1);
  assert.equal(value(text, 'aicore_inflight_requests'), 0);
  assert.equal(value(text, 'aicore_open_streams'), 0);
  assert.equal(value(text, 'aicore_build_info', { version: text.match(/aicore_build_info\{version="([^"]+)"\}/)[1] }), 1);
  assert.ok(value(text, 'process_resident_memory_bytes') > 1e6);
  assert.ok(value(text, 'process_open_fds') > 3);
  assert.ok(value(text, 'process_threads') >= 2);
  assert.ok(value(text, 'process_cpu_seconds_total') > 0);
  await emulator.clearFaults();
});

test('an open stream is counted while it runs', async () => {
  await emulator.fault({ target: 'd-claude45sonnet', kind: 'slow', delay_ms: 1500, count: 1 });
  const s = anthropic.messages.stream({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] });
  let during;
  for (let i = 0; i < 20 && !(during >= 1); ++i) {
    await new Promise((r) => setTimeout(r, 50));
    const { text } = await scrape();
    during = value(text, 'aicore_open_streams');
    assert.equal(value(text, 'aicore_inflight_requests') >= 1, true);
  }
  assert.equal(during, 1);
  await s.finalMessage();
  assert.equal(value((await scrape()).text, 'aicore_open_streams'), 0);
});

// A second proxy listening beyond loopback: /metrics needs an admin key.
async function proxyWith(extra) {
  const cfg = writeConfig(emulator.url, { models: models(), aliases: {}, extra: { host: '0.0.0.0', ...extra } });
  const p = await startProxy(cfg.path);
  return { ...p, url: p.url.replace('0.0.0.0', '127.0.0.1') };
}

test('beyond loopback: 403 without admin keys configured, 401 without the key, 200 with it or its digest', async () => {
  const none = await proxyWith({});
  try {
    const r = await scrape(none.url);
    assert.equal(r.status, 403);
    assert.match(JSON.parse(r.text).error.message, /admin_keys/);
  } finally {
    await none.stop();
  }
  const digest = createHash('sha256').update('second-admin-key-0123').digest('hex');
  const keyed = await proxyWith({ admin_keys: [ADMIN_KEY, `sha256:${digest}`] });
  try {
    assert.equal((await scrape(keyed.url)).status, 401);
    assert.equal((await scrape(keyed.url, { authorization: 'Bearer test-key-1' })).status, 401, 'a client key is no admin key');
    assert.equal((await scrape(keyed.url, { authorization: `Bearer ${ADMIN_KEY}x` })).status, 401);
    assert.equal((await scrape(keyed.url, { authorization: `Bearer ${ADMIN_KEY}` })).status, 200);
    assert.equal((await scrape(keyed.url, { 'x-api-key': 'second-admin-key-0123' })).status, 200);
    assert.equal((await fetch(`${keyed.url}/metrics`, { method: 'POST' })).status, 405);
    assert.ok(!keyed.logs().includes(ADMIN_KEY), 'the admin key is never logged');
  } finally {
    await keyed.stop();
  }
  const off = await proxyWith({ metrics: { enabled: false } });
  try {
    assert.equal((await scrape(off.url)).status, 404);
  } finally {
    await off.stop();
  }
});

const freePort = () => new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

test('a real Prometheus server scrapes the proxy with the admin key', async () => {
  const p = await proxyWith({ admin_keys: [ADMIN_KEY] });
  const dir = tempDir('aicore-prom-');
  const port = await freePort();
  const target = new URL(p.url).host;
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, scrape_timeout: 1s }',
    'scrape_configs:',
    '  - job_name: aicore',
    `    authorization: { credentials: "${ADMIN_KEY}" }`,
    `    static_configs: [ { targets: ["${target}"] } ]`,
  ].join('\n'));
  const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let promLog = '';
  prom.stderr.on('data', (d) => { promLog += d; });
  try {
    const client = new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'test-key-1', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const query = async (q) => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      return (await r.json()).data?.result ?? [];
    };
    let up = [];
    let reqs = [];
    for (let i = 0; i < 150; ++i) {  // Prometheus starts, then scrapes every second
      await new Promise((r) => setTimeout(r, 200));
      try {
        up = await query('up{job="aicore"}');
        reqs = await query('sum(aicore_requests_total{job="aicore",model="gpt-4o",status="200"})');
      } catch { continue; }  // not listening yet
      if (up.length && up[0].value[1] === '1' && reqs.length) break;
    }
    assert.equal(up[0]?.value[1], '1', `Prometheus sees the target up\n${promLog.slice(-2000)}`);
    assert.equal(reqs[0]?.value[1], '1');
  } finally {
    prom.kill('SIGTERM');
    await new Promise((r) => prom.once('exit', r));
    await p.stop();
  }
});
