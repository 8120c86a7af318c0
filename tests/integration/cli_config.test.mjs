// The binary's command line and start-up: config errors name the field (exit 2), the shipped
// example configs validate, plugins are listed, and no secret reaches the logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { runProxy, startEmulator, startProxy, writeConfig, SOURCE_DIR, tempDir } from './lib/harness.mjs';

test('--version, --help and an unknown flag', async () => {
  const v = await runProxy(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.out, /^aicore-proxy \d+\.\d+\.\d+ \(plugin ABI 1\.\d+\)/);
  const h = await runProxy(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /--check-config/);
  const bad = await runProxy(['--frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /unknown argument '--frobnicate'/);
});

test('the shipped example configs validate', async () => {
  for (const f of ['etc/config.example.json', 'etc/demo/config.json']) {
    const r = await runProxy(['--config', join(SOURCE_DIR, f), '--check-config']);
    assert.equal(r.code, 0, `${f}: ${r.out}`);
    assert.match(r.out, /configuration OK: 2 subaccount\(s\)/);
  }
});

test('a broken config names the field and exits 2', async () => {
  const dir = tempDir('aicore-bad-');
  const cases = [
    [{ subAccounts: { acc1: { service_key_json: 'keys/acc1.json', deployment_models: {} } } },
      'subAccounts.acc1.service_key_json: file not found: keys/acc1.json'],
    [{ subAccounts: {} }, 'subAccounts: must contain at least one subaccount'],
    [{ subAccounts: { a: { service_key: { clientid: 'x' }, deployment_models: {} } } },
      'subAccounts.a.service_key.clientsecret: missing'],
  ];
  for (const [cfg, message] of cases) {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify(cfg));
    const r = await runProxy(['--config', path]);
    assert.equal(r.code, 2, r.out);
    assert.ok(r.out.includes(message), `expected "${message}" in:\n${r.out}`);
  }
  writeFileSync(join(dir, 'broken.json'), '{"subAccounts": {');
  const r = await runProxy(['--config', join(dir, 'broken.json')]);
  assert.equal(r.code, 2);
  assert.match(r.out, /invalid JSON/);
});

test('--list-plugins shows each plugin, its version and interfaces', async () => {
  const r = await runProxy(['--config', join(SOURCE_DIR, 'etc/demo/config.json'), '--list-plugins']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /auth \S+\s+\[loaded\]/);
  assert.match(r.out, /openai \S+\s+\[loaded\]/);
  assert.match(r.out, /acp\.provider\.v1/);
  assert.match(r.out, /acp\.client_auth\.v1 acp\.upstream_auth\.v1/);
});

test('a disabled provider is not used and its models answer 404', async () => {
  const emulator = await startEmulator();
  try {
    const cfg = writeConfig(emulator.url, { extra: { plugins: { disabled: ['openai'] } } });
    const proxy = await startProxy(cfg.path);
    try {
      const client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
      await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
        (e) => e.status === 404);
      assert.match(proxy.logs(), /plugin openai .*disabled/);
    } finally { await proxy.stop(); }
  } finally { await emulator.stop(); }
});

test('no secret reaches the logs, even at debug level', async () => {
  const emulator = await startEmulator();
  try {
    const cfg = writeConfig(emulator.url);
    const proxy = await startProxy(cfg.path, ['--debug']);
    let tokens = [];
    try {
      const client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
      await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'secret test' }] });
      await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'secret test' }] });
      const s = await client.chat.completions.create({ model: 'gpt-5', stream: true, messages: [{ role: 'user', content: 's' }] });
      for await (const _ of s) { /* drain */ }
      await assert.rejects(new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'wrong-key-value', maxRetries: 0 }).models.list());
      // The Gemini API's keys: the x-goog-api-key header and the ?key= query parameter.
      const gemini = (query, headers = {}) => fetch(`${proxy.url}/v1beta/models/gpt-4o:${query}`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'secret test' }] }] }),
      });
      assert.equal((await gemini('generateContent', { 'x-goog-api-key': 'test-key-1' })).status, 200);
      assert.equal((await gemini('generateContent?key=test-key-2')).status, 200);
      assert.equal((await (await gemini('streamGenerateContent?key=test-key-2')).text()).startsWith('['), true);
      assert.equal((await gemini('generateContent?key=wrong-key-value')).status, 401);
      tokens = (await emulator.requests()).map((r) => r.headers.authorization).filter(Boolean).map((a) => a.replace(/^Bearer /, ''));
    } finally { await proxy.stop(); }
    const logs = proxy.logs();
    assert.match(logs, /access id=req_/, 'the access log was written');
    assert.match(logs, /upstream body/, 'debug bodies were logged');
    const secrets = ['test-key-1', 'test-key-2', 'demo-secret', 'demo-secret-2', 'wrong-key-value', ...new Set(tokens)];
    assert.ok(tokens.length > 0);
    for (const s of secrets) assert.ok(!logs.includes(s), `secret ${s.slice(0, 4)}… appears in the logs`);
  } finally { await emulator.stop(); }
});
