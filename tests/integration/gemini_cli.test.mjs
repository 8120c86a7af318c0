// The real Gemini CLI (`@google/gemini-cli`, pinned in package.json) run non-interactively
// (`gemini -p … -m MODEL --yolo`) against the built aicore-proxy's Gemini API front door, with
// GOOGLE_GEMINI_BASE_URL pointing at the proxy and a proxy key as GEMINI_API_KEY, in a throwaway
// HOME whose settings select API-key auth and turn telemetry, usage statistics and update checks
// off: the README's Gemini CLI recipe, on Gemini, Claude and GPT deployments in the emulator, each
// with a shell-tool round trip that really runs a command.
//
// What the CLI calls in this mode (recorded here, served): POST
// /v1beta/models/{model}:streamGenerateContent?alt=sse with x-goog-api-key, one per model turn; no
// countTokens and no model listing. Its prompts carry emulator steering directives
// ("[emulator:text]", "[emulator:tool NAME {args}]", tests/emulator/README.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, writeConfig, startProxy, tempDir } from './lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js');
const RUN_TIMEOUT_MS = 90000;

let stack;
let tripwire;  // HTTP(S)_PROXY for the CLI: any connection to it is an attempt to leave the machine
let tripped = 0;
const destinations = new Set();

const MODELS = [
  { model: 'gemini-2.5-pro', deployment: 'd-gemini25pro', path: /\/models\/gemini-2\.5-pro:streamGenerateContent$/ },
  { model: 'anthropic--claude-4.5-sonnet', deployment: 'd-claude45sonnet', path: /\/invoke-with-response-stream$/ },
  { model: 'gpt-5', deployment: 'd-gpt5', path: /\/chat\/completions$/ },
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

// Runs `gemini -p <prompt> -m <model> --yolo` in a fresh HOME (the README's settings) and working
// directory. Resolves {code, stdout, stderr, cwd}.
function gemini(model, prompt) {
  const home = tempDir('aicore-gemini-home-');
  const cwd = join(home, 'work');
  mkdirSync(cwd);
  mkdirSync(join(home, '.gemini'));
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { disableAutoUpdate: true, disableUpdateNag: true },
  }));
  const proxyUrl = `http://127.0.0.1:${tripwire.address().port}`;
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TERM: 'dumb',
    GEMINI_API_KEY: 'test-key-1',
    GOOGLE_GEMINI_BASE_URL: stack.proxy.url,
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
  };
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, '-p', prompt, '-m', model, '--yolo'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`gemini -p did not finish in ${RUN_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
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

for (const { model, deployment, path } of MODELS) {
  test(`gemini -p on ${model}: a plain answer`, async () => {
    await stack.emulator.clearRequests();
    const r = await gemini(model, 'Say hello [emulator:text]');
    assert.equal(r.code, 0, r.stderr);
    // The CLI puts its session context before the prompt in the same user turn.
    assert.match(r.stdout.trim(), /^Echo: <session_context>[^]*Say hello \[emulator:text\]$/, r.stderr);
    const calls = await upstreamCalls(deployment);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].status, 200);
    assert.match(calls[0].path, path);
  });

  test(`gemini -p on ${model}: the shell tool runs a command and its output goes back`, async () => {
    await stack.emulator.clearRequests();
    const command = 'echo gemini-was-here > proof.txt && cat proof.txt';
    const r = await gemini(model, `Write the proof [emulator:tool run_shell_command ${JSON.stringify({ command })}]`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(r.cwd, 'proof.txt'), 'utf8'), 'gemini-was-here\n', 'Gemini CLI ran the command');
    assert.match(r.stdout, /^Tool result: /, 'the model answered the tool output');
    assert.match(r.stdout, /gemini-was-here/);
    const calls = await upstreamCalls(deployment);
    assert.equal(calls.length, 2, 'the tool call, then the turn with its output');
    for (const c of calls) assert.equal(c.status, 200);
    assert.ok(calls[1].body.includes('gemini-was-here'), 'the command output reached the upstream');
  });
}

test('Gemini CLI on gemini-2.5-pro: its thinkingConfig reaches Vertex, function-call ids do not', async () => {
  await stack.emulator.clearRequests();
  const r = await gemini('gemini-2.5-pro', 'List [emulator:tool list_directory {"dir_path":"."}]');
  assert.equal(r.code, 0, r.stderr);
  const calls = await upstreamCalls('d-gemini25pro');
  assert.equal(calls.length, 2);
  const first = JSON.parse(calls[0].body);
  assert.equal(first.generationConfig.thinkingConfig.includeThoughts, true);
  assert.ok(first.tools[0].functionDeclarations.length > 3, 'the CLI\'s tools were declared');
  assert.ok(!calls[1].body.includes('"id"'), 'Vertex v1 has no functionCall.id / functionResponse.id');
});

test('Gemini CLI never tried to leave the machine through the proxy variables', () => {
  assert.equal(tripped, 0, [...destinations].join('\n'));
});
