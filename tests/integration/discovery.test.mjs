// Deployment discovery with the real binaries: a subaccount without deployment_models serves the
// RUNNING deployments its resource group lists (GET /v2/lm/deployments on the emulator), a
// deployment removed or stopped there leaves rotation at the next refresh, a new one joins, a
// failing listing keeps the last known list, and a stream under way survives the swap. Also
// `aicore-proxy deployments`, which prints what each subaccount has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { BUILD_DIR, startEmulator, startProxy, writeConfig } from './lib/harness.mjs';

const KEY = 'discovery-key-1';

// sub-a names no deployment (discovery only); sub-b pins gpt-4o to d-gpt4o-b and discovers the rest.
function discoveryConfig(emulator, discovery = { refresh_s: 1, retry_s: 1 }) {
  const cfg = writeConfig(emulator.url, { keys: [KEY], aliases: {} });
  delete cfg.config.subAccounts['sub-a'].deployment_models;
  cfg.config.subAccounts['sub-b'].discover = true;
  cfg.config.discovery = discovery;
  writeFileSync(cfg.path, JSON.stringify(cfg.config, null, 2));
  return cfg;
}

async function control(emulator, method, path, body) {
  const r = await fetch(emulator.url + path, {
    method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.equal(r.status, 200, `${method} ${path}: ${text}`);
  return JSON.parse(text);
}

async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return; await new Promise((r) => setTimeout(r, 100)); }
  assert.fail(`timed out waiting for ${what}`);
}

const chatDeployments = async (emulator) => (await emulator.requests())
  .filter((r) => r.path.endsWith('/chat/completions') && r.status === 200).map((r) => r.deployment);

function runDeployments(configPath) {
  return new Promise((res) => {
    const proc = spawn(join(BUILD_DIR, 'aicore-proxy'),
      ['deployments', '--config', configPath, '--plugin-dir', join(BUILD_DIR, 'plugins')]);
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => res({ code, out, err }));
  });
}

test('discovered deployments serve, leave, join, and survive a failing listing', async () => {
  const emulator = await startEmulator(['--chunk-delay-ms', '150']);
  const cfg = discoveryConfig(emulator);
  const proxy = await startProxy(cfg.path);
  const client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: KEY, maxRetries: 0 });
  const ask = (model, content = 'hi') => client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
  try {
    // Discovered before the listener opened: every family answers at once.
    for (const model of ['gpt-4o', 'gpt-5', 'anthropic--claude-4.5-sonnet', 'gemini-2.5-pro'])
      assert.match((await ask(model)).choices[0].message.content, /Echo: hi/, model);
    const models = (await client.models.list()).data.map((m) => m.id);
    for (const m of ['gpt-4o', 'gpt-5', 'anthropic--claude-3.7-sonnet', 'gemini-2.5-flash', 'text-embedding-3-small'])
      assert.ok(models.includes(m), `${m} in ${models}`);
    assert.match(proxy.logs(), /subaccount sub-a: deployment http:\/\/[^ ]+\/d-gpt5 \(gpt-5\) joined rotation/);
    const listings = (await emulator.requests()).filter((r) => r.path === '/v2/lm/deployments');
    assert.ok(listings.length >= 2, 'both subaccounts listed');
    assert.equal(listings[0].headers['ai-resource-group'], 'default');
    assert.match(listings[0].query, /\$top=100&\$skip=0&scenarioId=foundation-models&status=RUNNING/);

    // Removed in SAP AI Core: it leaves rotation at the next refresh (gpt-5 then exists nowhere).
    await control(emulator, 'DELETE', '/_emulator/deployments/d-gpt5');
    await until(() => /d-gpt5 \(gpt-5\) left rotation/.test(proxy.logs()), 'd-gpt5 to leave');
    await assert.rejects(ask('gpt-5'), (e) => e.status === 404);

    // A new deployment joins.
    await control(emulator, 'POST', '/_emulator/deployments', { id: 'd-gpt5-new', executable: 'azure-openai', model: 'gpt-5' });
    await until(() => /d-gpt5-new \(gpt-5\) joined rotation/.test(proxy.logs()), 'd-gpt5-new to join');
    await emulator.clearRequests();
    assert.match((await ask('gpt-5')).choices[0].message.content, /Echo: hi/);
    assert.deepEqual(await chatDeployments(emulator), ['d-gpt5-new']);

    // A stopped deployment leaves too; the explicit entry of sub-b (d-gpt4o-b) stays whatever is listed.
    await control(emulator, 'PATCH', '/_emulator/deployments/d-gpt4o', { status: 'STOPPED' });
    await until(() => /d-gpt4o \(gpt-4o\) left rotation/.test(proxy.logs()), 'd-gpt4o to leave');
    await emulator.clearRequests();
    for (let i = 0; i < 4; i++) await ask('gpt-4o');
    assert.deepEqual(await chatDeployments(emulator), Array(4).fill('d-gpt4o-b'));

    // The listing fails: the last known list is kept, and the log says so.
    await emulator.fault({ target: 'deployments', kind: '500', count: -1 });
    await until(() => /sub-a: cannot list deployments \(GET \/v2\/lm\/deployments answered 500: Internal Server Error\): keeping the last known list/.test(proxy.logs()),
      'the warning');
    assert.match((await ask('gpt-5')).choices[0].message.content, /Echo: hi/);
    assert.match((await ask('anthropic--claude-4.5-sonnet')).choices[0].message.content, /Echo: hi/);
    await emulator.clearFaults();
    assert.doesNotMatch(proxy.logs(), /demo-secret/, 'no secret in the log');
  } finally {
    await proxy.stop();
    await emulator.stop();
  }
});

test('a stream under way completes while its deployment leaves rotation', async () => {
  const emulator = await startEmulator(['--chunk-delay-ms', '150']);
  const cfg = discoveryConfig(emulator);
  const proxy = await startProxy(cfg.path);
  const client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: KEY, maxRetries: 0 });
  try {
    const words = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');  // ~3 s of events
    const stream = await client.chat.completions.create({ model: 'gpt-5', stream: true, messages: [{ role: 'user', content: words }] });
    await control(emulator, 'DELETE', '/_emulator/deployments/d-gpt5');
    let text = '';
    let leftWhileStreaming = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (/d-gpt5 \(gpt-5\) left rotation/.test(proxy.logs())) leftWhileStreaming = true;
    }
    assert.ok(leftWhileStreaming, 'the refresh swapped the runtime while the stream ran');
    assert.equal(text, `Echo: ${words}`);
  } finally {
    await proxy.stop();
    await emulator.stop();
  }
});

test('no list at start-up: it starts with the explicit entries and keeps retrying; SIGHUP keeps the list', async () => {
  const emulator = await startEmulator();
  await emulator.fault({ target: 'deployments', kind: '503', count: -1 });
  const cfg = discoveryConfig(emulator);
  const proxy = await startProxy(cfg.path);
  const client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: KEY, maxRetries: 0 });
  const ask = (model) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  try {
    assert.match(proxy.logs(), /sub-a: cannot list deployments \(GET \/v2\/lm\/deployments answered 503: Service Unavailable\): no list yet; starting anyway, serving its configured deployment_models only \(0 model\(s\)\); retrying every 1 s/);
    assert.match((await ask('gpt-4o')).choices[0].message.content, /Echo: hi/);  // sub-b's explicit entry
    await assert.rejects(ask('gemini-2.5-pro'), (e) => e.status === 404);
    await emulator.clearFaults();
    await until(() => /d-gemini25pro \(gemini-2.5-pro\) joined rotation/.test(proxy.logs()), 'the first list');
    assert.match((await ask('gemini-2.5-pro')).choices[0].message.content, /Echo: hi/);

    // A reload serves the discovered deployments at once (the last list carries over), then lists again.
    await emulator.fault({ target: 'deployments', kind: '500', count: -1 });
    const before = proxy.logs().length;
    proxy.proc.kill('SIGHUP');
    await until(() => /configuration reloaded/.test(proxy.logs().slice(before)), 'the reload');
    assert.match((await ask('gemini-2.5-pro')).choices[0].message.content, /Echo: hi/);
    await until(() => /keeping the last known list/.test(proxy.logs().slice(before)), 'the listing after the reload');
  } finally {
    await proxy.stop();
    await emulator.stop();
  }
});

test('aicore-proxy deployments prints each subaccount\'s deployments, and fails clearly', async () => {
  const emulator = await startEmulator();
  const cfg = discoveryConfig(emulator, { refresh_s: 300 });
  try {
    await control(emulator, 'PATCH', '/_emulator/deployments/d-gpt5', { status: 'STOPPED' });
    const ok = await runDeployments(cfg.path);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /^subaccount sub-a \(resource group default, discovery on\): 12 deployment\(s\) listed$/m);
    assert.match(ok.out, /^ {2}MODEL +ID +STATUS +SOURCE +URL$/m);
    assert.match(ok.out, /^ {2}gpt-4o +d-gpt4o +RUNNING +discovered +http:\/\/127\.0\.0\.1:\d+\/v2\/inference\/deployments\/d-gpt4o$/m);
    assert.match(ok.out, /^ {2}gpt-5 +d-gpt5 +STOPPED +unused +\s+\(not RUNNING\)$/m);
    assert.match(ok.out, /^ {2}gpt-4o +d-gpt4o-b +RUNNING +both +http:\/\/\S+\/d-gpt4o-b$/m);  // sub-b's explicit entry
    assert.match(ok.out, /^ {2}gpt-4o +d-gpt4o +RUNNING +unused +\S+ +\(deployment_models names gpt-4o explicitly\)$/m);

    await emulator.fault({ target: 'deployments', kind: '401', count: -1 });
    const bad = await runDeployments(cfg.path);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /aicore-proxy deployments: subaccount sub-a: cannot list deployments from http:\/\/127\.0\.0\.1:\d+: GET \/v2\/lm\/deployments answered 401: Jwt is expired/);
    assert.doesNotMatch(bad.out + bad.err, /demo-secret|Bearer/);
  } finally {
    await emulator.stop();
  }
});
