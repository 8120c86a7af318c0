// Context-window fallbacks (config context_window_fallbacks), driven by the official SDKs through
// the built proxy. The emulator's deployments have context windows (its `context_window` setting)
// and answer a longer prompt with each vendor's own 400 ("prompt is too long", Azure's
// context_length_exceeded, Vertex's "input token count exceeds"); the plugins classify that as
// ACP_UPSTREAM_TOO_LONG and the host sends the request to the next model of the chain instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startEmulator, writeConfig, startProxy, tempDir } from './lib/harness.mjs';

const WINDOW = 50;  // tokens; the emulator estimates ceil(chars / 4) + 3 per message
const LONG = 'the prompt that does not fit '.repeat(20);  // ~150 tokens
let emulator;
let proxy;
let anthropic;
let openai;

before(async () => {
  const emuConfig = join(tempDir('aicore-ctx-'), 'emulator.json');
  writeFileSync(emuConfig, JSON.stringify({
    clients: [{ clientid: 'demo-client', clientsecret: 'demo-secret' }, { clientid: 'demo-client-2', clientsecret: 'demo-secret-2' }],
    deployments: {
      'd-c45': { executable: 'aws-bedrock', model: 'anthropic--claude-4.5-sonnet', context_window: WINDOW },
      'd-c37': { executable: 'aws-bedrock', model: 'anthropic--claude-3.7-sonnet' },
      'd-g4o': { executable: 'azure-openai', model: 'gpt-4o', context_window: WINDOW },
      'd-g5': { executable: 'azure-openai', model: 'gpt-5', context_window: WINDOW },
      'd-g5-b': { executable: 'azure-openai', model: 'gpt-5', context_window: WINDOW },
      'd-gem': { executable: 'gcp-vertexai', model: 'gemini-2.5-pro' },
      'd-gem-small': { executable: 'gcp-vertexai', model: 'gemini-2.5-flash', context_window: WINDOW },
    },
  }));
  emulator = await startEmulator(['--config', emuConfig]);
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    aliases: {},
    models: {
      a: {
        'anthropic--claude-4.5-sonnet': [dep('d-c45')],
        'anthropic--claude-3.7-sonnet': [dep('d-c37')],
        'gpt-4o': [dep('d-g4o')],
        'gpt-5': [dep('d-g5')],
        'gemini-2.5-pro': [dep('d-gem')],
        'gemini-2.5-flash': [dep('d-gem-small')],
      },
      b: { 'gpt-5': [dep('d-g5-b')] },
    },
    extra: {
      context_window_fallbacks: {
        // The first fallback is as small: the second one takes it.
        'anthropic--claude-4.5-sonnet': ['gpt-5', 'anthropic--claude-3.7-sonnet'],
        'gpt-4o': ['gemini-2.5-pro'],
        'gemini-2.5-flash': ['anthropic--claude-3.7-sonnet'],
      },
    },
  });
  proxy = await startProxy(cfg.path);
  anthropic = new Anthropic({ baseURL: proxy.url, apiKey: 'test-key-1', maxRetries: 0 });
  openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => {
  await proxy?.stop();
  await emulator?.stop();
});

// The deployments called, in order (gpt-5's two deployments, which round-robin, as one).
const calls = async () => {
  const r = (await emulator.requests()).filter((q) => q.deployment).map((q) => q.deployment.replace(/^d-g5-b$/, 'd-g5'));
  await emulator.clearRequests();
  return r;
};

test('a prompt that fits is served by the model asked for', async () => {
  await calls();
  const { data, response } = await anthropic.messages.create({
    model: 'anthropic--claude-4.5-sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }],
  }).withResponse();
  assert.equal(response.headers.get('x-aicore-model'), 'anthropic--claude-4.5-sonnet');
  assert.equal(data.content[0].text, 'Echo: hi');
  assert.deepEqual(await calls(), ['d-c45']);
});

test('Anthropic: a prompt too long for the model goes down its chain, past a fallback as small', async () => {
  await calls();
  const { data, response } = await anthropic.messages.create({
    model: 'anthropic--claude-4.5-sonnet', max_tokens: 50, messages: [{ role: 'user', content: LONG }],
  }).withResponse();
  assert.equal(response.headers.get('x-aicore-model'), 'anthropic--claude-3.7-sonnet');
  assert.equal(data.type, 'message');
  assert.match(data.content[0].text, /^Echo: the prompt that does not fit/);
  // One attempt on each model: a too-long prompt is not retried on the model's other deployments.
  assert.deepEqual(await calls(), ['d-c45', 'd-g5', 'd-c37']);
  assert.match(proxy.logs(), /fallback_from=anthropic--claude-4\.5-sonnet/);
  assert.match(proxy.logs(), /the prompt is longer than 'anthropic--claude-4\.5-sonnet' takes \(400\): falling back to 'gpt-5'/);
});

test('Anthropic stream: the fallback happens before anything is streamed', async () => {
  await calls();
  const stream = anthropic.messages.stream({
    model: 'anthropic--claude-4.5-sonnet', max_tokens: 50, messages: [{ role: 'user', content: LONG }],
  });
  const final = await stream.finalMessage();
  assert.match(final.content[0].text, /^Echo: the prompt that does not fit/);
  assert.deepEqual(await calls(), ['d-c45', 'd-g5', 'd-c37']);
});

test('OpenAI chat: across families, to Gemini', async () => {
  await calls();
  const { data, response } = await openai.chat.completions.create({
    model: 'gpt-4o', messages: [{ role: 'user', content: LONG }],
  }).withResponse();
  assert.equal(response.headers.get('x-aicore-model'), 'gemini-2.5-pro');
  assert.match(data.choices[0].message.content, /^Echo: the prompt that does not fit/);
  assert.deepEqual(await calls(), ['d-g4o', 'd-gem']);
});

test('Gemini model on an OpenAI client: Vertex\'s "input token count exceeds" is recognised too', async () => {
  await calls();
  const r = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: LONG }] });
  assert.match(r.choices[0].message.content, /^Echo: the prompt that does not fit/);
  assert.deepEqual(await calls(), ['d-gem-small', 'd-c37']);
});

test('without a chain the upstream\'s 400 reaches the client at once, in its dialect, after one attempt', async () => {
  await calls();
  await assert.rejects(
    openai.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: LONG }] }),
    (e) => e.status === 400 && /maximum context length is 50 tokens/.test(e.message));
  assert.equal((await calls()).length, 1, 'gpt-5 has two deployments: the second is not tried');
  await assert.rejects(
    anthropic.messages.create({ model: 'gpt-5', max_tokens: 50, messages: [{ role: 'user', content: LONG }] }),
    (e) => e.status === 400 && e.error?.type === 'error' && /maximum context length/.test(e.error?.error?.message));
});
