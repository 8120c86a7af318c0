// Starts the real binaries (aicore-emulator, aicore-proxy) on ephemeral loopback ports and stops
// them again; every integration test drives them over HTTP with the official SDKs.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = resolve(here, '../../..');
export const BUILD_DIR = process.env.AICORE_BUILD_DIR ?? join(SOURCE_DIR, 'build');

// Spawns a binary and resolves once it prints "... listening on http://host:port".
function startListening(bin, args, name) {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    let done = false;
    const timer = setTimeout(() => {
      if (!done) { done = true; proc.kill('SIGKILL'); reject(new Error(`${name} did not start:\n${output.join('')}`)); }
    }, 15000);
    const onData = (chunk) => {
      const text = chunk.toString();
      output.push(text);
      const m = /listening on (https?:\/\/[^\s]+)/.exec(output.join(''));
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolvePromise({ proc, url: m[1], output });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      if (!done) { done = true; clearTimeout(timer); reject(new Error(`${name} exited with ${code}:\n${output.join('')}`)); }
    });
  });
}

function stopper(proc) {
  return () => new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return res(proc.exitCode ?? proc.signalCode);
    proc.once('exit', (code) => res(code));
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 15000).unref();
  });
}

export async function startEmulator(args = []) {
  const { proc, url, output } = await startListening(join(BUILD_DIR, 'aicore-emulator'), ['--port', '0', ...args], 'aicore-emulator');
  const control = async (method, path, body) => {
    const r = await fetch(url + path, {
      method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`emulator ${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    url, proc, output,
    fault: (f) => control('POST', '/_emulator/faults', f),
    clearFaults: () => control('DELETE', '/_emulator/faults'),
    // Faults not yet taken: a fault is taken when its request arrives, before its delay.
    pendingFaults: () => control('GET', '/_emulator/faults'),
    requests: (deployment) => control('GET', '/_emulator/requests' + (deployment ? `?deployment=${deployment}` : '')),
    clearRequests: () => control('DELETE', '/_emulator/requests'),
    stats: () => control('GET', '/_emulator/stats'),
    reset: () => control('POST', '/_emulator/reset'),
    stop: stopper(proc),
  };
}

// Every temp dir a test makes (configs, service keys, CLI homes, logs) is removed when its test
// file's process exits; AICORE_KEEP_TMP=1 keeps them, to look at a failed run's files.
const tempDirs = [];
process.on('exit', () => {
  if (process.env.AICORE_KEEP_TMP) return;
  for (const d of tempDirs) {
    try { rmSync(d, { recursive: true, force: true }); } catch { /* still in use: the OS cleans /tmp */ }
  }
});
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

// The Python proxy's config.json format, with two subaccounts on the emulator.
export function writeConfig(emulatorUrl, { keys = ['test-key-1', 'test-key-2'], extra = {}, models, aliases = { 'my-gpt': 'gpt-4o' } } = {}) {
  const dir = tempDir('aicore-it-');
  mkdirSync(join(dir, 'keys'));
  const key = (id, secret) => ({
    clientid: id, clientsecret: secret, url: emulatorUrl, identityzoneid: `zone-${id}`,
    serviceurls: { AI_API_URL: emulatorUrl },
  });
  writeFileSync(join(dir, 'keys', 'a.json'), JSON.stringify(key('demo-client', 'demo-secret')));
  const dep = (id) => `${emulatorUrl}/v2/inference/deployments/${id}`;
  const config = {
    subAccounts: {
      'sub-a': {
        resource_group: 'default',
        service_key_json: 'keys/a.json',
        deployment_models: models?.a ?? {
          'gpt-4o': [dep('d-gpt4o')],
          'gpt-5': [dep('d-gpt5')],
          'text-embedding-3-small': [dep('d-embed')],
        },
      },
      'sub-b': {
        service_key: key('demo-client-2', 'demo-secret-2'),
        deployment_models: models?.b ?? { 'gpt-4o': [dep('d-gpt4o-b')] },
      },
    },
    secret_authentication_tokens: keys,
    port: 0,
    host: '127.0.0.1',
    model_aliases: aliases,
    retry: { max_attempts: 4, base_delay_ms: 50, max_delay_ms: 200 },
    ...extra,
  };
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return { path, dir, config };
}

// `bin`: another aicore-proxy binary (e.g. an installed one), which then finds its own plugins.
export async function startProxy(configPath, args = [], { bin } = {}) {
  const pluginArgs = bin ? [] : ['--plugin-dir', join(BUILD_DIR, 'plugins')];
  const { proc, url, output } = await startListening(
    bin ?? join(BUILD_DIR, 'aicore-proxy'), ['--config', configPath, ...pluginArgs, ...args], 'aicore-proxy');
  return { url, proc, logs: () => output.join(''), stop: stopper(proc) };
}

// Runs the proxy to completion (for --check-config and broken configs).
export function runProxy(args) {
  return new Promise((res) => {
    const proc = spawn(join(BUILD_DIR, 'aicore-proxy'), ['--plugin-dir', join(BUILD_DIR, 'plugins'), ...args]);
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => res({ code, out }));
  });
}

// Emulator + proxy with the standard two-subaccount config; `stop()` ends both.
export async function startStack({ proxyArgs = [], configOptions = {}, emulatorArgs = [] } = {}) {
  const emulator = await startEmulator(emulatorArgs);
  const cfg = writeConfig(emulator.url, configOptions);
  const proxy = await startProxy(cfg.path, proxyArgs);
  return {
    emulator, proxy, cfg,
    stop: async () => { await proxy.stop(); await emulator.stop(); },
  };
}
