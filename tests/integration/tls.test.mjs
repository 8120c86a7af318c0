// TLS: an optional HTTPS listener, and certificate verification towards SAP on by default
// (a self-signed upstream is refused unless its CA is configured with upstream.ca_file), host
// names checked, TLS 1.2+ with modern ciphers on both sides, the listener certificate reloaded
// on SIGHUP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { join } from 'node:path';
import https from 'node:https';
import { startEmulator, startProxy, writeConfig, tempDir } from './lib/harness.mjs';

function selfSigned() {
  const dir = tempDir('aicore-tls-');
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
    const dir = tempDir('aicore-tlscfg-');
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

// ---- hostname verification, TLS policy on both sides, certificate reload (issue 10) ----------

function certFor(name, dir = tempDir('aicore-tls-')) {
  const san = /^[\d.]+$/.test(name) ? `IP:${name}` : `DNS:${name}`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=${san}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { stdio: 'pipe' });
  return { dir, cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

// A proxy whose only subaccount's token endpoint and deployment are `base`; retry once.
function configFor(base, extra = {}) {
  const dir = tempDir('aicore-tlscfg-');
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({
    subAccounts: { only: { service_key: { clientid: 'x', clientsecret: 's', url: base, serviceurls: { AI_API_URL: base } },
      deployment_models: { 'gpt-4o': [`${base}/v2/inference/deployments/d`] } } },
    secret_authentication_tokens: ['test-key-1'], port: 0, retry: { max_attempts: 1 }, ...extra,
  }));
  return path;
}
async function callThrough(proxy) {
  const r = await fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
  });
  return { status: r.status, message: (await r.json()).error?.message ?? '' };
}
// An HTTPS "SAP" with the given TLS options that answers every request 404.
async function fakeSap(options) {
  const server = https.createServer(options, (req, res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{}'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${server.address().port}`, stop: () => new Promise((r) => server.close(r)) };
}
// The TLS outcome of one handshake with the proxy's listener: the peer certificate or the error.
function handshake(url, options = {}) {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false, ...options }, () => {
      const out = { ok: true, fingerprint: s.getPeerCertificate().fingerprint256, protocol: s.getProtocol(), cipher: s.getCipher().name };
      s.destroy();
      resolve(out);
    });
    s.on('error', (e) => resolve({ ok: false, error: `${e.code ?? ''} ${e.message}` }));
  });
}
const fingerprint = (pem) => new X509Certificate(readFileSync(pem)).fingerprint256;

test('the upstream host name is checked: a trusted certificate issued for another name is refused', async () => {
  const other = certFor('other.example');
  const right = certFor('127.0.0.1');
  const wrongName = await fakeSap({ cert: readFileSync(other.cert), key: readFileSync(other.key) });
  const rightName = await fakeSap({ cert: readFileSync(right.cert), key: readFileSync(right.key) });
  try {
    // The CA is trusted (ca_file), so only the name can fail.
    const refused = await startProxy(configFor(wrongName.url, { upstream: { ca_file: other.cert } }));
    try {
      const r = await callThrough(refused);
      assert.equal(r.status, 502);
      assert.match(r.message, /subaccount only: token endpoint unreachable: .*(certificate|verif)/i);
    } finally { await refused.stop(); }
    const accepted = await startProxy(configFor(rightName.url, { upstream: { ca_file: right.cert } }));
    try {
      assert.match((await callThrough(accepted)).message, /token request failed \(HTTP 404\)/, 'the control: the handshake succeeds');
    } finally { await accepted.stop(); }
  } finally { await wrongName.stop(); await rightName.stop(); }
});

test('the listener speaks TLS 1.2+ with modern ciphers only (configurable)', async () => {
  const c = certFor('127.0.0.1');
  const emulator = await startEmulator();
  const proxy = await startProxy(writeConfig(emulator.url, { extra: { server: { tls_cert_file: c.cert, tls_key_file: c.key } } }).path);
  const strict = await startProxy(writeConfig(emulator.url, {
    extra: { server: { tls_cert_file: c.cert, tls_key_file: c.key, tls_min_version: '1.3' } } }).path);
  try {
    const modern = await handshake(proxy.url, { maxVersion: 'TLSv1.2' });
    assert.equal(modern.ok, true, modern.error);
    assert.match(modern.cipher, /^ECDHE-RSA-(AES\d+-GCM|CHACHA20)/);
    const old = await handshake(proxy.url, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    assert.equal(old.ok, false);
    assert.match(old.error, /protocol version|unsupported protocol/i);
    const weak = await handshake(proxy.url, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA:AES128-SHA256' });
    assert.equal(weak.ok, false, 'plain-RSA CBC suites are not offered');
    assert.match(weak.error, /handshake failure|no shared cipher/i);
    assert.equal((await handshake(strict.url, { maxVersion: 'TLSv1.2' })).ok, false, 'server.tls_min_version 1.3');
    assert.equal((await handshake(strict.url)).protocol, 'TLSv1.3');
  } finally { await proxy.stop(); await strict.stop(); await emulator.stop(); }
});

test('the upstream side refuses old protocols and weak ciphers too', async () => {
  const c = certFor('127.0.0.1');
  const pair = { cert: readFileSync(c.cert), key: readFileSync(c.key) };
  const tls11 = await fakeSap({ ...pair, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  const weak = await fakeSap({ ...pair, maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA' });
  const modern = await fakeSap({ ...pair, maxVersion: 'TLSv1.2' });
  try {
    for (const [sap, expect] of [[tls11, /token endpoint unreachable/], [weak, /token endpoint unreachable/],
      [modern, /token request failed \(HTTP 404\)/]]) {
      const proxy = await startProxy(configFor(sap.url, { upstream: { ca_file: c.cert } }));
      try {
        const r = await callThrough(proxy);
        assert.equal(r.status, 502);
        assert.match(r.message, expect);
      } finally { await proxy.stop(); }
    }
  } finally { await tls11.stop(); await weak.stop(); await modern.stop(); }
});

test('SIGHUP reloads the listener certificate; a broken one is refused and the old one kept', async () => {
  const dir = tempDir('aicore-tls-');
  const first = certFor('127.0.0.1', tempDir('aicore-tls-'));
  const second = certFor('127.0.0.1', tempDir('aicore-tls-'));
  const cert = join(dir, 'live.pem');
  const key = join(dir, 'live.key');
  copyFileSync(first.cert, cert);
  copyFileSync(first.key, key);
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, { extra: { server: { tls_cert_file: cert, tls_key_file: key } } });
  const proxy = await startProxy(cfg.path);
  try {
    assert.equal((await handshake(proxy.url)).fingerprint, fingerprint(first.cert));
    copyFileSync(second.cert, cert);  // the key does not match yet: refused, the first pair stays
    proxy.proc.kill('SIGHUP');
    await until(() => /reload refused/.test(proxy.logs()), 'the refusal');
    assert.match(proxy.logs(), /reload refused, keeping the current one: server\.tls_key_file: .* is not the key of/);
    assert.equal((await handshake(proxy.url)).fingerprint, fingerprint(first.cert));
    copyFileSync(second.key, key);
    proxy.proc.kill('SIGHUP');
    await until(async () => (await handshake(proxy.url)).fingerprint === fingerprint(second.cert), 'the new certificate');
    const r = await httpsPost(proxy.url + '/v1/chat/completions',
      JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'renewed' }] }), readFileSync(second.cert));
    assert.equal(r.status, 200);
  } finally { await proxy.stop(); await emulator.stop(); }
});

async function until(fn, what) {
  for (let i = 0; i < 100; i++) { if (await fn()) return; await new Promise((r) => setTimeout(r, 50)); }  // poll interval
  assert.fail(`timed out waiting for ${what}`);
}

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

test('HTTPS: connections that drip their handshake or their head hold no worker thread', async () => {
  const { connect } = await import('node:tls');
  const net = await import('node:net');
  const tls = selfSigned();
  const emulator = await startEmulator();
  // 8 workers and the default 10 s head deadline: were a handshake or a head read on a worker,
  // 24 drippers would hold every worker for 10 s and the request below would wait for them.
  const cfg = writeConfig(emulator.url, {
    extra: { server: { tls_cert_file: tls.cert, tls_key_file: tls.key, max_threads: 8, min_threads: 2, max_in_flight: 4 } },
  });
  const proxy = await startProxy(cfg.path);
  const { port } = new URL(proxy.url);
  const ca = readFileSync(tls.cert);
  const drippers = [];
  try {
    // Half start a handshake (a TLS record header announcing a ClientHello) and drip its body.
    for (let i = 0; i < 12; i++) {
      const s = net.connect(Number(port), '127.0.0.1');
      s.on('error', () => {});
      await new Promise((r) => s.once('connect', r));
      s.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
      drippers.push(s);
    }
    // Half finish the handshake and drip a request head.
    for (let i = 0; i < 12; i++) {
      const s = await new Promise((resolve) => {
        const t = connect({ port: Number(port), host: '127.0.0.1', ca }, () => resolve(t));
        t.on('error', () => {});
      });
      s.write('GET /health HTTP/1.1\r\nHo');
      drippers.push(s);
    }
    const timer = setInterval(() => { for (const s of drippers) if (!s.destroyed) s.write(s.encrypted ? 'x' : Buffer.from([0])); }, 300);
    try {
      await new Promise((r) => setTimeout(r, 600));
      for (let k = 0; k < 3; k++) {
        const t0 = Date.now();
        const r = await httpsPost(proxy.url + '/v1/chat/completions',
          JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still served' }] }), ca);
        assert.equal(r.status, 200);
        const took = Date.now() - t0;
        assert.ok(took < 1000, `answered after ${took} ms with ${drippers.length} HTTPS drippers`);
      }
      assert.ok(drippers.filter((s) => !s.destroyed).length === 24, 'the drippers are still connected');
    } finally { clearInterval(timer); }
  } finally {
    for (const s of drippers) s.destroy();
    await proxy.stop(); await emulator.stop();
  }
});
