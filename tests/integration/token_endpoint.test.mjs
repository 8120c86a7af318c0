// A hanging token endpoint costs upstream.token_timeout_s once, shared by every request that
// waited for it, and is then remembered (back-off) instead of being asked again per request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

test('a hanging token endpoint costs upstream.token_timeout_s, once', async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, {
    models: { a: { 'gpt-4o': [`${emulator.url}/v2/inference/deployments/d-gpt4o`] }, b: {} },
    aliases: {},
    extra: { upstream: { token_timeout_s: 1 }, retry: { max_attempts: 2, base_delay_ms: 10, max_delay_ms: 50 } },
  });
  const proxy = await startProxy(cfg.path);
  const chat = () => fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
  });
  try {
    // One slow answer only: a second token request would get a token at once.
    await emulator.fault({ target: 'oauth', kind: 'slow', delay_ms: 3000, count: 1 });
    const t0 = Date.now();
    const answers = await Promise.all(Array.from({ length: 5 }, chat));
    const elapsed = Date.now() - t0;
    for (const r of answers) {
      assert.equal(r.status, 502);
      assert.match((await r.json()).error.message, /subaccount sub-a: token endpoint unreachable: upstream did not answer in time/);
    }
    assert.ok(elapsed >= 900 && elapsed < 2500, `one token timeout for all five (${elapsed} ms)`);
    assert.deepEqual(await emulator.pendingFaults(), []);
  } finally { await proxy.stop(); await emulator.stop(); }
});
