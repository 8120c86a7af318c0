// Routing that keeps prompt caches warm: conversation affinity, weights and priority, driven by the
// official `@anthropic-ai/sdk` through the built proxy, with the emulator's per-deployment Bedrock
// caches. One emulator; one proxy with the default routing (affinity "auto": on for Claude) and one
// with plain round-robin, both over the same two subaccounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

const MODEL = 'anthropic--claude-4.5-sonnet';
let emulator;
const proxies = {};
// The model calls the emulator recorded (token requests have no deployment).
const calls = async () => (await emulator.requests()).filter((r) => r.deployment);

function models(url) {
  const dep = (id) => `${url}/v2/inference/deployments/${id}`;
  return {
    a: { [MODEL]: [dep('d-claude45sonnet')], 'gpt-4o': [dep('d-gpt4o')] },
    b: { [MODEL]: [dep('d-claude-b')] },
  };
}

async function proxyWith(extra, subExtra = {}) {
  const cfg = writeConfig(emulator.url, { models: models(emulator.url), extra });
  // writeConfig builds the standard two subaccounts; weights and priorities go on top of them.
  const c = JSON.parse(readFileSync(cfg.path, 'utf8'));
  for (const [name, fields] of Object.entries(subExtra)) Object.assign(c.subAccounts[name], fields);
  writeFileSync(cfg.path, JSON.stringify(c));
  const proxy = await startProxy(cfg.path);
  return { proxy, client: new Anthropic({ baseURL: proxy.url, apiKey: 'test-key-1', maxRetries: 0 }) };
}

before(async () => {
  emulator = await startEmulator();
  proxies.sticky = await proxyWith({});
  proxies.roundRobin = await proxyWith({ routing: { affinity: 'off' } });
  proxies.weighted = await proxyWith({ routing: { affinity: 'off' } }, { 'sub-a': { weight: 3 } });
  proxies.spill = await proxyWith({ routing: { affinity: 'off' } }, { 'sub-b': { priority: 1 } });
  proxies.fallback = await proxyWith({ model_fallbacks: { [MODEL]: ['gpt-4o'] } });
});
after(async () => {
  for (const p of Object.values(proxies)) await p.proxy.stop();
  await emulator?.stop();
});

// An agent session as Claude Code sends it: a long cached system prompt, tools, the session in
// metadata.user_id, and the cache breakpoint on the newest user message of a growing history.
async function agentSession(client, turns, tag) {
  const session = randomUUID();
  const system = [
    { type: 'text', text: `x-anthropic-billing-header: cc_version=2.1.0; cch=${randomUUID().slice(0, 5)};` },
    { type: 'text', text: `You are an agent (${tag}). ` + 'Follow the repository conventions carefully. '.repeat(200), cache_control: { type: 'ephemeral' } },
  ];
  const history = [];
  const usage = [];
  const deployments = [];
  for (let t = 0; t < turns; ++t) {
    // Each turn adds a sizeable tool output, as an agent reading files does.
    history.push({ role: 'user', content: [{ type: 'text', text: `turn ${t}: ` + `file contents line ${t} `.repeat(150) }] });
    const messages = history.map((m, i) => (i === history.length - 1
      ? { role: m.role, content: m.content.map((b, j) => (j === m.content.length - 1 ? { ...b, cache_control: { type: 'ephemeral' } } : b)) }
      : m));
    const before = (await calls()).length;
    const r = await client.messages.create({
      model: MODEL, max_tokens: 64, system, messages,
      metadata: { user_id: `user_abc_account_def_session_${session}` },
    });
    const recs = await calls();
    deployments.push(recs.slice(before).at(-1).deployment);
    usage.push(r.usage);
    history.push({ role: 'assistant', content: r.content });
  }
  return { usage, deployments };
}

// Share of prompt tokens read from the cache, and the prompt's cost against no caching at all in
// Anthropic's list-price ratios (cache write 1.25x, cache read 0.1x the input price).
function cacheFigures(usage) {
  let input = 0, write = 0, read = 0;
  for (const u of usage) {
    input += u.input_tokens;
    write += u.cache_creation_input_tokens;
    read += u.cache_read_input_tokens;
  }
  const total = input + write + read;
  return { readShare: read / total, costRatio: (input + 1.25 * write + 0.1 * read) / total, input, write, read };
}

test('a 10-turn agent session stays on one deployment and reads its prefix from the cache', async () => {
  const sticky = await agentSession(proxies.sticky.client, 10, 'affinity');
  const rr = await agentSession(proxies.roundRobin.client, 10, 'round-robin');
  assert.equal(new Set(sticky.deployments).size, 1, `one deployment: ${sticky.deployments}`);
  assert.equal(new Set(rr.deployments).size, 2, `round-robin used both: ${rr.deployments}`);
  const s = cacheFigures(sticky.usage);
  const r = cacheFigures(rr.usage);
  console.log(`affinity:    ${(100 * s.readShare).toFixed(1)} % of prompt tokens read from cache, prompt cost ${s.costRatio.toFixed(3)}x of uncached`);
  console.log(`round-robin: ${(100 * r.readShare).toFixed(1)} % of prompt tokens read from cache, prompt cost ${r.costRatio.toFixed(3)}x of uncached`);
  // Every turn after the first reads everything up to last turn's breakpoint.
  for (let t = 1; t < 10; ++t) assert.ok(sticky.usage[t].cache_read_input_tokens > 0, `turn ${t} read the cache`);
  assert.ok(s.readShare > 0.75, `affinity read share ${s.readShare}`);
  assert.ok(s.readShare > r.readShare + 0.1, `affinity ${s.readShare} vs round-robin ${r.readShare}`);
  assert.ok(s.costRatio < r.costRatio, `cost ${s.costRatio} vs ${r.costRatio}`);
  const logs = proxies.sticky.proxy.logs();
  assert.ok((logs.match(/affinity=hit/g) ?? []).length >= 9, 'nine turns were affinity hits');
  assert.match(logs, /affinity=new/);
  assert.match(proxies.roundRobin.proxy.logs(), /affinity=-/);
});

test('independent conversations still spread over both subaccounts', async () => {
  const counts = {};
  for (let i = 0; i < 20; ++i) {
    const { deployments } = await agentSession(proxies.sticky.client, 2, `independent ${i}`);
    assert.equal(deployments[0], deployments[1], 'each conversation sticks');
    counts[deployments[0]] = (counts[deployments[0]] ?? 0) + 1;
  }
  console.log('20 conversations per deployment:', JSON.stringify(counts));
  for (const d of ['d-claude45sonnet', 'd-claude-b']) {
    const share = (counts[d] ?? 0) / 20;
    assert.ok(share >= 0.35 && share <= 0.65, `${d}: ${share}`);
  }
});

test('a sticky deployment that fails is left; the conversation sticks to the one that answered', async () => {
  const client = proxies.sticky.client;
  const session = randomUUID();
  const params = (text) => ({
    model: MODEL, max_tokens: 32, metadata: { user_id: `user_x_session_${session}` },
    messages: [{ role: 'user', content: `sticky failover ${session}` }, { role: 'assistant', content: 'ok' }, { role: 'user', content: text }],
  });
  const where = async () => (await calls()).at(-1).deployment;
  await client.messages.create(params('one'));
  const first = await where();
  const other = first === 'd-claude45sonnet' ? 'd-claude-b' : 'd-claude45sonnet';
  await emulator.fault({ target: first, kind: '500', count: 1 });
  const m = await client.messages.create(params('two'));
  assert.equal(m.type, 'message');
  assert.equal(await where(), other, 'failed over to the other deployment');
  await client.messages.create(params('three'));
  assert.equal(await where(), other, 'and stays there');
  assert.match(proxies.sticky.proxy.logs(), /affinity=miss/);
});

test('weights share the first attempts; a spill-over priority is used only when the primary fails', async () => {
  const ask = (client, i) => client.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: `w ${i}` }] });
  await emulator.clearRequests();
  for (let i = 0; i < 40; ++i) await ask(proxies.weighted.client, i);
  const byDep = {};
  for (const r of await calls()) byDep[r.deployment] = (byDep[r.deployment] ?? 0) + 1;
  assert.deepEqual(byDep, { 'd-claude45sonnet': 30, 'd-claude-b': 10 });

  await emulator.clearRequests();
  for (let i = 0; i < 6; ++i) await ask(proxies.spill.client, i);
  assert.deepEqual([...new Set((await calls()).map((r) => r.deployment))], ['d-claude45sonnet']);
  await emulator.fault({ target: 'd-claude45sonnet', kind: '429', count: 1, retry_after: 1 });
  await emulator.clearRequests();
  const m = await ask(proxies.spill.client, 'spill');
  assert.equal(m.type, 'message');
  assert.deepEqual((await calls()).map((r) => [r.deployment, r.status]), [['d-claude45sonnet', 429], ['d-claude-b', 200]]);
});

test('when every deployment of a model fails, its fallback model answers in the client\'s dialect', async () => {
  const client = proxies.fallback.client;
  const params = { model: MODEL, max_tokens: 32, messages: [{ role: 'user', content: 'fallback please' }] };
  // Healthy: the requested model answers, and says so.
  const ok = await client.messages.create(params).withResponse();
  assert.equal(ok.response.headers.get('x-aicore-model'), MODEL);
  await emulator.fault({ target: 'd-claude45sonnet', kind: '500', count: -1 });
  await emulator.fault({ target: 'd-claude-b', kind: '503', count: -1 });
  try {
    await emulator.clearRequests();
    const { data, response } = await client.messages.create(params).withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.model, 'gpt-4o');
    assert.equal(response.headers.get('x-aicore-model'), 'gpt-4o');
    assert.match(data.content[0].text, /fallback please/);
    const deps = (await calls()).map((r) => r.deployment);
    assert.equal(deps.at(-1), 'd-gpt4o');
    assert.ok(deps.filter((d) => d !== 'd-gpt4o').length >= 2, `claude was tried first: ${deps}`);
    // A stream falls back the same way, before its first event.
    const events = [];
    const stream = client.messages.stream(params);
    for await (const e of stream) events.push(e.type);
    assert.equal((await stream.finalMessage()).model, 'gpt-4o');
    assert.equal(events[0], 'message_start');
    assert.match(proxies.fallback.proxy.logs(), new RegExp(`fallback_from=${MODEL}`));
  } finally {
    await emulator.clearFaults();
  }
});
