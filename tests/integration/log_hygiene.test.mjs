// Logs an operator can trust: no fragment of a secret from a malformed key file (at start-up or
// on SIGHUP), one line per event whatever a client puts in a model name, and a warning for SAP
// URLs that would carry secrets in clear text to another machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProxy, startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

const SECRET = 'Zq7#Xw!9Kp~42Vt$';
// Whether any 4 consecutive characters of the secret appear in `text`.
const leaks = (text) => [...Array(SECRET.length - 3).keys()].some((i) => text.includes(SECRET.slice(i, i + 4)));
async function until(fn, what) {
  for (let i = 0; i < 100; i++) { if (await fn()) return; await new Promise((r) => setTimeout(r, 50)); }  // poll interval
  assert.fail(`timed out waiting for ${what}`);
}

test('a malformed service-key file prints no fragment of its secret, at start-up or on SIGHUP', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url);
  const keyFile = join(cfg.dir, 'keys', 'a.json');
  // The syntax error sits right in the secret: nlohmann's message would quote it ("last read").
  const broken = `{"clientid":"demo-client","clientsecret":"${SECRET}\n","url":"${emulator.url}"}`;
  try {
    writeFileSync(keyFile, broken);
    const r = await runProxy(['--config', cfg.path, '--check-config']);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /config error: subAccounts\.sub-a\.service_key_json \(keys\/a\.json\): invalid JSON: .*parse error at line \d+, column \d+/);
    assert.ok(!leaks(r.out), r.out);

    writeFileSync(keyFile, JSON.stringify({ clientid: 'demo-client', clientsecret: 'demo-secret', url: emulator.url,
      serviceurls: { AI_API_URL: emulator.url } }));
    const proxy = await startProxy(cfg.path);
    try {
      writeFileSync(keyFile, broken);
      proxy.proc.kill('SIGHUP');
      await until(async () => /reload refused/.test(proxy.logs()), 'the refusal');
      assert.match(proxy.logs(), /reload refused, keeping the current one: subAccounts\.sub-a\.service_key_json/);
      assert.ok(!leaks(proxy.logs()), proxy.logs());
    } finally { await proxy.stop(); }
  } finally { await emulator.stop(); }
});

test('a newline in a model name cannot forge an access-log line', async () => {
  const emulator = await startEmulator();
  const proxy = await startProxy(writeConfig(emulator.url).path);
  try {
    const forged = '2026-01-01T00:00:00.000+0000 info access id=req_forged POST /v1/chat/completions status=200';
    const r = await fetch(proxy.url + '/v1/chat/completions', {
      method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: `gpt-4o\r\n${forged}\u001b[2J`, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(r.status, 404);
    await until(async () => /req_forged/.test(proxy.logs()), 'the access line');
    const lines = proxy.logs().split('\n').filter((l) => l.includes('req_forged'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^\S+ info access id=req_[0-9a-f]{24} POST \/v1\/chat\/completions .*model=gpt-4o\\r\\n2026-01-01T00:00:00\.000\+0000\\x20info\\x20access\\x20id=req_forged.*\\x1b\[2J .*status=404/);
    assert.ok(!proxy.logs().includes('\u001b[2J'), 'no raw escape sequence reaches the terminal');
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('plain http:// SAP URLs towards another machine are warned about at start-up', async () => {
  const emulator = await startEmulator();
  try {
    const cfg = writeConfig(emulator.url);
    const far = 'http://10.20.30.40:8080';
    const config = structuredClone(cfg.config);
    config.subAccounts['sub-b'].service_key.url = far;
    config.subAccounts['sub-b'].service_key.serviceurls.AI_API_URL = far;
    config.subAccounts['sub-b'].deployment_models['gpt-4o'] = [`${far}/v2/inference/deployments/d`];
    writeFileSync(cfg.path, JSON.stringify(config));
    const r = await runProxy(['--config', cfg.path, '--check-config']);
    assert.equal(r.code, 0, r.out);
    for (const field of ['service_key.url', 'service_key.serviceurls.AI_API_URL', 'deployment_models.gpt-4o\\[0\\]'])
      assert.match(r.out, new RegExp(`warn.*config: subAccounts\\.sub-b\\.${field}: http:// to 10\\.20\\.30\\.40 \\(not this machine\\)`), r.out);
    assert.doesNotMatch(r.out, /sub-a.*http:\/\//, 'the loopback emulator is fine');
  } finally { await emulator.stop(); }
});

test('log.format "json": every line is one JSON object; access lines carry the fields, usage and no key', async () => {
  const emulator = await startEmulator();
  const proxy = await startProxy(writeConfig(emulator.url, { extra: { log: { format: 'json' } } }).path);
  try {
    const headers = { authorization: 'Bearer test-key-1', 'content-type': 'application/json' };
    const ok = await fetch(proxy.url + '/v1/chat/completions', {
      method: 'POST', headers, body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(ok.status, 200);
    const id = ok.headers.get('x-request-id');
    await ok.text();
    const odd = 'gpt-4o","status":200,"x":"\n\u001b[2J';
    const bad = await fetch(proxy.url + '/v1/chat/completions', {
      method: 'POST', headers, body: JSON.stringify({ model: odd, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(bad.status, 404);
    const badId = bad.headers.get('x-request-id');
    await until(async () => proxy.logs().includes(badId), 'both access lines');

    // The one line on stdout is the start-up banner scripts wait for; every log line is JSON.
    const lines = proxy.logs().split('\n').filter((l) => l && !l.startsWith('aicore-proxy listening on'));
    const records = lines.map((l) => { try { return JSON.parse(l); } catch { assert.fail(`not JSON: ${l}`); } });
    for (const r of records) {
      assert.match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['debug', 'info', 'warning', 'error', 'critical'].includes(r.level), r.level);
    }
    assert.ok(records.some((r) => /listening on/.test(r.msg ?? '')), 'start-up lines are JSON too');
    const a = records.find((r) => r.event === 'access' && r.id === id);
    assert.ok(a, 'the access record of the chat request');
    assert.equal(a.method, 'POST');
    assert.equal(a.path, '/v1/chat/completions');
    assert.equal(a.dialect, 'openai.chat');
    assert.equal(a.model, 'gpt-4o');
    assert.equal(a.plugin, 'openai');
    assert.equal(a.subaccount, 'sub-a');
    assert.equal(a.status, 200);
    assert.equal(a.attempts, 1);
    assert.equal(a.stream, false);
    assert.ok(a.prompt_tokens > 0 && a.completion_tokens > 0, JSON.stringify(a));
    assert.ok(a.latency_ms >= 0 && a.ttfb_ms >= 0, JSON.stringify(a));
    const b = records.find((r) => r.event === 'access' && r.id === badId);
    assert.equal(b.status, 404);
    assert.equal(b.model, odd, 'a client value stays one member');
    assert.ok(!proxy.logs().includes('test-key-1'), 'no client key in the logs');
    assert.ok(!proxy.logs().includes('\u001b[2J'), 'no raw escape sequence reaches the terminal');
  } finally { await proxy.stop(); await emulator.stop(); }
});
