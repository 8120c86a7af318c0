// The official `openai` npm SDK against Claude deployments behind aicore-proxy (the emulator's Bedrock
// family as SAP AI Core): chat completions in and out, streamed and not, with tools, images, usage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

let stack;
let client;

before(async () => {
  const emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: {
      a: { 'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')], '3.7-sonnet': [dep('d-claude37sonnet')] },
      b: { 'anthropic--claude-4.5-sonnet': [dep('d-claude-b')] },
    },
    aliases: { 'my-claude': 'anthropic--claude-4.5-sonnet' },
    extra: { plugins: { settings: { claude: { apis: { '3.7-sonnet': 'converse' }, default_max_tokens: 2048 } } } },
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
  client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => { await stack?.stop(); });

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function lastUpstream() {
  const recs = (await stack.emulator.requests()).filter((r) => r.path.includes('/d-claude'));
  assert.ok(recs.length > 0, 'an upstream Claude request was made');
  return recs.at(-1);
}

test('models.list shows the Claude keys and the alias, owned by the claude plugin', async () => {
  const models = [];
  for await (const m of client.models.list()) models.push(m);
  assert.deepEqual(models.map((m) => m.id).sort(), ['3.7-sonnet', 'anthropic--claude-4.5-sonnet', 'my-claude']);
  for (const m of models) assert.equal(m.owned_by, 'claude');
});

test('chat completion (non-streaming): text, finish_reason, usage, and the Bedrock body', async () => {
  await stack.emulator.clearRequests();
  const r = await client.chat.completions.create({
    model: 'claude-sonnet-4-5',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }],
    temperature: 0.2,
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.model, 'claude-sonnet-4-5');
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(r.choices[0].message.content, 'Echo: Hello there');
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);

  const rec = await lastUpstream();
  assert.match(rec.path, /\/invoke$/);
  const sent = JSON.parse(rec.body);
  assert.equal(sent.anthropic_version, 'bedrock-2023-05-31');
  assert.equal(sent.max_tokens, 2048, 'the configured default when the client sets none');
  assert.equal(sent.model, undefined);
  assert.equal(sent.temperature, 0.2);
  assert.ok(JSON.stringify(sent.system).includes('Be brief.'));
  assert.deepEqual(sent.messages.at(-1).role, 'user');
});

test('an alias and the SAP name resolve too; max_tokens truncates with finish_reason length', async () => {
  const r = await client.chat.completions.create({ model: 'my-claude', max_tokens: 2, messages: [{ role: 'user', content: 'one two three' }] });
  assert.equal(r.choices[0].message.content, 'Echo: one');
  assert.equal(r.choices[0].finish_reason, 'length');
  const s = await client.chat.completions.create({ model: 'anthropic--claude-4.5-sonnet', messages: [{ role: 'user', content: 'hi' }], stop: ['hi'] });
  assert.equal(s.choices[0].message.content, 'Echo: ');
  assert.equal(s.choices[0].finish_reason, 'stop');
});

test('streaming with include_usage: chunks, then a usage chunk, then [DONE]', async () => {
  const stream = await client.chat.completions.create({
    model: 'claude-sonnet-4-5', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'one two three four' }],
  });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, 'Echo: one two three four');
  assert.ok(chunks.length >= 5, `streamed in pieces (${chunks.length} chunks)`);
  for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
  assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream');
  const finish = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
  assert.deepEqual(finish, ['stop']);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage.prompt_tokens > 0 && last.usage.completion_tokens > 0);
});

test('streaming without include_usage has no usage chunk', async () => {
  const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'x' }] });
  for await (const c of stream) {
    assert.ok(c.choices.length > 0);
    assert.ok(c.usage == null);
  }
});

test('tools: a tool call with JSON arguments, then the tool result', async () => {
  const first = await client.chat.completions.create({
    model: 'claude-sonnet-4-5', tools: [weatherTool], tool_choice: 'auto',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  const msg = first.choices[0].message;
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  assert.equal(msg.tool_calls.length, 1);
  const call = msg.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.match(call.id, /^toolu_bdrk_/);
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'test' });

  const second = await client.chat.completions.create({
    model: 'claude-sonnet-4-5', tools: [weatherTool],
    messages: [{ role: 'user', content: 'Weather in Paris?' }, msg, { role: 'tool', tool_call_id: call.id, content: '18C and sunny' }],
  });
  assert.equal(second.choices[0].message.content, 'Tool result: 18C and sunny');
  assert.equal(second.choices[0].finish_reason, 'stop');
  const sent = JSON.parse((await lastUpstream()).body);
  assert.equal(sent.messages[2].content[0].type, 'tool_result');
  assert.equal(sent.messages[2].content[0].tool_use_id, call.id);
});

test('tools while streaming: argument fragments keep their index and id', async () => {
  const stream = await client.chat.completions.create({
    model: 'claude-sonnet-4-5', stream: true, tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } },
    messages: [{ role: 'user', content: 'Weather?' }],
  });
  let id = null;
  let name = '';
  let args = '';
  let fragments = 0;
  let finish = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    for (const tc of choice.delta.tool_calls ?? []) {
      assert.equal(tc.index, 0);
      if (tc.id) id = tc.id;
      name += tc.function?.name ?? '';
      if (tc.function?.arguments) { args += tc.function.arguments; fragments++; }
    }
    finish = choice.finish_reason ?? finish;
  }
  assert.match(id, /^toolu_bdrk_/);
  assert.equal(name, 'get_weather');
  assert.ok(fragments > 1, 'arguments arrive in fragments');
  assert.deepEqual(JSON.parse(args), { city: 'test' });
  assert.equal(finish, 'tool_calls');
});

test('an image (data URL) becomes a base64 image block', async () => {
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const r = await client.chat.completions.create({
    model: 'claude-sonnet-4-5',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }],
  });
  assert.equal(r.choices[0].message.content, 'Echo: What is this? [image]');
  const sent = JSON.parse((await lastUpstream()).body);
  const image = sent.messages[0].content.find((b) => b.type === 'image');
  assert.deepEqual(image.source, { type: 'base64', media_type: 'image/png', data: png });
});

test('reasoning_effort turns on thinking; the thinking comes back as reasoning_content', async () => {
  const r = await client.chat.completions.create({ model: 'claude-sonnet-4-5', reasoning_effort: 'low', messages: [{ role: 'user', content: 'think' }] });
  assert.equal(r.choices[0].message.content, 'Echo: think');
  assert.equal(r.choices[0].message.reasoning_content, 'Thinking about: think');
  const sent = JSON.parse((await lastUpstream()).body);
  assert.equal(sent.thinking.type, 'enabled');
  assert.ok(sent.max_tokens > sent.thinking.budget_tokens);
});

test('Converse path: the same SDK calls through /converse and /converse-stream', async () => {
  await stack.emulator.clearRequests();
  const r = await client.chat.completions.create({ model: 'claude-3-7-sonnet-20250219', messages: [{ role: 'user', content: "it's converse" }] });
  assert.equal(r.choices[0].message.content, "Echo: it's converse");
  assert.match((await lastUpstream()).path, /\/converse$/);
  const stream = await client.chat.completions.create({
    model: '3.7-sonnet', stream: true, stream_options: { include_usage: true }, tools: [weatherTool],
    messages: [{ role: 'user', content: 'Weather?' }],
  });
  let args = '';
  let usage = null;
  for await (const c of stream) {
    for (const tc of c.choices[0]?.delta?.tool_calls ?? []) args += tc.function?.arguments ?? '';
    if (c.usage) usage = c.usage;
  }
  assert.deepEqual(JSON.parse(args), { city: 'test' });
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
  assert.match((await lastUpstream()).path, /\/converse-stream$/);
});

test('errors arrive in the OpenAI envelope', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [] }),
    (e) => e instanceof OpenAI.BadRequestError && e.status === 400);
  await assert.rejects(client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'bad name!', parameters: { type: 'object' } } }] }),
    (e) => e instanceof OpenAI.BadRequestError && /name/.test(e.message));
  await stack.emulator.fault({ target: '*', kind: '500', count: 8 });
  await assert.rejects(client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof OpenAI.APIError && e.status === 502);
  await stack.emulator.clearFaults();
});
