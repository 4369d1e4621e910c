// Hot topics, the cluster-wide dashboard and the separate scrape port (docs/monitoring.md,
// spec/26-operations-monitoring.md): GET /api/metrics/hot-topics orders topics by rate with their
// subscriber counts and p95; two instances on one Redis answer for the cluster (connections and
// subscribers summed, both instances listed, a stopped one dropped); METRICS_PORT moves the
// scrape off the API port.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { api, freePort, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';

const pool = clientPool();
let redisProc;

async function startRedis(port) {
  redisProc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  await waitUntil(() => new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
    c.on('error', () => resolve(false));
  }), { what: 'redis-server up' });
}

after(() => {
  pool.closeAll();
  killAll();
  if (redisProc) redisProc.kill('SIGKILL');
});

describe('hot topics (REALTIME_METRICS_TICK_MS=200)', () => {
  test('ordered by events per second, with subscribers and p95 fan-out latency; ?limit validated', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'development', REALTIME_METRICS_TICK_MS: '200' } });
    const token = await getToken(srv);
    const subs = [];
    for (let i = 0; i < 3; i++) {
      const c = await pool.connect(srv, { token });
      await c.subscribe('hot.busy');
      subs.push(c);
    }
    await subs[0].subscribe('hot.calm');
    const hot = await waitUntil(async () => {
      for (let i = 0; i < 6; i++) await subs[1].publish('hot.busy', { i });  // 6 busy : 1 calm, until a tick saw both
      await subs[1].publish('hot.calm', {});
      const r = await api(srv.url, 'GET', '/api/metrics/hot-topics');
      assertJson(r, 200);
      const busy = r.body.find((t) => t.topic === 'hot.busy');
      const calm = r.body.find((t) => t.topic === 'hot.calm');
      return busy?.eventsPerSec > 0 && calm?.eventsPerSec > 0 && busy.eventsPerSec > calm.eventsPerSec ? r.body : false;
    }, { interval: 20, what: 'both topics rated' });
    assert.equal(hot[0].topic, 'hot.busy', JSON.stringify(hot));
    assert.deepEqual(Object.keys(hot[0]).sort(), ['eventsPerSec', 'p95FanoutLatency', 'subscriberCount', 'topic']);
    assert.equal(hot[0].subscriberCount, 3);
    assert.equal(hot.find((t) => t.topic === 'hot.calm').subscriberCount, 1);
    assert.ok(hot[0].p95FanoutLatency >= 0);
    const rates = hot.map((t) => t.eventsPerSec);
    assert.deepEqual(rates, [...rates].sort((a, b) => b - a), 'busiest first');

    const one = await api(srv.url, 'GET', '/api/metrics/hot-topics?limit=1');
    assertJson(one, 200);
    assert.equal(one.body.length, 1);
    for (const bad of ['0', '101', 'abc', '-1']) assertError(await api(srv.url, 'GET', `/api/metrics/hot-topics?limit=${bad}`), 400, 'ValidationError');

    // Unsubscribing shows: the busy topic's subscribers drop to 2.
    subs[2].close();
    await waitUntil(async () => {
      const r = await api(srv.url, 'GET', '/api/metrics/hot-topics');
      return r.body.find((t) => t.topic === 'hot.busy')?.subscriberCount === 2;
    }, { what: 'the closed subscriber gone from the count' });
  });

  test('production: the dashboard routes need a token', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'dashboard-test-secret-0123456789' } });
    for (const p of ['/api/metrics/hot-topics', '/api/metrics/dashboard', '/api/metrics/history'])
      assertError(await api(srv.url, 'GET', p), 401, 'UnauthorizedError');
  });
});

describe('two instances on one Redis: the dashboard answers for the cluster', () => {
  test('connections and subscribers summed, both instances listed, a stopped one dropped', async () => {
    const redisPort = await freePort();
    await startRedis(redisPort);
    const dataDir = tempDir();
    const env = { NODE_ENV: 'development', REDIS_URL: `redis://127.0.0.1:${redisPort}`, REALTIME_METRICS_TICK_MS: '200' };
    const a = await startServer({ env, dataDir });
    const b = await startServer({ env, dataDir });
    const onA = await pool.connect(a, { token: await getToken(a) });
    const onB = await pool.connect(b, { token: await getToken(b) });
    const onB2 = await pool.connect(b, { token: await getToken(b) });
    for (const c of [onA, onB, onB2]) await c.subscribe('cluster.topic');

    const dash = await waitUntil(async () => {
      await onA.publish('cluster.topic', { from: 'a' });
      await onB.publish('cluster.topic', { from: 'b' });
      const r = await api(a.url, 'GET', '/api/metrics/dashboard');
      assertJson(r, 200);
      const ins = r.body.instances ?? [];
      return ins.length === 2 && ins.every((i) => i.eventsInPerSec > 0) && r.body.delivery.activeConnections === 3 ? r.body : false;
    }, { interval: 30, what: 'A\'s dashboard with both instances publishing' });
    const perInstance = dash.instances.map((i) => i.activeConnections).sort();
    assert.deepEqual(perInstance, [1, 2]);
    assert.ok(dash.instances.every((i) => i.kind === 'serve' && /^inst_/.test(i.id)), JSON.stringify(dash.instances));
    const sum = dash.instances.reduce((s, i) => s + i.eventsInPerSec, 0);
    assert.ok(Math.abs(dash.delivery.eventsInPerSec - sum) < 1e-6, 'eventsInPerSec is the sum of the instances');

    // B answers the same cluster; hot topics sum subscribers over the instances.
    const fromB = await waitUntil(async () => {
      const r = await api(b.url, 'GET', '/api/metrics/hot-topics');
      return r.body.find((t) => t.topic === 'cluster.topic')?.subscriberCount === 3 ? r.body : false;
    }, { what: 'hot topics on B counting the subscribers of both instances' });
    assert.ok(fromB.length >= 1);

    // B stops: A's dashboard soon lists A alone.
    b.proc.kill('SIGTERM');
    const alone = await waitUntil(async () => {
      const r = await api(a.url, 'GET', '/api/metrics/dashboard');
      return r.body.instances.length === 1 ? r.body : false;
    }, { what: 'the stopped instance dropped' });
    assert.equal(alone.delivery.activeConnections, 1);
  });
});

describe('METRICS_PORT', () => {
  test('the scrape moves to its own port (with METRICS_TOKEN), the API port no longer serves it', async () => {
    const metricsPort = await freePort();
    const secret = 'scrape-token-0123456789abcdef';
    const srv = await startServer({ env: { NODE_ENV: 'development', METRICS_PORT: String(metricsPort), METRICS_TOKEN: secret } });
    const murl = `http://127.0.0.1:${metricsPort}`;
    const auth = { authorization: `Bearer ${secret}` };
    for (const p of ['/metrics', '/api/metrics/prometheus']) {
      const r = await fetch(`${murl}${p}`, { headers: auth });
      assert.equal(r.status, 200);
      assert.match(await r.text(), /^# TYPE realtime_events_received_total counter$/m);
      assertError(await api(murl, 'GET', p), 401, 'UnauthorizedError');
      assertError(await api(srv.url, 'GET', p), 404, 'NotFoundError');
    }
    assertError(await api(murl, 'GET', '/api/topics', { headers: auth }), 404, 'NotFoundError');
    assertError(await api(murl, 'POST', '/metrics', { headers: auth }), 405, 'MethodNotAllowedError');
    assertJson(await api(srv.url, 'GET', '/health'), 200);
  });
});
