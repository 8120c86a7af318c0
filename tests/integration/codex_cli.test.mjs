// The real Codex CLI (`@openai/codex`, pinned in package.json; its npm package carries the native
// binary) run non-interactively (`codex exec`) against the built aicore-proxy's /v1/responses, with
// a throwaway CODEX_HOME whose config.toml names the proxy as a custom model provider
// (wire_api = "responses"): the README's Codex recipe, on GPT-5, Claude and Gemini deployments in
// the emulator, each with a shell-tool round trip that really runs a command.
//
// Codex offers ~10 tools on every request, so each prompt carries an emulator steering directive
// ("[emulator:text]" or "[emulator:tool NAME {args}]", tests/emulator/README.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, writeConfig, startProxy, tempDir } from './lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
const RUN_TIMEOUT_MS = 60000;

let stack;
let tripwire;  // HTTP(S)_PROXY for the CLI: any connection to it is an attempt to leave the machine
let tripped = 0;
const destinations = new Set();  // the request lines of those attempts

const MODELS = [
  { model: 'gpt-5', deployment: 'd-gpt5' },
  { model: 'anthropic--claude-4.5-sonnet', deployment: 'd-claude45sonnet' },
  { model: 'gemini-2.5-pro', deployment: 'd-gemini25pro' },
];

before(async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run scripts/install-deps.sh --with-test-clients (npm ci in tests/integration)`);
  const emulator = await startEmulator(['--quiet']);
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const cfg = writeConfig(emulator.url, {
    models: { a: Object.fromEntries(MODELS.map((m) => [m.model, [dep(m.deployment)]])), b: {} },
    aliases: {},
  });
  const proxy = await startProxy(cfg.path);
  stack = { emulator, proxy, stop: async () => { await proxy.stop(); await emulator.stop(); } };
  tripwire = createServer((sock) => {
    tripped += 1;
    sock.once('data', (d) => { destinations.add(String(d).split('\r\n')[0]); sock.destroy(); });
    setTimeout(() => sock.destroy(), 1000).unref();
  });
  await new Promise((res) => tripwire.listen(0, '127.0.0.1', res));
});

after(async () => {
  await stack?.stop();
  tripwire?.close();
});

// Runs `codex exec <prompt>` with `model` in a fresh CODEX_HOME (the README's config.toml) and
// working directory. Resolves {code, stdout, stderr, cwd}.
function codex(model, prompt, extraArgs = []) {
  const home = tempDir('aicore-codex-home-');
  const cwd = join(home, 'work');
  mkdirSync(cwd);
  writeFileSync(join(home, 'config.toml'), [
    `model = "${model}"`,
    'model_provider = "aicore"',
    '',
    '[model_providers.aicore]',
    'name = "aicore-proxy"',
    `base_url = "${stack.proxy.url}/v1"`,
    'env_key = "AICORE_PROXY_KEY"',
    'wire_api = "responses"',
    '',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
  ].join('\n'));
  const proxyUrl = `http://127.0.0.1:${tripwire.address().port}`;
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TERM: 'dumb',
    CODEX_HOME: home,
    AICORE_PROXY_KEY: 'test-key-1',
    HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
  };
  const args = [CLI, 'exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', ...extraArgs, prompt];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`codex exec did not finish in ${RUN_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, RUN_TIMEOUT_MS);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, cwd }); });
  });
}

// The upstream calls to `deployment` since the last clearRequests(); status 200 means the emulator,
// as strict as SAP AI Core, accepted the converted body.
async function upstreamCalls(deployment) {
  return (await stack.emulator.requests()).filter((r) => r.path.includes(`/deployments/${deployment}/`));
}

for (const { model, deployment } of MODELS) {
  test(`codex exec on ${model}: a plain answer`, async () => {
    await stack.emulator.clearRequests();
    const r = await codex(model, 'Say hello [emulator:text]');
    assert.equal(r.code, 0, r.stderr);
    // Claude and Gemini merge Codex's environment-context turn with the prompt (consecutive user
    // turns), so the echo ends with the prompt.
    assert.match(r.stdout.trim(), /^Echo: [^]*Say hello \[emulator:text\]$/, r.stderr);
    const calls = await upstreamCalls(deployment);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].status, 200);
  });

  test(`codex exec on ${model}: the shell tool runs a command and its output goes back`, async () => {
    await stack.emulator.clearRequests();
    const cmd = 'echo codex-was-here > proof.txt && cat proof.txt';
    const r = await codex(model, `Write the proof [emulator:tool exec_command ${JSON.stringify({ cmd })}]`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(r.cwd, 'proof.txt'), 'utf8'), 'codex-was-here\n', 'Codex ran the command');
    assert.match(r.stdout, /^Tool result: /, 'the model answered the tool output');
    assert.match(r.stdout, /codex-was-here/);
    const calls = await upstreamCalls(deployment);
    assert.equal(calls.length, 2, 'the tool call, then the turn with its output');
    for (const c of calls) assert.equal(c.status, 200);
    assert.ok(calls[1].body.includes('codex-was-here'), 'the command output reached the upstream');
  });
}

test('codex exec with reasoning effort on Claude: thinking on, and the tool turn still accepted', async () => {
  await stack.emulator.clearRequests();
  const r = await codex('anthropic--claude-4.5-sonnet', 'Think, then run [emulator:tool exec_command {"cmd":"echo thought > t.txt"}]',
    ['-c', 'model_reasoning_effort=medium']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(r.cwd, 't.txt'), 'utf8'), 'thought\n');
  const calls = await upstreamCalls('d-claude45sonnet');
  assert.equal(calls.length, 2);
  assert.equal(JSON.parse(calls[0].body).thinking?.type, 'enabled', 'reasoning.effort became Claude thinking');
  for (const c of calls) assert.equal(c.status, 200);
  // The second turn carries the first turn's thinking block, signed (Codex sent back the reasoning
  // item's encrypted_content): thinking stays on, as Bedrock requires for a continued tool turn.
  const second = JSON.parse(calls[1].body);
  assert.equal(second.thinking?.type, 'enabled');
  const assistant = second.messages.find((m) => m.role === 'assistant');
  assert.equal(assistant.content[0].type, 'thinking');
  assert.ok(assistant.content[0].signature, 'the signature came back');
});

test('Codex never tried to leave the machine through the proxy variables', () => {
  assert.equal(tripped, 0, [...destinations].join('\n'));
});
