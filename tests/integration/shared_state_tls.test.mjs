// rediss://: the instances reach Redis over TLS (a real redis-server with --tls-port and a
// self-signed certificate), the certificate checked against shared_state.tls_ca_file and the host
// name in the URL. Without the CA, or under another name, nothing is shared and traffic goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';
import { freePort, skipWithoutRedis as skip, startRedis, until } from './lib/redis.mjs';

const password = 'redis-pw-' + Math.random().toString(36).slice(2);
const CLAUDE = 'anthropic--claude-4.5-sonnet';
let emulator;
let redis;
let port;
let cert;
const started = [];

function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'aicore-redis-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}
const redisCli = (...args) => execFileSync('redis-cli', ['--tls', '--cacert', cert.cert, '-h', '127.0.0.1', '-p', String(port),
  '-a', password, '--no-auth-warning', ...args], { encoding: 'utf8' }).trim();
async function proxyWith(sharedState) {
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, { models: { a: { 'gpt-4o': [dep('d-gpt4o')], [CLAUDE]: [dep('d-claude45sonnet')] }, b: { [CLAUDE]: [dep('d-claude-b')] } },
    extra: { usage: { enabled: false }, shared_state: sharedState } });
  const p = await startProxy(cfg.path);
  started.push(p);
  return p;
}
async function turn(proxy, session, text) {
  const r = await fetch(proxy.url + '/v1/messages', {
    method: 'POST',
    headers: { 'x-api-key': 'test-key-1', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    // One conversation: the same opening turn, then this one (the key comes from the opening).
    body: JSON.stringify({ model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: `hello ${session}` },
      { role: 'assistant', content: 'hi' }, { role: 'user', content: text }],
      metadata: { user_id: `user_u_account_a_session_${session}` } }),
  });
  assert.equal(r.status, 200, await r.text());
  return (await emulator.requests()).filter((x) => x.deployment?.startsWith('d-claude')).at(-1).deployment;
}

before(async () => {
  if (skip) return;
  cert = selfSigned();
  port = await freePort();
  redis = await startRedis(port, password, cert);
  emulator = await startEmulator();
});
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await emulator?.stop();
  redis?.kill('SIGKILL');
});

test('rediss:// with the CA: connected over TLS, and a conversation shared by two instances', { skip }, async () => {
  const url = `rediss://:${password}@127.0.0.1:${port}/0`;
  const [one, two] = [await proxyWith({ redis_url: url, tls_ca_file: cert.cert }), await proxyWith({ redis_url: url, tls_ca_file: cert.cert })];
  for (const p of [one, two]) {
    await until(() => p.logs().includes(`shared state: connected to Redis at rediss://***@127.0.0.1:${port}/0`), 'the TLS connection');
    assert.ok(!p.logs().includes(password), 'the password is in a log');
  }
  const session = randomUUID();
  const deployments = [];
  for (let t = 0; t < 4; t++) deployments.push(await turn([one, two][t % 2], session, `tls turn ${t}`));
  assert.equal(new Set(deployments).size, 1, deployments.join(' '));
  assert.ok(redisCli('--scan', '--pattern', 'aicore:affinity:*').length > 0, 'the conversation is in Redis');
  assert.match(redisCli('client', 'list'), /cmd=subscribe/, 'the invalidation reader is connected over TLS too');
});

test('rediss:// without the CA, or under a name the certificate does not carry: not shared, still serving', { skip }, async () => {
  const untrusted = await proxyWith({ redis_url: `rediss://:${password}@127.0.0.1:${port}/0` });
  const misnamed = await proxyWith({ redis_url: `rediss://:${password}@localhost:${port}/0`, tls_ca_file: cert.cert });
  for (const p of [untrusted, misnamed]) {
    await until(() => /shared state: Redis at rediss:\/\/\*\*\*@\S+ is unreachable/.test(p.logs()), 'the warning');
    assert.match(p.logs(), /is unreachable \([^)]*certificate/i, 'the certificate is named as the cause');
    assert.doesNotMatch(p.logs(), /connected to Redis/);
    assert.ok((await turn(p, randomUUID(), 'served anyway')).startsWith('d-claude'));
    assert.ok(!p.logs().includes(password), 'the password is in a log');
  }
});
