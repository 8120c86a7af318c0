// Hostile input: every malformed request gets a clear error in the caller's dialect, and the
// server stays healthy for the next one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startStack } from './lib/harness.mjs';

let stack;
before(async () => { stack = await startStack({ configOptions: { extra: { server: { max_body_bytes: 1048576 } } } }); });
after(async () => { await stack?.stop(); });

const post = (path, body, headers = {}) => fetch(stack.proxy.url + path, {
  method: 'POST',
  headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json', ...headers },
  body,
});

async function expectError(path, body, status, pattern, family = 'openai') {
  const r = await post(path, body);
  assert.equal(r.status, status, `${path} ${String(body).slice(0, 60)}`);
  const j = await r.json();
  if (family === 'openai') {
    assert.equal(typeof j.error.message, 'string');
    assert.match(j.error.message, pattern);
  } else {
    assert.equal(j.type, 'error');
    assert.equal(typeof j.error.type, 'string');
    assert.match(j.error.message, pattern);
  }
}

test('malformed bodies get 400 naming the problem, in both dialects', async () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const cases = [
    ['', /not valid JSON/],
    ['{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]', /not valid JSON/],
    [`{"model":"gpt-4o","messages":${deep}}`, /messages|nested|JSON/],
    ['{"model":"gpt-4o","messages":[{"role":"user","content":"\xff\xfe"}]}', /JSON|UTF-8/],
    ['{"model":"gpt-4o","max_tokens":1e999,"messages":[{"role":"user","content":"x"}]}', /JSON|max_tokens|number/],
    ['{"model":"gpt-4o","messages":[{"role":"wizard","content":"x"}]}', /role|wizard/],
    ['{"model":"gpt-4o","messages":[{"content":"x"}]}', /role/],
    ['{"model":42,"messages":[]}', /model/],
    ['{"model":"gpt-4o","messages":"hello"}', /messages/],
    ['null', /JSON object/],
  ];
  for (const [body, pattern] of cases) await expectError('/v1/chat/completions', Buffer.from(body, 'latin1'), 400, pattern);
  for (const [body] of cases.slice(0, 2)) await expectError('/v1/messages', body, 400, /JSON/, 'anthropic');
  assert.equal((await fetch(stack.proxy.url + '/health')).status, 200);
});

test('an oversized body gets 413 in the caller\'s dialect', async () => {
  const big = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(2 * 1048576) }] });
  await expectError('/v1/chat/completions', big, 413, /exceeds the limit/);
  await expectError('/v1/messages', big, 413, /exceeds the limit/, 'anthropic');
  assert.equal((await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ok' }] }))).status, 200);
});

// Writes raw bytes on one connection and returns everything the server sends until it closes.
function rawExchange(bytes, { waitMs = 10000, url = stack.proxy.url } = {}) {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => sock.write(bytes));
    let got = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no close within ${waitMs} ms: ${got}`)); }, waitMs);
    sock.on('data', (d) => { got += d.toString('latin1'); });
    sock.on('close', () => { clearTimeout(timer); resolve(got); });
    sock.on('error', () => {});
  });
}

test('a body that stalls before its Content-Length gets 408 (not a 400 for the truncated JSON)', async () => {
  const partial = '{"model":"gpt-4o","messages":[';
  const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key-1\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${partial.length + 100}\r\n\r\n`;
  // Its own proxy: a 1 s client timeout would also close the idle keep-alive connections the
  // other tests' fetch() reuses, racing their next request.
  const impatient = await startStack({ configOptions: { extra: { server: { client_timeout_s: 1 } } } });
  const t0 = Date.now();
  let answer;
  try {
    answer = await rawExchange(head + partial, { url: impatient.proxy.url });
  } finally {
    await impatient.stop();
  }
  assert.match(answer, /^HTTP\/1\.1 408 Request Time-?out\r\n/i);
  assert.match(answer, /connection: close/i);
  assert.match(answer, /x-request-id: req_/i);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  assert.match(body.error.message, /request body incomplete: received 30 of 130 bytes/);
  assert.ok(Date.now() - t0 < 8000);
});

test('error answers carry their reason phrase', async () => {
  const answer = await rawExchange('GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 401 Unauthorized\r\n/);
});

test('wrong methods and unknown paths get JSON errors', async () => {
  const r = await fetch(stack.proxy.url + '/v1/chat/completions', { headers: { authorization: 'Bearer test-key-1' } });
  assert.equal(r.status, 405);
  assert.match((await r.json()).error.message, /POST/);
  const head = await fetch(stack.proxy.url + '/', { method: 'HEAD' });
  assert.equal(head.status, 404);
  const m = await fetch(stack.proxy.url + '/v1/messages/batches', { headers: { 'x-api-key': 'test-key-1' } });
  assert.equal(m.status, 404);
  assert.equal((await m.json()).type, 'error');
});

test('errors from the Anthropic route use the Anthropic envelope', async () => {
  const r = await post('/v1/messages', JSON.stringify({ model: 'claude-nope-9', max_tokens: 5, messages: [] }), { 'x-api-key': 'test-key-1', authorization: '' });
  assert.equal(r.status, 404);
  const j = await r.json();
  assert.equal(j.type, 'error');
  assert.equal(j.error.type, 'not_found_error');
  const unauth = await fetch(stack.proxy.url + '/v1/messages', { method: 'POST', headers: { 'x-api-key': 'nope' }, body: '{}' });
  assert.equal(unauth.status, 401);
  assert.equal((await unauth.json()).error.type, 'authentication_error');
});

test('many malformed requests in a row leave the server healthy', async () => {
  const bodies = ['{', '[]', '{"model":1}', '{"model":"gpt-4o","messages":[{"role":"user"}]}', 'x'.repeat(5000)];
  await Promise.all(Array.from({ length: 200 }, (_, i) => post('/v1/chat/completions', bodies[i % bodies.length]).then((r) => r.arrayBuffer())));
  const ok = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'still here' }] }));
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).choices[0].message.content, 'Echo: still here');
});
