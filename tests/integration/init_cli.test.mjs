// `aicore-proxy init`: from service keys alone to a config that serves, as the README's "First
// minute" runs it. The written config discovers every key's deployments (so GPT, Claude and
// Gemini answer with no deployment URL copied by hand), holds the fresh client key only as its
// SHA-256 (the key itself is printed once), is readable by its owner only, and is never
// overwritten without --force. A key that does not load is refused before anything is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, startEmulator, startProxy, tempDir } from './lib/harness.mjs';

let emulator;
let dir;

before(async () => {
  emulator = await startEmulator();
  dir = tempDir('aicore-init-');
  // Two subaccounts' keys as BTP hands them out (the first names its identity zone).
  writeFileSync(join(dir, 'acme.json'), JSON.stringify({
    clientid: 'demo-client', clientsecret: 'demo-secret', url: emulator.url, identityzone: 'acme',
    identityzoneid: 'zone-acme', serviceurls: { AI_API_URL: emulator.url },
  }));
  writeFileSync(join(dir, 'second.json'), JSON.stringify({
    clientid: 'demo-client-2', clientsecret: 'demo-secret-2', url: emulator.url, serviceurls: { AI_API_URL: emulator.url },
  }));
});
after(async () => { await emulator?.stop(); });

function init(...args) {
  const r = spawnSync(join(BUILD_DIR, 'aicore-proxy'), ['init', ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function chat(proxy, key, model) {
  const r = await fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'first minute' }] }),
  });
  return { status: r.status, body: await r.json() };
}

test('init writes a discovering config and prints its key once; the proxy serves every family with it', async () => {
  const r = init('--service-key', 'acme.json', '--service-key', join(dir, 'second.json'), '--port', '0');
  assert.equal(r.code, 0, r.err);
  const key = /\n {2}(aic-[A-Za-z0-9_-]{43})\n/.exec(r.out)?.[1];
  assert.ok(key, r.out);
  assert.match(r.out, /aicore-proxy deployments --config config\.json/);

  const path = join(dir, 'config.json');
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes(key), 'the key itself is in the file');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const config = JSON.parse(text);
  assert.deepEqual(Object.keys(config.subAccounts), ['acme', 'subaccount2']);
  assert.equal(config.subAccounts.acme.service_key_json, join(dir, 'acme.json'));
  assert.equal(config.subAccounts.acme.deployment_models, undefined);
  assert.match(config.client_keys[0].key, /^sha256:[0-9a-f]{64}$/);

  const proxy = await startProxy(path);
  try {
    for (const model of ['gpt-4o', 'anthropic--claude-4.5-sonnet', 'gemini-2.5-pro']) {
      const a = await chat(proxy, key, model);
      assert.equal(a.status, 200, `${model}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.choices[0].message.content, 'Echo: first minute');
    }
    assert.equal((await chat(proxy, 'not-the-key', 'gpt-4o')).status, 401);
    assert.ok(!proxy.logs().includes(key), 'the client key reached the log');
  } finally { await proxy.stop(); }
});

test('init keeps an existing config unless --force, and refuses keys that do not load', () => {
  const before = readFileSync(join(dir, 'config.json'), 'utf8');
  const again = init('--service-key', 'acme.json');
  assert.equal(again.code, 2);
  assert.match(again.err, /config\.json exists; --force replaces it/);
  assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), before);

  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ clientid: 'x', url: emulator.url, serviceurls: { AI_API_URL: emulator.url } }));
  const broken = init('--service-key', 'broken.json', '--out', 'other.json');
  assert.equal(broken.code, 2);
  assert.match(broken.err, /subAccounts\.subaccount1\.service_key_json \(.*broken\.json\)\.clientsecret: missing/);
  assert.ok(!existsSync(join(dir, 'other.json')));

  assert.equal(init().code, 2);
  assert.equal(init('--service-key', 'acme.json', '--port', 'x').code, 2);

  const forced = init('--service-key', 'acme.json', '--force');
  assert.equal(forced.code, 0, forced.err);
  assert.equal(readFileSync(join(dir, 'config.json.bak'), 'utf8'), before);
});
