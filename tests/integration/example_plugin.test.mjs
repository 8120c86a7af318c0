// A third party builds a provider against the *installed* SDK (no host source), drops it into
// the plugin folder, and it serves a model end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { BUILD_DIR, SOURCE_DIR, startEmulator, startProxy, writeConfig, tempDir } from './lib/harness.mjs';

test('an out-of-tree plugin built against the installed SDK serves a model', { timeout: 240000 }, async () => {
  const work = tempDir('aicore-sdk-');
  const prefix = join(work, 'prefix');
  const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'pipe' });
  run('cmake', ['--install', BUILD_DIR, '--prefix', prefix]);
  // The SDK is installed without the host's source: headers and a CMake package.
  assert.ok(existsSync(join(prefix, 'include/aicore/abi.h')));
  run('cmake', ['-S', join(SOURCE_DIR, 'examples/echo-provider'), '-B', join(work, 'build'),
    `-DCMAKE_PREFIX_PATH=${prefix}`, '-DCMAKE_BUILD_TYPE=Release']);
  run('cmake', ['--build', join(work, 'build')]);
  const installedPlugins = join(prefix, 'lib/aicore-proxy/plugins');
  copyFileSync(join(work, 'build/echo.so'), join(installedPlugins, 'echo.so'));

  const emulator = await startEmulator();
  try {
    const dep = `${emulator.url}/v2/inference/deployments/d-gpt4o`;
    const cfg = writeConfig(emulator.url, { models: { a: { 'echo-1': [dep] }, b: { 'echo-1': [dep] } }, aliases: {} });
    // The installed binary finds the installed plugin folder by itself.
    const proxy = await startProxy(cfg.path, [], { bin: join(prefix, 'bin/aicore-proxy') });
    try {
      const client = new OpenAI({ baseURL: proxy.url + '/v1', apiKey: 'test-key-1', maxRetries: 0 });
      const models = [];
      for await (const m of client.models.list()) models.push(m);
      assert.deepEqual(models.map((m) => [m.id, m.owned_by]), [['echo-1', 'echo']]);
      const r = await client.chat.completions.create({ model: 'echo-1', messages: [{ role: 'user', content: 'via plugin' }] });
      assert.equal(r.choices[0].message.content, 'Echo: via plugin');
      const s = await client.chat.completions.create({ model: 'echo-1', stream: true, messages: [{ role: 'user', content: 'streamed' }] });
      let text = '';
      for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
      assert.equal(text, 'Echo: streamed');
    } finally { await proxy.stop(); }
  } finally { await emulator.stop(); }
});
