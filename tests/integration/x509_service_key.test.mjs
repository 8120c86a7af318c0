// X.509 service keys (SAP BTP's certificate-based credentials: clientid, certificate, key, certurl
// and no client secret): the token request goes to certurl over mutual TLS and presents the key's
// certificate; the emulator's mTLS listener verifies it against its CA and matches its CN to the
// client id. A certificate from another CA, or of another client, gets no token; a key that does
// not parse is a config error naming the field; the private key never reaches a log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, startProxy, runProxy, tempDir } from './lib/harness.mjs';

const dir = tempDir('aicore-x509-');
const openssl = (...args) => execFileSync('openssl', args, { stdio: 'pipe' });
const file = (name) => join(dir, name);

// A CA, the token endpoint's certificate for 127.0.0.1, and client certificates: the registered
// client's (CN aicore-x509-client, signed by the CA), another client's (same CA, other CN), and
// one with the right CN from a CA the endpoint does not trust.
function makeCertificates() {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=aicore test CA',
    '-keyout', file('ca.key'), '-out', file('ca.pem'));
  const signed = (name, subject, extra = []) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '2', '-out', file(`${name}.pem`), ...extra);
  };
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  signed('server', '/CN=127.0.0.1', ['-extfile', file('server.ext')]);
  signed('client', '/CN=aicore-x509-client');
  signed('other', '/CN=someone-else');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=aicore-x509-client',
    '-keyout', file('rogue.key'), '-out', file('rogue.pem'));
}

let emulator;
let certurl;

before(async () => {
  makeCertificates();
  emulator = await startEmulator(['--mtls-cert', file('server.pem'), '--mtls-key', file('server.key'), '--mtls-ca', file('ca.pem')]);
  certurl = /mTLS token endpoint at (https:\/\/\S+)/.exec(emulator.output.join(''))[1];
});
after(async () => { await emulator?.stop(); });

// A config with one subaccount whose service key is an X.509 key with certificate `name`.
function config(name, { key } = {}) {
  const cfgDir = tempDir('aicore-x509cfg-');
  const serviceKey = {
    clientid: 'x509-client',
    'credential-type': 'x509',
    certificate: readFileSync(file(`${name}.pem`), 'utf8'),
    key: key ?? readFileSync(file(`${name}.key`), 'utf8'),
    certurl,
    url: emulator.url,  // the secret domain, which this key cannot use
    serviceurls: { AI_API_URL: emulator.url },
  };
  writeFileSync(join(cfgDir, 'key.json'), JSON.stringify(serviceKey));
  const path = join(cfgDir, 'config.json');
  writeFileSync(path, JSON.stringify({
    subAccounts: {
      cert: {
        service_key_json: 'key.json',
        deployment_models: { 'gpt-4o': [`${emulator.url}/v2/inference/deployments/d-gpt4o`] },
      },
    },
    secret_authentication_tokens: ['test-key-1'],
    port: 0,
    retry: { max_attempts: 1 },
    upstream: { ca_file: file('ca.pem') },  // trusts the emulator's mTLS listener
  }));
  return path;
}

async function chat(proxy) {
  const r = await fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'over mTLS' }] }),
  });
  return { status: r.status, body: await r.json() };
}

// A line of the private key's base64, which must appear in no log.
const keyLine = (name) => readFileSync(file(`${name}.key`), 'utf8').split('\n')[5];

test('an X.509 key gets its token over mutual TLS, with no secret, and serves requests', async () => {
  await emulator.clearRequests();
  const proxy = await startProxy(config('client'), ['--debug']);
  try {
    const r = await chat(proxy);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.choices[0].message.content, 'Echo: over mTLS');
    assert.equal((await chat(proxy)).status, 200);
    const tokenCalls = (await emulator.requests()).filter((q) => q.path === '/oauth/token');
    assert.equal(tokenCalls.length, 1, 'one token, cached');
    assert.equal(tokenCalls[0].body, 'grant_type=client_credentials&client_id=x509-client');
    assert.equal(tokenCalls[0].status, 200);
    assert.equal(tokenCalls[0].headers.authorization, undefined);
    assert.equal((await emulator.stats()).token_fetches['x509-client'], 1);
    assert.ok(!proxy.logs().includes(keyLine('client')), 'the private key reached the log');
  } finally { await proxy.stop(); }
});

test('a certificate the token endpoint does not trust, or of another client, gets no token: 502 naming why', async () => {
  const rogue = await startProxy(config('rogue'));
  try {
    const r = await chat(rogue);
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.match(r.body.error.message, /subaccount cert: token endpoint unreachable/);
  } finally { await rogue.stop(); }

  const other = await startProxy(config('other'));
  try {
    const r = await chat(other);
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.match(r.body.error.message, /subaccount cert: token request failed \(HTTP 401\): token endpoint answered 401: invalid_client: Bad credentials/);
    assert.ok(!other.logs().includes(keyLine('other')));
  } finally { await other.stop(); }
});

test('the secret grant cannot stand in for the certificate', async () => {
  for (const body of ['grant_type=client_credentials&client_id=x509-client',
    'grant_type=client_credentials&client_id=x509-client&client_secret=']) {
    const r = await fetch(emulator.url + '/oauth/token', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(r.status, 401, body);
  }
});

test('a key that is not PEM, or not the certificate\'s, is a config error naming the field, never quoting it', async () => {
  const garbage = '-----BEGIN PRIVATE KEY-----\nnot-base64-at-all\n-----END PRIVATE KEY-----\n';
  let r = await runProxy(['--config', config('client', { key: garbage }), '--check-config']);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /subAccounts\.cert: the service key's key is not an unencrypted PEM private key/);
  assert.ok(!r.out.includes('not-base64-at-all'), r.out);

  r = await runProxy(['--config', config('client', { key: readFileSync(file('other.key'), 'utf8') }), '--check-config']);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /subAccounts\.cert: the service key's key does not belong to its certificate/);
  assert.ok(!r.out.includes(keyLine('other')), r.out);

  r = await runProxy(['--config', config('client'), '--check-config']);
  assert.equal(r.code, 0, r.out);
});
