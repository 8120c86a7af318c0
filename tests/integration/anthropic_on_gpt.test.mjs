// The official `@anthropic-ai/sdk` against the built aicore-proxy with GPT deployments behind it
// (the emulator plays SAP AI Core): /v1/messages and /v1/messages/count_tokens served by the openai
// plugin through the shared OpenAI <-> Anthropic mapping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startStack } from './lib/harness.mjs';

let stack;
let client;

before(async () => {
  stack = await startStack();
  client = new Anthropic({ baseURL: stack.proxy.url, apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => { await stack?.stop(); });

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function lastUpstreamBody() {
  const recs = (await stack.emulator.requests()).filter((r) => r.path.endsWith('/chat/completions'));
  assert.ok(recs.length > 0, 'an upstream request was made');
  return JSON.parse(recs.at(-1).body);
}

test('messages.create on gpt-4o: text, usage, stop_reason, Anthropic shapes', async () => {
  await stack.emulator.clearRequests();
  // Claude Code's max_tokens; an explicit timeout stops the SDK refusing it without streaming.
  const msg = await client.messages.create({
    model: 'gpt-4o', max_tokens: 32000, system: 'Be brief.',
    messages: [{ role: 'user', content: 'Hello there' }],
  }, { timeout: 60000 });
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.match(msg.id, /^msg_/);
  assert.equal(msg.model, 'gpt-4o');
  assert.deepEqual(msg.content, [{ type: 'text', text: 'Echo: Hello there' }]);
  assert.equal(msg.stop_reason, 'end_turn');
  assert.equal(msg.stop_sequence, null);
  assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);

  const sent = await lastUpstreamBody();
  assert.deepEqual(sent.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }]);
  assert.equal(sent.max_tokens, 16384, "clamped to gpt-4o's output limit");
  assert.equal(sent.model, undefined);
});

test('max_tokens reached maps to stop_reason max_tokens', async () => {
  const msg = await client.messages.create({
    model: 'gpt-4o', max_tokens: 2, messages: [{ role: 'user', content: 'one two three four' }],
  });
  assert.equal(msg.stop_reason, 'max_tokens');
  assert.equal(msg.content[0].text, 'Echo: one');
});

test('messages.stream: text events, finalMessage, and the exact Anthropic event order', async () => {
  const stream = client.messages.stream({
    model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'one two three four' }],
  });
  let text = '';
  const types = [];
  stream.on('text', (t) => { text += t; });
  stream.on('streamEvent', (e) => types.push(e.type));
  const final = await stream.finalMessage();
  assert.equal(text, 'Echo: one two three four');
  assert.deepEqual(final.content, [{ type: 'text', text: 'Echo: one two three four' }]);
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage.output_tokens > 0);
  assert.ok(final.usage.input_tokens > 0);
  assert.equal(types[0], 'message_start');
  assert.equal(types[1], 'content_block_start');
  assert.ok(types.filter((t) => t === 'content_block_delta').length > 1, 'text arrives in pieces');
  assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
});

test('raw SSE framing: event line + data line + blank line, names matching data.type', async () => {
  const r = await fetch(stack.proxy.url + '/v1/messages', {
    method: 'POST',
    headers: { 'x-api-key': 'test-key-1', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/event-stream/);
  const body = await r.text();
  assert.ok(body.endsWith('\n\n'));
  const events = body.slice(0, -2).split('\n\n');
  for (const e of events) {
    const m = /^event: (\w+)\ndata: (.*)$/.exec(e);
    assert.ok(m, `framed: ${JSON.stringify(e)}`);
    assert.equal(JSON.parse(m[2]).type, m[1]);
  }
  assert.ok(!body.includes('[DONE]'), 'no OpenAI terminator');
  assert.ok(!body.includes('content_filter'), 'no Azure annotations');
});

test('tools: tool_use with parsed input, then the tool_result turn', async () => {
  await stack.emulator.clearRequests();
  const first = await client.messages.create({
    model: 'gpt-4o', max_tokens: 200, tools: [weatherTool],
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(first.content));
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { city: 'test' });
  assert.ok(use.id);
  const sent1 = await lastUpstreamBody();
  assert.deepEqual(sent1.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.input_schema } }]);

  const second = await client.messages.create({
    model: 'gpt-4o', max_tokens: 200, tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18C and sunny' }] },
    ],
  });
  assert.equal(second.stop_reason, 'end_turn');
  assert.equal(second.content[0].text, 'Tool result: 18C and sunny');
  const sent2 = await lastUpstreamBody();
  assert.deepEqual(sent2.messages.at(-1), { role: 'tool', tool_call_id: use.id, content: '18C and sunny' });
});

test('tools while streaming: input_json_delta fragments assemble into the input', async () => {
  const stream = client.messages.stream({
    model: 'gpt-4o', max_tokens: 200, tools: [weatherTool], tool_choice: { type: 'tool', name: 'get_weather' },
    messages: [{ role: 'user', content: 'Weather?' }],
  });
  let fragments = 0;
  stream.on('inputJson', () => { fragments++; });
  const final = await stream.finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  const use = final.content.find((b) => b.type === 'tool_use');
  assert.deepEqual(use.input, { city: 'test' });
  assert.ok(fragments > 1, `arguments arrive in fragments (${fragments})`);
});

test('system blocks, mid-conversation system messages and thinking blocks are accepted', async () => {
  await stack.emulator.clearRequests();
  const msg = await client.messages.create({
    model: 'gpt-4o', max_tokens: 100,
    system: [{ type: 'text', text: 'You are a CLI.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be terse.' }],
    messages: [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'text', text: 'ok' }] },
      { role: 'system', content: 'The user switched to plan mode.' },
      { role: 'user', content: [{ type: 'text', text: 'second', cache_control: { type: 'ephemeral' } }] },
    ],
  });
  assert.equal(msg.content[0].text, 'Echo: second');
  const sent = await lastUpstreamBody();
  assert.deepEqual(sent.messages, [
    { role: 'system', content: 'You are a CLI.\n\nBe terse.' },
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'ok' },
    { role: 'system', content: 'The user switched to plan mode.' },
    { role: 'user', content: 'second' },
  ]);
});

test('gpt-5 with thinking: reasoning_effort, no stop or temperature upstream', async () => {
  await stack.emulator.clearRequests();
  const msg = await client.messages.create({
    model: 'gpt-5', max_tokens: 1000, temperature: 0.3, stop_sequences: ['END'],
    thinking: { type: 'enabled', budget_tokens: 20000 },
    messages: [{ role: 'user', content: 'think' }],
  });
  assert.equal(msg.content.at(-1).text, 'Echo: think');
  const sent = await lastUpstreamBody();
  assert.equal(sent.reasoning_effort, 'high');
  assert.equal(sent.max_completion_tokens, 1000);
  assert.equal(sent.temperature, undefined);
  assert.equal(sent.stop, undefined);
});

test('count_tokens: answered locally, monotone in the input', async () => {
  await stack.emulator.clearRequests();
  const small = await client.messages.countTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
  const more = await client.messages.countTokens({
    model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi, and here is a considerably longer question for you.' }],
  });
  const withTools = await client.messages.countTokens({
    model: 'gpt-4o', system: 'Be brief.', tools: [weatherTool],
    messages: [{ role: 'user', content: 'Hi, and here is a considerably longer question for you.' }],
  });
  assert.ok(small.input_tokens > 0);
  assert.ok(more.input_tokens > small.input_tokens);
  assert.ok(withTools.input_tokens > more.input_tokens);
  assert.deepEqual(await stack.emulator.requests(), [], 'no upstream call');
});

test('an unknown model gets NotFoundError in the Anthropic envelope', async () => {
  await assert.rejects(
    client.messages.create({ model: 'gpt-9-ultra', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.NotFoundError && e.status === 404 && e.error?.type === 'error' &&
      e.error?.error?.type === 'not_found_error' && /gpt-9-ultra/.test(e.message));
});

test('a wrong key gets AuthenticationError', async () => {
  const bad = new Anthropic({ baseURL: stack.proxy.url, apiKey: 'nope', maxRetries: 0 });
  await assert.rejects(
    bad.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.AuthenticationError && e.status === 401 && e.error?.error?.type === 'authentication_error');
  await assert.rejects(
    bad.messages.countTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof Anthropic.AuthenticationError);
});

test('a bad request gets BadRequestError naming the field', async () => {
  await assert.rejects(
    client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }),
    (e) => e instanceof Anthropic.BadRequestError && e.error?.error?.type === 'invalid_request_error' &&
      /messages\[0\]\.content\[0\]\.tool_use_id: required/.test(e.message));
});
