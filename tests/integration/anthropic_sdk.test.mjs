// The official `@anthropic-ai/sdk` against the built aicore-proxy, with the emulator's Bedrock family
// as SAP AI Core's Claude deployments: what Claude Code and the Anthropic SDKs need, end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

let stack;
let client;

// Claude on two subaccounts (failover), a Claude 3.7 key served through Converse, and one GPT key.
function claudeModels(url) {
  const dep = (id) => `${url}/v2/inference/deployments/${id}`;
  return {
    a: {
      'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')],
      'anthropic--claude-3.7-sonnet': [dep('d-claude37sonnet')],
      'claude-3.7-json': [dep('d-claude-json')],
      'gpt-4o': [dep('d-gpt4o')],
    },
    b: { 'anthropic--claude-4.5-sonnet': [dep('d-claude-b')] },
  };
}

before(async () => {
  const emulator = await startEmulator();
  const cfg = writeConfig(emulator.url, {
    models: claudeModels(emulator.url),
    extra: { plugins: { settings: { claude: { apis: { 'anthropic--claude-3.7-sonnet': 'converse', 'claude-3.7-json': 'converse' } } } } },
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
  client = new Anthropic({ baseURL: proxy.url, apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => { await stack?.stop(); });

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function lastUpstream(pathEnd) {
  const recs = (await stack.emulator.requests()).filter((r) => r.path.endsWith(pathEnd));
  assert.ok(recs.length > 0, `an upstream ${pathEnd} request was made`);
  return recs.at(-1);
}

test('messages.create: text, system prompt, usage, and the exact Bedrock body', async () => {
  await stack.emulator.clearRequests();
  const m = await client.messages.create({
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 256,
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Hello there' }],
    temperature: 0.5,
  });
  assert.equal(m.type, 'message');
  assert.equal(m.role, 'assistant');
  assert.match(m.id, /^msg_bdrk_/);
  assert.deepEqual(m.content, [{ type: 'text', text: 'Echo: Hello there' }]);
  assert.equal(m.stop_reason, 'end_turn');
  assert.equal(m.stop_sequence, null);
  assert.ok(m.usage.input_tokens > 0 && m.usage.output_tokens > 0);
  assert.equal(m.usage.cache_read_input_tokens, 0);

  const rec = await lastUpstream('/invoke');
  assert.match(rec.path, /\/d-claude(45sonnet|-b)\/invoke$/);
  const sent = JSON.parse(rec.body);
  assert.deepEqual(Object.keys(sent), ['anthropic_version', 'max_tokens', 'system', 'messages', 'temperature']);
  assert.equal(sent.anthropic_version, 'bedrock-2023-05-31');
  assert.equal(sent.model, undefined);
  assert.equal(sent.stream, undefined);
  assert.equal(sent.system, 'You are terse.');
  assert.equal(sent.temperature, 0.5);
});

test('messages.stream: spec-exact events, text deltas, final message with usage', async () => {
  const stream = client.messages.stream({
    model: 'anthropic--claude-4.5-sonnet',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'one two three four' }],
  });
  const types = [];
  let text = '';
  stream.on('streamEvent', (e) => types.push(e.type));
  stream.on('text', (t) => { text += t; });
  const final = await stream.finalMessage();
  assert.equal(text, 'Echo: one two three four');
  assert.deepEqual(final.content, [{ type: 'text', text: 'Echo: one two three four' }]);
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage.output_tokens >= 5);
  assert.equal(types[0], 'message_start');
  assert.equal(types[1], 'content_block_start');
  assert.equal(types.at(-2), 'message_delta');
  assert.equal(types.at(-1), 'message_stop');
  assert.ok(types.filter((t) => t === 'content_block_delta').length >= 3, 'text arrives in pieces');
});

test('the raw SSE is `event:` + `data:` + blank line per event, without Bedrock-only fields', async () => {
  const r = await fetch(stack.proxy.url + '/v1/messages?beta=true', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'test-key-1', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'raw' }] }),
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  const raw = await r.text();
  assert.ok(raw.endsWith('\n\n'));
  const events = raw.slice(0, -2).split('\n\n');
  for (const ev of events) {
    const lines = ev.split('\n');
    assert.equal(lines.length, 2, ev);
    assert.match(lines[0], /^event: [a-z_]+$/);
    assert.ok(lines[1].startsWith('data: '));
    const data = JSON.parse(lines[1].slice(6));
    assert.equal(`event: ${data.type}`, lines[0]);
  }
  assert.ok(!raw.includes('amazon-bedrock-invocationMetrics'));
  assert.ok(events.at(-1).startsWith('event: message_stop'));
});

test('tools: a tool_use (streamed as input_json_delta), then a tool_result turn', async () => {
  const stream = client.messages.stream({
    model: 'anthropic--claude-4.5-sonnet',
    max_tokens: 512,
    tools: [weatherTool],
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  let partials = 0;
  stream.on('streamEvent', (e) => {
    if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' && e.delta.partial_json) partials++;
  });
  const first = await stream.finalMessage();
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((b) => b.type === 'tool_use');
  assert.match(use.id, /^toolu_bdrk_/);
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { city: 'test' });
  assert.ok(partials > 1, 'tool input arrives in several input_json_delta fragments');

  const second = await client.messages.create({
    model: 'anthropic--claude-4.5-sonnet',
    max_tokens: 512,
    tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18C and sunny' }] },
    ],
  });
  assert.deepEqual(second.content, [{ type: 'text', text: 'Tool result: 18C and sunny' }]);
  assert.equal(second.stop_reason, 'end_turn');
});

test('thinking: blocks with signatures come back and are accepted on the next turn', async () => {
  const params = {
    model: 'anthropic--claude-4.5-sonnet',
    max_tokens: 4096,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    tools: [weatherTool],
  };
  const first = await client.messages.stream({ ...params, messages: [{ role: 'user', content: 'Weather in Rome?' }] }).finalMessage();
  const [thinking, use] = first.content;
  assert.equal(thinking.type, 'thinking');
  assert.equal(thinking.thinking, 'Thinking about: Weather in Rome?');
  assert.ok(thinking.signature.length > 20);
  assert.equal(use.type, 'tool_use');

  // The thinking block goes back byte-exact, or the upstream rejects the signature.
  const history = [
    { role: 'user', content: 'Weather in Rome?' },
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '21C' }] },
  ];
  const second = await client.messages.create({ ...params, messages: history });
  assert.equal(second.content[0].type, 'thinking');
  assert.equal(second.content.at(-1).text, 'Tool result: 21C');

  const forged = structuredClone(history);
  forged[1].content[0].signature = 'Zm9yZ2Vk';
  await assert.rejects(client.messages.create({ ...params, messages: forged }),
    (e) => e instanceof Anthropic.BadRequestError && e.status === 400 && /Invalid `signature`/.test(e.message)
      && e.error?.type === 'error' && e.error?.error?.type === 'invalid_request_error');

  // Dropping the thinking block is what breaks real clients: the upstream says so, and it reaches the caller.
  const dropped = structuredClone(history);
  dropped[1].content = dropped[1].content.filter((b) => b.type !== 'thinking');
  await assert.rejects(client.messages.create({ ...params, messages: dropped }), (e) => e.status === 400 && /thinking block/.test(e.message));
});

test('Claude Code shape: betas filtered into anthropic_beta, adaptive thinking, cache_control.scope, mid-conversation system', async () => {
  await stack.emulator.clearRequests();
  const r = await fetch(stack.proxy.url + '/v1/messages?beta=true', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer test-key-2',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,prompt-caching-scope-2026-01-05,effort-2025-11-24',
    },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32000,
      stream: true,
      system: [
        { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Be concise.', cache_control: { type: 'ephemeral', scope: 'global' } },
      ],
      tools: [{ ...weatherTool, input_schema: { $schema: 'http://json-schema.org/draft-07/schema#', additionalProperties: false, ...weatherTool.input_schema }, input_examples: [{ city: 'Oslo' }] },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral', scope: 'global' } }] },
        { role: 'assistant', content: 'Hello.' },
        { role: 'system', content: 'Plan mode is on.' },
        { role: 'user', content: [{ type: 'text', text: 'Say something' }] },
      ],
      metadata: { user_id: 'user_1' },
      thinking: { type: 'adaptive' },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      output_config: { effort: 'medium' },
      tool_choice: { type: 'auto' },
    }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const text = await r.text();
  assert.ok(text.includes('event: message_stop'));
  const sent = JSON.parse((await lastUpstream('/invoke-with-response-stream')).body);
  assert.deepEqual(sent.anthropic_beta, ['interleaved-thinking-2025-05-14']);
  assert.deepEqual(sent.thinking, { type: 'enabled', budget_tokens: 8192 });
  for (const k of ['model', 'stream', 'metadata', 'context_management', 'output_config']) assert.equal(sent[k], undefined, k);
  assert.deepEqual(sent.tools.map((t) => t.name), ['get_weather']);
  assert.equal(sent.tools[0].input_examples, undefined);
  assert.deepEqual(sent.system[1].cache_control, { type: 'ephemeral' });
  assert.deepEqual(sent.messages[0].content[0].cache_control, { type: 'ephemeral' });
  assert.deepEqual(sent.messages.map((m) => m.role), ['user', 'assistant', 'user']);
  assert.match(sent.messages[2].content[0].text, /Plan mode is on/);
});

test('structured output: output_config.format reaches Bedrock and the answer is JSON of the schema', async () => {
  // Claude Code's session-title request, trimmed: no tools, a JSON schema for {"title": …}.
  const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false };
  const m = await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 200,
    system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.112.a9f; cc_entrypoint=cli; cch=3f9a1;' },
      { type: 'text', text: 'Generate a title.' }],
    messages: [{ role: 'user', content: 'fix the login bug' }],
    tools: [],
    output_config: { effort: 'low', format: { type: 'json_schema', schema } },
  });
  assert.deepEqual(JSON.parse(m.content[0].text), { title: 'test' });
  const sent = JSON.parse((await lastUpstream('/invoke')).body);
  assert.deepEqual(sent.output_config, { format: { type: 'json_schema', schema } });
  assert.deepEqual(sent.system, [{ type: 'text', text: 'Generate a title.' }]);
  assert.equal(sent.tools, undefined);
});

test('prompt caching: the second identical prefix is read from the cache', async () => {
  const params = {
    model: 'anthropic--claude-4.5-sonnet',
    max_tokens: 64,
    system: [{ type: 'text', text: `A long and stable system prompt ${Date.now()}.`, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: 'first' }],
  };
  const a = await client.messages.create(params);
  assert.ok(a.usage.cache_creation_input_tokens > 0);
  assert.equal(a.usage.cache_read_input_tokens, 0);
  const b = await client.messages.stream({ ...params, messages: [{ role: 'user', content: 'second' }] }).finalMessage();
  assert.equal(b.usage.cache_read_input_tokens, a.usage.cache_creation_input_tokens);
});

test('images and documents pass through to Bedrock unchanged', async () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const content = [
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'Doc' },
    { type: 'text', text: 'What is this?' },
  ];
  const m = await client.messages.create({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 64, messages: [{ role: 'user', content }] });
  assert.equal(m.content[0].text, 'Echo: What is this? [image]');
  const sent = JSON.parse((await lastUpstream('/invoke')).body);
  assert.deepEqual(sent.messages[0].content, content);
});

test('count_tokens answers locally, counts system and tools, and grows with the input', async () => {
  await stack.emulator.clearRequests();
  const small = await client.messages.countTokens({ model: 'anthropic--claude-4.5-sonnet', messages: [{ role: 'user', content: 'Hi' }] });
  assert.ok(Number.isInteger(small.input_tokens) && small.input_tokens > 0);
  const withSystem = await client.messages.countTokens({ model: 'anthropic--claude-4.5-sonnet', system: 'You are a very helpful assistant.', messages: [{ role: 'user', content: 'Hi' }] });
  const withTools = await client.messages.countTokens({ model: 'anthropic--claude-4.5-sonnet', system: 'You are a very helpful assistant.', tools: [weatherTool], messages: [{ role: 'user', content: 'Hi' }] });
  assert.ok(withSystem.input_tokens > small.input_tokens);
  assert.ok(withTools.input_tokens > withSystem.input_tokens);
  assert.deepEqual(await stack.emulator.requests(), [], 'no upstream call');
});

test('errors: unknown model 404, bad input 400, upstream validation relayed, all in the Anthropic envelope', async () => {
  await assert.rejects(client.messages.create({ model: 'claude-opus-9', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.NotFoundError && e.error?.error?.type === 'not_found_error' && /claude-opus-9/.test(e.message));
  await assert.rejects(client.messages.create({ model: 'anthropic--claude-4.5-sonnet', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.BadRequestError && /max_tokens/.test(e.message));
  // Bedrock's own 400 (a role that breaks alternation) reaches the client with Bedrock's words.
  await assert.rejects(client.messages.create({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }, { role: 'user', content: 'y' }] }),
    (e) => e instanceof Anthropic.BadRequestError && /roles must alternate/.test(e.message) && e.error?.type === 'error');
  const bad = new Anthropic({ baseURL: stack.proxy.url, apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(bad.messages.create({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.AuthenticationError && e.error?.error?.type === 'authentication_error');
  const bearer = new Anthropic({ baseURL: stack.proxy.url, authToken: 'test-key-2', apiKey: null, maxRetries: 0 });
  const ok = await bearer.messages.create({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'bearer' }] });
  assert.equal(ok.content[0].text, 'Echo: bearer');
});

test('a 429 fails over to the other subaccount; a stream cut mid-way ends with an error event', async () => {
  await stack.emulator.clearRequests();
  await stack.emulator.fault({ target: '*', kind: '429', count: 1, retry_after: 1 });
  const m = await client.messages.create({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 32, messages: [{ role: 'user', content: 'retry me' }] });
  assert.equal(m.content[0].text, 'Echo: retry me');
  const recs = await stack.emulator.requests();
  assert.deepEqual(recs.map((r) => r.status), [429, 200]);
  assert.notEqual(recs[0].deployment, recs[1].deployment, 'the retry went to the other subaccount');

  await stack.emulator.fault({ target: '*', kind: 'drop', after_events: 4, count: 2 });
  const stream = client.messages.stream({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'a b c d e f g h' }] });
  await assert.rejects(stream.finalMessage(), (e) => /upstream|stream|interrupted|message_stop/i.test(e.message));
  await stack.emulator.clearFaults();
});

test('a stream whose first event is a Bedrock throttling error fails over invisibly', async () => {
  await new Promise((r) => setTimeout(r, 1100));  // the 429 cooldown of the previous test ends
  await stack.emulator.clearRequests();
  await stack.emulator.fault({ target: '*', kind: 'stream_error', count: 1 });
  const final = await client.messages.stream({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'throttled first' }] }).finalMessage();
  assert.deepEqual(final.content, [{ type: 'text', text: 'Echo: throttled first' }]);
  const recs = (await stack.emulator.requests()).filter((r) => r.path.endsWith('/invoke-with-response-stream'));
  assert.deepEqual(recs.map((r) => r.fault ?? null), ['stream_error', null]);
  assert.notEqual(recs[0].deployment, recs[1].deployment, 'the retry went to the other subaccount');
});

test('Converse path (Python-literal stream): text, tools and thinking through the same SDK calls', async () => {
  await stack.emulator.clearRequests();
  const m = await client.messages.create({ model: 'claude-3-7-sonnet-20250219', max_tokens: 128, system: 'Be nice.', messages: [{ role: 'user', content: "It's me" }] });
  assert.equal(m.content[0].text, "Echo: It's me");
  assert.equal(m.model, 'claude-3-7-sonnet-20250219');
  const rec = await lastUpstream('/converse');
  assert.deepEqual(JSON.parse(rec.body).system, [{ text: 'Be nice.' }]);

  const stream = client.messages.stream({
    model: 'anthropic--claude-3.7-sonnet', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 },
    tools: [weatherTool], messages: [{ role: 'user', content: "What's the weather?" }],
  });
  const final = await stream.finalMessage();
  assert.deepEqual(final.content.map((b) => b.type), ['thinking', 'tool_use']);
  assert.equal(final.content[0].thinking, "Thinking about: What's the weather?");
  assert.deepEqual(final.content[1].input, { city: 'test' });
  assert.equal(final.stop_reason, 'tool_use');
  assert.ok(final.usage.output_tokens > 0);
  const second = await client.messages.create({
    model: 'anthropic--claude-3.7-sonnet', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [weatherTool],
    messages: [{ role: 'user', content: "What's the weather?" }, { role: 'assistant', content: final.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: final.content[1].id, content: 'rain' }] }],
  });
  assert.equal(second.content.at(-1).text, 'Tool result: rain');

  // The same through a deployment that prints the stream as JSON.
  const json = await client.messages.stream({ model: 'claude-3.7-json', max_tokens: 64, messages: [{ role: 'user', content: 'json stream' }] }).finalMessage();
  assert.equal(json.content[0].text, 'Echo: json stream');
});
