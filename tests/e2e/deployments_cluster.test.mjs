// Deployments on two instances (docs/deployments.md "Live on every instance"): both on one
// PostgreSQL platform database and one Redis. A deployment executed on instance A is live on
// instance B as soon as A answers — B's schema gate refuses what the deployed schema refuses and
// B's webhook fan-out knows the deployed endpoint — and a rollback on A is live on B the same way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { startRedis } from './lib/sio.mjs';
import { cleanup, hex, PG, psql, skip, withDb } from './lib/cdc.mjs';
import { ADMIN, JWT_SECRET, startReceiver } from './lib/webhook_receiver.mjs';

const pool = clientPool();
const inEnv = (env) => ({ ...ADMIN(), 'x-environment': env });

async function call(srv, method, path, { json, headers = ADMIN(), status } = {}) {
  const r = await api(srv.url, method, path, { json, headers });
  if (status !== undefined) assertJson(r, status);
  return r;
}
const publish = (srv, payload) => call(srv, 'POST', '/api/events', { headers: inEnv('staging'), json: { topic: 'clu.orders', type: 'order.paid', payload } });

describe('a deployment executed on one instance is live on the other at once', { skip }, () => {
  const db = `deploy_e2e_${hex()}`;
  let redis;
  let rx;
  let a;
  let b;
  let ws;
  before(async () => {
    psql(PG, `CREATE DATABASE ${db}`);
    redis = await startRedis();
    rx = await startReceiver();
    const env = {
      NODE_ENV: 'production', JWT_SECRET, DATABASE_URL: withDb(PG, db), REDIS_URL: redis.url,
      REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
      REALTIME_WEBHOOK_ALLOW_HTTP: 'true', REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true',
    };
    a = await startServer({ env });
    b = await startServer({ env });
    const dev = inEnv('development');
    await call(a, 'POST', '/api/topics', { headers: dev, status: 201, json: { name: 'clu.orders', description: 'Orders', owner: 'shop' } });
    await call(a, 'POST', '/api/schemas/clu.orders', { headers: dev, status: 201, json: { schema: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } } });
    await call(a, 'PATCH', '/api/topics/clu.orders', { headers: dev, status: 200, json: { activeSchemaVersion: 1 } });
    await call(a, 'POST', '/api/webhooks', { headers: dev, status: 201, json: { url: rx.url('/clu'), secret: 'a-long-secret-1', topics: ['clu.*'] } });
    ws = await pool.connect(b, { token: await getToken(b, { headers: { ...ADMIN(), 'x-environment': 'staging' } }), environment: 'staging' });
    await ws.subscribe('clu.orders');
  });
  after(async () => {
    pool.closeAll();
    killAll();
    await rx?.close();
    await redis?.stop();
    cleanup({ dbs: [db] });
  });

  test('execute on A: B validates with the deployed schema and delivers to the deployed webhook; rollback on A: B stops', async () => {
    const loose = await publish(b, { id: 'not a number' });
    assert.ok(loose.status >= 200 && loose.status < 300, `no schema in staging yet: ${loose.text}`);
    await ws.waitFor(() => ws.all.some((m) => m.type === 'event' && m.data.payload.id === 'not a number'), 10_000, 'the loose event on B');

    const hooks = (await call(a, 'GET', '/api/webhooks', { headers: inEnv('development'), status: 200 })).body;
    const d = (await call(a, 'POST', '/api/deployments', {
      status: 201,
      json: {
        sourceEnvironment: 'development', targetEnvironment: 'staging',
        items: [{ type: 'topic', id: 'clu.orders' }, { type: 'schema', id: 'clu.orders' }, { type: 'webhook', id: hooks[0].id }],
      },
    })).body;
    const done = await call(a, 'POST', `/api/deployments/${d.id}/execute`, { json: { secrets: { [hooks[0].id]: 'staging-secret-1' } }, status: 200 });
    assert.deepEqual(done.body.propagation, { instances: 2, reloaded: 2, partial: false });
    assert.deepEqual(done.body.secrets, {}, 'the re-entered secret is not echoed');

    // No waiting: B answers with the deployed state right after A did.
    const refused = await publish(b, { id: 'still not a number' });
    assertError(refused, 400);
    const ok = await publish(b, { id: 7 });
    assert.ok(ok.status >= 200 && ok.status < 300, ok.text);
    const eventId = ok.body.id ?? ok.body.eventId;
    const delivery = await rx.waitFor((r) => r.url === '/clu' && JSON.parse(r.body).payload?.id === 7, 15_000, 'the staging delivery');
    if (eventId) assert.equal(JSON.parse(delivery.body).id, eventId);

    const back = await call(a, 'POST', `/api/deployments/${d.id}/rollback`, { status: 200 });
    assert.equal(back.body.propagation.instances, 2);
    const loose2 = await publish(b, { id: 'loose again' });
    assert.ok(loose2.status >= 200 && loose2.status < 300, `the gate is gone on B: ${loose2.text}`);
    assert.deepEqual((await call(b, 'GET', '/api/webhooks', { headers: inEnv('staging'), status: 200 })).body, []);
  });
});
