// Usage ledger and quotas through the built proxy with the official SDKs: every finished request
// lands in the SQLite ledger (read back by `aicore-proxy usage` and GET /admin/usage), a SIGKILL
// loses at most the last unwritten batch, quotas answer 429 + Retry-After in the caller's dialect
// naming the limit, and a restart rebuilds the counters from the ledger.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { BUILD_DIR, startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

const ALICE = 'alice-key-0123456789abcdef';  // 3 requests a minute
const CAROL = 'carol-key-0123456789abcdef';  // 1 request a minute (Anthropic dialect)
const DAVE = 'dave-key-0123456789abcdef';    // a tiny daily token budget
const ERIN = 'erin-key-0123456789abcdef';    // no limits
const FRANK = 'frank-key-0123456789abcdef';  // 2 requests a minute, across a restart
const ADMIN = 'admin-key-0123456789abcdef';
const CLAUDE = 'anthropic--claude-4.5-sonnet';
let emulator;
let proxy;
let cfg;

const openai = (apiKey) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
const anthropic = (apiKey) => new Anthropic({ baseURL: proxy.url, apiKey, maxRetries: 0 });
const chat = (apiKey, content = 'hi') => openai(apiKey).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
const message = (apiKey) => anthropic(apiKey).messages.create({ model: CLAUDE, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] });
const usageCli = (...args) => spawnSync(join(BUILD_DIR, 'aicore-proxy'), ['usage', '--config', cfg.path, ...args], { encoding: 'utf8' });
const adminUsage = (query, key = ADMIN) => fetch(`${proxy.url}/admin/usage${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  cfg = writeConfig(emulator.url, {
    keys: [],
    models: { a: { 'gpt-4o': [dep('d-gpt4o')], [CLAUDE]: [dep('d-claude45sonnet')] }, b: {} },
    extra: {
      admin_keys: [ADMIN],
      usage: { flush_interval_ms: 100 },
      client_keys: [
        { name: 'alice', key: ALICE, limits: { requests_per_minute: 3 } },
        { name: 'carol', key: CAROL, limits: { requests_per_minute: 1 } },
        { name: 'dave', key: DAVE, limits: { tokens_per_day: 40 } },
        { name: 'erin', key: ERIN },
        { name: 'frank', key: FRANK, limits: { requests_per_minute: 2 } },
      ],
    },
  });
  proxy = await startProxy(cfg.path);
});
after(async () => {
  await proxy?.stop();
  await emulator?.stop();
});

test('requests per minute: 429 with Retry-After in the OpenAI dialect, naming the limit', async () => {
  for (let i = 0; i < 3; ++i) assert.match((await chat(ALICE)).choices[0].message.content, /Echo/);
  const before = (await emulator.stats()).requests['d-gpt4o'] ?? 0;
  await assert.rejects(chat(ALICE), (e) => {
    assert.equal(e.status, 429);
    assert.equal(e.code, 'rate_limit_exceeded');
    assert.match(e.message, /API key 'alice' is over its limit of 3 requests per minute \(requests_per_minute\)/);
    const retry = Number(e.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    return true;
  });
  assert.equal((await emulator.stats()).requests['d-gpt4o'] ?? 0, before, 'a refused request never reaches SAP');
  // Another key is not affected.
  assert.match((await chat(ERIN)).choices[0].message.content, /Echo/);
});

test('requests per minute in the Anthropic dialect', async () => {
  assert.equal((await message(CAROL)).type, 'message');
  await assert.rejects(message(CAROL), (e) => {
    assert.equal(e.status, 429);
    assert.equal(e.error?.type, 'error');
    assert.equal(e.error?.error?.type, 'rate_limit_error');
    assert.match(e.error.error.message, /'carol' .*requests_per_minute/);
    assert.ok(Number(e.headers.get('retry-after')) >= 1);
    return true;
  });
});

test('tokens per day: estimated before, settled with the real usage after', async () => {
  const first = await chat(DAVE);
  const used = first.usage.prompt_tokens + first.usage.completion_tokens;
  assert.ok(used > 0 && used < 40, `the first request fits (${used} tokens)`);
  // Keep asking until the real usage fills the budget: the refusal names the daily limit.
  let refused;
  for (let i = 0; i < 10 && !refused; ++i) {
    try {
      await chat(DAVE);
    } catch (e) {
      refused = e;
    }
  }
  assert.ok(refused, 'the daily budget ran out');
  assert.equal(refused.status, 429);
  assert.match(refused.message, /'dave' is over its limit of 40 tokens per day \(UTC\) \(tokens_per_day\): used \d+/);
  const retry = Number(refused.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 86400, `Retry-After until midnight UTC: ${retry}`);

  const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
  assert.match(metrics, /^aicore_quota_rejections_total\{key="alice",limit="requests_per_minute"\} 1$/m);
  assert.match(metrics, /^aicore_quota_rejections_total\{key="dave",limit="tokens_per_day"\} 1$/m);
  assert.match(metrics, /^aicore_ledger_dropped_total 0$/m);
});

test('GET /admin/usage: behind the admin key, grouped as asked, equal to the traffic', async () => {
  assert.equal((await adminUsage('?since=1h', null)).status, 401);
  assert.equal((await adminUsage('?since=1h', ERIN)).status, 401, 'a client key is no admin key');
  const bad = await adminUsage('?since=1h&by=key,secret');
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /cannot group by 'secret'/);
  assert.equal((await adminUsage('?since=tomorrow')).status, 400);

  const r = await adminUsage('?since=1h&by=key,status');
  assert.equal(r.status, 200);
  const report = await r.json();
  const row = (key, status) => report.rows.find((x) => x.key === key && x.status === String(status));
  assert.equal(row('alice', 200).requests, 3);
  assert.equal(row('alice', 429).requests, 1);
  assert.equal(row('carol', 200).requests, 1);
  assert.equal(row('carol', 429).requests, 1);
  assert.equal(row('erin', 200).requests, 1);
  assert.ok(row('alice', 200).input_tokens > 0 && row('alice', 200).output_tokens > 0);
  assert.equal(row('alice', 429).input_tokens, 0);
  assert.equal(report.total.requests, report.rows.reduce((n, x) => n + x.requests, 0));
  assert.deepEqual(report.by, ['key', 'status']);
});

test('aicore-proxy usage prints the same report as a table, CSV and JSON', async () => {
  const json = usageCli('--since', '1h', '--by', 'key,model', '--format', 'json');
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  const alice = report.rows.find((x) => x.key === 'alice' && x.model === 'gpt-4o');
  assert.equal(alice.requests, 4);
  const carol = report.rows.find((x) => x.key === 'carol');
  assert.equal(carol.model, CLAUDE);

  const csv = usageCli('--since', '1h', '--by', 'key', '--format', 'csv');
  assert.equal(csv.status, 0, csv.stderr);
  assert.match(csv.stdout, /^key,requests,errors,input_tokens,output_tokens,/);
  assert.match(csv.stdout, /\r\nalice,4,1,\d+,\d+,/);

  const table = usageCli('--since', '1h', '--by', 'key');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^usage \S+ \.\. \S+\n/);
  assert.match(table.stdout, /\nalice +4 +1 /);
  assert.match(table.stdout, /\ntotal +\d+/);

  const bad = usageCli('--by', 'nope');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /cannot group by 'nope'/);

  // Several instances' ledgers as one report: a copy of this one stands for a second instance's
  // file (the WAL too: rows may not be in the main file yet), so every figure doubles.
  const pods = join(cfg.dir, 'pods');
  mkdirSync(pods, { recursive: true });
  for (const [from, to] of [['usage.db', 'a.db'], ['usage.db-wal', 'a.db-wal'], ['usage.db', 'b.db'], ['usage.db-wal', 'b.db-wal']])
    if (existsSync(join(cfg.dir, from))) copyFileSync(join(cfg.dir, from), join(pods, to));
  const merged = usageCli('--since', '1h', '--by', 'key,model', '--format', 'json', '--files', pods);
  assert.equal(merged.status, 0, merged.stderr);
  const both = JSON.parse(merged.stdout);
  const single = JSON.parse(usageCli('--since', '1h', '--by', 'key,model', '--format', 'json', '--files', join(pods, 'a.db')).stdout);
  assert.equal(both.total.requests, 2 * single.total.requests);
  assert.equal(both.total.input_tokens, 2 * single.total.input_tokens);
  assert.equal(both.rows.find((x) => x.key === 'alice' && x.model === 'gpt-4o').requests, 8);
  const missing = usageCli('--files', join(pods, 'c.db'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /c\.db does not exist/);
});

test('a restart keeps the counters (from the ledger); a SIGKILL loses at most the last batch', async () => {
  for (let i = 0; i < 2; ++i) await chat(FRANK);
  await proxy.stop();
  proxy = await startProxy(cfg.path);
  assert.match(proxy.logs(), /quotas: counters rebuilt from \d+ usage ledger rows/);
  await assert.rejects(chat(DAVE), (e) => e.status === 429 && /tokens_per_day/.test(e.message), 'the day is not new');
  await assert.rejects(chat(FRANK), (e) => e.status === 429 && /requests_per_minute/.test(e.message), 'nor the minute');

  const count = () => JSON.parse(usageCli('--since', '1h', '--format', 'json').stdout).total.requests;
  await sleep(400);  // the two refusals above are written before counting
  const before = count();
  for (let i = 0; i < 5; ++i) await chat(ERIN);
  await sleep(600);  // several flush intervals: these five are written
  proxy.proc.kill('SIGKILL');
  await new Promise((r) => proxy.proc.once('exit', r));
  assert.equal(count(), before + 5, 'every request finished before the last flush is in the ledger');
  const check = spawnSync('sqlite3', [join(cfg.dir, 'usage.db'), 'PRAGMA integrity_check'], { encoding: 'utf8' });
  if (check.status === 0) assert.equal(check.stdout.trim(), 'ok');
  assert.ok(existsSync(join(cfg.dir, 'usage.db')));
  proxy = await startProxy(cfg.path);  // and it starts again on the same file
  assert.match((await chat(ERIN)).choices[0].message.content, /Echo/);
});
