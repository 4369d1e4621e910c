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
