// A key's quotas hold across instances (shared_state.redis_url): three proxies on one config and
// one real redis-server (Debian's package) against the emulator. Requests spread round-robin
// over the three, a little more than a poll interval apart, are admitted as one instance would
// admit them (6 a minute in all, not 6 each), the next one is refused in its client's dialect
// with Retry-After, a token budget is spent once across the three, and with Redis gone the peers'
// numbers expire: each instance counts alone again instead of refusing on old numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startEmulator, startProxy, writeConfig } from './lib/harness.mjs';
import { freePort, skipWithoutRedis as skip, startRedis, until } from './lib/redis.mjs';

const TEAM = 'team-key-0123456789abcdef';      // 6 requests a minute, across every instance
const BUDGET = 'budget-key-0123456789abcdef';  // a small daily token budget, across every instance
const CLAUDE = 'anthropic--claude-4.5-sonnet';
const password = 'redis-pw-' + Math.random().toString(36).slice(2);
// A poll interval (200 ms) twice over, the sender's poll then the reader's, with room for a
// loaded machine where a poll comes late.
const PROPAGATE_MS = 1200;
let emulator;
let redis;
let redisPort;
let proxies = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const openai = (p, apiKey) => new OpenAI({ baseURL: `${p.url}/v1`, apiKey, maxRetries: 0 });
const chat = (p, apiKey) => openai(p, apiKey).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
const message = (p, apiKey) => new Anthropic({ baseURL: p.url, apiKey, maxRetries: 0 })
  .messages.create({ model: CLAUDE, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] });
// Whether the call was admitted (true), or refused by a quota (the error); anything else fails.
async function admitted(call) {
  try {
    await call();
    return true;
  } catch (e) {
    if (e.status !== 429) throw e;
    return e;
  }
}

before(async () => {
  if (skip) return;
  redisPort = await freePort();
  redis = await startRedis(redisPort, password);
  emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    keys: [],
    models: { a: { 'gpt-4o': [dep('d-gpt4o')], [CLAUDE]: [dep('d-claude45sonnet')] }, b: {} },
    extra: {
      usage: { enabled: false },  // the ledger is per instance; the counters here come from Redis
      shared_state: { redis_url: `redis://:${password}@127.0.0.1:${redisPort}/0` },
      client_keys: [
        { name: 'team', key: TEAM, limits: { requests_per_minute: 6 } },
        { name: 'budget', key: BUDGET, limits: { tokens_per_day: 120 } },
      ],
    },
  });
  proxies = await Promise.all([0, 1, 2].map(() => startProxy(cfg.path)));
  for (const p of proxies) await until(() => p.logs().includes('shared state: connected to Redis'), 'the Redis connection');
});
after(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await emulator?.stop();
  if (redis && redis.exitCode === null && redis.signalCode === null) redis.kill('SIGKILL');
});

test('6 requests a minute across three instances: 6 admitted in all, the 7th refused', { skip }, async () => {
  const per = [0, 0, 0];
  const refusals = [];
  for (let i = 0; i < 9; i++) {
    const r = await admitted(() => chat(proxies[i % 3], TEAM));
    if (r === true) per[i % 3]++;
    else refusals.push({ i, e: r });
    await sleep(PROPAGATE_MS);
  }
  assert.deepEqual(per, [2, 2, 2], `admitted per instance: ${per}`);
  assert.deepEqual(refusals.map((r) => r.i), [6, 7, 8]);
  const { e } = refusals[0];
  assert.equal(e.code, 'rate_limit_exceeded');
  assert.match(e.message, /API key 'team' is over its limit of 6 requests per minute \(requests_per_minute\)/);
  const retry = Number(e.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 65, `Retry-After ${retry}`);
  // Each instance's dashboard shows what the limit is checked against: all 6, 4 of them through
  // the other two.
  for (const p of proxies) {
    const q = (await (await fetch(`${p.url}/admin/stats`)).json()).quotas.find((x) => x.key === 'team');
    assert.equal(q.used.requests_per_minute, 6, JSON.stringify(q));
    assert.equal(q.used_by_peers.requests_per_minute, 4, JSON.stringify(q));
  }
  // The Anthropic dialect, through an instance that admitted only 2 of them itself.
  await assert.rejects(message(proxies[1], TEAM), (x) => {
    assert.equal(x.status, 429);
    assert.equal(x.error?.error?.type, 'rate_limit_error');
    assert.match(x.error.error.message, /'team' .*requests_per_minute/);
    assert.ok(Number(x.headers.get('retry-after')) >= 1);
    return true;
  });
});

test('a daily token budget is spent once across the three', { skip }, async () => {
  let spent = 0;
  let one = 0;
  let refused;
  for (let i = 0; i < 30 && !refused; i++) {
    try {
      const r = await chat(proxies[i % 3], BUDGET);
      one = r.usage.prompt_tokens + r.usage.completion_tokens;
      spent += one;
    } catch (e) {
      if (e.status !== 429) throw e;
      refused = e;
    }
    await sleep(PROPAGATE_MS);
  }
  assert.ok(refused, 'the budget ran out');
  assert.match(refused.message, /'budget' is over its limit of 120 tokens per day \(UTC\) \(tokens_per_day\): used \d+/);
  // The last admitted request may overshoot by what it used beyond its estimate; three budgets'
  // worth (one per instance) would be 360.
  assert.ok(spent <= 120 + one, `spent ${spent} tokens (one request: ${one})`);
});

test('Redis gone: the peers\' numbers expire and each instance counts alone again', { skip }, async () => {
  redis.kill('SIGKILL');
  for (const p of proxies) await until(() => /is unreachable/.test(p.logs()), 'the outage warning');
  // Instance 3 admitted 2 'team' requests itself: with the peers' 4 forgotten, it has room again.
  await sleep(2500);
  assert.equal(await admitted(() => chat(proxies[2], TEAM)), true);
});
