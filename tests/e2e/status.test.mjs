// GET /api/status (docs/monitoring.md "Service status"): the database and Redis probed with their
// latency, the API instance from its heartbeat, CDC readers by state; the overall status follows
// the worst of them, and the route needs a token in production.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, freePort, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { waitUntil } from './lib/webhook_receiver.mjs';

describe('service status', () => {
  after(() => killAll());

  test('healthy: up, with the database probe and this API instance', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'development' } });
    const st = await waitUntil(async () => {
      const r = await api(srv.url, 'GET', '/api/status');
      assertJson(r, 200);
      return r.body.services.some((s) => s.name === 'api') ? r.body : false;
    }, { what: 'the API instance in /api/status' });
    assert.equal(st.status, 'up', JSON.stringify(st));
    const db = st.services.find((s) => s.name === 'database');
    assert.deepEqual([db.kind, db.status], ['sqlite', 'up']);
    assert.ok(typeof db.latencyMs === 'number' && db.latencyMs >= 0);
    const me = st.services.find((s) => s.name === 'api' && s.pid === srv.proc.pid);
    assert.equal(me?.status, 'up', JSON.stringify(st.services));
    assert.ok(Math.abs(st.checkedAt - Date.now()) < 60_000);
  });

  test('Redis unreachable and a CDC mapping without a target: degraded, each named', async () => {
    const redisPort = await freePort();
    const srv = await startServer({ env: { NODE_ENV: 'development', REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
    const m = await api(srv.url, 'POST', '/api/database/mappings', { json: { table: 'orders', events: ['insert'], topic: 'orders.new', payload: { id: '$row.id' } } });
    assertJson(m, 201);
    const st = await waitUntil(async () => {
      const r = await api(srv.url, 'GET', '/api/status');
      assertJson(r, 200);
      return r.body.services.some((s) => s.kind === 'cdc') ? r.body : false;
    }, { what: 'the CDC entry in /api/status' });
    assert.equal(st.status, 'degraded', JSON.stringify(st));
    assert.equal(st.services.find((s) => s.name === 'database').status, 'up');
    const redis = st.services.find((s) => s.name === 'redis');
    assert.equal(redis.status, 'down', JSON.stringify(redis));
    assert.ok(redis.detail.length > 0);
    const cdc = st.services.find((s) => s.kind === 'cdc');
    assert.equal(cdc.status, 'down');
    assert.match(cdc.detail, /No CDC database configured/);
  });

  test('production: a token is needed', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'status-test-secret-0123456789' } });
    assertError(await api(srv.url, 'GET', '/api/status'), 401, 'UnauthorizedError');
  });
});

describe('dashboard metrics (REALTIME_METRICS_TICK_MS=200)', () => {
  after(() => killAll());

  test('publishing moves eventsIn/Out per second; the spec\'s shape; history keeps the samples', async () => {
    const srv = await startServer({ env: { NODE_ENV: 'development', REALTIME_METRICS_TICK_MS: '200' } });
    const shape = {
      delivery: ['activeConnections', 'reconnectRate', 'eventsInPerSec', 'eventsOutPerSec', 'fanoutLatencyP50', 'fanoutLatencyP95', 'fanoutLatencyP99'],
      pipeline: ['cdcLag', 'outboxLag', 'eventsCapturedPerSec', 'eventsRoutedPerSec', 'mappingFailures', 'schemaValidationFailures'],
      reliability: ['queueDepth', 'retryCount', 'dlqSize', 'webhookSuccessRate', 'webhookFailureRate'],
    };
    const first = await api(srv.url, 'GET', '/api/metrics/dashboard');
    assertJson(first, 200);
    for (const [group, fields] of Object.entries(shape)) {
      assert.deepEqual(Object.keys(first.body[group]).sort(), [...fields].sort(), group);
      for (const f of fields) assert.equal(typeof first.body[group][f], 'number', `${group}.${f}`);
    }
    const { clientPool, getToken } = await import('./lib/wsclient.mjs');
    const pool = clientPool();
    const token = await getToken(srv);
    const sub = await pool.connect(srv, { token });
    await sub.subscribe('dash.topic');
    const seen = await waitUntil(async () => {
      await sub.publish('dash.topic', { n: 1 });  // keep publishing until a tick saw it
      const r = await api(srv.url, 'GET', '/api/metrics/dashboard');
      return r.body.delivery.eventsInPerSec > 0 && r.body.delivery.eventsOutPerSec > 0 && r.body.delivery.activeConnections >= 1 ? r.body : false;
    }, { interval: 50, what: 'the dashboard showing events in and out' });
    assert.ok(seen.delivery.fanoutLatencyP99 >= seen.delivery.fanoutLatencyP50);
    assert.equal(seen.reliability.webhookSuccessRate, 1);
    const h = await waitUntil(async () => {
      const r = await api(srv.url, 'GET', '/api/metrics/history?window=1m');
      assertJson(r, 200);
      return r.body.samples.length >= 3 ? r : false;
    }, { what: 'three history samples' });
    assert.equal(h.body.tickMs, 200);
    const ats = h.body.samples.map((s) => s.at);
    assert.deepEqual(ats, [...ats].sort((a, b) => a - b));
    assert.ok(h.body.samples.some((s) => s.delivery.eventsInPerSec > 0));
    assertError(await api(srv.url, 'GET', '/api/metrics/history?window=2h'), 400, 'ValidationError');
    pool.closeAll();
  });
});
