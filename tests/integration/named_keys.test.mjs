// Named client keys (config client_keys): the official SDKs through the built proxy. A key's
// name reaches the access log and the metrics, never the key; a key held only as its SHA-256
// logs in; a disabled key is refused (401); a model outside a key's allow-list answers 403 in the
// caller's dialect and is left out of its /v1/models; `aicore-proxy keys new` prints a key that
// works after a reload; secret_authentication_tokens keep working under fingerprint names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { BUILD_DIR, startEmulator, writeConfig, startProxy } from './lib/harness.mjs';

const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef';
const CAROL = 'carol-key-0123456789abcdef';
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
let emulator;
let proxy;
let cfg;

const openai = (apiKey) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
const anthropic = (apiKey) => new Anthropic({ baseURL: proxy.url, apiKey, maxRetries: 0 });
const chat = (apiKey, model) => openai(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
const message = (apiKey, model) => anthropic(apiKey).messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] });

before(async () => {
  emulator = await startEmulator();
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  cfg = writeConfig(emulator.url, {
    keys: ['legacy-key-1'],
    aliases: { 'my-gpt': 'gpt-4o' },
    models: { a: { 'gpt-4o': [dep('d-gpt4o')], 'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')] }, b: {} },
    extra: {
      model_fallbacks: { 'gpt-4o': ['anthropic--claude-4.5-sonnet'] },
      client_keys: [
        { name: 'alice', key: ALICE, models: ['gpt-*'] },
        { name: 'bob', key: `sha256:${sha256(BOB)}` },
        { name: 'carol', key: CAROL, enabled: false },
      ],
    },
  });
  proxy = await startProxy(cfg.path);
});
after(async () => {
  await proxy?.stop();
  await emulator?.stop();
});

test('each key is served under its name; a key held only as its digest logs in', async () => {
  assert.match((await chat(ALICE, 'gpt-4o')).choices[0].message.content, /Echo/);
  assert.match((await chat(ALICE, 'my-gpt')).choices[0].message.content, /Echo/, 'an alias of an allowed model');
  assert.equal((await message(BOB, 'anthropic--claude-4.5-sonnet')).type, 'message');
  assert.match((await chat('legacy-key-1', 'gpt-4o')).choices[0].message.content, /Echo/);
  const legacyName = `key-${sha256('legacy-key-1').slice(0, 8)}`;
  // The access line is written after the answer: wait for the last one.
  for (let i = 0; i < 50 && !proxy.logs().includes(`key=${legacyName} `); ++i) await new Promise((r) => setTimeout(r, 20));
  const logs = proxy.logs();
  assert.match(logs, /access id=\S+ POST \/v1\/chat\/completions key=alice dialect=openai\.chat model=gpt-4o /);
  assert.match(logs, /key=bob dialect=anthropic\.messages model=anthropic--claude-4\.5-sonnet .*status=200/);
  assert.ok(logs.includes(`key=${legacyName} `), 'secret_authentication_tokens are named by fingerprint');
  for (const secret of [ALICE, BOB, 'legacy-key-1']) assert.ok(!logs.includes(secret), 'no key in the logs');

  const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
  assert.match(metrics, /^aicore_tokens_total\{key="alice",model="gpt-4o",type="input"\} [1-9]/m);
  assert.match(metrics, /^aicore_tokens_total\{key="bob",model="anthropic--claude-4\.5-sonnet",type="output"\} [1-9]/m);
  assert.match(metrics, new RegExp(`^aicore_tokens_total\\{key="${legacyName}",model="gpt-4o",type="input"\\} [1-9]`, 'm'));
});

test('a disabled key, an unknown key and no key get 401', async () => {
  await assert.rejects(chat(CAROL, 'gpt-4o'), (e) => e.status === 401);
  await assert.rejects(message(CAROL, 'anthropic--claude-4.5-sonnet'), (e) => e.status === 401 && e.error?.error?.type === 'authentication_error');
  await assert.rejects(chat('nobody-key-0123456789', 'gpt-4o'), (e) => e.status === 401);
  await assert.rejects(chat(`sha256:${sha256(BOB)}`, 'gpt-4o'), (e) => e.status === 401, 'the digest is no key');
});

test('a model outside the allow-list: 403 in the caller\'s dialect, and /v1/models lists only allowed ones', async () => {
  const before = (await emulator.stats()).requests['d-claude45sonnet'] ?? 0;
  await assert.rejects(chat(ALICE, 'anthropic--claude-4.5-sonnet'), (e) => {
    assert.equal(e.status, 403);
    assert.equal(e.error.type, 'permission_error');
    assert.equal(e.error.code, 'model_not_allowed');
    assert.match(e.error.message, /'alice' may not use the model 'anthropic--claude-4\.5-sonnet'/);
    return true;
  });
  await assert.rejects(message(ALICE, 'anthropic--claude-4.5-sonnet'), (e) => {
    assert.equal(e.status, 403);
    assert.equal(e.error.type, 'error');
    assert.equal(e.error.error.type, 'permission_error');
    return true;
  });
  assert.equal((await emulator.stats()).requests['d-claude45sonnet'] ?? 0, before, 'nothing went upstream');
  const ids = (keyed) => keyed.models.list().then((p) => p.data.map((m) => m.id).sort());
  assert.deepEqual(await ids(openai(ALICE)), ['gpt-4o', 'my-gpt']);
  assert.deepEqual(await ids(openai(BOB)), ['anthropic--claude-4.5-sonnet', 'gpt-4o', 'my-gpt']);
});

test('a fallback outside the allow-list is skipped: the caller gets the original failure', async () => {
  await emulator.fault({ target: 'd-gpt4o', kind: '503', count: -1 });
  try {
    await assert.rejects(chat(ALICE, 'gpt-4o'), (e) => e.status === 503, 'alice may not use the Claude fallback');
    const served = await chat(BOB, 'gpt-4o').withResponse();
    assert.equal(served.response.headers.get('x-aicore-model'), 'anthropic--claude-4.5-sonnet', 'bob may');
  } finally {
    await emulator.clearFaults();
  }
});

test('`aicore-proxy keys new` prints a key that works once its entry is in the config (SIGHUP)', async () => {
  const run = spawnSync(join(BUILD_DIR, 'aicore-proxy'), ['keys', 'new', '--name', 'dave', '--models', 'anthropic--*'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const key = run.stdout.match(/^\s+(aic-[A-Za-z0-9_-]{43})$/m)[1];
  const entry = JSON.parse(run.stdout.match(/^\s+(\{"name":"dave".*\})$/m)[1]);
  assert.deepEqual(entry, { name: 'dave', key: `sha256:${sha256(key)}`, models: ['anthropic--*'] });
  await assert.rejects(message(key, 'anthropic--claude-4.5-sonnet'), (e) => e.status === 401);

  const config = JSON.parse(readFileSync(cfg.path, 'utf8'));
  config.client_keys.push(entry);
  writeFileSync(cfg.path, JSON.stringify(config));
  proxy.proc.kill('SIGHUP');
  let answer;
  for (let i = 0; i < 50 && !answer; ++i) {
    await new Promise((r) => setTimeout(r, 100));
    answer = await message(key, 'anthropic--claude-4.5-sonnet').catch(() => undefined);
  }
  assert.equal(answer?.type, 'message');
  await assert.rejects(chat(key, 'gpt-4o'), (e) => e.status === 403);
  assert.ok(!proxy.logs().includes(key));
});
