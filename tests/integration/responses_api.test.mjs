// The official `openai` npm SDK's Responses API (client.responses.create / .stream) against
// aicore-proxy's POST /v1/responses on all three families — GPT (Azure), Claude (Bedrock) and
// Gemini (Vertex) in the emulator — streamed and not, with a function-call round trip, reasoning,
// structured output, usage, and the errors the Responses API spells.
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
      a: {
        'gpt-4o': [dep('d-gpt4o')],
        'gpt-5': [dep('d-gpt5')],
        'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')],
        'gemini-2.5-pro': [dep('d-gemini25pro')],
      },
      b: { 'gpt-4o': [dep('d-gpt4o-b')] },
    },
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
  client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
});
after(async () => { await stack?.stop(); });

const FAMILIES = [
  { model: 'gpt-4o', upstream: '/d-gpt4o' },
  { model: 'anthropic--claude-4.5-sonnet', upstream: '/d-claude45sonnet' },
  { model: 'gemini-2.5-pro', upstream: '/d-gemini25pro' },
];

const weather = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function lastUpstream(path) {
  const recs = (await stack.emulator.requests()).filter((r) => r.path.includes(path));
  assert.ok(recs.length > 0, `an upstream request to ${path} was made`);
  return recs.at(-1);
}

// Checks what the Responses API promises of a stream: numbered events, items added and done in
// pairs, the final response holding every done item.
function checkStream(events) {
  events.forEach((e, i) => assert.equal(e.sequence_number, i, `sequence_number of event ${i} (${e.type})`));
  assert.equal(events[0].type, 'response.created');
  assert.equal(events[1].type, 'response.in_progress');
  const last = events.at(-1);
  assert.ok(['response.completed', 'response.incomplete'].includes(last.type), last.type);
  const done = events.filter((e) => e.type === 'response.output_item.done');
  const added = events.filter((e) => e.type === 'response.output_item.added');
  assert.deepEqual(added.map((e) => e.output_index), done.map((e) => e.output_index));
  assert.deepEqual(last.response.output, done.map((e) => e.item));
  return last.response;
}

for (const fam of FAMILIES) {
  test(`${fam.model}: responses.create with a string input`, async () => {
    const r = await client.responses.create({ model: fam.model, input: 'Hello there', instructions: 'Be brief.' });
    assert.equal(r.object, 'response');
    assert.match(r.id, /^resp_/);
    assert.equal(r.status, 'completed');
    assert.equal(r.model, fam.model);
    assert.equal(r.instructions, 'Be brief.');
    assert.equal(r.output_text, 'Echo: Hello there');
    const msg = r.output.find((o) => o.type === 'message');
    assert.equal(msg.role, 'assistant');
    assert.equal(msg.content[0].type, 'output_text');
    assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);
    assert.equal(r.usage.total_tokens, r.usage.input_tokens + r.usage.output_tokens);
    assert.equal(typeof r.usage.input_tokens_details.cached_tokens, 'number');
    assert.equal(typeof r.usage.output_tokens_details.reasoning_tokens, 'number');
  });

  test(`${fam.model}: responses.stream gives the text in numbered events and a final response`, async () => {
    const stream = client.responses.stream({ model: fam.model, input: [{ role: 'user', content: [{ type: 'input_text', text: 'one two three' }] }] });
    const events = [];
    let text = '';
    for await (const e of stream) {
      events.push(e);
      if (e.type === 'response.output_text.delta') text += e.delta;
    }
    const final = await stream.finalResponse();
    const last = checkStream(events);
    assert.equal(text, 'Echo: one two three');
    assert.equal(final.output_text, 'Echo: one two three');
    assert.equal(final.id, last.id);
    assert.ok(final.usage.output_tokens > 0, 'usage in response.completed');
    for (const type of ['response.content_part.added', 'response.output_text.done', 'response.content_part.done'])
      assert.ok(events.some((e) => e.type === type), type);
  });

  test(`${fam.model}: a function call round trip, streamed`, async () => {
    const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const stream = client.responses.stream({ model: fam.model, input, tools: [weather], tool_choice: 'auto' });
    const events = [];
    let args = '';
    for await (const e of stream) {
      events.push(e);
      if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    }
    const first = checkStream(events);
    const call = first.output.find((o) => o.type === 'function_call');
    assert.ok(call, 'a function_call item');
    assert.equal(call.name, 'get_weather');
    assert.equal(call.status, 'completed');
    assert.equal(call.arguments, args);
    assert.deepEqual(JSON.parse(call.arguments), { city: 'test' });
    assert.match(call.id, /^fc_/);
    assert.ok(call.call_id);
    const argsDone = events.find((e) => e.type === 'response.function_call_arguments.done');
    assert.equal(argsDone.arguments, call.arguments);

    // Codex's second turn: the whole conversation again (store: false), the model's items as they came.
    const second = await client.responses.create({
      model: fam.model, tools: [weather], store: false,
      input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '18C and sunny' }],
    });
    assert.equal(second.status, 'completed');
    assert.equal(second.output_text, 'Tool result: 18C and sunny');
    const rec = await lastUpstream(fam.upstream);
    assert.ok(rec.body.includes('18C and sunny'), 'the tool output reached the upstream');
  });

  test(`${fam.model}: max_output_tokens cuts the answer: status incomplete, reason max_output_tokens`, async () => {
    const r = await client.responses.create({ model: fam.model, input: 'one two three four five', max_output_tokens: 2 });
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.incomplete_details, { reason: 'max_output_tokens' });
  });
}

test('gpt-5: reasoning.effort reaches Azure as reasoning_effort; reasoning tokens are reported', async () => {
  await stack.emulator.clearRequests();
  const r = await client.responses.create({ model: 'gpt-5', input: 'think', reasoning: { effort: 'low' } });
  assert.equal(r.output_text, 'Echo: think');
  assert.ok(r.usage.output_tokens_details.reasoning_tokens > 0);
  const sent = JSON.parse((await lastUpstream('/d-gpt5')).body);
  assert.equal(sent.reasoning_effort, 'low');
  assert.equal(sent.input, undefined);
});

test('claude with reasoning: a reasoning item with a summary; encrypted_content round-trips the signed thinking', async () => {
  const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await client.responses.create({
    model: 'anthropic--claude-4.5-sonnet', input, tools: [weather], reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'], store: false,
  });
  const reasoning = first.output.find((o) => o.type === 'reasoning');
  assert.ok(reasoning, JSON.stringify(first.output));
  assert.match(reasoning.summary[0].text, /^Thinking about/);
  assert.ok(reasoning.encrypted_content, 'encrypted_content when include asks for it');
  const call = first.output.find((o) => o.type === 'function_call');
  // The emulator, like Bedrock, rejects a continued tool turn whose thinking block lost its signature.
  const second = await client.responses.create({
    model: 'anthropic--claude-4.5-sonnet', tools: [weather], reasoning: { effort: 'low' }, store: false,
    input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: 'rain' }],
  });
  assert.equal(second.output_text, 'Tool result: rain');
  const sent = JSON.parse((await lastUpstream('/d-claude45sonnet')).body);
  assert.equal(sent.messages[1].content[0].type, 'thinking');
  assert.ok(sent.messages[1].content[0].signature);
});

test('claude with reasoning, streamed: the reasoning item carries the signed thinking as encrypted_content', async () => {
  const input = [{ role: 'user', content: 'What is the weather in Rome?' }];
  const stream = client.responses.stream({
    model: 'anthropic--claude-4.5-sonnet', input, tools: [weather], reasoning: { effort: 'low' },
    include: ['reasoning.encrypted_content'], store: false,
  });
  const events = [];
  for await (const e of stream) events.push(e);
  const first = checkStream(events);
  const reasoning = first.output.find((o) => o.type === 'reasoning');
  assert.ok(reasoning?.encrypted_content, JSON.stringify(first.output));
  assert.ok(events.some((e) => e.type === 'response.reasoning_summary_text.delta'));
  const call = first.output.find((o) => o.type === 'function_call');
  const second = await client.responses.create({
    model: 'anthropic--claude-4.5-sonnet', tools: [weather], reasoning: { effort: 'low' }, store: false,
    input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: 'sun' }],
  });
  assert.equal(second.output_text, 'Tool result: sun');
  const sent = JSON.parse((await lastUpstream('/d-claude45sonnet')).body);
  assert.equal(sent.messages[1].content[0].type, 'thinking');
  assert.ok(sent.messages[1].content[0].signature);
});

test('responses.inputTokens.count: a local estimate on every family, monotone, no upstream call', async () => {
  await stack.emulator.clearRequests();
  for (const { model } of FAMILIES) {
    const small = await client.responses.inputTokens.count({ model, input: 'Hello' });
    assert.equal(small.object, 'response.input_tokens');
    assert.ok(small.input_tokens > 0);
    const big = await client.responses.inputTokens.count({ model, input: 'Hello '.repeat(200), instructions: 'Be brief.', tools: [weather] });
    assert.ok(big.input_tokens > small.input_tokens + 300, `${big.input_tokens} vs ${small.input_tokens}`);
  }
  assert.deepEqual(await stack.emulator.requests(), [], 'answered without an upstream call');
});

test('text.format json_schema: structured output parsed by responses.parse', async () => {
  const r = await client.responses.parse({
    model: 'gpt-4o', input: 'a city',
    text: { format: { type: 'json_schema', name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } } },
  });
  assert.equal(typeof r.output_parsed.name, 'string');
});

test('errors in the OpenAI envelope: unknown model 404, previous_response_id and hosted tools 400, bad JSON 400, bad key 401', async () => {
  await assert.rejects(client.responses.create({ model: 'no-such-model', input: 'hi' }), (e) => e.status === 404);
  await assert.rejects(client.responses.create({ model: 'gpt-4o', input: 'hi', previous_response_id: 'resp_1' }),
    (e) => e.status === 400 && /previous_response_id/.test(e.message));
  await assert.rejects(client.responses.create({ model: 'gpt-4o', input: 'hi', tools: [{ type: 'file_search', vector_store_ids: ['x'] }] }),
    (e) => e.status === 400 && /file_search/.test(e.message));
  const bad = await fetch(stack.proxy.url + '/v1/responses', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' }, body: '{"model":"gpt-4o","input":',
  });
  assert.equal(bad.status, 400);
  assert.ok((await bad.json()).error.message);
  const denied = new OpenAI({ baseURL: stack.proxy.url + '/v1', apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(denied.responses.create({ model: 'gpt-4o', input: 'hi' }), (e) => e.status === 401);
});

test('a stream the upstream cuts ends with the Responses API error event; finalResponse rejects', async () => {
  await stack.emulator.fault({ target: '*', kind: 'drop', after_events: 4, count: 2 });
  const stream = client.responses.stream({ model: 'gpt-4o', input: 'one two three four five six' });
  const events = [];
  for await (const e of stream) events.push(e);
  const last = events.at(-1);
  // The API's own shape (and what the SDK yields rather than raises: its data has no `error` member).
  assert.equal(last.type, 'error', JSON.stringify(last));
  assert.match(last.message, /upstream/i);
  assert.equal(last.sequence_number, events.length - 1);
  assert.ok(!events.some((e) => e.type === 'response.completed'));
  await assert.rejects(stream.finalResponse());
  await stack.emulator.clearFaults();
});
