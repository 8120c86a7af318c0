// The README's demo, exactly as written, so it cannot rot: `scripts/run.sh` with no config
// (against the binaries this tree built: AICORE_RUN_PREBUILT), then the README's curl and its
// three Claude Code lines (the real, pinned CLI, in a throwaway home with nothing leaving the
// machine), then Ctrl-C. The demo serves every family through deployment discovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, SOURCE_DIR, tempDir } from './lib/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));

// The ```sh blocks of the README's demo paragraph ("With no config the script starts …").
function readmeDemoBlocks() {
  const readme = readFileSync(join(SOURCE_DIR, 'README.md'), 'utf8');
  const from = readme.indexOf('With no config the script starts');
  const to = readme.indexOf('tests/integration/demo.test.mjs', from);
  assert.ok(from > 0 && to > from, 'the README demo paragraph moved');
  return [...readme.slice(from, to).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

async function until(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if (await fn()) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('the README demo: run.sh, its curl, and Claude Code against it', { timeout: 120000 }, async () => {
  const [curlBlock, claudeBlock] = readmeDemoBlocks();
  assert.match(curlBlock, /^curl /);
  assert.match(claudeBlock, /claude -p/);

  // Its own process group, so stopping it stops the emulator and proxy it started.
  const run = spawn('bash', ['scripts/run.sh'], {
    cwd: SOURCE_DIR, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AICORE_RUN_PREBUILT: BUILD_DIR },
  });
  let output = '';
  run.stdout.on('data', (d) => { output += d; });
  run.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((res) => run.on('exit', (code, signal) => res(code ?? signal)));
  try {
    await until(async () => (await fetch('http://127.0.0.1:3001/health')).ok, `the demo proxy\n${output}`);
    assert.match(output, /DEMO MODE/);

    const curl = spawnSync('sh', ['-c', curlBlock], { encoding: 'utf8' });
    assert.equal(curl.status, 0, curl.stderr);
    assert.equal(JSON.parse(curl.stdout).choices[0].message.content, 'Echo: Hello');

    // Every family is there, by discovery.
    const models = await (await fetch('http://127.0.0.1:3001/v1/models', { headers: { authorization: 'Bearer demo-key' } })).json();
    const ids = models.data.map((m) => m.id);
    for (const id of ['gpt-4o', 'anthropic--claude-4.5-sonnet', 'gemini-2.5-pro']) assert.ok(ids.includes(id), ids.join(','));

    const home = tempDir('aicore-demo-home-');
    const claude = spawnSync('bash', ['-c', claudeBlock], {
      cwd: home, encoding: 'utf8', timeout: 60000,
      env: {
        PATH: `${join(here, 'node_modules', '.bin')}:${process.env.PATH}`, HOME: home, TERM: 'dumb',
        DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
    });
    assert.equal(claude.status, 0, `stdout: ${claude.stdout}\nstderr: ${claude.stderr}`);
    // The emulator answers with an echo, or first asks for one of the offered tools and then
    // echoes its result: either way a whole Claude Code turn went through the demo.
    assert.match(claude.stdout, /^(Echo|Tool result): /);
  } finally {
    try { process.kill(-run.pid, 'SIGINT'); } catch { /* already gone */ }
    const stopped = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15000))]);
    if (stopped === 'timeout') process.kill(-run.pid, 'SIGKILL');
  }
  // Nothing of the demo is left listening.
  await until(async () => { try { await fetch('http://127.0.0.1:3001/health'); return false; } catch { return true; } },
    'the demo to stop', 15000);
});
