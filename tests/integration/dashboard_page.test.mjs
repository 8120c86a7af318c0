// The dashboard page in a real headless browser (Debian's chromium driven by puppeteer-core):
// after mixed traffic it renders the config's models, subaccounts and deployments with non-zero
// counts, updates by itself when more traffic arrives, shows a deployment as cooling after a 429
// with Retry-After, loads nothing from another origin and logs no console error; behind an admin
// key, its login form keeps the key in the tab's session only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import puppeteer from 'puppeteer-core';
import { startEmulator, writeConfig, startProxy, tempDir } from './lib/harness.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ALICE = 'sk-alice-page-0123456789';
const BOB = 'sk-bob-page-0123456789';
const ADMIN_KEY = 'admin-key-for-the-page-test';
let emulator;
let proxy;
let browser;

const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
const models = () => ({
  a: { 'gpt-4o': [dep('d-gpt4o')], 'anthropic--claude-4.5-sonnet': [dep('d-claude45sonnet')] },
  b: { 'gpt-4o': [dep('d-gpt4o-b')] },
});
const extra = {
  client_keys: [{ name: 'alice', key: ALICE, limits: { tokens_per_day: 50000 } }, { name: 'bob', key: BOB }],
};

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} (Debian's chromium: scripts/install-deps.sh --with-test-clients)`);
  emulator = await startEmulator();
  proxy = await startProxy(writeConfig(emulator.url, { keys: [], models: models(), aliases: {}, extra }).path);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI has no user namespace for the sandbox; the page is our own, on loopback.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions'],
    userDataDir: tempDir('aicore-chromium-'),
  });
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
  await emulator?.stop();
});

// A page that records what it asks for and what it logs.
async function open(url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const seen = { requests: [], console: [], errors: [], failed: [], navigations: 0 };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') seen.console.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('requestfailed', (r) => seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) seen.navigations += 1; });
  await page.goto(url, { waitUntil: 'load' });
  return { page, seen };
}

const polls = (page) => page.evaluate(() => Number(document.body.dataset.polls ?? 0));
const waitPolls = (page, n) => page.waitForFunction((k) => Number(document.body.dataset.polls ?? 0) >= k, { timeout: 15000 }, n);
const cell = (page, selector) => page.$eval(selector, (e) => e.textContent.trim());

async function traffic(n) {
  const alice = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: ALICE, maxRetries: 0 });
  for (let i = 0; i < n; ++i) {
    const s = await alice.chat.completions.create({
      model: 'gpt-4o', stream: i % 2 === 1, stream_options: i % 2 === 1 ? { include_usage: true } : undefined,
      messages: [{ role: 'user', content: 'hi' }],
    });
    if (i % 2 === 1) for await (const _ of s);  // eslint-disable-line no-unused-vars
  }
}

test('after mixed traffic the page shows the config with live counts, and a 429 as cooling', async () => {
  await traffic(3);
  const bob = new Anthropic({ baseURL: proxy.url, apiKey: BOB, maxRetries: 0 });
  await bob.messages.create({ model: 'anthropic--claude-4.5-sonnet', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] });

  const { page, seen } = await open(`${proxy.url}/dashboard`);
  await waitPolls(page, 1);
  // Models, subaccounts and deployments of the config, with non-zero counts where traffic went.
  assert.equal(await cell(page, '#models tbody tr[data-model="gpt-4o"] td[data-col="requests"]'), '3');
  assert.equal(await cell(page, '#models tbody tr[data-model="anthropic--claude-4.5-sonnet"] td[data-col="requests"]'), '1');
  for (const [sub, id] of [['sub-a', 'd-gpt4o'], ['sub-a', 'd-claude45sonnet'], ['sub-b', 'd-gpt4o-b']]) {
    const row = `#deployments tbody tr[data-subaccount="${sub}"][data-deployment="${id}"]`;
    assert.ok(await page.$(row), `${row} is shown`);
    assert.equal(await page.$eval(row, (e) => e.dataset.state), 'healthy');
  }
  const attempts = async (sub, id) =>
    Number(await cell(page, `#deployments tbody tr[data-subaccount="${sub}"][data-deployment="${id}"] td[data-col="attempts"]`));
  assert.equal((await attempts('sub-a', 'd-gpt4o')) + (await attempts('sub-b', 'd-gpt4o-b')), 3);
  assert.equal(await attempts('sub-a', 'd-claude45sonnet'), 1);
  assert.ok(Number(await cell(page, '#tokens tbody tr[data-key="alice"][data-model="gpt-4o"] td[data-col="today-input"]')) > 0);
  assert.ok(await page.$('#tokens tbody tr[data-key="bob"][data-model="anthropic--claude-4.5-sonnet"]'));
  assert.equal((await page.$$('#recent tbody tr.request')).length, 4);
  assert.ok(await page.$('#plugins tbody tr[data-plugin="openai"]'));
  assert.ok(await page.$('#quotas'));
  const points = await page.$eval('canvas[data-chart="rps"][data-model="gpt-4o"]', (c) => Number(c.dataset.points ?? 0));
  assert.ok(points >= 1, `the gpt-4o rate chart has drawn points (${points})`);

  // More traffic and a 429 with Retry-After: the page catches up by itself, without a reload.
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: 40 });
  await traffic(4);
  await page.waitForFunction(() => {
    const n = document.querySelector('#models tbody tr[data-model="gpt-4o"] td[data-col="requests"]');
    return n && n.textContent.trim() === '7';
  }, { timeout: 15000 });
  const cooling = '#deployments tbody tr[data-subaccount="sub-a"][data-deployment="d-gpt4o"]';
  await page.waitForFunction((s) => document.querySelector(s)?.dataset.state === 'cooling', { timeout: 15000 }, cooling);
  assert.match(await cell(page, `${cooling} td[data-col="state"]`), /cooling \d+ s/);
  assert.equal((await page.$$('#recent tbody tr.request')).length, 8);
  assert.equal(seen.navigations, 1, 'updated in place, never reloaded');

  if (process.env.AICORE_DASHBOARD_SCREENSHOT)  // scripts/dashboard-screenshot.sh: the README's picture
    await page.screenshot({ path: process.env.AICORE_DASHBOARD_SCREENSHOT, fullPage: true });

  const origin = new URL(proxy.url).origin;
  const foreign = seen.requests.filter((u) => new URL(u).origin !== origin);
  assert.deepEqual(foreign, [], 'nothing is loaded from another origin');
  assert.deepEqual(seen.failed, []);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.console, []);
  await page.close();
});

test('behind an admin key: a login form, the key kept in the session only', async () => {
  const keyed = await startProxy(writeConfig(emulator.url, {
    models: models(), aliases: {}, extra: { admin_keys: [ADMIN_KEY], metrics: { auth: 'admin_key' } },
  }).path);
  try {
    const { page, seen } = await open(`${keyed.url}/dashboard`);
    await page.waitForSelector('form#login', { visible: true, timeout: 10000 });
    assert.equal(await polls(page), 0);
    await page.type('#admin-key', 'not-the-key');
    await page.$eval('form#login', (f) => f.requestSubmit());
    await page.waitForFunction(() => !!document.querySelector('#status')?.textContent, { timeout: 10000 });
    await page.waitForSelector('form#login', { visible: true, timeout: 10000 });
    assert.equal(await polls(page), 0, 'a wrong key shows nothing');
    await page.$eval('#admin-key', (i) => { i.value = ''; });
    await page.type('#admin-key', ADMIN_KEY);
    await page.$eval('form#login', (f) => f.requestSubmit());
    await waitPolls(page, 2);
    assert.ok(await page.$('#deployments tbody tr[data-subaccount="sub-a"][data-deployment="d-gpt4o"]'));
    const store = await page.evaluate(() => ({
      session: sessionStorage.getItem('aicore-admin-key'), local: localStorage.length, cookie: document.cookie,
      url: location.href,
    }));
    assert.equal(store.session, ADMIN_KEY);
    assert.equal(store.local, 0);
    assert.equal(store.cookie, '');
    assert.ok(!store.url.includes(ADMIN_KEY));
    assert.ok(!seen.requests.some((u) => u.includes(ADMIN_KEY)), 'the key never goes into a URL');
    assert.deepEqual(seen.errors, []);
    // The browser reports each refused poll (401) as a failed resource; nothing else may be logged.
    assert.deepEqual(seen.console.filter((m) => !/status of 401/.test(m)), []);
    assert.ok(!keyed.logs().includes(ADMIN_KEY), 'the admin key is never logged');
    await page.close();
  } finally {
    await keyed.stop();
  }
});
