// SIGHUP keeps what still works: the OAuth token of every subaccount whose token request did not
// change (same token URL, client id and secret) and the cooldown of every deployment URL that
// stays. Observed from the emulator's token counters and request log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

const chat = (url, key, content = 'x') => fetch(url + '/v1/chat/completions', {
  method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] }),
});
async function until(fn, what) {
  for (let i = 0; i < 100; i++) { if (await fn()) return; await new Promise((r) => setTimeout(r, 50)); }  // poll interval
  assert.fail(`timed out waiting for ${what}`);
}

test('SIGHUP keeps unchanged subaccounts\' tokens and unchanged deployments\' cooldowns', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, { keys: ['key-1'] });
  const proxy = await startProxy(cfg.path);
  const reload = async (config, newKey) => {
    writeFileSync(cfg.path, JSON.stringify({ ...config, secret_authentication_tokens: [newKey] }));
    proxy.proc.kill('SIGHUP');
    await until(async () => (await chat(proxy.url, newKey)).status === 200, `the reload with ${newKey}`);
  };
  const hits = async () => (await emulator.requests()).filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => `${r.deployment}:${r.status}`);
  try {
    for (let i = 0; i < 4; i++) assert.equal((await chat(proxy.url, 'key-1')).status, 200);
    assert.deepEqual((await emulator.stats()).token_fetches, { 'demo-client': 1, 'demo-client-2': 1 });

    // d-gpt4o (sub-a) is told to back off for a minute.
    await emulator.fault({ target: 'd-gpt4o', kind: '429', retry_after: 60, count: 1 });
    for (let i = 0; i < 2; i++) assert.equal((await chat(proxy.url, 'key-1')).status, 200);
    assert.ok((await hits()).includes('d-gpt4o:429'), (await hits()).join(' '));

    await reload(cfg.config, 'key-2');  // only the client keys change
    await emulator.clearRequests();
    for (let i = 0; i < 6; i++) assert.equal((await chat(proxy.url, 'key-2')).status, 200);
    assert.deepEqual(await hits(), Array(6).fill('d-gpt4o-b:200'), 'd-gpt4o still cools after the reload');
    assert.deepEqual((await emulator.stats()).token_fetches, { 'demo-client': 1, 'demo-client-2': 1 },
      'no subaccount fetched a new token');
    assert.match(proxy.logs(), /configuration reloaded/);

    // sub-b's token URL changes (localhost instead of 127.0.0.1): a new credential, a new token.
    const changed = structuredClone(cfg.config);
    const localhost = emulator.url.replace('127.0.0.1', 'localhost');
    changed.subAccounts['sub-b'].service_key.url = localhost;
    await reload(changed, 'key-3');
    for (let i = 0; i < 2; i++) assert.equal((await chat(proxy.url, 'key-3')).status, 200);
    assert.deepEqual((await emulator.stats()).token_fetches, { 'demo-client': 1, 'demo-client-2': 2 });
  } finally { await proxy.stop(); await emulator.stop(); }
});
