// A real redis-server (Debian's package, installed by scripts/install-deps.sh --with-test-clients)
// on a free loopback port, for the tests of several instances sharing state, and the small waits
// they share.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';

export const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
export const skipWithoutRedis = haveRedis ? false
  : 'redis-server is not installed (scripts/install-deps.sh --with-test-clients installs it)';

export const freePort = () => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});
export const canConnect = (port) => new Promise((res) => {
  const c = connect(port, '127.0.0.1', () => { c.destroy(); res(true); });
  c.once('error', () => res(false));
});
// Polls `fn` until it is true (every 50 ms, at most `ms`).
export async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return; await new Promise((r) => setTimeout(r, 50)); }
  assert.fail(`timed out waiting for ${what}`);
}
// redis-server on `port`, with `password` (AUTH is exercised), nothing saved to disk; resolves
// once it accepts connections.
export async function startRedis(port, password, tls = null) {
  // With tls ({cert, key}): TLS only, on `port`; clients need no certificate of their own.
  const listen = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key,
      '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const proc = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--requirepass', password], { stdio: 'ignore' });
  await until(() => canConnect(port), `redis-server on port ${port}`);
  return proc;
}
