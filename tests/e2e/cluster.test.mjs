// Two `realtime serve` processes on one real Redis: events cross instances exactly once, tenant
// scoping holds across them, and delivery resumes after redis-server restarts.
// Each test run starts its own redis-server (so it can kill it) on a free port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort, killAll, startServer, tempDir, api } from './lib/server.mjs';
import { connect, getToken, sleep } from './lib/wsclient.mjs';

let redisPort;
let redisProc;
const clients = [];

async function startRedis() {
  redisProc = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  const up = () => new Promise((resolve) => {
    const c = net.connect(redisPort, '127.0.0.1', () => { c.end(); resolve(true); });
    c.on('error', () => resolve(false));
  });
  for (let i = 0; i < 50; i++) {
    if (await up()) return;
    await sleep(100);
  }
  throw new Error('redis-server did not start');
}

async function stopRedis() {
  if (!redisProc) return;
  const exited = new Promise((r) => redisProc.on('exit', r));
  redisProc.kill('SIGKILL');
  await exited;
  redisProc = null;
}

/** Publishes over REST on `srv` until `client` receives an event with payload.mark === mark. */
async function publishUntilReceived(srv, token, client, topic, mark, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await api(srv.url, 'POST', '/api/events', { json: { topic, payload: { mark } },
      headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    if (res && res.status === 202) {
      try {
        return await client.next((m) => m.type === 'event' && m.data.payload.mark === mark, 500);
      } catch { /* not yet: publish again */ }
    } else {
      await sleep(200);
    }
  }
  throw new Error(`event ${mark} never crossed instances`);
}

describe('two instances on one Redis', () => {
  let a, b, dataDir;
  before(async () => {
    redisPort = await freePort();
    await startRedis();
    dataDir = tempDir();
    const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}` };
    a = await startServer({ env, dataDir });
    b = await startServer({ env, dataDir });
  });
  after(async () => {
    for (const c of clients) c.close();
    killAll();
    await stopRedis();
  });

  test('/ready reports Redis up', async () => {
    const res = await api(a.url, 'GET', '/ready');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.checks.redis.status, 'up');
  });

  test('a subscriber on A receives an event published on B, exactly once', async () => {
    const token = await getToken(a);
    const sub = await connect(a, { token });
    clients.push(sub);
    await sub.subscribe('orders.created');
    const pub = await connect(b, { token });
    clients.push(pub);
    await sleep(100);
    const id = await pub.publish('orders.created', { n: 1 });
    const ev = await sub.nextType('event');
    assert.equal(ev.data.id, id);
    assert.deepEqual(ev.data.payload, { n: 1 });
    await sleep(300);
    assert.equal(sub.takeEvents('orders.created').length, 0, 'delivered more than once');
  });

  test('tenant scoping holds across instances', async () => {
    const created = await api(a.url, 'POST', '/api/applications', { json: { name: `other-${Date.now()}` } });
    assert.equal(created.status, 201, created.text);
    const tokenOther = await getToken(b, { app: created.body.id });
    const tokenDefault = await getToken(a);
    const subDefault = await connect(a, { token: tokenDefault });
    const subOther = await connect(a, { token: tokenOther });
    clients.push(subDefault, subOther);
    await subDefault.subscribe('shared.topic');
    await subOther.subscribe('shared.topic');
    const pubOther = await connect(b, { token: tokenOther });
    clients.push(pubOther);
    await pubOther.publish('shared.topic', { from: 'other' });
    const ev = await subOther.nextType('event');
    assert.equal(ev.data.payload.from, 'other');
    await sleep(300);
    assert.equal(subDefault.takeEvents().length, 0, 'the default application saw another application\'s event');
  });

  test('delivery resumes after redis-server restarts', async () => {
    const token = await getToken(a);
    const sub = await connect(a, { token });
    clients.push(sub);
    await sub.subscribe('restart.topic');
    await publishUntilReceived(b, token, sub, 'restart.topic', 'before');
    await stopRedis();
    await sleep(300);
    await startRedis();
    await publishUntilReceived(b, token, sub, 'restart.topic', 'after');
    const ready = await api(a.url, 'GET', '/ready');
    assert.equal(ready.status, 200, ready.text);
  });
});
