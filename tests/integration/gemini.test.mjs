// Gemini on SAP AI Core (the emulator's strict Vertex family) through the built aicore-proxy, driven by
// the official `openai` and `@anthropic-ai/sdk` clients: text, streams, tools over two turns, images,
// thinking, safety blocks, embeddings, faults. The last tests talk to the emulator directly to pin
// down how strict it is, since every test above relies on that strictness.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { SOURCE_DIR, startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

let stack;
let openai;
let anthropic;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

before(async () => {
  const emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: {
      a: {
        'gemini-2.5-pro': [dep('d-gemini25pro')],
        'gemini-2.5-flash': [dep('d-gemini25flash')],
        'gemini-embedding': [dep('d-gemini-embed')],
        'team-gemini': [dep('d-gemini25flash')],
      },
      b: { 'gemini-2.5-pro': [dep('d-gemini25pro-b')] },
    },
    aliases: {},
    // An alias key: routed to the plugin by name, and renamed for the URL by the plugin's settings.
    extra: { plugins: { models: { 'team-gemini': 'gemini' }, settings: { gemini: { model_names: { 'team-gemini': 'gemini-2.5-flash' } } } } },
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
  openai = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: proxy.url, apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => { await stack?.stop(); });

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false,
      properties: { city: { type: 'string', format: 'hostname' }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] } },
      required: ['city'],
    },
  },
};

// The last upstream request to a deployment whose id starts with `prefix` (gemini-2.5-pro has one
// deployment per subaccount, used in turn), with its parsed body.
async function lastUpstream(prefix) {
  const rec = (await stack.emulator.requests()).filter((x) => x.deployment?.startsWith(prefix)).at(-1);
  return { ...rec, json: JSON.parse(rec.body) };
}

// ---- openai SDK ------------------------------------------------------------------------------

test('models.list shows the Gemini keys, owned by the gemini plugin', async () => {
  const owned = {};
  for await (const m of openai.models.list()) owned[m.id] = m.owned_by;
  for (const id of ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-embedding', 'team-gemini']) assert.equal(owned[id], 'gemini', id);
});

test('chat completion: text, usage with reasoning tokens, and the exact upstream request', async () => {
  await stack.emulator.clearRequests();
  const r = await openai.chat.completions.create({
    model: 'gemini-2.5-pro',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }],
    temperature: 0.2, max_tokens: 100, user: 'someone',
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.model, 'gemini-2.5-pro');
  assert.equal(r.choices[0].message.content, 'Echo: Hello there');
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(r.usage.prompt_tokens > 0);
  assert.equal(r.usage.completion_tokens_details.reasoning_tokens, 16, 'Gemini 2.5 thinks by default');
  assert.equal(r.usage.completion_tokens, 3 + 16);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);

  const rec = await lastUpstream('d-gemini25pro');
  assert.match(rec.path, /^\/v2\/inference\/deployments\/d-gemini25pro(-b)?\/models\/gemini-2\.5-pro:generateContent$/);
  assert.deepEqual(rec.json, {
    contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }],
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    generationConfig: { maxOutputTokens: 100, temperature: 0.2 },
  });
});

test('an alias key goes to its configured Gemini model', async () => {
  await stack.emulator.clearRequests();
  const r = await openai.chat.completions.create({ model: 'team-gemini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.choices[0].message.content, 'Echo: hi');
  assert.equal(r.model, 'team-gemini');
  const rec = await lastUpstream('d-gemini25flash');
  assert.match(rec.path, /\/models\/gemini-2\.5-flash:generateContent$/);
});

test('streaming with include_usage: SSE upstream, word chunks, usage chunk, [DONE]', async () => {
  await stack.emulator.clearRequests();
  const stream = await openai.chat.completions.create({
    model: 'gemini-2.5-flash', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'one two three four' }],
  });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  assert.ok(chunks.length >= 5, `streamed in pieces (${chunks.length})`);
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'Echo: one two three four');
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.completion_tokens, 5 + 16);
  assert.ok(new Set(chunks.map((c) => c.id)).size === 1, 'one id for the whole stream');
  const rec = await lastUpstream('d-gemini25flash');
  assert.match(rec.path, /:streamGenerateContent$/);
  assert.equal(rec.query, 'alt=sse');
});

test('streaming without include_usage carries no usage', async () => {
  const stream = await openai.chat.completions.create({
    model: 'gemini-2.5-pro', stream: true, messages: [{ role: 'user', content: 'quiet please' }],
  });
  let text = '';
  for await (const c of stream) {
    assert.equal(c.usage, undefined);
    text += c.choices[0]?.delta?.content ?? '';
  }
  assert.equal(text, 'Echo: quiet please');
});

test('tools across two turns: stable call id, thought signature and result round trip', async () => {
  await stack.emulator.clearRequests();
  const messages = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await openai.chat.completions.create({ model: 'gemini-2.5-pro', tools: [weatherTool], tool_choice: 'auto', messages });
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  const msg = first.choices[0].message;
  assert.equal(msg.tool_calls.length, 1);
  const call = msg.tool_calls[0];
  assert.match(call.id, /^call_[0-9a-f]{24}__ts_[A-Za-z0-9_-]+$/);
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'test' });
  // The cleaned schema reached the strict upstream.
  const firstUp = await lastUpstream('d-gemini25pro');
  assert.deepEqual(firstUp.json.tools[0].functionDeclarations[0].parameters, {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'], nullable: true } },
    required: ['city'],
  });
  assert.deepEqual(firstUp.json.toolConfig, { functionCallingConfig: { mode: 'AUTO' } });

  // Same conversation again: the same id (derived, not random).
  const again = await openai.chat.completions.create({ model: 'gemini-2.5-pro', tools: [weatherTool], messages });
  assert.equal(again.choices[0].message.tool_calls[0].id, call.id);

  const second = await openai.chat.completions.create({
    model: 'gemini-2.5-pro', tools: [weatherTool],
    messages: [...messages, msg, { role: 'tool', tool_call_id: call.id, content: '18C and sunny' }],
  });
  assert.equal(second.choices[0].message.content, 'Tool result: 18C and sunny');
  assert.equal(second.choices[0].finish_reason, 'stop');
  const up = await lastUpstream('d-gemini25pro');
  const [, modelTurn, resultTurn] = up.json.contents;
  assert.equal(modelTurn.role, 'model');
  assert.equal(modelTurn.parts[0].functionCall.name, 'get_weather');
  assert.ok(modelTurn.parts[0].thoughtSignature, 'the signature Gemini gave came back');
  assert.equal(Buffer.from(modelTurn.parts[0].thoughtSignature, 'base64').toString().slice(0, 4), 'sig:');
  assert.deepEqual(resultTurn, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: '18C and sunny' } } }] });
});

test('tools while streaming: one whole call per delta, the SDK accumulator agrees', async () => {
  const stream = await openai.chat.completions.create({
    model: 'gemini-2.5-flash', stream: true, tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } },
    messages: [{ role: 'user', content: 'Weather?' }],
  });
  let finish = null;
  const calls = [];
  for await (const chunk of stream) {
    for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) calls.push(tc);
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(calls.length, 1);
  assert.equal(calls[0].index, 0);
  assert.match(calls[0].id, /^call_/);
  assert.deepEqual(JSON.parse(calls[0].function.arguments), { city: 'test' });
  assert.equal(finish, 'tool_calls');
  const final = await openai.chat.completions.stream({
    model: 'gemini-2.5-flash', tools: [weatherTool], messages: [{ role: 'user', content: 'Weather?' }],
  }).finalChatCompletion();
  assert.equal(final.choices[0].message.tool_calls[0].function.name, 'get_weather');
});

test('LangChain/pydantic tool schemas ($defs, anyOf-null, recursion, integer enums) pass the strict upstream', async () => {
  const body = JSON.parse(readFileSync(join(SOURCE_DIR, 'tests/plugins/gemini/fixtures/langchain.request.json'), 'utf8'));
  const r = await openai.chat.completions.create(body);
  const call = r.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'search_docs');
  assert.deepEqual(JSON.parse(call.function.arguments), { query: 'test', filters: { tags: [] } });
});

test('an image (data URL) goes as inlineData', async () => {
  await stack.emulator.clearRequests();
  const r = await openai.chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
  });
  assert.equal(r.choices[0].message.content, 'Echo: What is this? [image]');
  const up = await lastUpstream('d-gemini25flash');
  assert.deepEqual(up.json.contents[0].parts[1], { inlineData: { mimeType: 'image/png', data: PNG } });
});

test('reasoning_effort streams thoughts as reasoning_content', async () => {
  await stack.emulator.clearRequests();
  const stream = await openai.chat.completions.create({
    model: 'gemini-2.5-flash', stream: true, reasoning_effort: 'low', messages: [{ role: 'user', content: 'think first' }],
  });
  let reasoning = '';
  let text = '';
  for await (const c of stream) {
    reasoning += c.choices[0]?.delta?.reasoning_content ?? '';
    text += c.choices[0]?.delta?.content ?? '';
  }
  assert.equal(reasoning, 'Thinking about how to answer.');
  assert.equal(text, 'Echo: think first');
  const up = await lastUpstream('d-gemini25flash');
  assert.deepEqual(up.json.generationConfig.thinkingConfig, { includeThoughts: true, thinkingBudget: 1024 });
});

test('response_format json_schema becomes responseSchema', async () => {
  const r = await openai.chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [{ role: 'user', content: 'Give JSON' }],
    response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema: {
      type: 'object', additionalProperties: false, properties: { answer: { type: 'string' }, n: { type: 'integer' } }, required: ['answer', 'n'] } } },
  });
  assert.deepEqual(JSON.parse(r.choices[0].message.content), { answer: 'test', n: 1 });
});

test('a prompt the service blocks is a clear error, not an empty answer', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'gemini-2.5-pro', stream: true, messages: [{ role: 'user', content: 'bad [block:prompt]' }] }),
    (e) => e.status === 400 && /refused the prompt \(blockReason SAFETY\)/.test(e.message));
  // Non-streaming: the same message. (The host currently reports plugin response errors as 502.)
  await assert.rejects(
    openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'bad [block:prompt]' }] }),
    (e) => e.status >= 400 && /refused the prompt \(blockReason SAFETY\)/.test(e.message));
});

test('an answer the service blocks finishes with content_filter', async () => {
  const r = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x [block:answer]' }] });
  assert.equal(r.choices[0].finish_reason, 'content_filter');
  assert.equal(r.choices[0].message.content, null);
});

test('embeddings: the SDK default (base64) and floats agree; dimensions and usage map', async () => {
  await stack.emulator.clearRequests();
  const a = await openai.embeddings.create({ model: 'gemini-embedding', input: ['alpha', 'beta gamma'] });
  assert.equal(a.object, 'list');
  assert.equal(a.model, 'gemini-embedding');
  assert.equal(a.data.length, 2);
  assert.equal(a.data[1].index, 1);
  assert.equal(a.data[0].embedding.length, 8);
  assert.equal(a.usage.prompt_tokens, 2 + 3);
  assert.equal(a.usage.total_tokens, a.usage.prompt_tokens);
  const up = await lastUpstream('d-gemini-embed');
  assert.match(up.path, /\/models\/gemini-embedding:predict$/);
  assert.deepEqual(up.json, { instances: [{ content: 'alpha' }, { content: 'beta gamma' }] });

  const b = await openai.embeddings.create({ model: 'gemini-embedding', input: 'alpha', encoding_format: 'float' });
  a.data[0].embedding.forEach((v, i) => assert.ok(Math.abs(v - b.data[0].embedding[i]) < 1e-6));
  const c = await openai.embeddings.create({ model: 'gemini-embedding', input: 'alpha', dimensions: 4, encoding_format: 'float' });
  assert.equal(c.data[0].embedding.length, 4);
  assert.deepEqual((await lastUpstream('d-gemini-embed')).json.parameters, { outputDimensionality: 4 });
});

// ---- @anthropic-ai/sdk -----------------------------------------------------------------------

const anthropicWeather = {
  name: 'get_weather', description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

test('anthropic messages.create: text, usage, thinking blocks', async () => {
  const r = await anthropic.messages.create({ model: 'gemini-2.5-pro', max_tokens: 200, messages: [{ role: 'user', content: 'Hi Gemini' }] });
  assert.equal(r.type, 'message');
  assert.equal(r.role, 'assistant');
  assert.equal(r.model, 'gemini-2.5-pro');
  assert.deepEqual(r.content, [{ type: 'text', text: 'Echo: Hi Gemini' }]);
  assert.equal(r.stop_reason, 'end_turn');
  assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);

  await stack.emulator.clearRequests();
  const t = await anthropic.messages.create({
    model: 'gemini-2.5-flash', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2048 },
    messages: [{ role: 'user', content: 'Think' }],
  });
  assert.equal(t.content[0].type, 'thinking');
  assert.equal(t.content[0].thinking, 'Thinking about how to answer.');
  assert.deepEqual(t.content[1], { type: 'text', text: 'Echo: Think' });
  assert.deepEqual((await lastUpstream('d-gemini25flash')).json.generationConfig,
    { maxOutputTokens: 4000, thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 } });
});

test('anthropic messages.stream: spec-exact events and the final message', async () => {
  const stream = anthropic.messages.stream({ model: 'gemini-2.5-pro', max_tokens: 200, messages: [{ role: 'user', content: 'one two three' }] });
  const types = [];
  stream.on('streamEvent', (e) => types.push(e.type));
  const final = await stream.finalMessage();
  assert.deepEqual(final.content, [{ type: 'text', text: 'Echo: one two three' }]);
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage.output_tokens > 0);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.equal(types.at(-2), 'message_delta');
  assert.ok(types.filter((t) => t === 'content_block_delta').length >= 3);
});

test('anthropic tools over two turns, streamed: tool_use with input_json_delta, then the result', async () => {
  const first = await anthropic.messages.stream({
    model: 'gemini-2.5-flash', max_tokens: 500, tools: [anthropicWeather], messages: [{ role: 'user', content: 'Weather in Rome?' }],
  }).finalMessage();
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((b) => b.type === 'tool_use');
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { city: 'test' });
  assert.match(use.id, /^call_/);

  const second = await anthropic.messages.create({
    model: 'gemini-2.5-flash', max_tokens: 500, tools: [anthropicWeather],
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '24C' }] },
    ],
  });
  assert.deepEqual(second.content, [{ type: 'text', text: 'Tool result: 24C' }]);
  assert.equal(second.stop_reason, 'end_turn');
});

test('anthropic with Claude Code\'s tools, system blocks and thinking passes the strict upstream', async () => {
  const body = JSON.parse(readFileSync(join(SOURCE_DIR, 'tests/plugins/gemini/fixtures/claude_code.request.json'), 'utf8'));
  body.model = 'gemini-2.5-pro';
  delete body.stream;
  const stream = anthropic.messages.stream(body);
  const final = await stream.finalMessage();
  // The last turn answers a tool call, so the emulator echoes the tool result.
  assert.equal(final.content.at(-1).type, 'text');
  assert.equal(final.content.at(-1).text, 'Tool result: main.cpp\nutil.cpp');
  assert.equal(final.content[0].type, 'thinking');
  // And without the history: a fresh call with all the tools gets a tool_use for the first tool.
  body.messages = [{ role: 'user', content: 'Run something' }];
  const r = await anthropic.messages.stream(body).finalMessage();
  const use = r.content.find((b) => b.type === 'tool_use');
  assert.equal(use.name, 'Bash');
  assert.deepEqual(use.input, { command: 'test' });
});

test('anthropic count_tokens is answered locally', async () => {
  await stack.emulator.clearRequests();
  const r = await anthropic.messages.countTokens({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'How many tokens is this?' }], tools: [anthropicWeather] });
  assert.ok(r.input_tokens > 10);
  assert.deepEqual(await stack.emulator.requests(), []);
});

// ---- faults (last: a 429 cools a deployment down for a while) -------------------------------

test('a 429 fails over to the other subaccount; a stream cut mid-way ends with an error', async () => {
  await stack.emulator.reset();
  await stack.emulator.fault({ target: 'd-gemini25pro', kind: '429', count: 1 });
  // Two calls: round robin sends one of them to the faulty deployment first.
  for (const q of ['retry me', 'and me']) {
    const r = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: q }] });
    assert.equal(r.choices[0].message.content, `Echo: ${q}`);
  }
  const statuses = (await stack.emulator.requests()).filter((x) => x.deployment?.startsWith('d-gemini25pro')).map((x) => x.status);
  assert.deepEqual(statuses.filter((x) => x !== 200), [429]);
  assert.equal(statuses.filter((x) => x === 200).length, 2);
  await stack.emulator.clearFaults();

  await stack.emulator.fault({ target: 'd-gemini25flash', kind: 'drop', after_events: 2, count: 1 });
  const stream = await openai.chat.completions.create({
    model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'a b c d e f' }],
  });
  await assert.rejects(async () => {
    // eslint-disable-next-line no-unused-vars
    for await (const _ of stream);
  }, /interrupted|ended|error/i);
});

// ---- the emulator itself ----------------------------------------------------------------------

async function emulatorToken() {
  const r = await fetch(`${stack.emulator.url}/oauth/token?grant_type=client_credentials`, {
    method: 'POST', headers: { authorization: 'Basic ' + Buffer.from('demo-client:demo-secret').toString('base64') },
  });
  return (await r.json()).access_token;
}

async function vertex(path, body, token) {
  const r = await fetch(`${stack.emulator.url}/v2/inference/deployments/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'ai-resource-group': 'default', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

test('emulator: strict as Vertex (Google error shape, unknown fields, roles, function protocol, schemas)', async () => {
  const token = await emulatorToken();
  const gen = (body, model = 'gemini-2.5-pro') => vertex(`d-gemini25pro/models/${model}:generateContent`, body, token);
  const user = { role: 'user', parts: [{ text: 'hi' }] };
  const expect400 = async (body, pattern) => {
    const r = await gen(body);
    assert.equal(r.status, 400, JSON.stringify(body));
    const j = JSON.parse(r.text);
    assert.equal(j.error.code, 400);
    assert.equal(j.error.status, 'INVALID_ARGUMENT');
    assert.match(j.error.message, pattern, JSON.stringify(body));
  };
  await expect400({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 },
    /^Invalid JSON payload received\. Unknown name "messages": Cannot find field\.\nInvalid JSON payload received\. Unknown name "max_tokens": Cannot find field\.$/);
  await expect400({ contents: [user], generationConfig: { max_tokens: 5 } },
    /Unknown name "max_tokens" at 'generation_config': Cannot find field/);
  await expect400({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /Please use a valid role: user, model\./);
  await expect400({ contents: [{ role: 'user', parts: [{ text: '' }] }] }, /empty text parameter/);
  await expect400({ contents: [] }, /at least one contents/);
  await expect400({ contents: [user, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'g', response: {} } }] }] }, /no function call named 'g'/);
  await expect400({ contents: [user, { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] },
    /function response turn comes immediately after a function call turn/);
  await expect400({ contents: [user], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } } }] }] },
    /Unknown name "additionalProperties" at 'tools\[0\]\.function_declarations\[0\]\.parameters'/);
  await expect400({ contents: [user], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { u: { type: 'string', format: 'uri' } } } }] }] },
    /properties\[u\]\.format: only 'enum' and 'date-time' are supported for STRING type/);
  await expect400({ contents: [user], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { l: { type: 'array' } } } }] }] },
    /properties\[l\]\.items: missing field/);
  await expect400({ contents: [user], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: {} } }] }] },
    /properties: should be non-empty for OBJECT type/);
  await expect400({ contents: [user], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } }, /only works in thinking mode/);
  // SAP's documented shape: snake_case names and single messages where lists are expected.
  const sapDoc = await gen({
    contents: { role: 'user', parts: { text: 'from the SAP docs' } },
    generation_config: { max_output_tokens: 50, temperature: 0.5 },
    safety_settings: { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'BLOCK_LOW_AND_ABOVE' },
  });
  assert.equal(sapDoc.status, 200, sapDoc.text);
  assert.equal(JSON.parse(sapDoc.text).candidates[0].content.parts.at(-1).text, 'Echo: from the SAP docs');
  // The model in the path must be the deployment's.
  const wrong = await gen({ contents: [user] }, 'gemini-2.5-flash');
  assert.equal(wrong.status, 404);
  assert.equal(JSON.parse(wrong.text).error.status, 'NOT_FOUND');
});

test('emulator: a stream without alt=sse is one JSON array; with it, CRLF-framed SSE', async () => {
  const token = await emulatorToken();
  const body = { contents: [{ role: 'user', parts: [{ text: 'a b' }] }] };
  const arr = await vertex('d-gemini25flash/models/gemini-2.5-flash:streamGenerateContent', body, token);
  assert.equal(arr.status, 200);
  assert.match(arr.type, /application\/json/);
  const chunks = JSON.parse(arr.text);
  assert.equal(chunks.map((c) => c.candidates[0].content?.parts?.[0]?.text ?? '').join(''), 'Echo: a b');
  assert.equal(chunks.at(-1).candidates[0].finishReason, 'STOP');
  assert.ok(chunks.at(-1).usageMetadata.candidatesTokenCount > 0);
  const sse = await vertex('d-gemini25flash/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body, token);
  assert.match(sse.type, /text\/event-stream/);
  assert.ok(sse.text.startsWith('data: {'));
  assert.equal(sse.text.split('\r\n\r\n').filter(Boolean).length, chunks.length);
});

test('emulator: :predict for embeddings only, with Vertex\'s instances', async () => {
  const token = await emulatorToken();
  const ok = await vertex('d-gemini-embed/models/gemini-embedding:predict', { instances: [{ content: 'x', task_type: 'RETRIEVAL_QUERY' }] }, token);
  assert.equal(ok.status, 200);
  const p = JSON.parse(ok.text).predictions[0].embeddings;
  assert.equal(p.values.length, 8);
  assert.equal(p.statistics.token_count, 1);
  const bad = await vertex('d-gemini-embed/models/gemini-embedding:predict', { input: 'x' }, token);
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.text).error.message, /Unknown name "input"/);
  const chat = await vertex('d-gemini25pro/models/gemini-2.5-pro:predict', { instances: [{ content: 'x' }] }, token);
  assert.equal(chat.status, 400);
});
