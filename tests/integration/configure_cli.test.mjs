// `aicore-proxy configure CLIENT`: the built binary prints each client's settings for a config
// (base URL, the plaintext token, the model names), and `--write` edits the client's settings file
// under a throwaway HOME: the diff first, the other keys kept, a .bak of the old file, and a second
// run that changes nothing. Last, the Gemini CLI runs on nothing but what `configure --write` wrote
// and printed, against the proxy and the emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, startEmulator, startProxy, writeConfig, tempDir } from './lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const GEMINI = join(here, 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js');
const ALICE = 'alice-plaintext-key-0123456789';  // a client_keys entry: never printed

const MODELS = {
  'gpt-5': 'd-gpt5',
  'gemini-2.5-pro': 'd-gemini25pro',
  'anthropic--claude-4.5-sonnet': 'd-claude45sonnet',
  'anthropic--claude-4.5-haiku': 'd-claude45haiku',
};

function config(emulatorUrl, port, host = '0.0.0.0') {
  const dep = (id) => `${emulatorUrl}/v2/inference/deployments/${id}`;
  return writeConfig(emulatorUrl, {
    keys: ['first-token', 'second-token'],
    models: { a: Object.fromEntries(Object.entries(MODELS).map(([m, d]) => [m, [dep(d)]])), b: {} },
    aliases: { sonnet: 'anthropic--claude-4.5-sonnet' },
    extra: { port, host, client_keys: [{ name: 'alice', key: ALICE }] },
  });
}

// Runs `aicore-proxy configure …` with HOME=home (and nothing else from the environment).
function configure(args, home) {
  return new Promise((res) => {
    const proc = spawn(join(BUILD_DIR, 'aicore-proxy'), ['configure', ...args], { env: { HOME: home, PATH: process.env.PATH } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => res({ code, out, err }));
  });
}

const freshHome = () => tempDir('aicore-configure-home-');

async function freePort() {
  const srv = createServer();
  await new Promise((res) => srv.listen(0, '127.0.0.1', res));
  const { port } = srv.address();
  await new Promise((res) => srv.close(res));
  return port;
}

test('configure prints each client\'s settings for the config', async () => {
  const cfg = config('http://127.0.0.1:9', 3017);
  const home = freshHome();
  const claude = await configure(['claude-code', '--config', cfg.path], home);
  assert.equal(claude.code, 0, claude.err);
  assert.ok(claude.out.includes([
    'export ANTHROPIC_BASE_URL=http://127.0.0.1:3017',  // 0.0.0.0 is reached at loopback
    'export ANTHROPIC_AUTH_TOKEN=first-token',
    'export ANTHROPIC_MODEL=anthropic--claude-4.5-sonnet',
    'export ANTHROPIC_DEFAULT_SONNET_MODEL=anthropic--claude-4.5-sonnet',
    'export ANTHROPIC_DEFAULT_HAIKU_MODEL=anthropic--claude-4.5-haiku',
    'export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1',
  ].join('\n')), claude.out);
  assert.match(claude.out, /models this config serves .*: gpt-5, gemini-2\.5-pro, anthropic--claude-4\.5-sonnet, anthropic--claude-4\.5-haiku, sonnet\n/);

  const codex = await configure(['codex', '--config', cfg.path], home);
  assert.equal(codex.code, 0, codex.err);
  assert.ok(codex.out.includes('model = "gpt-5"\nmodel_provider = "aicore"\n\n[model_providers.aicore]\nname = "aicore-proxy"\n' +
    'base_url = "http://127.0.0.1:3017/v1"\nenv_key = "AICORE_PROXY_KEY"\nwire_api = "responses"\n'), codex.out);
  assert.match(codex.out, /^export AICORE_PROXY_KEY=first-token$/m);

  const gemini = await configure(['gemini-cli', '--config', cfg.path], home);
  assert.equal(gemini.code, 0, gemini.err);
  assert.match(gemini.out, /^export GOOGLE_GEMINI_BASE_URL=http:\/\/127\.0\.0\.1:3017\nexport GEMINI_API_KEY=first-token$/m);
  assert.ok(gemini.out.includes('"selectedType": "gemini-api-key"') && gemini.out.includes('"name": "gemini-2.5-pro"'), gemini.out);

  const cline = await configure(['cline', '--config', cfg.path, '--model', 'sonnet'], home);
  assert.equal(cline.code, 0, cline.err);
  assert.match(cline.out, /API Provider: {2}OpenAI Compatible\nBase URL: {6}http:\/\/127\.0\.0\.1:3017\/v1\nAPI Key: {7}first-token\nModel ID: {6}sonnet\n/);
  assert.match(cline.out, /API Provider: {2}Anthropic\n/);

  const opencode = await configure(['opencode', '--config', cfg.path, '--key', 'my key'], home);
  assert.equal(opencode.code, 0, opencode.err);
  assert.match(opencode.out, /^export AICORE_PROXY_KEY='my key'$/m);
  assert.ok(opencode.out.includes('"baseURL": "http://127.0.0.1:3017/v1"') && opencode.out.includes('"model": "aicore/gpt-5"'));
  assert.match(opencode.out, /--key is not one of this config's keys/);

  for (const r of [claude, codex, gemini, cline, opencode]) assert.ok(!r.out.includes(ALICE) && !r.err.includes(ALICE));
  assert.deepEqual(readdirSync(home), [], 'printing writes nothing');
});

test('configure refuses an unknown model, an unknown client and --write for Cline (exit 2)', async () => {
  const cfg = config('http://127.0.0.1:9', 3017);
  const home = freshHome();
  const model = await configure(['codex', '--config', cfg.path, '--model', 'gpt-4o'], home);
  assert.equal(model.code, 2);
  assert.match(model.err, /--model gpt-4o is not one this config serves; it serves: gpt-5, gemini-2\.5-pro, /);
  const client = await configure(['vim', '--config', cfg.path], home);
  assert.equal(client.code, 2);
  assert.match(client.err, /unknown client 'vim'/);
  const cline = await configure(['cline', '--config', cfg.path, '--write'], home);
  assert.equal(cline.code, 2);
  assert.match(cline.err, /Cline keeps its settings inside VS Code/);
});

// --write on `file` (under HOME) holding `before` (undefined: no file yet): the diff is shown, the
// file written and the old one kept as .bak; a second run shows no diff and leaves the file as is.
async function writeTwice(client, cfg, file, before) {
  const home = freshHome();
  const path = join(home, file);
  if (before !== undefined) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, before);
  }
  const first = await configure([client, '--config', cfg.path, '--write'], home);
  assert.equal(first.code, 0, first.err);
  assert.ok(first.out.includes(`--- ${before === undefined ? '/dev/null' : path}\n+++ ${path} (new)\n@@ `), first.out);
  assert.ok(first.out.includes(`wrote ${path}`), first.out);
  const written = readFileSync(path, 'utf8');
  if (before === undefined) assert.ok(!existsSync(path + '.bak'));
  else assert.equal(readFileSync(path + '.bak', 'utf8'), before);
  const second = await configure([client, '--config', cfg.path, '--write'], home);
  assert.equal(second.code, 0, second.err);
  assert.ok(!second.out.includes('+++ '), second.out);
  assert.match(second.out, /already has these settings: nothing to change/);
  assert.equal(readFileSync(path, 'utf8'), written);
  return { first, written, home };
}

test('claude-code --write merges the exports into settings.json\'s env, keeping every other key', async () => {
  const cfg = config('http://127.0.0.1:9', 3017);
  const before = JSON.stringify({ theme: 'dark', env: { KEEP_ME: '1', ANTHROPIC_MODEL: 'old' }, permissions: { allow: ['Bash(ls)'] } }, null, 2) + '\n';
  const { written, first } = await writeTwice('claude-code', cfg, '.claude/settings.json', before);
  assert.deepEqual(JSON.parse(written), {
    theme: 'dark',
    env: {
      KEEP_ME: '1',
      ANTHROPIC_MODEL: 'anthropic--claude-4.5-sonnet',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:3017',
      ANTHROPIC_AUTH_TOKEN: 'first-token',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'anthropic--claude-4.5-sonnet',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'anthropic--claude-4.5-haiku',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
    permissions: { allow: ['Bash(ls)'] },
  });
  assert.match(first.out, /^-    "ANTHROPIC_MODEL": "old"$/m);
  assert.match(first.out, /^\+    "ANTHROPIC_MODEL": "anthropic--claude-4\.5-sonnet",$/m);
});

test('codex --write creates config.toml, and edits one keeping its other tables and comments', async () => {
  const cfg = config('http://127.0.0.1:9', 3017);
  const created = await writeTwice('codex', cfg, '.codex/config.toml', undefined);
  assert.equal(created.written, 'model = "gpt-5"\nmodel_provider = "aicore"\n\n[model_providers.aicore]\nname = "aicore-proxy"\n' +
    'base_url = "http://127.0.0.1:3017/v1"\nenv_key = "AICORE_PROXY_KEY"\nwire_api = "responses"\n');
  assert.match(created.first.out, /^export AICORE_PROXY_KEY=first-token$/m);
  const before = [
    '# my Codex settings',
    'model = "o3"  # the one I used',
    'approval_policy = "on-request"',
    '',
    '[model_providers.aicore]',
    'name = "stale"',
    'base_url = "http://old:1/v1"',
    '',
    '[profiles.fast]',
    'model = "o4-mini"',
    '',
  ].join('\n');
  const { written } = await writeTwice('codex', cfg, '.codex/config.toml', before);
  assert.equal(written, [
    '# my Codex settings',
    'model = "gpt-5"  # the one I used',
    'approval_policy = "on-request"',
    'model_provider = "aicore"',
    '',
    '[model_providers.aicore]',
    'name = "aicore-proxy"',
    'base_url = "http://127.0.0.1:3017/v1"',
    'env_key = "AICORE_PROXY_KEY"',
    'wire_api = "responses"',
    '',
    '[profiles.fast]',
    'model = "o4-mini"',
    '',
  ].join('\n'));
});

test('codex --write refuses a config.toml it cannot edit safely, and writes nothing', async () => {
  const cfg = config('http://127.0.0.1:9', 3017);
  const home = freshHome();
  mkdirSync(join(home, '.codex'));
  const before = 'model_providers = { aicore = { name = "inline" } }\n';
  writeFileSync(join(home, '.codex', 'config.toml'), before);
  const r = await configure(['codex', '--config', cfg.path, '--write'], home);
  assert.equal(r.code, 1);
  assert.match(r.err, /config\.toml: line 1: this key defines part of the table .* \(nothing written\)/);
  assert.equal(readFileSync(join(home, '.codex', 'config.toml'), 'utf8'), before);
  assert.ok(!existsSync(join(home, '.codex', 'config.toml.bak')));
});

test('gemini-cli and opencode --write merge their settings, keeping other keys', async () => {
  const cfg = config('http://127.0.0.1:9', 3017);
  const gemini = await writeTwice('gemini-cli', cfg, '.gemini/settings.json',
    JSON.stringify({ ui: { theme: 'GitHub' }, security: { folderTrust: { enabled: true } } }));
  assert.deepEqual(JSON.parse(gemini.written), {
    ui: { theme: 'GitHub' },
    security: { folderTrust: { enabled: true }, auth: { selectedType: 'gemini-api-key' } },
    model: { name: 'gemini-2.5-pro' },
  });
  assert.match(gemini.first.out, /^export GOOGLE_GEMINI_BASE_URL=http:\/\/127\.0\.0\.1:3017\nexport GEMINI_API_KEY=first-token$/m);

  const before = JSON.stringify({
    $schema: 'https://opencode.ai/config.json',
    theme: 'opencode',
    provider: { aicore: { models: { 'gone-model': { name: 'gone-model' } } }, other: { npm: 'x' } },
  });
  const opencode = await writeTwice('opencode', cfg, '.config/opencode/opencode.json', before);
  const doc = JSON.parse(opencode.written);
  assert.equal(doc.theme, 'opencode');
  assert.deepEqual(doc.provider.other, { npm: 'x' });
  assert.deepEqual(doc.provider.aicore, {
    npm: '@ai-sdk/openai-compatible',
    name: 'aicore-proxy',
    options: { baseURL: 'http://127.0.0.1:3017/v1', apiKey: '{env:AICORE_PROXY_KEY}' },
    models: Object.fromEntries([...Object.keys(MODELS), 'sonnet'].map((m) => [m, { name: m }])),
  });
  assert.equal(doc.model, 'aicore/gpt-5');
});

// The Gemini CLI with nothing but what `configure gemini-cli --write` wrote (settings.json: API-key
// auth, the model) and printed (the two exports), on the proxy + emulator: a 200 from Vertex.
test('the Gemini CLI runs on the settings configure wrote', { skip: !existsSync(GEMINI) && `${GEMINI} is missing` }, async () => {
  const emulator = await startEmulator(['--quiet']);
  const port = await freePort();
  const cfg = config(emulator.url, port, '127.0.0.1');
  const proxy = await startProxy(cfg.path);
  try {
    const home = freshHome();
    mkdirSync(join(home, '.gemini'));
    // What the CLI would otherwise phone home with; configure keeps these keys.
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
    }));
    const w = await configure(['gemini-cli', '--config', cfg.path, '--write'], home);
    assert.equal(w.code, 0, w.err);
    const exported = Object.fromEntries([...w.out.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(Object.keys(exported), ['GOOGLE_GEMINI_BASE_URL', 'GEMINI_API_KEY']);
    assert.equal(exported.GOOGLE_GEMINI_BASE_URL, proxy.url);
    const cwd = join(home, 'work');
    mkdirSync(cwd);
    await emulator.clearRequests();
    const nowhere = 'http://127.0.0.1:9';  // anything but the proxy and loopback fails fast
    const r = await new Promise((res, rej) => {
      const proc = spawn(process.execPath, [GEMINI, '-p', 'Say hello [emulator:text]'], {
        cwd,
        env: {
          PATH: process.env.PATH, HOME: home, TERM: 'dumb', GEMINI_CLI_TRUST_WORKSPACE: 'true', ...exported,
          HTTP_PROXY: nowhere, HTTPS_PROXY: nowhere, http_proxy: nowhere, https_proxy: nowhere,
          NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d) => { stdout += d; });
      proc.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => { proc.kill('SIGKILL'); rej(new Error(`gemini -p timed out\n${stdout}\n${stderr}`)); }, 90000);
      proc.on('exit', (code) => { clearTimeout(timer); res({ code, stdout, stderr }); });
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), /Say hello \[emulator:text\]$/, r.stderr);
    const calls = (await emulator.requests()).filter((c) => c.path.includes('/deployments/d-gemini25pro/'));
    assert.equal(calls.length, 1, 'the model from settings.json (model.name) was used');
    assert.equal(calls[0].status, 200);
  } finally {
    await proxy.stop();
    await emulator.stop();
  }
});
