// A plugin built for ABI 1.0 (tests/abi/fake/legacy_stream.c: plain C, descriptor minor 0, it
// reports nothing but SSE text) keeps working on a 1.1 host: the host derives the typed stream
// events from its text. Its streams end cleanly even when the upstream connection dies after
// [DONE], an error it relays as the first event fails over invisibly, and the access log counts its
// tokens. Beside it, a 1.1 plugin (openai) reports the same through acp_event_sink.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, startEmulator, startProxy, writeConfig, tempDir } from './lib/harness.mjs';

let emulator, proxy;

before(async () => {
  const plugins = tempDir('aicore-plugins-');
  for (const so of ['auth.so', 'openai.so']) copyFileSync(join(BUILD_DIR, 'plugins', so), join(plugins, so));
  copyFileSync(join(BUILD_DIR, 'tests/abi/event-plugins/legacy.so'), join(plugins, 'legacy.so'));
  emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: { a: { 'legacy-gpt': [dep('d-gpt4o')], 'gpt-4o': [dep('d-gpt4o')] }, b: { 'legacy-gpt': [dep('d-gpt4o-b')] } },
    aliases: {},
  });
  proxy = await startProxy(cfg.path, ['--plugin-dir', plugins]);
});

after(async () => { await proxy?.stop(); await emulator?.stop(); });

const chat = (model, body = {}) => fetch(proxy.url + '/v1/chat/completions', {
  method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
  body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hello legacy' }], ...body }),
});

// The text of the data events, and whether the stream carried an error event.
function read(sse) {
  let text = '';
  let error = false;
  for (const block of sse.split('\n\n')) {
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
    if (!data || data === '[DONE]') continue;
    const j = JSON.parse(data);
    if (j.error) error = true;
    text += j.choices?.[0]?.delta?.content ?? '';
  }
  return { text, error };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The first access line matching `pattern` logged after `from` characters of log.
async function accessLine(pattern, from) {
  for (let i = 0; i < 50; i++) {
    const line = proxy.logs().slice(from).split('\n').find((l) => l.includes(' access ') && pattern.test(l));
    if (line) return line;
    await sleep(100);
  }
  assert.fail(`no access line matching ${pattern}`);
}

test('the 1.0 plugin is loaded as such and streams to the end', async () => {
  assert.match(proxy.logs(), /plugin legacy 1\.0\.0 loaded from .*\(ABI 1\.0;/);
  const r = await chat('legacy-gpt');
  assert.equal(r.status, 200);
  const sse = await r.text();
  assert.deepEqual(read(sse), { text: 'Echo: hello legacy', error: false });
  assert.ok(sse.endsWith('data: [DONE]\n\n'));
});

test('a connection that dies after [DONE] adds nothing: the host saw the end in the text', async () => {
  await emulator.reset();
  await emulator.fault({ target: '*', kind: 'reset', after_events: 50, after_done: true, count: 1 });
  const r = await chat('legacy-gpt');
  const sse = await r.text();
  assert.deepEqual(read(sse), { text: 'Echo: hello legacy', error: false });
  assert.ok(sse.endsWith('data: [DONE]\n\n'), sse.slice(-200));
  assert.equal(sse.match(/\[DONE\]/g).length, 1);
});

test('an upstream error relayed as the first event fails over invisibly', async () => {
  await emulator.reset();
  await emulator.fault({ target: '*', kind: 'stream_error', count: 1 });
  const sse = await (await chat('legacy-gpt')).text();
  assert.deepEqual(read(sse), { text: 'Echo: hello legacy', error: false });
  const recs = (await emulator.requests()).filter((x) => x.path.endsWith('/chat/completions'));
  assert.deepEqual(recs.map((x) => x.fault ?? null), ['stream_error', null]);
  assert.notEqual(recs[0].deployment, recs[1].deployment);
});

test('the access log counts the tokens of both kinds of plugin', async () => {
  // 1.0: read from the usage chunk in its text (the client asked for it).
  let from = proxy.logs().length;
  await (await chat('legacy-gpt', { stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count me' }] })).text();
  assert.match(await accessLine(/model=legacy-gpt .*status=200/, from), /prompt_tokens=[1-9]\d* completion_tokens=[1-9]/);
  // 1.1: reported through acp_event_sink.usage, although this client did not ask to see usage.
  from = proxy.logs().length;
  const sse = await (await chat('gpt-4o', { messages: [{ role: 'user', content: 'count me too' }] })).text();
  assert.ok(!sse.includes('"usage":{'), 'the client did not ask for usage');
  assert.match(await accessLine(/model=gpt-4o .*status=200/, from), /prompt_tokens=[1-9]\d* completion_tokens=[1-9]/);
});
