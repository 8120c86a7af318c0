// The connection layer (host/net) with raw sockets: HTTP/1.1 framing per RFC 9112 (ambiguous
// framing is refused and the connection closed; an unread body is never read as a request), and
// slow clients (a head deadline, a minimum body rate, a send timeout) that cost no worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startStack } from './lib/harness.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return; await sleep(50); }
  assert.fail(`timed out waiting for ${what}`);
}

// One raw connection: write bytes, collect everything the server sends, know when it closed.
function connect(url = stack.proxy.url) {
  const { port, hostname } = new URL(url);
  const sock = net.connect(Number(port), hostname);
  const c = { sock, got: '', closed: false, closedAt: 0 };
  sock.on('data', (d) => { c.got += d.toString('latin1'); });
  sock.on('close', () => { c.closed = true; c.closedAt = Date.now(); });
  sock.on('error', () => {});
  c.ready = new Promise((r) => sock.once('connect', r));
  c.write = (s) => sock.write(s);
  c.waitClosed = (ms = 10000) => until(() => c.closed, 'the server to close the connection', ms);
  return c;
}

// Splits what a connection received into answers (status line, headers, body by Content-Length).
function answers(raw) {
  const out = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.slice(0, end);
    const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    out.push({ status: Number(head.slice(9, 12)), head, body: rest.slice(end + 4, end + 4 + len) });
    rest = rest.slice(end + 4 + len);
  }
  return out;
}

const chatBody = (content = 'hi') => JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
const post = (path, body, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key-1\r\nx-api-key: test-key-1\r\n` +
  `Content-Type: application/json\r\n${extra}`;

async function exchange(bytes) {
  const c = connect();
  await c.ready;
  c.write(bytes);
  await c.waitClosed();
  return answers(c.got);
}

test('Content-Length together with Transfer-Encoding gets 400 and the connection closes', async () => {
  const body = chatBody();
  const [a, ...more] = await exchange(post('/v1/messages', body,
    `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n`) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  assert.equal(a.status, 400);
  assert.match(a.head, /connection: close/i);
  assert.match(a.head, /x-request-id: req_/i);
  const j = JSON.parse(a.body);
  assert.equal(j.type, 'error', 'Anthropic envelope on /v1/messages');
  assert.match(j.error.message, /Content-Length together with Transfer-Encoding/);
  assert.equal(more.length, 0, 'nothing of the body is answered as a request');
});

test('negative, invalid and conflicting Content-Length get 400 and close; a repeated same value is accepted', async () => {
  for (const cl of ['Content-Length: -5\r\n', 'Content-Length: 5x\r\n', 'Content-Length: +5\r\n',
    'Content-Length: 5\r\nContent-Length: 6\r\n', 'Content-Length: 5, 6\r\n', 'Content-Length : 5\r\n']) {
    const [a, ...more] = await exchange(post('/v1/chat/completions', '', cl) + '\r\n{"a":GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(a?.status, 400, cl);
    assert.match(a.head, /connection: close/i);
    assert.ok(JSON.parse(a.body).error.message, 'OpenAI envelope');
    assert.equal(more.length, 0, `${cl}: nothing after the 400`);
  }
  // The same length twice is unambiguous: served, and the connection stays usable.
  const c = connect();
  await c.ready;
  c.write('GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi' +
    'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await c.waitClosed();
  assert.deepEqual(answers(c.got).map((a) => a.status), [200, 200]);
});

test('an unsupported Transfer-Encoding gets 501 and closes', async () => {
  const [a, ...more] = await exchange(post('/v1/chat/completions', '', 'Transfer-Encoding: gzip, chunked\r\n\r\n') + '0\r\n\r\n');
  assert.equal(a.status, 501);
  assert.match(a.head, /connection: close/i);
  assert.match(JSON.parse(a.body).error.message, /gzip/);
  assert.equal(more.length, 0);
  const [b] = await exchange(post('/v1/chat/completions', '', 'Transfer-Encoding: identity\r\n\r\n'));
  assert.equal(b.status, 400, 'chunked must be the final coding');
});

test('an unread request body is never parsed as the next request', async () => {
  // A body that looks like a request, on routes that do not read bodies: /v1/models (authorised),
  // /health, a 404 and a 401. Each answer is followed by the real next request's answer only.
  const smuggled = 'GET /v1/smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
  const withBody = (line, auth = 'Authorization: Bearer test-key-1\r\n') =>
    `${line} HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: ${smuggled.length}\r\n\r\n${smuggled}`;
  const c = connect();
  await c.ready;
  c.write(withBody('GET /v1/models') + withBody('GET /health', '') + withBody('POST /nowhere') +
    withBody('POST /v1/chat/completions', 'Authorization: Bearer wrong\r\n') +
    'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await c.waitClosed();
  const got = answers(c.got);
  assert.deepEqual(got.map((a) => a.status), [200, 200, 404, 401, 200]);
  assert.doesNotMatch(c.got, /smuggled/);
});

test('a chunked body a handler did not read closes the connection instead', async () => {
  const c = connect();
  await c.ready;
  c.write('POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
    `${(25).toString(16)}\r\nGET /v1/smuggled HTTP/1.1\r\n\r\n0\r\n\r\n`);
  await c.waitClosed();
  assert.deepEqual(answers(c.got).map((a) => a.status), [200]);
  assert.doesNotMatch(c.got, /smuggled/);
});

// Its own proxy with short deadlines for the slow-client tests.
async function impatientStack(server) {
  return startStack({ configOptions: { extra: { server } } });
}

test('a head that does not complete within server.header_timeout_s is closed; an idle keep-alive one waits longer', async () => {
  const s = await impatientStack({ header_timeout_s: 1, keep_alive_timeout_s: 5 });
  try {
    const drip = connect(s.proxy.url);
    await drip.ready;
    const t0 = Date.now();
    const head = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
    let i = 0;
    const timer = setInterval(() => { if (!drip.closed) drip.write(head[i++ % head.length]); }, 200);
    try {
      await drip.waitClosed(5000);
    } finally { clearInterval(timer); }
    const took = drip.closedAt - t0;
    assert.ok(took >= 900 && took < 2500, `closed after ${took} ms (header_timeout_s 1)`);
    assert.equal(drip.got, '', 'no answer to a head that never completed');

    // Idle between requests: the keep-alive timeout applies, not the head deadline.
    const idle = connect(s.proxy.url);
    await idle.ready;
    idle.write(head);
    await until(() => answers(idle.got).length === 1, 'the first answer');
    await sleep(1800);
    assert.equal(idle.closed, false, 'an idle keep-alive connection outlives header_timeout_s');
    idle.write(head);
    await until(() => answers(idle.got).length === 2, 'the second answer on the same connection');
    idle.sock.destroy();
  } finally { await s.stop(); }
});

test('a body slower than server.min_body_rate_bytes_s gets 408 after the grace period', async () => {
  const s = await impatientStack({ min_body_rate_bytes_s: 1000, body_grace_s: 1 });
  try {
    const c = connect(s.proxy.url);
    await c.ready;
    const t0 = Date.now();
    c.write(post('/v1/chat/completions', '', 'Content-Length: 100000\r\n\r\n') + '{"model":"gpt-4o",');
    const timer = setInterval(() => { if (!c.closed) c.write('"x":1,'); }, 100);  // ~60 bytes/s
    try { await c.waitClosed(8000); } finally { clearInterval(timer); }
    const [a] = answers(c.got);
    assert.equal(a.status, 408);
    assert.match(JSON.parse(a.body).error.message, /request body too slow: received \d+ of 100000 bytes/);
    assert.ok(Date.now() - t0 < 4000, `answered after ${Date.now() - t0} ms`);
  } finally { await s.stop(); }
});

test('a 401 request that drips its body holds no in-flight slot', async () => {
  const s = await impatientStack({ max_in_flight: 1, max_threads: 8, min_threads: 2 });
  try {
    const drip = connect(s.proxy.url);
    await drip.ready;
    drip.sock.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n' +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":');
    const timer = setInterval(() => { if (!drip.closed) drip.write(' '); }, 200);
    try {
      await until(() => answers(drip.got).length === 1, 'the 401');
      assert.equal(answers(drip.got)[0].status, 401);
      // The dripping client is still connected; the one slot is free for a real request.
      const r = await fetch(s.proxy.url + '/v1/chat/completions', {
        method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body: chatBody(),
      });
      assert.equal(r.status, 200);
    } finally { clearInterval(timer); drip.sock.destroy(); }
  } finally { await s.stop(); }
});

test('a stream client that stops reading is cut after server.send_timeout_s and frees its slot', async () => {
  const s = await impatientStack({ send_timeout_s: 2, max_in_flight: 1, max_threads: 8, min_threads: 2 });
  try {
    const c = connect(s.proxy.url);
    await c.ready;
    // A long echo (~25 MB of events): far more than the socket buffers hold.
    const body = JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'w '.repeat(100000) }] });
    c.sock.removeAllListeners('data');
    c.sock.pause();
    c.write(post('/v1/chat/completions', '', `Content-Length: ${body.length}\r\n\r\n`) + body);
    await until(() => /access [^\n]*status=499[^\n]*stream=true/.test(s.proxy.logs()), 'the access line of the cut stream', 30000);
    const r = await fetch(s.proxy.url + '/v1/chat/completions', {
      method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body: chatBody(),
    });
    assert.equal(r.status, 200, 'the in-flight slot is free again');
    c.sock.destroy();
  } finally { await s.stop(); }
});

test('1,500 connections dripping header bytes do not delay /health or a chat request (default config)', async () => {
  const url = stack.proxy.url;
  const timed = async (fn) => { const t0 = performance.now(); const r = await fn(); return { r, ms: performance.now() - t0 }; };
  // A bound, so that a server whose workers the drippers hold fails this test instead of hanging it.
  const health = () => fetch(url + '/health', { signal: AbortSignal.timeout(5000) });
  const chat = () => fetch(url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body: chatBody(),
    signal: AbortSignal.timeout(5000),
  });
  await (await chat()).text();  // tokens cached

  const head = 'GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ' + 'y'.repeat(200) + '\r\n\r\n';
  const drippers = [];
  for (let i = 0; i < 1500; i += 100) {
    const batch = [];
    for (let j = 0; j < 100; j++) { const c = connect(url); drippers.push(c); batch.push(c.ready); }
    await Promise.all(batch);
  }
  let pos = 0;
  const drip = () => { for (const c of drippers) if (!c.closed) c.write(head[pos % head.length]); pos++; };
  drip();
  const timer = setInterval(drip, 2000);
  try {
    await sleep(2500);  // every dripper has sent bytes twice: each holds a partial head
    const open = drippers.filter((c) => !c.closed).length;
    assert.ok(open >= 1450, `${open} dripping connections still open`);
    for (let k = 0; k < 3; k++) {
      const h = await timed(health);
      assert.equal(h.r.status, 200);
      assert.ok(h.ms < 1000, `/health took ${h.ms.toFixed(0)} ms`);
      const c = await timed(async () => { const r = await chat(); await r.text(); return r; });
      assert.equal(c.r.status, 200);
      assert.ok(c.ms < 1000, `chat took ${c.ms.toFixed(0)} ms`);
      console.log(`# with ${open} drippers: /health ${h.ms.toFixed(1)} ms, chat ${c.ms.toFixed(1)} ms`);
    }
    assert.equal(drippers.filter((c) => c.got !== '').length, 0, 'no dripper got an answer');
  } finally {
    clearInterval(timer);
    for (const c of drippers) c.sock.destroy();
  }
});

test('heads Poco cannot parse get 400 in the path\'s envelope; a head over 64 KiB gets 431', async () => {
  const [a] = await exchange(`POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Big: ${'v'.repeat(9000)}\r\n\r\n`);
  assert.equal(a.status, 400);
  assert.match(a.head, /x-request-id: req_/i);
  const j = JSON.parse(a.body);
  assert.equal(j.type, 'error', 'Anthropic envelope from the request line\'s path');
  assert.match(j.error.message, /malformed request head/);
  const [b] = await exchange(`GET /v1/models?x=${'q'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(b.status, 400);
  assert.ok(JSON.parse(b.body).error.message, 'OpenAI envelope');
  const many = Array.from({ length: 20 }, (_, i) => `X-F${i}: ${'z'.repeat(4000)}\r\n`).join('');
  const [c] = await exchange(`GET /health HTTP/1.1\r\nHost: x\r\n${many}\r\n`);
  assert.equal(c.status, 431);
  assert.match(JSON.parse(c.body).error.message, /request head larger than 65536 bytes/);
});

test('with server.max_queued heads already waiting for a worker, one more gets 503 + Retry-After in its dialect', async () => {
  const s = await impatientStack({ max_threads: 1, min_threads: 1, max_in_flight: 1, max_queued: 1 });
  try {
    await s.emulator.fault({ target: '*', kind: 'slow', delay_ms: 1500, count: 1 });
    const slow = fetch(s.proxy.url + '/v1/chat/completions', {
      method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body: chatBody(),
    });
    // The emulator took the fault: the proxy's one worker is busy with that request.
    await until(async () => (await (await fetch(s.emulator.url + '/_emulator/faults')).json()).length === 0, 'the slow request upstream');
    const b = connect(s.proxy.url);
    const c = connect(s.proxy.url);
    await Promise.all([b.ready, c.ready]);
    // One asks for an Anthropic path, so the refusal's envelope shows it follows the request line.
    b.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    c.write(post('/v1/messages', '', 'Content-Length: 2\r\nConnection: close\r\n\r\n{}'));
    await Promise.all([b.waitClosed(), c.waitClosed()]);
    const got = [{ path: '/health', a: answers(b.got)[0] }, { path: '/v1/messages', a: answers(c.got)[0] }];
    const refused = got.filter((g) => g.a?.status === 503 && /every worker busy/.test(g.a.body));
    assert.equal(refused.length, 1, 'exactly one was refused, with an answer');
    const served = got.find((g) => g !== refused[0]);
    // Queued, then served once the worker was free: /health answers 200, the body-less message 400.
    assert.equal(served.a?.status, served.path === '/health' ? 200 : 400, 'the queued one was served');
    const r = refused[0];
    assert.match(r.a.head, /retry-after: 1/i);
    assert.match(r.a.head, /x-request-id: req_/i);
    assert.match(r.a.head, /connection: close/i);
    const j = JSON.parse(r.a.body);
    if (r.path === '/v1/messages') {
      assert.equal(j.type, 'error');
      assert.equal(j.error.type, 'overloaded_error');
    } else {
      assert.equal(j.type, undefined, 'OpenAI envelope');
      assert.match(j.error.message, /at capacity/);
    }
    assert.equal((await slow).status, 200);
  } finally { await s.stop(); }
});

test('server.max_keep_alive_requests: the last allowed answer closes the connection', async () => {
  const s = await impatientStack({ max_keep_alive_requests: 2 });
  try {
    const c = connect(s.proxy.url);
    await c.ready;
    c.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.waitClosed();
    const got = answers(c.got);
    assert.deepEqual(got.map((a) => a.status), [200, 200]);
    assert.doesNotMatch(got[0].head, /connection: close/i);
    assert.match(got[1].head, /connection: close/i);
  } finally { await s.stop(); }
});

test('a client that resets before its non-streamed answer is logged 499, not 200', async () => {
  await stack.emulator.fault({ target: '*', kind: 'slow', delay_ms: 800, count: 1 });
  const c = connect(stack.proxy.url);
  await c.ready;
  const body = chatBody('reset before the answer');
  c.write(post('/v1/chat/completions', '', `Content-Length: ${body.length}\r\n\r\n`) + body);
  await until(async () => (await (await fetch(stack.emulator.url + '/_emulator/faults')).json()).length === 0, 'the slow request upstream');
  c.sock.resetAndDestroy();  // RST: the connection is gone before the small answer is written
  await until(() => /access [^\n]*"?\/v1\/chat\/completions[^\n]*status=499[^\n]*error=client disconnected/.test(stack.proxy.logs()),
    'the access line of the answer nobody received', 10000);
});
