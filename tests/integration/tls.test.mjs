// TLS: an optional HTTPS listener, and certificate verification towards SAP on by default
// (a self-signed upstream is refused unless its CA is configured with upstream.ca_file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'aicore-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
  return { dir, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

function httpsPost(url, body, ca) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: 'POST', ca, headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the listener serves HTTPS with the configured certificate', async () => {
  const tls = selfSigned();
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, { extra: { server: { tls_cert_file: tls.cert, tls_key_file: tls.key } } });
  const proxy = await startProxy(cfg.path);
  try {
    assert.match(proxy.url, /^https:\/\//);
    const r = await httpsPost(proxy.url + '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'over tls' }] }), readFileSync(tls.cert));
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).choices[0].message.content, 'Echo: over tls');
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('upstream certificates are verified by default; upstream.ca_file trusts a private CA', async () => {
  const tls = selfSigned();
  const emulator = await startEmulator();
  // A TLS "SAP" whose certificate no system CA signed: another proxy instance with the test cert.
  const fakeSap = await startProxy(writeConfig(emulator.url, { extra: { server: { tls_cert_file: tls.cert, tls_key_file: tls.key } } }).path);
  const base = fakeSap.url;
  const keyFor = (id) => ({ clientid: id, clientsecret: 's', url: base, serviceurls: { AI_API_URL: base } });
  const config = (extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'aicore-tlscfg-'));
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({
      subAccounts: { only: { service_key: keyFor('x'), deployment_models: { 'gpt-4o': [`${base}/v2/inference/deployments/d`] } } },
      secret_authentication_tokens: ['test-key-1'], port: 0, retry: { max_attempts: 1 }, ...extra,
    }));
    return path;
  };
  const call = async (proxy) => {
    const r = await fetch(proxy.url + '/v1/chat/completions', {
      method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    });
    return { status: r.status, message: (await r.json()).error.message };
  };
  try {
    const strict = await startProxy(config({}));
    try {
      const r = await call(strict);
      assert.equal(r.status, 502);
      assert.match(r.message, /subaccount only: token endpoint unreachable.*(certificate|verify|SSL)/i);
    } finally { await strict.stop(); }
    const trusting = await startProxy(config({ upstream: { ca_file: tls.cert } }));
    try {
      const r = await call(trusting);
      // The TLS handshake now succeeds; the fake SAP has no token endpoint, so the token request
      // itself is what fails (HTTP 404), which proves the connection was made.
      assert.equal(r.status, 502);
      assert.match(r.message, /token request failed \(HTTP 404\)/);
    } finally { await trusting.stop(); }
  } finally { await fakeSap.stop(); await emulator.stop(); }
});

test('HTTPS: a head that drips after the handshake is cut at server.header_timeout_s; keep-alive still works', async () => {
  const { connect } = await import('node:tls');
  const tls = selfSigned();
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, {
    extra: { server: { tls_cert_file: tls.cert, tls_key_file: tls.key, header_timeout_s: 1 } },
  });
  const proxy = await startProxy(cfg.path);
  const { port } = new URL(proxy.url);
  const open = () => new Promise((resolve) => {
    const s = connect({ port: Number(port), host: '127.0.0.1', ca: readFileSync(tls.cert) }, () => resolve(s));
    s.got = '';
    s.on('data', (d) => { s.got += d; });
    s.on('error', () => {});
  });
  try {
    const drip = await open();
    const t0 = Date.now();
    const closed = new Promise((r) => drip.on('close', r));
    const head = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    let i = 0;
    const timer = setInterval(() => drip.write(head[i++ % head.length]), 200);
    await closed;
    clearInterval(timer);
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 3000, `closed after ${took} ms (header_timeout_s 1)`);
    assert.equal(drip.got, '');

    // Two requests on one HTTPS connection.
    const ka = await open();
    ka.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const twice = new Promise((r) => { ka.on('data', () => { if ((ka.got.match(/HTTP\/1\.1 200/g) ?? []).length === 2) r(); }); });
    ka.once('data', () => ka.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    await twice;
    ka.destroy();
  } finally { await proxy.stop(); await emulator.stop(); }
});

test('HTTPS: idle keep-alive connections wait on the poller, not on worker threads', async () => {
  const { connect } = await import('node:tls');
  const tls = selfSigned();
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, {
    extra: { server: { tls_cert_file: tls.cert, tls_key_file: tls.key, max_threads: 8, min_threads: 2, max_in_flight: 4 } },
  });
  const proxy = await startProxy(cfg.path);
  const { port } = new URL(proxy.url);
  const ca = readFileSync(tls.cert);
  // One request on a new HTTPS connection, which then stays open (keep-alive) and idle.
  const idleAfterOne = () => new Promise((resolve, reject) => {
    const s = connect({ port: Number(port), host: '127.0.0.1', ca }, () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    let got = '';
    s.on('data', (d) => { got += d; if (/\r\n\r\n\{.*\}$/s.test(got)) resolve(s); });
    s.on('error', reject);
  });
  const idle = [];
  try {
    for (let i = 0; i < 24; i++) idle.push(await idleAfterOne());  // three times max_threads
    const t0 = Date.now();
    const r = await httpsPost(proxy.url + '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still served' }] }), ca);
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 < 1000, `answered after ${Date.now() - t0} ms with ${idle.length} idle HTTPS connections`);
  } finally {
    for (const s of idle) s.destroy();
    await proxy.stop(); await emulator.stop();
  }
});
