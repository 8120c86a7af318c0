// Several instances, one Redis (shared_state.redis_url): a 429 with Retry-After that one
// instance sees takes the deployment out of the others' rotation too; Redis killed mid-run
// stops only the sharing (every instance keeps serving and says so in its log); Redis back on
// the same port, empty, and the instances publish their running cooldowns again. A real
// redis-server (Debian's package, installed by scripts/install-deps.sh) on a free loopback port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { runProxy, startEmulator, startProxy, writeConfig } from './lib/harness.mjs';
import { freePort, skipWithoutRedis as skip, startRedis as startRedisOn, until } from './lib/redis.mjs';

let emulator;
let redis;
let redisPort;
let proxies = [];
// Redis with a password: AUTH is exercised, and no log line may show it.
const password = 'redis-pw-' + Math.random().toString(36).slice(2);

const startRedis = () => startRedisOn(redisPort, password);
const killRedis = () => new Promise((res) => { redis.once('exit', () => res()); redis.kill('SIGKILL'); });

const ask = async (proxy, content) => {
  const t0 = Date.now();
  const r = await fetch(proxy.url + '/v1/chat/completions', {
    method: 'POST', headers: { authorization: 'Bearer test-key-1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.choices[0].message.content, `Echo: ${content}`);
  return Date.now() - t0;
};
// Seconds the instance's /metrics says `deployment` stays out of rotation.
async function cooling(proxy, deployment) {
  const text = await (await fetch(proxy.url + '/metrics')).text();
  const m = new RegExp(`aicore_deployment_cooldown_seconds\\{[^}]*deployment="${deployment}"[^}]*\\} ([0-9.e+-]+)`).exec(text);
  assert.ok(m, `no cooldown gauge for ${deployment}`);
  return Number(m[1]);
}
// aicore_shared_state_redis_up on the instance's /metrics (null when it is not there).
async function redisUp(proxy) {
  const m = /^aicore_shared_state_redis_up (\d+)$/m.exec(await (await fetch(proxy.url + '/metrics')).text());
  return m ? Number(m[1]) : null;
}
// Claude: conversation affinity is on for it by default (routing.affinity "auto").
const CLAUDE = 'anthropic--claude-4.5-sonnet';
// One turn of conversation `conv` ({session, history}) through `proxy`: the deployment that
// answered it (the emulator's record) and how long it took.
async function turn(proxy, conv, text) {
  conv.history.push({ role: 'user', content: text });
  const t0 = Date.now();
  const r = await fetch(proxy.url + '/v1/messages', {
    method: 'POST',
    headers: { 'x-api-key': 'test-key-1', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: CLAUDE, max_tokens: 32, messages: conv.history,
      metadata: { user_id: `user_u_account_a_session_${conv.session}` } }),
  });
  const body = await r.json();
  const ms = Date.now() - t0;
  assert.equal(r.status, 200, JSON.stringify(body));
  conv.history.push({ role: 'assistant', content: body.content });
  const recs = (await emulator.requests()).filter((x) => x.deployment?.startsWith('d-claude'));
  return { deployment: recs.at(-1).deployment, ms };
}
// redis-cli against the test's Redis.
const redisCli = (...args) => execFileSync('redis-cli', ['-p', String(redisPort), '-a', password, '--no-auth-warning', ...args],
  { encoding: 'utf8' }).trim();
const affinityKeys = () => new Set(redisCli('--scan', '--pattern', 'aicore:affinity:*').split('\n').filter(Boolean));
const affinityHits = (p) => (p.logs().match(/affinity=hit/g) ?? []).length;
const hits = async () => (await emulator.requests())
  .filter((r) => r.path.endsWith('/chat/completions')).map((r) => `${r.deployment}:${r.status}`);
// Through instance 1 until the emulator has answered the 429 (the round-robin may try the other
// deployment first); failover still gives the client its 200.
async function rateLimitThrough(proxy, retryAfter) {
  await emulator.reset();
  await emulator.fault({ target: 'd-gpt4o', kind: '429', count: 1, retry_after: retryAfter });
  for (let i = 0; i < 4 && !(await hits()).includes('d-gpt4o:429'); i++) await ask(proxy, `limit ${i}`);
  assert.ok((await hits()).includes('d-gpt4o:429'), (await hits()).join(' '));
}
// The next requests through each of `ps` go only to the deployment that is not cooling.
async function sendsOnlyToTheOther(ps) {
  await emulator.clearRequests();
  for (const p of ps) for (let i = 0; i < 4; i++) await ask(p, `after ${i}`);
  const h = await hits();
  assert.equal(h.length, 4 * ps.length, h.join(' '));
  assert.ok(h.every((x) => x === 'd-gpt4o-b:200'), h.join(' '));
}

before(async () => {
  if (skip) return;
  redisPort = await freePort();
  redis = await startRedis();
  emulator = await startEmulator();
  // One config for the three instances; the usage ledger is per instance (not shared yet), so
  // off here rather than three writers on one file.
  const dep = (id) => `${emulator.url}/v2/inference/deployments/${id}`;
  const models = {
    a: { 'gpt-4o': [dep('d-gpt4o')], [CLAUDE]: [dep('d-claude45sonnet')] },
    b: { 'gpt-4o': [dep('d-gpt4o-b')], [CLAUDE]: [dep('d-claude-b')] },
  };
  const cfg = writeConfig(emulator.url, { models, extra: {
    retry: { max_attempts: 4, base_delay_ms: 20, max_delay_ms: 200, deadline_s: 10, max_cooldown_s: 60 },
    usage: { enabled: false },
    // A lookup bounded at 250 ms, not the default 50: the tests run beside others on a loaded
    // machine, where a 50 ms stall would turn a hit into a miss and fail them for no fault of ours.
    shared_state: { redis_url: `redis://:${password}@127.0.0.1:${redisPort}/0`, lookup_timeout_ms: 250 },
  } });
  proxies = await Promise.all([0, 1, 2].map(() => startProxy(cfg.path)));
  for (const p of proxies) await until(() => p.logs().includes('shared state: connected to Redis'), 'the Redis connection');
  for (const p of proxies) await ask(p, 'warm up tokens');
});
after(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await emulator?.stop();
  if (redis && redis.exitCode === null && redis.signalCode === null) await killRedis();
});

test('a 429 through instance 1 takes the deployment out of rotation on instances 2 and 3', { skip }, async () => {
  const [one, two, three] = proxies;
  for (const p of proxies) assert.equal(await redisUp(p), 1);
  await rateLimitThrough(one, 4);
  const t0 = Date.now();
  await until(async () => (await cooling(two, 'd-gpt4o')) > 0 && (await cooling(three, 'd-gpt4o')) > 0,
    'instances 2 and 3 to learn the cooldown');
  // A poll interval (200 ms) plus a round trip, with room for a loaded machine (the cooldown
  // itself lasts 4 s).
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  assert.ok((await cooling(two, 'd-gpt4o')) <= 4, 'the peer keeps the Retry-After, not a default');
  await sendsOnlyToTheOther([two, three]);
  // Redis never went away: no instance may have seen an outage (an error reading an empty set,
  // say, would show here as a connection dropped and made again).
  for (const p of proxies) assert.doesNotMatch(p.logs(), /unreachable|is back after/);
});

test('when a shared cooldown ends, one instance probes the deployment and the others keep away', { skip }, async () => {
  for (const p of proxies) await until(async () => (await cooling(p, 'd-gpt4o')) === 0, 'the last test\'s cooldown to end', 8000);
  await rateLimitThrough(proxies[0], 2);
  await until(async () => (await cooling(proxies[1], 'd-gpt4o')) > 0 && (await cooling(proxies[2], 'd-gpt4o')) > 0,
    'instances 2 and 3 to learn the cooldown');
  // The probe, whichever instance sends it, takes 1.5 s; any other request to d-gpt4o is quick.
  await emulator.fault({ target: 'd-gpt4o', kind: 'slow', delay_ms: 1500, count: 1 });
  for (const p of proxies) await until(async () => (await cooling(p, 'd-gpt4o')) === 0, 'the cooldown to end', 8000);
  // Half-open on all three at once. For a second each sends requests without pause: one claims
  // the probe (aicore:probe:<url>), the others leave d-gpt4o alone while it runs. Each on its own
  // would probe it too, and, its probe quick, put it back in rotation at once.
  await emulator.clearRequests();
  const t0 = Date.now();
  await Promise.all(proxies.map(async (p, i) => { for (let n = 0; Date.now() - t0 < 1000; n++) await ask(p, `half-open ${i} ${n}`); }));
  const h = await hits();
  assert.equal(h.filter((x) => x.startsWith('d-gpt4o:')).length, 1, h.join(' '));
  assert.ok(h.filter((x) => x === 'd-gpt4o-b:200').length >= 6, h.join(' '));
});

test('an 8-turn conversation spread over the three instances stays on one deployment', { skip }, async () => {
  // Instance 2 starts another conversation first, so its round-robin turn is not instance 1's:
  // on its own it would send a conversation it has not seen to the other deployment.
  await turn(proxies[1], { session: randomUUID(), history: [] }, 'another conversation');
  const conv = { session: randomUUID(), history: [] };
  const before = proxies.map(affinityHits);
  const deployments = [];
  for (let t = 0; t < 8; t++) deployments.push((await turn(proxies[t % 3], conv, `turn ${t}`)).deployment);
  assert.equal(new Set(deployments).size, 1, deployments.join(' '));
  // Turns 2..8 were sent where the conversation already was, two of them by instances that had
  // never seen it: the access log says hit, not new.
  const after = proxies.map(affinityHits);
  assert.equal(after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0), 7, `hits ${before} -> ${after}`);
});

test('turns answered from memory: Redis is read once per instance, and a change there is followed at once', { skip }, async () => {
  const calls = (cmd) => Number((new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(redisCli('info', 'commandstats')) ?? [0, 0])[1]);
  const keysBefore = affinityKeys();
  const conv = { session: randomUUID(), history: [] };
  const [get0, getex0] = [calls('get'), calls('getex')];
  const deployments = [];
  for (let t = 0; t < 9; t++) deployments.push((await turn(proxies[t % 3], conv, `cached ${t}`)).deployment);
  assert.equal(new Set(deployments).size, 1, deployments.join(' '));
  // Turn 1 reads (nothing there) and writes; turns 2 and 3 read once on the other instances,
  // turn 4 once more on instance 1 (it dropped its entry when it wrote); turns 5 to 9 ask nobody.
  assert.equal(calls('get') - get0, 4, 'GETs for 9 turns');
  assert.equal(calls('getex') - getex0, 0, 'no GETEX while the cache works');
  // Somebody else publishing on the invalidation channel changes nothing.
  redisCli('publish', '__redis__:invalidate', 'not an invalidation');
  for (let t = 0; t < 3; t++) deployments.push((await turn(proxies[t % 3], conv, `still cached ${t}`)).deployment);
  assert.equal(new Set(deployments).size, 1, deployments.join(' '));
  assert.equal(calls('get') - get0, 4, 'the cache survived a stray message');
  // A peer moves the conversation (what a failover on another instance does): Redis tells
  // every instance, and each one's next turn goes to the new deployment.
  const key = [...affinityKeys()].find((k) => !keysBefore.has(k));
  assert.ok(key, 'the conversation is in Redis');
  const other = deployments[0] === 'd-claude45sonnet' ? 'd-claude-b' : 'd-claude45sonnet';
  redisCli('set', key, `${emulator.url}/v2/inference/deployments/${other}`, 'px', '600000');
  for (let t = 0; t < 3; t++) assert.equal((await turn(proxies[t % 3], conv, `moved ${t}`)).deployment, other, `turn ${t}`);
});

test('Redis killed: every instance keeps serving on its own state and says so', { skip }, async () => {
  // The first test's 4 s cooldown ends everywhere before the outage starts.
  for (const p of proxies) await until(async () => (await cooling(p, 'd-gpt4o')) === 0, 'the cooldown to end', 8000);
  await killRedis();
  for (const p of proxies) {
    await until(() => /shared state: Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+\/0 is unreachable/.test(p.logs()), 'the warning');
    assert.equal(await redisUp(p), 0);
    for (let i = 0; i < 3; i++) assert.ok((await ask(p, `down ${i}`)) < 1500, 'a request does not wait for Redis');
  }
  // A conversation goes on where it was, each instance from what it saw itself.
  const conv = { session: randomUUID(), history: [] };
  const first = await turn(proxies[0], conv, 'during the outage');
  for (let i = 0; i < 3; i++) {
    const t = await turn(proxies[0], conv, `still down ${i}`);
    assert.equal(t.deployment, first.deployment);
    assert.ok(t.ms < 1500, `a turn waited ${t.ms} ms`);
  }
  // A 429 now stays with the instance that saw it: instance 2 still uses both deployments.
  await rateLimitThrough(proxies[0], 30);
  await emulator.clearRequests();
  for (let i = 0; i < 4; i++) await ask(proxies[1], `alone ${i}`);
  assert.ok((await hits()).includes('d-gpt4o:200'), (await hits()).join(' '));
});

test('Redis back on the same port, empty: the running cooldown is published again and shared', { skip }, async () => {
  redis = await startRedis();
  for (const p of proxies) await until(() => /shared state: Redis at \S+ is back after/.test(p.logs()), 'the reconnection');
  for (const p of proxies) assert.equal(await redisUp(p), 1);
  const [, two, three] = proxies;
  await until(async () => (await cooling(two, 'd-gpt4o')) > 0 && (await cooling(three, 'd-gpt4o')) > 0,
    'instances 2 and 3 to learn the cooldown instance 1 kept');
  await sendsOnlyToTheOther([two, three]);
  for (const p of proxies) {
    // One outage, said once when it began and once when it ended.
    assert.equal(p.logs().match(/is unreachable/g).length, 1, p.logs());
    assert.equal(p.logs().match(/is back after/g).length, 1, p.logs());
    assert.doesNotMatch(p.logs(), /^\S+ (error|critical) /m);
    assert.ok(!p.logs().includes(password), 'the Redis password is in a log');
  }
});

test('Redis frozen (SIGSTOP): requests do not wait for it; it counts as an outage until it answers', { skip }, async () => {
  redis.kill('SIGSTOP');
  try {
    // The connection stays open but nothing answers: only the shared-state thread waits
    // (shared_state.timeout_ms, 1 s), then drops it. Unbounded, these would hang until SIGCONT.
    for (const p of proxies) for (let i = 0; i < 3; i++) assert.ok((await ask(p, `frozen ${i}`)) < 1500, 'a request waited');
    // A turn asks Redis on the request path: at most shared_state.lookup_timeout_ms (250 ms
    // here), and then the pool pauses, so the next turns do not wait at all.
    const conv = { session: randomUUID(), history: [] };
    for (const p of proxies) for (let i = 0; i < 3; i++) assert.ok((await turn(p, conv, `frozen turn ${i}`)).ms < 2000, 'a turn waited');
    for (const p of proxies) await until(async () => (await redisUp(p)) === 0, 'the timeout to count as an outage');
    for (const p of proxies) assert.equal(p.logs().match(/is unreachable/g).length, 2);
  } finally {
    redis.kill('SIGCONT');
  }
  for (const p of proxies) await until(async () => (await redisUp(p)) === 1, 'the reconnection', 15000);
});

test('Redis killed and restarted under load: every request is answered, only the sharing stops', { skip }, async () => {
  // Four clients per instance send chat requests and conversation turns without pause while
  // Redis goes away and comes back; none may fail or hang.
  let stop = false;
  let answered = 0;
  const failures = [];
  const client = async (p, i) => {
    const conv = { session: randomUUID(), history: [] };
    for (let n = 0; !stop; n++) {
      try {
        if (n % 2) {
          const t = await turn(p, conv, `load turn ${n}`);
          assert.ok(t.ms < 5000, `a turn took ${t.ms} ms`);
          if (conv.history.length > 8) conv.history.splice(0, 2);  // keep the body small; still one conversation key
        } else {
          assert.ok((await ask(p, `load ${i} ${n}`)) < 5000, 'a request took 5 s');
        }
        answered++;
      } catch (e) {
        failures.push(String(e));
      }
    }
  };
  const outages = (p) => (p.logs().match(/is unreachable/g) ?? []).length;
  const outagesBefore = proxies.map(outages);
  const clients = proxies.flatMap((p, k) => [0, 1, 2, 3].map((i) => client(p, 4 * k + i)));
  try {
    await new Promise((r) => setTimeout(r, 500));
    await killRedis();
    for (const p of proxies) await until(async () => (await redisUp(p)) === 0, 'the outage to be noticed');
    await new Promise((r) => setTimeout(r, 500));
    redis = await startRedis();
    for (const p of proxies) await until(async () => (await redisUp(p)) === 1, 'the reconnection', 15000);
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  console.log(`under load through a Redis kill and restart: ${answered} answered, ${failures.length} failed`);
  assert.deepEqual(failures, []);
  assert.ok(answered > 50, `only ${answered} requests answered`);
  proxies.forEach((p, i) => assert.equal(outages(p), outagesBefore[i] + 1, 'one warning per outage'));
  for (const p of proxies) assert.doesNotMatch(p.logs(), /^\S+ (error|critical) /m);
});

test('Redis restarted while idle: a conversation is shared again from its first turn', { skip }, async () => {
  // The request path's kept connections died with the old Redis. They fail at once (not after
  // the lookup timeout), so each is replaced by a new connection instead of pausing the pool:
  // no turn falls back to local state, and the first instance's choice reaches the others.
  await new Promise((r) => setTimeout(r, 1100));  // any pause left from the last test is over
  await killRedis();
  redis = await startRedis();
  const conv = { session: randomUUID(), history: [] };
  const before = proxies.map(affinityHits);
  const deployments = [];
  for (let t = 0; t < 6; t++) deployments.push((await turn(proxies[t % 3], conv, `resumed ${t}`)).deployment);
  assert.equal(new Set(deployments).size, 1, deployments.join(' '));
  const hits = proxies.map(affinityHits).reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0);
  assert.equal(hits, 5, 'turns 2..6 were affinity hits');
  for (const p of proxies) await until(async () => (await redisUp(p)) === 1, 'the reconnection', 15000);
});

test('a SIGHUP that adds shared_state says it needs a restart, and the reload still applies the rest', { skip }, async () => {
  const cfg = writeConfig(emulator.url, { keys: ['key-before'], extra: { usage: { enabled: false } } });
  const p = await startProxy(cfg.path);
  try {
    writeFileSync(cfg.path, JSON.stringify({ ...cfg.config, secret_authentication_tokens: ['key-after'],
      shared_state: { redis_url: `redis://:${password}@127.0.0.1:${redisPort}/0` } }));
    p.proc.kill('SIGHUP');
    await until(() => /shared_state changes take effect only after a restart \(still not sharing\)/.test(p.logs()), 'the warning');
    await until(async () => (await fetch(p.url + '/v1/models', { headers: { authorization: 'Bearer key-after' } })).status === 200,
      'the new key');
    assert.equal(await redisUp(p), null, 'no shared-state metric: it is not sharing');
    assert.ok(!p.logs().includes(password), 'the Redis password is in a log');
  } finally {
    await p.stop();
  }
});

test('--check-config names a bad Redis URL and never prints its password', async () => {
  const cfg = writeConfig('http://127.0.0.1:9', { extra: { shared_state: { redis_url: 'redis://:hunter2@cache:99999/0' } } });
  const { code, out } = await runProxy(['--config', cfg.path, '--check-config']);
  assert.equal(code, 2, out);
  assert.match(out, /config error: shared_state\.redis_url: the port must be a number from 1 to 65535/);
  assert.doesNotMatch(out, /hunter2/);
  const http = writeConfig('http://127.0.0.1:9', { extra: { shared_state: { redis_url: 'http://:hunter2@cache:6379' } } });
  const r = await runProxy(['--config', http.path, '--check-config']);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /shared_state\.redis_url: must start with redis:\/\/ or rediss:\/\/ \(TLS\)/);
  assert.doesNotMatch(r.out, /hunter2/);
});
