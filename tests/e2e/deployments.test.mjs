// Deployments end to end (docs/deployments.md) against the real binary: a topic, its schema, a CDC
// mapping and a webhook created in development are deployed to staging (the report lists four
// creates); once executed, staging has them, staging's CDC events use the mapping and its webhook
// delivers them. A change in development shows as a field diff, executes, and rolls back to the
// exact previous state (compared by export). A concurrent change in staging makes execute and
// rollback 409. Comments, history and the audit log record who did what.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';
import { cdcEnv, cleanup, createTarget, psql, setCdcConfig, skip, slotName, waitStreaming, wsEvents } from './lib/cdc.mjs';
import { ADMIN, JWT_SECRET, startReceiver } from './lib/webhook_receiver.mjs';

const pool = clientPool();
const dev = () => ({ ...ADMIN(), 'x-environment': 'development' });
const stg = () => ({ ...ADMIN(), 'x-environment': 'staging' });

async function call(srv, method, path, { json, headers = ADMIN(), status } = {}) {
  const r = await api(srv.url, method, path, { json, headers });
  if (status !== undefined) assertJson(r, status);
  return r;
}
const exportOf = async (srv, env) => (await call(srv, 'GET', `/api/config/export?environment=${env}`, { status: 200 })).text;

describe('development -> staging: report, execute, live on staging, diff, rollback, conflicts, comments', { skip }, () => {
  let srv;
  let target;
  let rx;
  let stgWs;
  const slot = slotName();
  const ids = {};
  let first;  // the first deployment (4 creates)
  before(async () => {
    target = createTarget('deploy');
    psql(target.url, 'CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)');
    rx = await startReceiver();
    srv = await startServer({ env: cdcEnv(slot, { JWT_SECRET, REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true' }) });
    await setCdcConfig(srv, { development: target.url, staging: target.url }, 'default', ADMIN());
    await call(srv, 'POST', '/api/topics', { headers: dev(), status: 201, json: { name: 'orders.paid', description: 'Paid orders', owner: 'billing' } });
    await call(srv, 'POST', '/api/schemas/orders.paid', {
      headers: dev(), status: 201,
      json: { schema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'integer' }, v: { type: 'string' } } } },
    });
    await call(srv, 'PATCH', '/api/topics/orders.paid', { headers: dev(), status: 200, json: { activeSchemaVersion: 1 } });
    ids.mapping = (await call(srv, 'POST', '/api/database/mappings', {
      headers: dev(), status: 201,
      json: { table: 'orders', events: ['insert'], topic: 'orders.paid', payload: { orderId: '$row.id', v: 'A' } },
    })).body.id;
    ids.webhook = (await call(srv, 'POST', '/api/webhooks', {
      headers: dev(), status: 201, json: { url: rx.url('/hook'), secret: 'whsec_e2e_shared_secret_42', topics: ['orders.paid'] },
    })).body.id;
    stgWs = await pool.connect(srv, { token: await getToken(srv, { headers: stg() }), environment: 'staging' });
    await stgWs.subscribe('orders.paid');
  });
  after(async () => {
    pool.closeAll();
    await rx?.close();
    killAll();
    cleanup({ slots: [slot], targets: target ? [target] : [] });
  });

  const items = () => [
    { type: 'topic', id: 'orders.paid' }, { type: 'schema', id: 'orders.paid' },
    { type: 'mapping', id: ids.mapping }, { type: 'webhook', id: ids.webhook },
  ];

  test('a draft, its change report (4 creates with field diffs), then execute: staging has all four', async () => {
    const emptyStaging = await exportOf(srv, 'staging');
    const created = await call(srv, 'POST', '/api/deployments', {
      status: 201, json: { name: 'first', sourceEnvironment: 'development', targetEnvironment: 'staging', items: items() },
    });
    first = created.body;
    assert.match(first.id, /^dep_/);
    assert.equal(first.state, 'draft');
    assert.equal(first.report, null);
    assert.deepEqual(first.history.map((s) => s.step), ['created']);

    const report = await call(srv, 'POST', `/api/deployments/${first.id}/report`, { status: 200 });
    assert.deepEqual(report.body.summary, { create: 4, update: 0, delete: 0, unchanged: 0 });
    assert.equal(report.body.blocked, false, JSON.stringify(report.body));
    assert.deepEqual(report.body.items.map((i) => [i.type, i.id, i.action]), items().map((i) => [i.type, i.id, 'create']));
    const topicDiff = report.body.items[0].diff;
    assert.deepEqual(topicDiff.find((d) => d.path === 'owner'), { path: 'owner', from: null, to: 'billing' });
    assert.equal(await exportOf(srv, 'staging'), emptyStaging, 'a report changes nothing');

    const done = await call(srv, 'POST', `/api/deployments/${first.id}/execute`, { status: 200 });
    assert.equal(done.body.state, 'executed');
    assert.equal(done.body.propagation.instances, 1);
    assert.equal(done.body.propagation.partial, false);
    assert.match(done.body.secrets[ids.webhook], /^whsec_/, 'a generated secret, shown once');
    assert.deepEqual(done.body.history.map((s) => s.step), ['created', 'reported', 'executed']);
    assert.ok(done.body.executedAt > 0 && done.body.executedBy === 'webhooks-e2e', JSON.stringify(done.body));

    const topic = await call(srv, 'GET', '/api/topics/orders.paid', { headers: stg(), status: 200 });
    assert.equal(topic.body.activeSchemaVersion, 1);
    assert.equal(topic.body.owner, 'billing');
    const versions = await call(srv, 'GET', '/api/schemas/orders.paid/versions', { headers: stg(), status: 200 });
    assert.deepEqual(versions.body.map((v) => v.version), [1]);
    const mapping = await call(srv, 'GET', `/api/database/mappings/${ids.mapping}`, { headers: stg(), status: 200 });
    assert.deepEqual(mapping.body.payload, { orderId: '$row.id', v: 'A' });
    const hooks = await call(srv, 'GET', '/api/webhooks', { headers: stg(), status: 200 });
    assert.equal(hooks.body.length, 1);
    assert.equal(hooks.body[0].url, rx.url('/hook'));
    assert.notEqual(hooks.body[0].id, ids.webhook, 'the copy is its own endpoint');
    assert.equal(JSON.stringify(hooks.body).includes('whsec_'), false, 'no secret in a listing');
    // The schema gate of staging is live: an invalid payload is refused there at once.
    const bad = await call(srv, 'POST', '/api/events', { headers: stg(), json: { topic: 'orders.paid', type: 't', payload: { orderId: 'x' } } });
    assertError(bad, 400);
  });

  test("staging's CDC events use the deployed mapping and its deployed webhook delivers them", async () => {
    await waitStreaming(srv, ['public.orders']);
    let event;
    for (let id = 1; id < 100 && !event; id++) {  // the staging reader picks the mapping up within its refresh
      psql(target.url, `INSERT INTO orders VALUES (${id}, 'paid')`);
      try {
        await stgWs.waitFor(() => wsEvents(stgWs, 'orders.paid').length > 0, 1000, 'a staging event');
        event = wsEvents(stgWs, 'orders.paid')[0];
      } catch { /* not yet */ }
    }
    assert.ok(event, 'staging received a CDC event');
    assert.equal(event.type, 'database.insert');
    assert.equal(event.payload.v, 'A');
    const delivery = await rx.waitFor((r) => JSON.parse(r.body).id === event.id, 15_000, `the staging delivery of ${event.id}`);
    assert.equal(JSON.parse(delivery.body).payload.v, 'A');
  });

  test('a change in development: the report shows the field diff; execute; rollback restores staging exactly', async () => {
    await call(srv, 'PATCH', `/api/database/mappings/${ids.mapping}`, { headers: dev(), status: 200, json: { payload: { orderId: '$row.id', v: 'B' } } });
    await call(srv, 'PATCH', '/api/topics/orders.paid', { headers: dev(), status: 200, json: { description: 'Orders once paid' } });
    const before = await exportOf(srv, 'staging');
    const d = (await call(srv, 'POST', '/api/deployments', {
      status: 201, json: { sourceEnvironment: 'development', targetEnvironment: 'staging', items: items() },
    })).body;
    const report = (await call(srv, 'POST', `/api/deployments/${d.id}/report`, { status: 200 })).body;
    assert.deepEqual(report.summary, { create: 0, update: 2, delete: 0, unchanged: 2 });
    const byId = Object.fromEntries(report.items.map((i) => [`${i.type}:${i.id}`, i]));
    assert.deepEqual(byId['topic:orders.paid'].diff, [{ path: 'description', from: 'Paid orders', to: 'Orders once paid' }]);
    const mdiff = byId[`mapping:${ids.mapping}`].diff;
    assert.ok(mdiff.some((x) => x.path === 'definition.payload.v' && x.from === 'A' && x.to === 'B'), JSON.stringify(mdiff));
    assert.ok(mdiff.some((x) => x.path === 'version' && x.from === 1 && x.to === 2), JSON.stringify(mdiff));

    const done = await call(srv, 'POST', `/api/deployments/${d.id}/execute`, { status: 200 });
    assert.equal(done.body.state, 'executed');
    const m = await call(srv, 'GET', `/api/database/mappings/${ids.mapping}`, { headers: stg(), status: 200 });
    assert.equal(m.body.payload.v, 'B');
    assert.equal(m.body.version, 2);
    assert.notEqual(await exportOf(srv, 'staging'), before);

    const back = await call(srv, 'POST', `/api/deployments/${d.id}/rollback`, { status: 200 });
    assert.equal(back.body.state, 'rolled_back');
    assert.deepEqual(back.body.history.map((s) => s.step), ['created', 'reported', 'executed', 'rolled_back']);
    assert.equal(await exportOf(srv, 'staging'), before, 'staging is back to its previous state, byte for byte');
    const again = await call(srv, 'POST', `/api/deployments/${d.id}/rollback`);
    assertError(again, 409, 'ConflictError');
    const reexec = await call(srv, 'POST', `/api/deployments/${d.id}/execute`);
    assertError(reexec, 409, 'ConflictError');
  });

  test('a change in staging after the report: execute is 409 and writes nothing', async () => {
    const d = (await call(srv, 'POST', '/api/deployments', {
      status: 201, json: { sourceEnvironment: 'development', targetEnvironment: 'staging', items: [{ type: 'mapping', id: ids.mapping }] },
    })).body;
    await call(srv, 'POST', `/api/deployments/${d.id}/report`, { status: 200 });
    await call(srv, 'PATCH', `/api/database/mappings/${ids.mapping}`, { headers: stg(), status: 200, json: { payload: { orderId: '$row.id', v: 'S' } } });
    const staged = await exportOf(srv, 'staging');
    const r = await call(srv, 'POST', `/api/deployments/${d.id}/execute`);
    assertError(r, 409, 'ConflictError');
    assert.match(r.body.message, /changed since the change report/);
    assert.equal(await exportOf(srv, 'staging'), staged, 'nothing written');
    assert.equal((await call(srv, 'GET', `/api/deployments/${d.id}`, { status: 200 })).body.state, 'draft');
    // A new report sees the change; executing it then works.
    const report = (await call(srv, 'POST', `/api/deployments/${d.id}/report`, { status: 200 })).body;
    assert.equal(report.items[0].action, 'update');
    assert.ok(report.items[0].diff.some((x) => x.path === 'definition.payload.v' && x.from === 'S' && x.to === 'B'), JSON.stringify(report.items[0].diff));
    assert.equal((await call(srv, 'POST', `/api/deployments/${d.id}/execute`, { status: 200 })).body.state, 'executed');
    // A change after the execution makes its rollback 409 (it would overwrite that change).
    await call(srv, 'PATCH', `/api/database/mappings/${ids.mapping}`, { headers: stg(), status: 200, json: { payload: { orderId: '$row.id', v: 'T' } } });
    assertError(await call(srv, 'POST', `/api/deployments/${d.id}/rollback`), 409, 'ConflictError');
    assert.equal((await call(srv, 'GET', `/api/deployments/${d.id}`, { status: 200 })).body.state, 'executed');
  });

  test('comments: added with their author, listed oldest first; a blank one is 400', async () => {
    const c1 = await call(srv, 'POST', `/api/deployments/${first.id}/comments`, { status: 201, json: { body: 'Looks good' } });
    assert.match(c1.body.id, /^dcm_/);
    assert.equal(c1.body.author, 'webhooks-e2e');
    await call(srv, 'POST', `/api/deployments/${first.id}/comments`, { status: 201, json: { body: 'Shipped' } });
    const list = await call(srv, 'GET', `/api/deployments/${first.id}/comments`, { status: 200 });
    assert.deepEqual(list.body.map((c) => c.body), ['Looks good', 'Shipped']);
    assertError(await call(srv, 'POST', `/api/deployments/${first.id}/comments`, { json: { body: '  ' } }), 400, 'ValidationError');
    assertError(await call(srv, 'GET', '/api/deployments/dep_nope/comments'), 404, 'NotFoundError');
  });

  test('the list is newest first and filters by state', async () => {
    const all = await call(srv, 'GET', '/api/deployments', { status: 200 });
    assert.ok(all.body.length >= 3);
    assert.equal(all.body.at(-1).id, first.id);
    const rolled = await call(srv, 'GET', '/api/deployments?state=rolled_back', { status: 200 });
    assert.ok(rolled.body.length >= 1 && rolled.body.every((d) => d.state === 'rolled_back'));
  });
});
