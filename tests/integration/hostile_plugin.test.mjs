// A plugin that returns broken output (tests/abi/fake/misbehaving.cpp) costs only its own
// requests a clear error — never a 200 with bytes the client's SDK cannot parse — and the log
// names it; every other model keeps being served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, startEmulator, startProxy, writeConfig, tempDir } from './lib/harness.mjs';

test('broken plugin output becomes a 5xx or an error event, and the log names the plugin', async () => {
  const plugins = tempDir('aicore-plugins-');
  for (const so of ['auth.so', 'openai.so']) copyFileSync(join(BUILD_DIR, 'plugins', so), join(plugins, so));
  copyFileSync(join(BUILD_DIR, 'tests/abi/hostile-plugins/misbehaving.so'), join(plugins, 'misbehaving.so'));
  const emulator = await startEmulator();
  const dep = `${emulator.url}/v2/inference/deployments/d-gpt4o`;
  const models = { 'gpt-4o': [dep], 'bad-json': [dep], 'bad-sse': [dep], 'bad-throw': [dep] };
  const cfg = writeConfig(emulator.url, { models: { a: models, b: { 'gpt-4o': [dep] } }, aliases: {} });
  const proxy = await startProxy(cfg.path, ['--plugin-dir', plugins]);
  const chat = (model, stream = false) => fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
  try {
    const json = await chat('bad-json');
    assert.equal(json.status, 502);
    assert.match((await json.json()).error.message, /plugin misbehaving produced an invalid response: not a JSON document/);

    const thrown = await chat('bad-throw');
    assert.equal(thrown.status, 500);
    assert.match((await thrown.json()).error.message, /converter crashed/);

    // Nothing was sent yet when the plugin wrote its broken event: a plain 500, not a 200 stream.
    const sse = await chat('bad-sse', true);
    assert.equal(sse.status, 500);
    assert.match((await sse.json()).error.message, /plugin misbehaving wrote a malformed stream event: a|an event not ended/);

    // Everyone else is unaffected.
    const ok = await chat('gpt-4o');
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).choices[0].message.content, 'Echo: hi');
    assert.match(proxy.logs(), /plugin misbehaving converted the response into a body that is not a JSON document/);
    assert.match(proxy.logs(), /plugin misbehaving stream: plugin misbehaving wrote a malformed stream event/);
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('a plugin cannot smuggle CR/LF or override the host\'s headers: 500 naming it, nothing sent upstream', async () => {
  const plugins = tempDir('aicore-plugins-');
  for (const so of ['auth.so', 'openai.so']) copyFileSync(join(BUILD_DIR, 'plugins', so), join(plugins, so));
  copyFileSync(join(BUILD_DIR, 'tests/abi/hostile-plugins/misbehaving.so'), join(plugins, 'misbehaving.so'));
  const emulator = await startEmulator();
  const dep = `${emulator.url}/v2/inference/deployments/d-gpt4o`;
  const bad = ['bad-target', 'bad-header', 'bad-auth', 'bad-group', 'bad-length', 'bad-status'];
  const models = Object.fromEntries([['gpt-4o', [dep]], ...bad.map((m) => [m, [dep]])]);
  const cfg = writeConfig(emulator.url, { models: { a: models, b: { 'gpt-4o': [dep] } }, aliases: {} });
  const proxy = await startProxy(cfg.path, ['--plugin-dir', plugins]);
  const chat = (model) => fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const expected = {
    'bad-target': [500, /plugin misbehaving produced an invalid upstream request: target '.*\\x0d\\x0aX-Smuggled.*' contains whitespace or control characters/],
    'bad-header': [500, /plugin misbehaving produced an invalid upstream request: header X-Note has a value with control characters/],
    'bad-auth': [500, /plugin misbehaving produced an invalid upstream request: header authorization is set by the host; a plugin may not set it/],
    'bad-group': [500, /header AI-Resource-Group is set by the host/],
    'bad-length': [500, /header Content-Length is set by the host/],
    'bad-status': [502, /plugin misbehaving produced an invalid answer: status 1000 is not a final HTTP status \(200-599\)/],
  };
  try {
    assert.equal((await chat('gpt-4o')).status, 200);
    await emulator.clearRequests();
    for (const [model, [status, message]] of Object.entries(expected)) {
      const r = await chat(model);
      assert.equal(r.status, status, model);
      assert.match((await r.json()).error.message, message, model);
    }
    assert.deepEqual(await emulator.requests(), [], 'nothing reached the upstream');
    assert.match(proxy.logs(), /error request req_\w+: plugin misbehaving produced an invalid upstream request: header authorization/);
    assert.equal((await chat('gpt-4o')).status, 200, 'everyone else is unaffected');
  } finally { await proxy.stop(); await emulator.stop(); }
});
