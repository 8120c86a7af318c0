// GET /admin/stats, the JSON the dashboard draws: after mixed traffic from the official SDKs
// (chat, streams, Anthropic on Claude, an unknown model, a deployment answering 429 with
// Retry-After) its counts equal what was sent, the cooled deployment shows as cooling, tokens are
// counted by key name against its quota, the last requests carry no secret; the page's files are
// served with a strict CSP; the access rule is /metrics's; the totals survive a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

const ALICE = 'sk-alice-dashboard-0123456789';
const BOB = 'sk-bob-dashboard-0123456789';
const ADMIN_KEY = 'admin-key-for-the-dashboard-test';
let emulator;
let cfg;
let proxy;

const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
const models = () => ({
  a: { 'gpt-4o': [dep('d-gpt4o')], 'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')] },
  b: { 'gpt-4o': [dep('d-gpt4o-b')] },
});
const keys = {
  client_keys: [
    { name: 'alice', key: ALICE, limits: { tokens_per_day: 100000, requests_per_minute: 100 } },
    { name: 'bob', key: BOB },
  ],
};

before(async () => {
  emulator = await startEmulator();
  cfg = writeConfig(emulator.url, { keys: [], models: models(), aliases: { 'my-gpt': 'gpt-4o' }, extra: keys });
  proxy = await startProxy(cfg.path);
});
after(async () => {
  await proxy?.stop();
  await emulator?.stop();
});

const stats = async (url = proxy.url, headers = {}) => {
  const r = await fetch(`${url}/admin/stats`, { headers });
  return { status: r.status, headers: r.headers, body: r.status === 200 ? await r.json() : await r.text() };
};
const model = (s, name) => s.models.find((m) => m.model === name);
const deployment = (s, sub, id) => s.subaccounts.find((x) => x.name === sub)?.deployments.find((d) => d.id === id);
const sum = (a) => a.reduce((x, y) => x + y, 0);

test('mixed traffic: the stats equal what was sent, a 429 shows the deployment cooling', async () => {
  const before = (await stats()).body;
  assert.equal(before.window.points, 90);
  assert.equal(before.window.step_s, 10);
  assert.deepEqual(before.models.map((m) => m.model).sort(), ['anthropic--claude-4.5-sonnet', 'gpt-4o'],
    'every configured model is listed before any traffic');
  assert.deepEqual(before.subaccounts.map((s) => s.name), ['sub-a', 'sub-b']);
  assert.equal(deployment(before, 'sub-a', 'd-gpt4o').state, 'healthy');

  const alice = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: ALICE, maxRetries: 0 });
  const bob = new Anthropic({ baseURL: proxy.url, apiKey: BOB, maxRetries: 0 });
  await alice.chat.completions.create({ model: 'my-gpt', messages: [{ role: 'user', content: 'hi' }] });
  const s = await alice.chat.completions.create({
    model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }],
  });
  for await (const _ of s);  // eslint-disable-line no-unused-vars
  const msg = await bob.messages.stream({
    model: 'anthropic--claude-4.5-sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }],
  }).finalMessage();
  await assert.rejects(alice.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 404);
  // The first gpt-4o deployment answers 429 with Retry-After: 30; the request fails over.
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 30 });
  for (let i = 0; i < 2; ++i)
    await alice.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] });

  const r = await stats();
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const now = r.body;
  const gpt = model(now, 'gpt-4o');
  assert.equal(gpt.requests - model(before, 'gpt-4o').requests, 4);
  assert.equal(sum(gpt.series.requests), gpt.requests, 'every request of this young process is in the window');
  assert.equal(gpt.series.requests.length, 90);
  assert.ok(gpt.last_minute.requests >= 4 && gpt.last_minute.p50_ms > 0 && gpt.last_minute.p99_ms >= gpt.last_minute.p50_ms);
  assert.ok(gpt.last_minute.ttfb_p50_ms > 0);
  assert.equal(model(now, 'anthropic--claude-4.5-sonnet').requests, 1);
  assert.equal(model(now, '(no model)').errors, 1);

  const cooled = deployment(now, 'sub-a', 'd-gpt4o');
  assert.equal(cooled.state, 'cooling');
  assert.ok(cooled.cooling_s > 25 && cooled.cooling_s <= 30, String(cooled.cooling_s));
  assert.equal(cooled.outcomes.rate_limited, 1);
  assert.equal(cooled.recent_errors[0].status, 429);
  assert.equal(cooled.recent_errors[0].outcome, 'rate_limited');
  const other = deployment(now, 'sub-b', 'd-gpt4o-b');
  assert.equal(other.state, 'healthy');
  assert.ok(other.attempts >= 2);
  const attempts = now.subaccounts.flatMap((x) => x.deployments).map((d) => d.attempts);
  assert.equal(sum(attempts), 6, 'four gpt-4o requests, one of them twice, and one on Claude');
  assert.ok(Math.abs(sum(now.subaccounts.flatMap((x) => x.deployments).map((d) => d.share)) - 1) < 0.01);
  for (const sub of now.subaccounts) {
    assert.equal(sub.token.state, 'valid');
    assert.ok(sub.token.expires_in_s > 3000);
  }

  // Tokens by key name and model, against alice's quota.
  const aliceGpt = now.tokens.find((t) => t.key === 'alice' && t.model === 'gpt-4o');
  assert.equal(aliceGpt.today.requests, 4);
  assert.ok(aliceGpt.today.input > 0 && aliceGpt.today.output > 0);
  assert.deepEqual(aliceGpt.month, aliceGpt.today);
  const bobClaude = now.tokens.find((t) => t.key === 'bob' && t.model === 'anthropic--claude-4.5-sonnet');
  assert.equal(bobClaude.today.input, msg.usage.input_tokens);
  assert.equal(bobClaude.today.output, msg.usage.output_tokens);
  const q = now.quotas.find((x) => x.key === 'alice');
  assert.equal(q.limits.tokens_per_day, 100000);
  assert.equal(q.limits.tokens_per_month, null);
  assert.equal(q.used.tokens_per_day, aliceGpt.today.input + aliceGpt.today.output);
  assert.equal(q.used.requests_per_minute, 4, 'an unknown model is refused before its key is charged');
  assert.equal(now.quotas.length, 1, 'bob has no limits');

  // The last requests: newest first, names only.
  assert.equal(now.recent.length, 6);
  assert.deepEqual(now.recent.map((x) => x.status), [200, 200, 404, 200, 200, 200]);
  assert.equal(now.recent[1].attempts, 2);
  assert.equal(now.recent[1].deployment, 'd-gpt4o-b');
  assert.equal(now.recent[5].client_model, 'my-gpt');
  assert.equal(now.recent[5].model, 'gpt-4o');
  assert.equal(now.recent[3].key, 'bob');
  const text = JSON.stringify(now);
  for (const secret of [ALICE, BOB, 'demo-secret', 'hello', 'again'])
    assert.ok(!text.includes(secret), `${secret} is not in the stats`);

  assert.equal(now.build.reloads, 0);
  assert.equal(now.build.listener, new URL(proxy.url).host);
  assert.ok(now.build.plugins.some((p) => p.name === 'openai' && p.status === 'loaded'));
  assert.ok(now.build.uptime_s >= 0 && now.build.started_ms <= now.now_ms);
});

test('the page and its files: embedded, with a strict Content-Security-Policy', async () => {
  for (const [path, type] of [['/dashboard', /^text\/html/], ['/dashboard/', /^text\/html/],
    ['/dashboard/app.js', /^text\/javascript/], ['/dashboard/app.css', /^text\/css/], ['/dashboard/icon.svg', /^image\/svg\+xml/]]) {
    const r = await fetch(`${proxy.url}${path}`);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), type, path);
    assert.match(r.headers.get('content-security-policy'), /default-src 'none'; script-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok((await r.text()).length > 100);
  }
  assert.equal((await fetch(`${proxy.url}/dashboard/nope.js`)).status, 404);
  assert.equal((await fetch(`${proxy.url}/dashboard`, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${proxy.url}/admin/stats`, { method: 'DELETE' })).status, 405);
  const head = await fetch(`${proxy.url}/admin/stats`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('the totals and the last requests survive a restart (rebuilt from the usage ledger)', async () => {
  const before = (await stats()).body;
  await proxy.stop();
  proxy = await startProxy(cfg.path);
  const after = (await stats()).body;
  assert.deepEqual(after.tokens, before.tokens);
  assert.deepEqual(after.recent.map((r) => r.request_id), before.recent.map((r) => r.request_id));
  assert.equal(model(after, 'gpt-4o').requests, 0, 'the time series count this process only');
});

// A proxy listening beyond loopback, or with metrics.auth "admin_key": the stats need the key.
async function proxyWith(extra) {
  const c = writeConfig(emulator.url, { models: models(), aliases: {}, extra: { host: '0.0.0.0', ...extra } });
  const p = await startProxy(c.path);
  return { ...p, url: p.url.replace('0.0.0.0', '127.0.0.1') };
}

test('access: /metrics\'s rule (admin key beyond loopback), and off with metrics.dashboard false', async () => {
  const none = await proxyWith({});
  try {
    const r = await stats(none.url);
    assert.equal(r.status, 403);
    assert.match(JSON.parse(r.body).error.message, /\/admin\/stats.*admin_keys/);
    assert.equal((await fetch(`${none.url}/dashboard`)).status, 200, 'the page holds no data');
  } finally {
    await none.stop();
  }
  const keyed = await proxyWith({ admin_keys: [ADMIN_KEY] });
  try {
    const r = await stats(keyed.url);
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await stats(keyed.url, { authorization: 'Bearer test-key-1' })).status, 401, 'a client key is no admin key');
    assert.equal((await stats(keyed.url, { authorization: `Bearer ${ADMIN_KEY}` })).status, 200);
  } finally {
    await keyed.stop();
  }
  const off = await proxyWith({ metrics: { dashboard: false } });
  try {
    assert.equal((await stats(off.url)).status, 404);
    assert.equal((await fetch(`${off.url}/dashboard`)).status, 404);
    assert.equal((await fetch(`${off.url}/metrics`)).status, 403, '/metrics is still there (behind its rule)');
  } finally {
    await off.stop();
  }
});
