// Process lifecycle: SIGHUP reloads (or refuses a broken config and keeps the old one), SIGTERM
// drains in-flight requests before exiting 0, and a full proxy answers 503 instead of queueing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { writeFileSync, readFileSync } from 'node:fs';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

const chat = (url, key, content = 'x') => fetch(url + '/v1/chat/completions', {
  method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] }),
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Polls observable state (never a fixed wait standing in for synchronisation).
async function until(fn, what) {
  for (let i = 0; i < 100; i++) { if (await fn()) return; await sleep(50); }
  assert.fail(`timed out waiting for ${what}`);
}
// The emulator takes a fault when its request arrives (before the fault's delay): once none is
// pending, the slow requests are in flight upstream.
const faultTaken = (emulator) => async () => (await emulator.pendingFaults()).length === 0;
// A queued fault is taken when its request reaches the emulator (before a slow one sleeps): no
// pending faults means the requests are in flight upstream.
const reachedUpstream = (emulator) => until(async () =>
  (await (await fetch(emulator.url + '/_emulator/faults')).json()).length === 0, 'the requests to reach the upstream');

test('SIGHUP reloads keys and refuses a broken config, keeping the old one', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, { keys: ['old-key-1'] });
  const proxy = await startProxy(cfg.path);
  try {
    assert.equal((await chat(proxy.url, 'old-key-1')).status, 200);
    writeFileSync(cfg.path, JSON.stringify({ ...cfg.config, secret_authentication_tokens: ['new-key-2'] }));
    proxy.proc.kill('SIGHUP');
    await until(async () => (await chat(proxy.url, 'new-key-2')).status === 200, 'the new key');
    assert.equal((await chat(proxy.url, 'old-key-1')).status, 401);

    writeFileSync(cfg.path, '{"subAccounts": {"broken": {}}}');
    proxy.proc.kill('SIGHUP');
    await until(async () => /reload refused/.test(proxy.logs()), 'the refusal');
    assert.match(proxy.logs(), /subAccounts\.broken\.service_key_json: missing/);
    assert.equal((await chat(proxy.url, 'new-key-2')).status, 200, 'the previous config is still in force');
    assert.equal(proxy.proc.exitCode, null);
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('SIGTERM lets an in-flight request finish, then exits 0', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url);
  const proxy = await startProxy(cfg.path);
  try {
    assert.equal((await chat(proxy.url, 'test-key-1')).status, 200);  // tokens cached
    await emulator.fault({ target: '*', kind: 'slow', delay_ms: 1500, count: 1 });
    const inflight = chat(proxy.url, 'test-key-1', 'finish me');
    await until(faultTaken(emulator), 'the request to reach the upstream');
    const exited = proxy.stop();  // SIGTERM
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.equal((await r.json()).choices[0].message.content, 'Echo: finish me');
    assert.equal(await exited, 0);
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('during the drain, a new request on an idle keep-alive connection gets 503 and the connection closes', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url);
  const proxy = await startProxy(cfg.path);
  const { port } = new URL(proxy.url);
  const sock = net.connect(Number(port), '127.0.0.1');
  let got = '';
  sock.on('data', (d) => { got += d.toString(); });
  const closed = new Promise((r) => sock.on('close', r));
  sock.on('error', () => {});
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'keep me' }] });
  const request = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key-1\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  // A second idle keep-alive connection, to watch /health on.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const health = () => new Promise((r) => {
    http.get({ host: '127.0.0.1', port: Number(port), path: '/health', agent }, (res) => { res.resume(); r(res.statusCode); })
      .on('error', () => r(0));
  });
  try {
    await new Promise((r) => sock.once('connect', r));
    assert.equal(await health(), 200);
    sock.write(request);
    await until(async () => got.includes('Echo: keep me'), 'the first answer');
    // Keep the server busy so the drain lasts, then use the idle connection again.
    await emulator.fault({ target: '*', kind: 'slow', delay_ms: 1500, count: 1 });
    const inflight = chat(proxy.url, 'test-key-1', 'hold the drain');
    await until(faultTaken(emulator), 'the request to reach the upstream');
    const exited = proxy.stop();
    // The drain has begun once /health, asked on another connection opened before, says so.
    await until(async () => (await health()) === 503, 'the drain to begin');
    got = '';
    sock.write(request);
    await closed;
    assert.match(got, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(got, /connection: close/i);
    assert.match(got, /shutting down/);
    assert.equal((await inflight).status, 200, 'the request in flight still finishes');
    assert.equal(await exited, 0);
  } finally { sock.destroy(); agent.destroy(); await proxy.stop(); await emulator.stop(); }
});

test('at capacity the proxy answers 503 with Retry-After at once', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, { extra: { server: { max_threads: 8, min_threads: 2, max_in_flight: 2 } } });
  const proxy = await startProxy(cfg.path);
  try {
    assert.equal((await chat(proxy.url, 'test-key-1')).status, 200);
    await emulator.fault({ target: '*', kind: 'slow', delay_ms: 1500, count: 2 });
    const slow = [chat(proxy.url, 'test-key-1'), chat(proxy.url, 'test-key-1')];
    await until(faultTaken(emulator), 'both requests to reach the upstream');
    const t0 = Date.now();
    const busy = await chat(proxy.url, 'test-key-1');
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '1');
    assert.ok(Date.now() - t0 < 500, 'answered at once');
    assert.match((await busy.json()).error.message, /capacity/);
    for (const r of await Promise.all(slow)) assert.equal(r.status, 200);
    assert.equal((await chat(proxy.url, 'test-key-1')).status, 200, 'serves again once a slot frees');
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('the drain deadline is hard: a request still waiting for its upstream gets 503 and the proxy exits', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, { extra: { server: { drain_timeout_s: 1 }, upstream: { read_timeout_s: 120 } } });
  const proxy = await startProxy(cfg.path);
  try {
    assert.equal((await chat(proxy.url, 'test-key-1')).status, 200);  // tokens cached
    await emulator.fault({ target: '*', kind: 'slow', delay_ms: 6000, count: 1 });
    const inflight = chat(proxy.url, 'test-key-1', 'never answered');
    await reachedUpstream(emulator);
    const t0 = Date.now();
    const exited = proxy.stop();  // SIGTERM
    const r = await inflight;
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.match((await r.json()).error.message, /the proxy is shutting down/);
    assert.equal(await exited, 0);
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `exited ${ms} ms after SIGTERM (drain_timeout_s 1, the upstream answers after 6 s)`);
    assert.match(proxy.logs(), /drain deadline reached: ending 1 request\(s\) still in flight/);
    assert.match(proxy.logs(), /access id=req_\w+ POST \/v1\/chat\/completions .*status=503 .*error=the proxy is shutting down/);
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('the drain deadline ends a running stream with an error event, and the access log says so', async () => {
  const emulator = await startEmulator(['--chunk-delay-ms', '200']);
  const cfg = writeConfig(emulator.url, { extra: { server: { drain_timeout_s: 1 } } });
  const proxy = await startProxy(cfg.path);
  try {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');  // ~12 s of events
    const r = await fetch(proxy.url + '/v1/chat/completions', {
      method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: words }] }),
    });
    assert.equal(r.status, 200);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(' w0')) {  // the stream is under way
      const { done, value } = await reader.read();
      assert.ok(!done, 'the stream ended before its first words');
      text += decoder.decode(value, { stream: true });
    }
    const t0 = Date.now();
    const exited = proxy.stop();  // SIGTERM
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const events = text.split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
    assert.equal(events.at(-1), '[DONE]');
    assert.match(events.at(-2), /"error":\{"message":"upstream stream interrupted: the proxy is shutting down/);
    assert.ok(!events.slice(0, -1).some((e) => e === '[DONE]'));
    assert.equal(await exited, 0);
    assert.ok(Date.now() - t0 < 5000, 'exited soon after the drain deadline');
    assert.match(proxy.logs(), /access id=req_\w+ POST \/v1\/chat\/completions .*status=200 .*error=the proxy is shutting down/);
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('the drain deadline also ends a request waiting for its token: 503, not a token error', async () => {
  const emulator = await startEmulator();
  // One attempt: the aborted token fetch is the request's last failure.
  const cfg = writeConfig(emulator.url, { extra: { server: { drain_timeout_s: 1 }, upstream: { token_timeout_s: 30 }, retry: { max_attempts: 1 } } });
  const proxy = await startProxy(cfg.path);
  try {
    await emulator.fault({ target: 'oauth', kind: 'slow', delay_ms: 6000, count: 1 });
    const inflight = chat(proxy.url, 'test-key-1', 'no token yet');
    await reachedUpstream(emulator);  // the token request is held by the emulator
    const exited = proxy.stop();
    const r = await inflight;
    assert.equal(r.status, 503);
    assert.match((await r.json()).error.message, /the proxy is shutting down/);
    assert.equal(await exited, 0);
  } finally { await proxy.stop(); await emulator.stop(); }
});
