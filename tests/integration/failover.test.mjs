// Never lose a request: failover, cooldowns, timeouts and broken streams, driven through the
// emulator's fault injection and observed from the official openai SDK. Tests that need no
// cooldown left over from an earlier one start their own proxy; nothing waits for a cooldown by
// sleeping: where a test needs one to end, it polls what the emulator records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

let emulator;
let proxy;
let client;
const ask = (content, extra = {}) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }], ...extra });
const deploymentsHit = async () => (await emulator.requests())
  .filter((r) => r.path.endsWith('/chat/completions')).map((r) => `${r.deployment}:${r.status}`);
const post = (url, body) => fetch(url + '/v1/chat/completions', {
  method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body: JSON.stringify(body),
});

const retry = { max_attempts: 4, base_delay_ms: 20, max_delay_ms: 1500, deadline_s: 10, rate_limit_cooldown_s: 5,
  failure_threshold: 2, failure_cooldown_s: 1, max_cooldown_s: 5 };
// A proxy of its own (no cooldowns from earlier tests), the shared client pointed at it.
async function freshProxy(extra = {}) {
  await proxy?.stop();
  const cfg = writeConfig(emulator.url, { extra: { retry, upstream: { read_timeout_s: 1 }, ...extra } });
  proxy = await startProxy(cfg.path);
  client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
  await emulator.reset();
}
// Polls `fn` until it is true (every 50 ms, at most `ms`).
async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return; await new Promise((r) => setTimeout(r, 50)); }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  emulator = await startEmulator();
  await freshProxy();
  await ask('warm up tokens');
});
after(async () => { await proxy?.stop(); await emulator?.stop(); });

test('429 with Retry-After on one deployment: the client sees 200 and the cooled one is skipped', async () => {
  await emulator.reset();
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 30 });
  for (let i = 0; i < 6; i++) assert.equal((await ask(`q${i}`)).choices[0].message.content, `Echo: q${i}`);
  const hits = await deploymentsHit();
  assert.equal(hits.filter((h) => h === 'd-gpt4o:429').length, 1, hits.join(' '));
  // After the 429, every request goes to the other subaccount's deployment while the first cools.
  const after429 = hits.slice(hits.indexOf('d-gpt4o:429') + 1);
  assert.ok(after429.length >= 5, hits.join(' '));
  assert.ok(after429.every((h) => h === 'd-gpt4o-b:200'), hits.join(' '));
});

test('every candidate cooling: a bounded wait, then 429 with Retry-After', async () => {
  // Both deployments answer 429 with a Retry-After (cooled for max_cooldown_s, 5 s): longer than
  // max_delay_ms, so the proxy does not wait for them.
  await freshProxy();
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 20 });
  await emulator.fault({ target: 'd-gpt4o-b', kind: '429', count: 1, retry_after: 20 });
  const t0 = Date.now();
  const r = await fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
  });
  assert.ok(Date.now() - t0 < 5000, 'answered promptly instead of hanging');
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  const body = await r.json();
  assert.match(body.error.message, /cooling down|rate limited/);
  assert.equal(body.error.type, 'rate_limit_error');
});

test('500s on every deployment once: a second round succeeds', async () => {
  await freshProxy();
  await emulator.fault({ target: 'd-gpt4o', kind: '500', count: 1 });
  await emulator.fault({ target: 'd-gpt4o-b', kind: '500', count: 1 });
  assert.equal((await ask('survive')).choices[0].message.content, 'Echo: survive');
  const hits = await deploymentsHit();
  assert.equal(hits.filter((h) => h.endsWith(':500')).length, 2, hits.join(' '));
});

test('a deployment failing repeatedly is cooled, skipped, then probed again', async () => {
  await freshProxy();
  await emulator.fault({ target: 'd-gpt4o', kind: '500', count: 2 });
  for (let i = 0; i < 6; i++) assert.equal((await ask(`c${i}`)).choices[0].message.content, `Echo: c${i}`);
  let hits = await deploymentsHit();
  assert.equal(hits.filter((h) => h === 'd-gpt4o:500').length, 2, hits.join(' '));
  const afterCooling = hits.slice(hits.lastIndexOf('d-gpt4o:500') + 1);
  assert.ok(afterCooling.every((h) => h === 'd-gpt4o-b:200'), `cooled deployment skipped: ${hits.join(' ')}`);
  // Once its cooldown (1 s) ends, a request probes it and it is back in rotation.
  await emulator.reset();
  let i = 0;
  await until(async () => {
    await ask(`p${i++}`);
    return (await deploymentsHit()).includes('d-gpt4o:200');
  }, 'the cooled deployment to be probed again');
  hits = await deploymentsHit();
  assert.ok(hits.includes('d-gpt4o:200'), `probed again and back in rotation: ${hits.join(' ')}`);
});

test('a slow upstream hits the read timeout and the request fails over', async () => {
  await freshProxy();
  await emulator.fault({ target: 'd-gpt4o', kind: 'slow', delay_ms: 3000, count: 1 });
  await emulator.fault({ target: 'd-gpt4o-b', kind: 'slow', delay_ms: 3000, count: 1 });
  const t0 = Date.now();
  const r = await ask('patience');
  assert.equal(r.choices[0].message.content, 'Echo: patience');
  assert.ok(Date.now() - t0 < 6000);
  // The timed-out attempts still end at the emulator; wait for them so the next test's record is its own.
  await until(async () => (await emulator.requests()).filter((q) => q.fault === 'slow').length === 2, 'the slow answers');
});

test('a 429 before the first streamed byte fails over invisibly', async () => {
  await freshProxy();
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 1 });
  await emulator.fault({ target: 'd-gpt4o-b', kind: '429', count: 1, retry_after: 1 });
  await emulator.fault({ target: 'd-gpt4o', kind: '500', count: 1 });
  const stream = await ask('stream on', { stream: true });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Echo: stream on');
});

test('an error event as the first streamed event fails over invisibly', async () => {
  await freshProxy();
  await emulator.fault({ target: '*', kind: 'stream_error', count: 1 });
  const stream = await ask('error first', { stream: true });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Echo: error first');
  const recs = (await emulator.requests()).filter((r) => r.path.endsWith('/chat/completions'));
  assert.deepEqual(recs.map((r) => r.fault ?? null), ['stream_error', null]);
  assert.notEqual(recs[0].deployment, recs[1].deployment);
});

test('a stream dropped mid-way ends with an error, never a silent truncation', async () => {
  await freshProxy();
  await emulator.fault({ target: '*', kind: 'drop', after_events: 3, count: 2 });
  const stream = await ask('one two three four five six seven eight', { stream: true });
  let text = '';
  await assert.rejects(async () => {
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  }, (e) => /upstream|interrupted|ended/i.test(String(e.message ?? e)));
  assert.ok(text.length < 'Echo: one two three four five six seven eight'.length);
});

test('a connection broken at any event, even right after [DONE], never yields events after the end', async () => {
  // Whatever event the upstream connection dies after (including after [DONE], before its last
  // chunk), the client sees one end: either the whole answer and [DONE], or an error event and
  // [DONE] — never an error appended after [DONE].
  const content = 'alpha beta gamma';
  // Its own proxy that never cools a deployment: every attempt here is about the stream's end.
  const cfg = writeConfig(emulator.url, { extra: { retry: { max_attempts: 4, base_delay_ms: 20, max_delay_ms: 100, failure_threshold: 1000 } } });
  const own = await startProxy(cfg.path);
  try {
  for (let k = 1; k <= 14; k++) {
    await emulator.reset();
    // k 13, 14: the whole stream and [DONE] arrive, then the connection dies before its last chunk.
    await emulator.fault({ target: '*', kind: k % 2 ? 'reset' : 'drop', after_events: k, count: 1, after_done: k > 12 });
    const r = await fetch(own.url + '/v1/chat/completions', {
      method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content }] }),
    });
    assert.equal(r.status, 200, `after ${k} events`);
    const events = (await r.text()).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
    assert.equal(events.at(-1), '[DONE]', `after ${k} events: ${events.join(' | ')}`);
    assert.equal(events.indexOf('[DONE]'), events.length - 1, `after ${k} events: ${events.join(' | ')}`);
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e));
    const text = parsed.map((j) => j.choices?.[0]?.delta?.content ?? '').join('');
    if (!parsed.some((j) => j.error)) assert.equal(text, `Echo: ${content}`, `after ${k} events`);
  }
  } finally { await own.stop(); }
});

test('an answer cut short of its Content-Length fails over instead of passing for complete', async () => {
  await freshProxy();
  await emulator.fault({ target: '*', kind: 'truncate', count: 1 });
  assert.equal((await ask('whole please')).choices[0].message.content, 'Echo: whole please');
  const recs = (await emulator.requests()).filter((r) => r.path.endsWith('/chat/completions'));
  assert.deepEqual(recs.map((r) => r.fault ?? null), ['truncate', null]);
  assert.notEqual(recs[0].deployment, recs[1].deployment);
  assert.match(proxy.logs(), /upstream closed the connection while reading the body after \d+ of \d+ bytes/);
});

test('a stream cut inside its first event, before anything reached the client, fails over invisibly', async () => {
  await freshProxy();
  await emulator.fault({ target: '*', kind: 'truncate', after_bytes: 40, count: 1 });
  const stream = await ask('cut early', { stream: true });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Echo: cut early');
  const recs = (await emulator.requests()).filter((r) => r.path.endsWith('/chat/completions'));
  assert.deepEqual(recs.map((r) => r.fault ?? null), ['truncate', null]);
});

test('retry.deadline_s bounds the whole request, its attempts included', async () => {
  // Each attempt may wait 30 s for an answer (read_timeout_s); the request may take 2 s in all.
  await freshProxy({ retry: { ...retry, deadline_s: 2 }, upstream: { read_timeout_s: 30 } });
  await emulator.fault({ target: '*', kind: 'slow', delay_ms: 8000, count: 2 });
  const t0 = Date.now();
  const r = await post(proxy.url, { model: 'gpt-4o', messages: [{ role: 'user', content: 'in time?' }] });
  const ms = Date.now() - t0;
  assert.equal(r.status, 502);
  assert.match((await r.json()).error.message, /upstream failed after 1 attempt\(s\): upstream did not answer within retry\.deadline_s \(2 s\)/);
  assert.ok(ms >= 1900 && ms < 4000, `answered after ${ms} ms`);
  await emulator.clearFaults();
});

test('an answer beyond upstream.max_response_bytes is an upstream failure, not read to its end', async () => {
  await freshProxy({ upstream: { read_timeout_s: 5, max_response_bytes: 65536 } });
  // 2,000 embeddings of 8 dimensions: ~270 KB of JSON from the only embeddings deployment.
  const r = await fetch(proxy.url + '/v1/embeddings', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'text-embedding-3-small', input: Array.from({ length: 2000 }, (_, i) => `text ${i}`) }),
  });
  // 502, or 503 once its repeated failures cooled the deployment (as for any upstream failure).
  assert.ok([502, 503].includes(r.status), `status ${r.status}`);
  assert.match((await r.json()).error.message, /upstream answer of \d+ bytes exceeds the limit of 65536 bytes \(upstream\.max_response_bytes\)/);
  assert.match(proxy.logs(), /deployment d-embed: upstream answer of \d+ bytes exceeds the limit of 65536 bytes/);
});

test('a streamed event beyond 16 MiB ends the stream with an error, never an unbounded buffer', async () => {
  await freshProxy({ upstream: { read_timeout_s: 10 } });
  // The emulator streams its echo word by word: "Echo:" reaches the client, then one 17 MB word
  // is one 17 MB event.
  const r = await post(proxy.url, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x'.repeat(17 << 20) }] });
  assert.equal(r.status, 200);
  const events = (await r.text()).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
  assert.equal(events.at(-1), '[DONE]');
  assert.match(events.at(-2), /"message":"upstream stream: an SSE line exceeds 16777216 bytes"/);
  assert.ok(events.length <= 4, 'nothing of the giant event was passed on');
});

test('the token endpoint down: a clear 502 naming the subaccount, few token calls, then recovery', async () => {
  const cfg = writeConfig(emulator.url, {
    models: { a: { 'gpt-4o': [`${emulator.url}/v2/inference/deployments/d-gpt4o`] }, b: {} },
    aliases: {},
    extra: { retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 50, deadline_s: 5 } },
  });
  const solo = await startProxy(cfg.path);
  const chat = (content) => fetch(solo.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] }),
  });
  const tokenCalls = async () => (await emulator.requests()).filter((r) => r.path === '/oauth/token').length;
  try {
    await emulator.reset();
    await emulator.fault({ target: 'oauth', kind: '500', count: -1 });
    const r = await chat('x');
    assert.equal(r.status, 502);
    const body = await r.json();
    assert.match(body.error.message, /sub-a/);
    assert.ok(!/demo-secret/.test(JSON.stringify(body)));
    // The failure is remembered (1 s, doubling up to 30 s): 20 more requests and the request's
    // own second attempt cost the token endpoint nothing.
    for (let i = 0; i < 20; i++) {
      const again = await chat('x');
      assert.equal(again.status, 502);
      assert.match((await again.json()).error.message, /sub-a: token request failed \(HTTP 500\).*next token request in \d+ s/);
    }
    assert.equal(await tokenCalls(), 1);
    await emulator.clearFaults();
    // Recovery once the back-off has passed: poll the proxy itself, no fixed wait.
    const t0 = Date.now();
    let ok;
    while (!ok && Date.now() - t0 < 5000) {
      const res = await chat('back');
      if (res.status === 200) ok = await res.json();
      else { await res.body?.cancel(); await new Promise((r) => setTimeout(r, 50)); }  // poll interval
    }
    assert.equal(ok?.choices[0].message.content, 'Echo: back');
    assert.ok(await tokenCalls() <= 3, 'at most one token call per back-off period');
  } finally { await solo.stop(); }
});
