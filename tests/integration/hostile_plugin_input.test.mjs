// Hostile JSON aimed at the provider plugins (which run in-process, on the workers' 256 KiB
// stacks): each request gets a clear 400 in the caller's envelope, the process survives, and the
// next ordinary request on every plugin is answered. A crash here takes the whole proxy down, so
// every case checks that the process is still running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

let stack;
before(async () => {
  const emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: {
      a: {
        'gpt-4o': [dep('d-gpt4o')],
        'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')],
        'gemini-2.5-pro': [dep('d-gemini25pro')],
      },
      b: {},
    },
    aliases: {},
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
});
after(async () => { await stack?.stop(); });

const MODELS = ['gpt-4o', 'anthropic--claude-4.5-sonnet', 'gemini-2.5-pro'];

function post(path, body) {
  return fetch(stack.proxy.url + path, {
    method: 'POST',
    headers: { authorization: 'Bearer test-key-1', 'x-api-key': 'test-key-1', 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// The proxy process is still there and serves /health; if not, says how it ended.
async function assertAlive(what) {
  const { proc } = stack.proxy;
  let health;
  try {
    health = (await fetch(stack.proxy.url + '/health')).status;
  } catch {
    // Unreachable: give the exit event a moment to arrive so the message can name the signal.
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => { proc.once('exit', r); setTimeout(r, 2000); });
  }
  assert.ok(proc.exitCode === null && proc.signalCode === null,
    `the proxy died (${proc.signalCode ?? `exit ${proc.exitCode}`}) on ${what}:\n${stack.proxy.logs().slice(-2000)}`);
  assert.equal(health, 200, `/health after ${what}`);
}

// A 400 in the envelope of the route: OpenAI {"error":{...}}, Anthropic {"type":"error","error":{...}}.
async function expect400(path, body, pattern, what) {
  let r;
  try {
    r = await post(path, body);
  } catch (e) {
    await assertAlive(what);
    throw e;
  }
  const text = await r.text();
  await assertAlive(what);
  assert.equal(r.status, 400, `${what}: ${text.slice(0, 300)}`);
  const j = JSON.parse(text);
  if (path === '/v1/messages') {
    assert.equal(j.type, 'error', what);
    assert.equal(j.error.type, 'invalid_request_error', what);
  } else {
    assert.equal(j.error.type, 'invalid_request_error', what);
  }
  assert.match(j.error.message, pattern, what);
}

// {"type":"object","properties":{"x":{"$ref":"#/$defs/d0"}},"$defs":{"d0":{"$ref":"#/$defs/d1"},…}}
function refChain(n) {
  const defs = {};
  for (let i = 0; i + 1 < n; ++i) defs[`d${i}`] = { $ref: `#/$defs/d${i + 1}` };
  defs[`d${n - 1}`] = { type: 'string' };
  return { type: 'object', properties: { x: { $ref: '#/$defs/d0' } }, $defs: defs };
}

test('a tool schema chaining 1,000 $refs is a 400 for Gemini, not a crash (both dialects)', async () => {
  const schema = refChain(1000);
  const openaiBody = {
    model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'hi' }],
    tools: [{ type: 'function', function: { name: 'chain', parameters: schema } }],
  };
  const anthropicBody = {
    model: 'gemini-2.5-pro', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }],
    tools: [{ name: 'chain', input_schema: schema }],
  };
  assert.ok(JSON.stringify(openaiBody).length > 30000);
  const limit = /tools\[0\]\.function\.parameters: schema nested deeper than 32 levels/;
  await expect400('/v1/chat/completions', openaiBody, limit, 'OpenAI request with a 1,000-$ref chain');
  await expect400('/v1/messages', anthropicBody, limit, 'Anthropic request with a 1,000-$ref chain');
  await expect400('/v1/chat/completions', { ...openaiBody, stream: true }, limit, 'streamed, 1,000-$ref chain');
  const rf = {
    model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'hi' }],
    response_format: { type: 'json_schema', json_schema: { name: 'r', schema } },
  };
  await expect400('/v1/chat/completions', rf, /response_format\.json_schema\.schema: schema nested deeper/, 'response_format chain');
});

const nestedObjects = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

test('JSON nested 3,000 deep inside a tool call\'s arguments is a 400 where a plugin parses it, never a crash', async () => {
  for (const model of MODELS) {
    const body = {
      model,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: nestedObjects(3000) } }] },
        { role: 'tool', tool_call_id: 'call_1', content: nestedObjects(3000) },
      ],
    };
    if (model === 'gpt-4o') {
      // The openai plugin passes the arguments on as the string they are.
      const r = await post('/v1/chat/completions', body);
      await r.arrayBuffer();
      await assertAlive(`${model}: deep arguments`);
      assert.notEqual(r.status, 500);
    } else {
      await expect400('/v1/chat/completions', body, /messages\[1\]\.tool_calls\[0\]\.function\.arguments: nested deeper than 64 levels/,
        `${model}: deep arguments`);
    }
  }
});

test('bodies nested past the limit are a 400 for every plugin, in both dialects', async () => {
  for (const model of MODELS) {
    await expect400('/v1/chat/completions',
      `{"model":"${model}","messages":[{"role":"user","content":"hi"}],"metadata":${nestedObjects(70)}}`,
      /nested deeper than 64 levels/, `${model}: OpenAI body nested 72 deep`);
    await expect400('/v1/messages',
      `{"model":"${model}","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"hi","x":${nestedObjects(70)}}]}]}`,
      /nested deeper than 64 levels/, `${model}: Anthropic body nested 75 deep`);
  }
});

test('after hostile requests every plugin still answers', async () => {
  for (const model of MODELS) {
    const r = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'still here' }] });
    assert.equal(r.status, 200, `${model}: ${await r.clone().text()}`);
    assert.match((await r.json()).choices[0].message.content, /still here/);
  }
  await assertAlive('the ordinary requests');
});
