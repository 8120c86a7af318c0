// The real Claude Code CLI (`@anthropic-ai/claude-code`, pinned in package.json: the last release
// that ships as JavaScript and so runs offline on Node 20) in print mode against the built
// aicore-proxy, with the emulator's Bedrock family as SAP AI Core's Claude deployments: the issue's
// "a real Claude Code session pointed at the proxy completes a prompt", repeatable and offline.
//
// The emulator answers every request that offers tools with a call to the first tool; Claude Code
// always offers ~20 tools, so each prompt carries an emulator steering directive ("[emulator:text]"
// or "[emulator:tool NAME {args}]", tests/emulator/README.md) to make the answer predictable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, writeConfig, startProxy, tempDir } from './lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, 'node_modules', '@anthropic-ai', 'claude-code', 'cli.js');
const RUN_TIMEOUT_MS = 45000;

let stack;
let tripwire;  // HTTP(S)_PROXY for the CLI: any connection to it is an attempt to leave the machine
let tripped = 0;

const SONNET = 'anthropic--claude-4.5-sonnet';
const HAIKU = 'anthropic--claude-4.5-haiku';
const OPUS46 = 'anthropic--claude-4.6-opus';

before(async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run scripts/install-deps.sh --with-test-clients (npm ci in tests/integration)`);
  const dir = tempDir('aicore-cc-emu-');
  const emuConfig = join(dir, 'emulator.json');
  writeFileSync(emuConfig, JSON.stringify({
    clients: [{ clientid: 'demo-client', clientsecret: 'demo-secret' }, { clientid: 'demo-client-2', clientsecret: 'demo-secret-2' }],
    token_ttl_seconds: 3600,
    resource_groups: ['default'],
    deployments: {
      'd-sonnet': { executable: 'aws-bedrock', model: SONNET },
      'd-haiku': { executable: 'aws-bedrock', model: HAIKU },
      'd-opus46': { executable: 'aws-bedrock', model: OPUS46 },
    },
  }));
  const emulator = await startEmulator(['--config', emuConfig, '--quiet']);
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: { a: { [SONNET]: [dep('d-sonnet')], [HAIKU]: [dep('d-haiku')], [OPUS46]: [dep('d-opus46')] }, b: {} },
    aliases: {},
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };

  tripwire = createServer((sock) => { tripped += 1; sock.destroy(); });
  await new Promise((res) => tripwire.listen(0, '127.0.0.1', res));
});

after(async () => {
  await stack?.stop();
  tripwire?.close();
});

// Runs `claude <args>` in a fresh HOME and working directory, with only the environment a user of
// the recipe sets (README "Claude Code") plus what keeps it offline. `args` may be a function of
// the working directory. Resolves {code, stdout, stderr}.
function claude(argsOrFn, { env = {}, files = {} } = {}) {
  const home = tempDir('aicore-cc-home-');
  const cwd = join(home, 'work');
  mkdirSync(cwd);
  const args = typeof argsOrFn === 'function' ? argsOrFn(cwd) : argsOrFn;
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  const proxyUrl = `http://127.0.0.1:${tripwire.address().port}`;
  const fullEnv = {
    PATH: process.env.PATH,
    HOME: home,
    TERM: 'dumb',
    ANTHROPIC_BASE_URL: stack.proxy.url,
    ANTHROPIC_AUTH_TOKEN: 'test-key-1',
    ANTHROPIC_MODEL: SONNET,
    ANTHROPIC_DEFAULT_SONNET_MODEL: SONNET,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU,
    ANTHROPIC_SMALL_FAST_MODEL: HAIKU,
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
    ...env,
  };
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`claude ${args.join(' ')} did not finish in ${RUN_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

// Betas Bedrock accepts (docs/claude.md); anything else in anthropic_beta would be a 400 there.
const BEDROCK_BETAS = new Set([
  'interleaved-thinking-2025-05-14', 'dev-full-thinking-2025-05-14', 'token-efficient-tools-2025-02-19',
  'output-128k-2025-02-19', 'context-1m-2025-08-07', 'computer-use-2024-10-22', 'computer-use-2025-01-24',
  'tool-search-tool-2025-10-19',
]);
const BEDROCK_TOP_LEVEL = new Set([
  'anthropic_version', 'anthropic_beta', 'max_tokens', 'messages', 'system', 'stop_sequences', 'temperature',
  'top_p', 'top_k', 'tools', 'tool_choice', 'thinking',
]);

// The upstream calls since the last clearRequests(), each checked as a Bedrock invoke body (the
// emulator has already validated it as strictly as Bedrock: status 200 means accepted).
async function upstreamCalls() {
  const recs = (await stack.emulator.requests()).filter((r) => r.path.startsWith('/v2/'));
  for (const r of recs) {
    assert.equal(r.status, 200, `${r.path}: ${r.status}`);
    const body = JSON.parse(r.body);
    assert.equal(Object.keys(body)[0], 'anthropic_version');
    assert.equal(body.anthropic_version, 'bedrock-2023-05-31');
    for (const k of Object.keys(body)) assert.ok(BEDROCK_TOP_LEVEL.has(k), `top-level field ${k} would be rejected by Bedrock`);
    for (const b of body.anthropic_beta ?? []) assert.ok(BEDROCK_BETAS.has(b), `beta ${b} would be rejected by Bedrock`);
    for (const t of body.tools ?? []) {
      assert.deepEqual(Object.keys(t).filter((k) => !['name', 'description', 'input_schema', 'cache_control'].includes(k)), []);
    }
    const system = Array.isArray(body.system) ? body.system.map((b) => b.text).join('\n') : body.system ?? '';
    assert.ok(!system.includes('x-anthropic-billing-header'), 'the billing header line never reaches Bedrock');
    assert.ok(!r.body.includes('"scope"'), 'cache_control.scope never reaches Bedrock');
    r.json = body;
  }
  return recs;
}

test('claude -p completes a prompt through the proxy (the README recipe)', { timeout: 60000 }, async () => {
  await stack.emulator.clearRequests();
  const r = await claude(['-p', '[emulator:text] say hello']);
  assert.equal(r.code, 0, `exit code\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stdout, /^Echo: /);
  assert.match(r.stdout, /\[emulator:text\] say hello/);
  const calls = await upstreamCalls();
  assert.ok(calls.length >= 1);
  const main = calls.find((c) => c.deployment === 'd-sonnet');
  assert.ok(main, 'the configured Sonnet deployment answered');
  assert.ok(main.path.endsWith('/invoke-with-response-stream'), 'Claude Code streams');
  // What Claude Code sends and Bedrock needs changed: a thinking budget, its system prompt with
  // prompt-cache markers, and ~20 tools.
  assert.equal(main.json.thinking?.type, 'enabled');
  assert.ok(main.json.tools.length >= 10);
  assert.ok(main.json.system.some((b) => b.cache_control?.type === 'ephemeral'));
  assert.equal(tripped, 0, 'no connection left the machine');
});

test('a tool round trip: Claude Code runs Read on the emulator\'s tool_use and sends the result back', { timeout: 60000 }, async () => {
  await stack.emulator.clearRequests();
  const run = await claude((cwd) => ['-p', `[emulator:tool Read {"file_path":"${join(cwd, 'notes.txt')}"}] read notes.txt`],
    { files: { 'notes.txt': 'the proxy works\n' } });
  assert.equal(run.code, 0, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
  assert.match(run.stdout, /^Tool result: /);
  assert.match(run.stdout, /the proxy works/);
  const calls = (await upstreamCalls()).filter((c) => c.deployment === 'd-sonnet');
  assert.equal(calls.length, 2, 'the tool call, then the answer to its result');
  const second = calls[1].json;
  const [user, assistant, result] = second.messages;
  assert.equal(user.role, 'user');
  const types = assistant.content.map((b) => b.type);
  assert.deepEqual(types, ['thinking', 'tool_use'], 'the thinking block (with its signature) came back before the tool call');
  assert.equal(assistant.content[1].name, 'Read');
  assert.equal(result.content[0].type, 'tool_result');
  assert.equal(result.content[0].tool_use_id, assistant.content[1].id);
  assert.equal(tripped, 0);
});

test('Bash through --output-format stream-json, on the haiku deployment', { timeout: 60000 }, async () => {
  await stack.emulator.clearRequests();
  const prompt = '[emulator:tool Bash {"command":"echo cc-bash-ok","description":"Print a marker"}] run it';
  const r = await claude(['-p', prompt, '--output-format', 'stream-json', '--verbose', '--model', 'haiku']);
  assert.equal(r.code, 0, `stderr: ${r.stderr}`);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const result = events.at(-1);
  assert.equal(result.type, 'result');
  assert.equal(result.subtype, 'success');
  assert.equal(result.is_error, false);
  assert.equal(result.result, 'Tool result: cc-bash-ok');
  const toolUse = events.find((e) => e.type === 'assistant' && e.message.content.some((b) => b.type === 'tool_use'));
  assert.ok(toolUse, 'the tool_use reached Claude Code as an assistant event');
  const calls = await upstreamCalls();
  assert.ok(calls.length >= 2);
  assert.ok(calls.every((c) => c.deployment === 'd-haiku'), `${calls.map((c) => c.deployment)}`);
  assert.equal(tripped, 0);
});

test('Claude 4.6 ids: adaptive thinking and effort become a Bedrock thinking budget', { timeout: 60000 }, async () => {
  await stack.emulator.clearRequests();
  const r = await claude(['-p', '[emulator:text] adaptive'], { env: { ANTHROPIC_MODEL: 'claude-opus-4-6' } });
  assert.equal(r.code, 0, `stderr: ${r.stderr}`);
  assert.match(r.stdout, /^Echo: /);
  const [call] = await upstreamCalls();
  assert.equal(call.deployment, 'd-opus46');
  assert.equal(call.json.thinking.type, 'enabled');
  assert.equal(call.json.thinking.budget_tokens, 16384, 'effort "high" -> the high thinking budget');
  assert.ok(call.json.thinking.budget_tokens < call.json.max_tokens);
});

test('a stream cut mid-way ends with event: error, and Claude Code completes by retrying', { timeout: 60000 }, async () => {
  await stack.emulator.clearRequests();
  await stack.emulator.fault({ target: 'd-sonnet', kind: 'drop', after_events: 3, count: 1 });
  const r = await claude(['-p', '[emulator:text] after a cut']);
  await stack.emulator.clearFaults();
  assert.equal(r.code, 0, `stderr: ${r.stderr}`);
  assert.match(r.stdout, /after a cut/);
  const recs = (await stack.emulator.requests()).filter((x) => x.path.startsWith('/v2/'));
  assert.ok(recs.length >= 2, 'the cut request, then the retry');
  assert.equal(recs[0].fault, 'drop');
});
