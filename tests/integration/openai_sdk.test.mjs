// The official `openai` npm SDK against the built aicore-proxy, with the emulator as SAP AI Core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startStack } from './lib/harness.mjs';

let stack;
let client;

before(async () => {
  stack = await startStack();
  client = new OpenAI({ baseURL: stack.proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
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

test('models.list returns every configured model and alias, owned by its plugin', async () => {
  const ids = [];
  for await (const m of client.models.list()) {
    ids.push(m.id);
    assert.equal(m.object, 'model');
    assert.equal(m.owned_by, 'openai');
    assert.equal(typeof m.created, 'number');
  }
  assert.deepEqual(ids.sort(), ['gpt-4o', 'gpt-5', 'my-gpt', 'text-embedding-3-small']);
});

test('chat completion (non-streaming) and the exact upstream request', async () => {
  await stack.emulator.clearRequests();
  const r = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }],
    temperature: 0.2,
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(r.choices[0].message.content, 'Echo: Hello there');
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  assert.equal(r.prompt_filter_results, undefined, 'Azure-only fields are removed');
  assert.equal(r.choices[0].content_filter_results, undefined);

  const [rec] = (await stack.emulator.requests()).filter((x) => x.path.endsWith('/chat/completions'));
  assert.match(rec.query, /api-version=/);
  assert.equal(rec.headers['ai-resource-group'], 'default');
  assert.match(rec.headers.authorization, /^Bearer \S+$/);
  const sent = JSON.parse(rec.body);
  assert.equal(sent.model, undefined, 'routing is by URL; the model field is not sent');
  assert.equal(sent.temperature, 0.2);
  assert.deepEqual(sent.messages[1], { role: 'user', content: 'Hello there' });
});

test('an alias resolves to its model', async () => {
  const r = await client.chat.completions.create({ model: 'my-gpt', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.choices[0].message.content, 'Echo: hi');
});

test('streaming chat without usage: clean chunks then [DONE]', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'one two three four' }],
  });
  let text = '';
  let finish = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.prompt_filter_results, undefined);
    assert.ok(chunk.choices.length > 0, 'no empty-choices Azure preamble and no usage chunk');
    assert.equal(chunk.usage, undefined);
    text += chunk.choices[0].delta.content ?? '';
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  assert.ok(chunks >= 3, `streamed in pieces (${chunks} chunks)`);
  assert.equal(text, 'Echo: one two three four');
  assert.equal(finish, 'stop');
});

test('streaming chat with include_usage ends with a usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'count me' }],
  });
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.ok(last.usage.prompt_tokens > 0 && last.usage.completion_tokens > 0);
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'Echo: count me');
});

test('tools: a tool call, then the tool result in a second turn', async () => {
  const first = await client.chat.completions.create({
    model: 'gpt-4o', tools: [weatherTool], tool_choice: 'auto',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  const msg = first.choices[0].message;
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  assert.equal(msg.tool_calls.length, 1);
  const call = msg.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.match(call.id, /^call_/);
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'test' });

  const second = await client.chat.completions.create({
    model: 'gpt-4o', tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      msg,
      { role: 'tool', tool_call_id: call.id, content: '18C and sunny' },
    ],
  });
  assert.equal(second.choices[0].message.content, 'Tool result: 18C and sunny');
  assert.equal(second.choices[0].finish_reason, 'stop');
});

test('tools while streaming: argument fragments keep their index and id', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o', stream: true, tools: [weatherTool],
    messages: [{ role: 'user', content: 'Weather?' }],
  });
  let id = null;
  let name = '';
  let args = '';
  let finish = null;
  let fragments = 0;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    for (const tc of choice.delta.tool_calls ?? []) {
      assert.equal(tc.index, 0);
      if (tc.id) id = tc.id;
      name += tc.function?.name ?? '';
      if (tc.function?.arguments) { args += tc.function.arguments; fragments++; }
    }
    finish = choice.finish_reason ?? finish;
  }
  assert.match(id, /^call_/);
  assert.equal(name, 'get_weather');
  assert.ok(fragments > 1, 'arguments arrive in fragments');
  assert.deepEqual(JSON.parse(args), { city: 'test' });
  assert.equal(finish, 'tool_calls');

  // The SDK's own accumulator agrees.
  const final = await client.chat.completions.stream({
    model: 'gpt-4o', tools: [weatherTool], messages: [{ role: 'user', content: 'Weather?' }],
  }).finalChatCompletion();
  assert.deepEqual(JSON.parse(final.choices[0].message.tool_calls[0].function.arguments), { city: 'test' });
});

test('an image part reaches the upstream unchanged', async () => {
  await stack.emulator.clearRequests();
  const url = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const r = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url } }] }],
  });
  assert.equal(r.choices[0].message.content, 'Echo: What is this? [image]');
  const [rec] = await stack.emulator.requests();
  assert.equal(JSON.parse(rec.body).messages[0].content[1].image_url.url, url);
});

test('gpt-5 with max_tokens and temperature succeeds (translated for reasoning models)', async () => {
  await stack.emulator.clearRequests();
  const r = await client.chat.completions.create({
    model: 'gpt-5', max_tokens: 50, temperature: 0.3, messages: [{ role: 'user', content: 'think' }],
  });
  assert.equal(r.choices[0].message.content, 'Echo: think');
  const [rec] = await stack.emulator.requests();
  const sent = JSON.parse(rec.body);
  assert.equal(sent.max_tokens, undefined);
  assert.equal(sent.max_completion_tokens, 50);
  assert.equal(sent.temperature, undefined);
});

test('embeddings: the SDK default (base64) and floats, with usage', async () => {
  const a = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
  assert.equal(a.object, 'list');
  assert.equal(a.data.length, 2);
  assert.equal(a.data[1].index, 1);
  assert.equal(a.data[0].embedding.length, 8);
  assert.ok(a.usage.prompt_tokens > 0);
  const b = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float' });
  assert.equal(b.data[0].embedding.length, 8);
  // Deterministic vectors: the same input embeds the same in both encodings.
  a.data[0].embedding.forEach((v, i) => assert.ok(Math.abs(v - b.data[0].embedding[i]) < 1e-6));
});

test('a wrong key gets 401 in the OpenAI envelope; both key headers work', async () => {
  const bad = new OpenAI({ baseURL: stack.proxy.url + '/v1', apiKey: 'test-key-1-but-longer', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e.status === 401 && e instanceof OpenAI.AuthenticationError);
  await assert.rejects(
    bad.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 401 && e.error?.type === 'authentication_error');
  const r = await fetch(stack.proxy.url + '/v1/models', { headers: { 'x-api-key': 'test-key-2' } });
  assert.equal(r.status, 200);
  const none = await fetch(stack.proxy.url + '/v1/models');
  assert.equal(none.status, 401);
});

test('an unknown model gets 404 naming it', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-9-ultra', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e.status === 404 && e instanceof OpenAI.NotFoundError && /gpt-9-ultra/.test(e.message));
});

test('bad input gets a clear 400 in the OpenAI envelope, and the server stays up', async () => {
  const post = (body) => fetch(stack.proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body,
  });
  for (const [body, pattern] of [
    ['{not json', /not valid JSON/],
    ['[1,2]', /JSON object/],
    ['{"messages":[]}', /model/],
    ['{"model":"gpt-4o","stream":"yes","messages":[{"role":"user","content":"x"}]}', /stream/],
    ['{"model":"gpt-4o","messages":5}', /messages/],
  ]) {
    const r = await post(body);
    assert.equal(r.status, 400, body);
    const j = await r.json();
    assert.match(j.error.message, pattern, body);
    assert.equal(typeof j.error.type, 'string');
    assert.ok(r.headers.get('x-request-id'));
  }
  const r = await fetch(stack.proxy.url + '/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.ok((await r.json()).error.message);
  const health = await fetch(stack.proxy.url + '/health');
  assert.equal(health.status, 200);
});

test('two subaccounts share the load; each token is fetched once over many requests', async () => {
  await stack.emulator.reset();
  await Promise.all(Array.from({ length: 20 }, () =>
    client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })));
  for (let i = 0; i < 10; i++)
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'y' }] });
  const stats = await stack.emulator.stats();
  assert.equal(stats.requests['d-gpt4o'], 15);
  assert.equal(stats.requests['d-gpt4o-b'], 15);
  // Tokens were cached from earlier tests: at most one fetch per subaccount, ever.
  assert.ok((stats.token_fetches['demo-client'] ?? 0) <= 1);
  assert.ok((stats.token_fetches['demo-client-2'] ?? 0) <= 1);
});

test('a 429 on one deployment fails over invisibly to the other subaccount', async () => {
  await stack.emulator.reset();
  await stack.emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 1 });
  const r1 = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] });
  const r2 = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'b' }] });
  assert.equal(r1.choices[0].message.content, 'Echo: a');
  assert.equal(r2.choices[0].message.content, 'Echo: b');
  const statuses = (await stack.emulator.requests()).map((r) => r.status);
  assert.ok(statuses.includes(429), 'the fault fired');
});

test('a 401 from inference refreshes the token and retries once', async () => {
  await stack.emulator.reset();
  await stack.emulator.fault({ target: 'd-gpt5', kind: '401', count: 1 });
  const r = await client.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'again' }] });
  assert.equal(r.choices[0].message.content, 'Echo: again');
  const stats = await stack.emulator.stats();
  assert.equal(stats.token_fetches['demo-client'], 1, 'one fresh token after the 401');
});
