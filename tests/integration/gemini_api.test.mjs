// The official `@google/genai` npm SDK (models.generateContent / generateContentStream /
// countTokens / list / get) against aicore-proxy's Gemini API front door (/v1beta/models/…) on all
// three families — Gemini (Vertex, near pass-through), Claude (Bedrock) and GPT (Azure) in the
// emulator — streamed and not, with a function-call round trip, thinking, usage, the key as
// x-goog-api-key and as ?key=, the JSON-array stream, and the errors the Gemini API spells.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleGenAI, ApiError } from '@google/genai';
import { startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

let stack;
let ai;

before(async () => {
  const emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: {
      a: {
        'gpt-4o': [dep('d-gpt4o')],
        'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')],
        'gemini-2.5-pro': [dep('d-gemini25pro')],
        'gemini-embedding': [dep('d-gemini-embed')],
        'text-embedding-3-small': [dep('d-embed')],
      },
    },
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
  ai = new GoogleGenAI({ apiKey: 'test-key-1', httpOptions: { baseUrl: proxy.url } });
});
after(async () => { await stack?.stop(); });

const FAMILIES = [
  { model: 'gemini-2.5-pro', upstream: '/d-gemini25pro' },
  { model: 'anthropic--claude-4.5-sonnet', upstream: '/d-claude45sonnet' },
  { model: 'gpt-4o', upstream: '/d-gpt4o' },
];

// Gemini CLI's way to declare a tool: plain JSON Schema in parametersJsonSchema.
const weatherTool = {
  functionDeclarations: [{
    name: 'get_weather',
    description: 'Weather for a city',
    parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  }],
};

// The upstream calls to `path`, their bodies parsed.
async function upstreamCalls(path) {
  return (await stack.emulator.requests()).filter((r) => r.path.includes(path))
    .map((r) => ({ ...r, body: typeof r.body === 'string' && r.body ? JSON.parse(r.body) : r.body }));
}

async function raw(path, { method = 'POST', body, headers = {} } = {}) {
  const all = { 'content-type': 'application/json', 'x-goog-api-key': 'test-key-1', ...headers };
  for (const k of Object.keys(all)) if (all[k] === null) delete all[k];
  const res = await fetch(stack.proxy.url + path, {
    method,
    headers: all,
    body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

for (const fam of FAMILIES) {
  test(`${fam.model}: generateContent answers text with usage`, async () => {
    const r = await ai.models.generateContent({
      model: fam.model,
      contents: 'Hello there',
      config: { systemInstruction: 'Be brief.', maxOutputTokens: 200, temperature: 0.5 },
    });
    assert.equal(r.text, 'Echo: Hello there');
    assert.equal(r.candidates[0].content.role, 'model');
    assert.equal(r.candidates[0].finishReason, 'STOP');
    assert.equal(r.modelVersion, fam.model);
    const u = r.usageMetadata;
    assert.ok(u.promptTokenCount > 0 && u.candidatesTokenCount > 0, JSON.stringify(u));
    assert.ok(u.totalTokenCount >= u.promptTokenCount + u.candidatesTokenCount, JSON.stringify(u));
  });

  test(`${fam.model}: generateContentStream streams the same text, usage and STOP on the last chunk`, async () => {
    const chunks = [];
    for await (const c of await ai.models.generateContentStream({ model: fam.model, contents: 'Hello there' })) chunks.push(c);
    assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
    assert.equal(chunks.map((c) => c.text ?? '').join(''), 'Echo: Hello there');
    const last = chunks.at(-1);
    assert.equal(last.candidates[0].finishReason, 'STOP');
    assert.ok(last.usageMetadata.promptTokenCount > 0 && last.usageMetadata.candidatesTokenCount > 0);
  });

  test(`${fam.model}: a function call and its response round-trip (whole and streamed)`, async () => {
    const contents = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
    const first = await ai.models.generateContent({ model: fam.model, contents, config: { tools: [weatherTool] } });
    const call = first.functionCalls?.[0];
    assert.ok(call, JSON.stringify(first.candidates));
    assert.equal(call.name, 'get_weather');
    assert.equal(typeof call.args.city, 'string');
    const next = [...contents, first.candidates[0].content,
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: '18C and sunny' } } }] }];
    const second = await ai.models.generateContent({ model: fam.model, contents: next, config: { tools: [weatherTool] } });
    assert.match(second.text, /^Tool result: .*18C and sunny/);

    const streamed = [];
    for await (const c of await ai.models.generateContentStream({ model: fam.model, contents, config: { tools: [weatherTool] } })) streamed.push(c);
    const calls = streamed.flatMap((c) => c.functionCalls ?? []);
    assert.equal(calls.length, 1, JSON.stringify(streamed.map((c) => c.candidates)));
    assert.deepEqual(calls[0].args, call.args);
  });

  test(`${fam.model}: countTokens is answered without an upstream call`, async () => {
    const before = (await upstreamCalls(fam.upstream)).length;
    const r = await ai.models.countTokens({ model: fam.model, contents: 'How many tokens is this sentence?' });
    assert.ok(r.totalTokens > 0, JSON.stringify(r));
    assert.equal((await upstreamCalls(fam.upstream)).length, before);
  });
}

test('gemini: the request reaches Vertex near as sent (tools as declared, generationConfig kept)', async () => {
  await ai.models.generateContent({
    model: 'gemini-2.5-pro',
    contents: 'Hello there',
    config: { systemInstruction: 'Be brief.', topK: 40, stopSequences: ['END'], tools: [weatherTool] },
  });
  const sent = (await upstreamCalls('/d-gemini25pro')).at(-1);
  assert.match(sent.path, /\/models\/gemini-2\.5-pro:generateContent$/);
  const body = sent.body;
  assert.equal(body.generationConfig.topK, 40);
  assert.deepEqual(body.generationConfig.stopSequences, ['END']);
  assert.equal(body.systemInstruction.parts[0].text, 'Be brief.');
  assert.equal(body.tools[0].functionDeclarations[0].name, 'get_weather');
  assert.equal(body.model, undefined);
});

test('claude with thinking: thought parts when asked, and the signed thinking round-trips through a tool turn', async () => {
  const model = 'anthropic--claude-4.5-sonnet';
  const config = { tools: [weatherTool], thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 } };
  const contents = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
  const first = await ai.models.generateContent({ model, contents, config });
  const parts = first.candidates[0].content.parts;
  assert.ok(parts.some((p) => p.thought === true && p.text), JSON.stringify(parts));
  assert.ok(parts.some((p) => p.functionCall && p.thoughtSignature), JSON.stringify(parts));
  const sentFirst = (await upstreamCalls('/d-claude45sonnet')).at(-1).body;
  assert.equal(sentFirst.thinking?.type, 'enabled');
  // The emulator, like Bedrock, rejects a continued tool turn whose thinking lost its signature.
  const next = [...contents, first.candidates[0].content,
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'rain' } } }] }];
  const second = await ai.models.generateContent({ model, contents: next, config });
  assert.match(second.text, /^Tool result/);
  const sent = (await upstreamCalls('/d-claude45sonnet')).at(-1).body;
  assert.equal(sent.messages[1].content[0].type, 'thinking');
});

test('models.list and models.get answer in the Gemini API shape', async () => {
  const names = [];
  for await (const m of await ai.models.list()) names.push(m.name);
  for (const f of FAMILIES) assert.ok(names.includes(`models/${f.model}`), names.join(','));
  const one = await ai.models.get({ model: 'gemini-2.5-pro' });
  assert.equal(one.name, 'models/gemini-2.5-pro');
  const missing = await raw('/v1beta/models/no-such-model', { method: 'GET' });
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.text).error.status, 'NOT_FOUND');
});

test('errors: unknown model 404, bad key 401, both in the Gemini API error shape', async () => {
  await assert.rejects(ai.models.generateContent({ model: 'no-such-model', contents: 'hi' }),
    (e) => e instanceof ApiError && e.status === 404);
  const bad = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: stack.proxy.url } });
  await assert.rejects(bad.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' }),
    (e) => e instanceof ApiError && e.status === 401);
  const r = await raw('/v1beta/models/gemini-2.5-pro:generateContent', { headers: { 'x-goog-api-key': 'wrong' }, body: {} });
  assert.equal(r.status, 401);
  assert.deepEqual(Object.keys(JSON.parse(r.text).error).sort(), ['code', 'message', 'status']);
  assert.equal(JSON.parse(r.text).error.status, 'UNAUTHENTICATED');
});

test('hostile bodies: malformed JSON, wrong types and a bad part answer 400 INVALID_ARGUMENT', async () => {
  for (const body of ['{"contents":', '[]', '{"contents":"x","generationConfig":7}', '{"contents":[{"role":"user","parts":[{"bogus":1}]}]}',
    '{"contents":[{"role":"user","parts":[{"text":5}]}]}']) {
    for (const model of FAMILIES.map((f) => f.model)) {
      const r = await raw(`/v1beta/models/${model}:generateContent`, { body });
      assert.equal(r.status, 400, `${model} ${body}: ${r.text}`);
      const e = JSON.parse(r.text).error;
      assert.equal(e.code, 400);
      assert.equal(e.status, 'INVALID_ARGUMENT');
      assert.ok(e.message.length > 0);
    }
  }
  const get = await raw('/v1beta/models/gemini-2.5-pro:generateContent', { method: 'GET' });
  assert.equal(get.status, 405);
  const unknown = await raw('/v1beta/models/gemini-2.5-pro:frobnicate', { body: {} });
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.text).error.status, 'NOT_FOUND');
});

test('the key as ?key=, and a stream without alt=sse as a JSON array', async () => {
  const body = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };
  const r = await raw('/v1beta/models/anthropic--claude-4.5-sonnet:generateContent?key=test-key-1', {
    body, headers: { 'x-goog-api-key': null } });
  assert.equal(r.status, 200, r.text);
  const arr = await raw('/v1beta/models/gemini-2.5-pro:streamGenerateContent?key=test-key-1', { body, headers: { 'x-goog-api-key': null } });
  assert.equal(arr.status, 200, arr.text);
  assert.match(arr.type, /application\/json/);
  const items = JSON.parse(arr.text);
  assert.ok(Array.isArray(items) && items.length >= 2, arr.text);
  assert.equal(items.map((c) => c.candidates?.[0]?.content?.parts?.map((p) => p.text).join('') ?? '').join(''), 'Echo: Hello there');
  const wrongKey = await raw('/v1beta/models/gemini-2.5-pro:generateContent?key=nope', { body, headers: { 'x-goog-api-key': null } });
  assert.equal(wrongKey.status, 401);
});

test('the /v1/ spelling serves the same API; /v1/models stays OpenAI\'s listing for OpenAI clients', async () => {
  const v1 = new GoogleGenAI({ apiKey: 'test-key-1', httpOptions: { baseUrl: stack.proxy.url, apiVersion: 'v1' } });
  const r = await v1.models.generateContent({ model: 'gpt-4o', contents: 'Hello there' });
  assert.equal(r.text, 'Echo: Hello there');
  const openai = await fetch(stack.proxy.url + '/v1/models', { headers: { authorization: 'Bearer test-key-1' } });
  assert.equal((await openai.json()).object, 'list');
});

// embedContent as @google/genai sends it on the Gemini API: always :batchEmbedContents, one
// request per content, the config's taskType, title and outputDimensionality on each.
const EMBEDDERS = [
  { model: 'gemini-embedding', upstream: '/d-gemini-embed' },
  { model: 'text-embedding-3-small', upstream: '/d-embed' },
];
for (const emb of EMBEDDERS) {
  test(`${emb.model}: embedContent (SDK, batchEmbedContents) and a raw :embedContent agree`, async () => {
    // Contents, not strings: the SDK merges strings into one Content for model ids it takes for
    // multimodal embedders (any "gemini…" but gemini-embedding-001).
    const r = await ai.models.embedContent({
      model: emb.model,
      contents: [{ role: 'user', parts: [{ text: 'alpha' }] }, { role: 'user', parts: [{ text: 'beta gamma' }] }],
      config: { outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT', title: 'Notes' },
    });
    assert.equal(r.embeddings.length, 2);
    for (const e of r.embeddings) {
      assert.equal(e.values.length, 4);
      assert.ok(e.values.every((v) => typeof v === 'number'));
    }
    assert.notDeepEqual(r.embeddings[0].values, r.embeddings[1].values);

    const calls = await upstreamCalls(emb.upstream);
    const last = calls[calls.length - 1].body;
    if (emb.model === 'gemini-embedding') {
      // Vertex :predict keeps what Vertex understands.
      assert.match(calls[calls.length - 1].path, /\/models\/gemini-embedding:predict$/);
      assert.deepEqual(last, {
        instances: [
          { content: 'alpha', task_type: 'RETRIEVAL_DOCUMENT', title: 'Notes' },
          { content: 'beta gamma', task_type: 'RETRIEVAL_DOCUMENT', title: 'Notes' },
        ],
        parameters: { outputDimensionality: 4 },
      });
    } else {
      // Azure's embeddings take neither (nor a model: the deployment is the model).
      assert.deepEqual(last, { input: ['alpha', 'beta gamma'], encoding_format: 'float', dimensions: 4 });
    }

    const one = await raw(`/v1beta/models/${emb.model}:embedContent`, {
      body: { model: `models/${emb.model}`, content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT', title: 'Notes' },
    });
    assert.equal(one.status, 200, one.text);
    const single = JSON.parse(one.text);
    assert.deepEqual(Object.keys(single).filter((k) => k !== 'usageMetadata'), ['embedding']);
    assert.deepEqual(single.embedding.values, r.embeddings[0].values);
  });
}

test('embeddings: the OpenAI endpoint and the Gemini API give the same vector; usage counted', async () => {
  const openai = await fetch(stack.proxy.url + '/v1/embeddings', {
    method: 'POST',
    headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float' }),
  });
  const o = await openai.json();
  const g = JSON.parse((await raw('/v1beta/models/text-embedding-3-small:embedContent', {
    body: { content: { parts: [{ text: 'alpha' }] } } })).text);
  assert.deepEqual(g.embedding.values, o.data[0].embedding);
  assert.equal(g.usageMetadata.promptTokenCount, o.usage.prompt_tokens);
});

test('embeddings: client mistakes answer 400 INVALID_ARGUMENT; a chat model cannot embed', async () => {
  const cases = [
    ['gemini-embedding:embedContent', '{"content":'],
    ['gemini-embedding:embedContent', { content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }] } }],
    ['gemini-embedding:embedContent', { content: { parts: [{ text: 'x' }] }, taskType: 'SUMMARIZE' }],
    ['text-embedding-3-small:embedContent', { content: { parts: [{ text: 'x' }] }, model: 'models/gemini-embedding' }],
    ['text-embedding-3-small:batchEmbedContents', { requests: [] }],
    ['gemini-embedding:batchEmbedContents', { requests: [
      { content: { parts: [{ text: 'a' }] }, outputDimensionality: 4 }, { content: { parts: [{ text: 'b' }] }, outputDimensionality: 8 }] }],
  ];
  for (const [path, body] of cases) {
    const r = await raw(`/v1beta/models/${path}`, { body });
    assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${r.text}`);
    const e = JSON.parse(r.text).error;
    assert.equal(e.status, 'INVALID_ARGUMENT', r.text);
    assert.ok(e.message.length > 0);
  }
  // Claude serves no embeddings: a clear refusal, never a 5xx.
  const claude = await raw('/v1beta/models/anthropic--claude-4.5-sonnet:embedContent', { body: { content: { parts: [{ text: 'x' }] } } });
  assert.ok(claude.status >= 400 && claude.status < 500, claude.text);
  assert.match(JSON.parse(claude.text).error.message, /embed/i);
  const bad = await raw('/v1beta/models/gemini-embedding:embedContent', { headers: { 'x-goog-api-key': 'wrong' }, body: {} });
  assert.equal(bad.status, 401);
});

test('models.get names the embedding methods on embedding models only', async () => {
  const emb = await ai.models.get({ model: 'gemini-embedding' });
  assert.deepEqual(emb.supportedActions, ['embedContent', 'batchEmbedContents']);
  const chat = await ai.models.get({ model: 'gemini-2.5-pro' });
  assert.ok(chat.supportedActions.includes('generateContent'));
  assert.ok(!chat.supportedActions.includes('embedContent'));
});
