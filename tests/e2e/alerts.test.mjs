// Alerts (docs/monitoring.md "Alerts"; spec/26 Alerting, spec/28 Alert Worker, spec/12 Alert
// Center) against the real binary in NODE_ENV=production, dashboard and evaluator ticking every
// 200 ms: rules CRUD and validation, the built-in rules, a rule on activeConnections that fires
// when a /ws client connects, resolves when it leaves and respects its cooldown, a `for` rule,
// filters and acknowledgement, the webhook notification, access (401 / RBAC), and two instances
// on one PostgreSQL with one evaluator and a failover that does not fire twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { clientPool } from './lib/wsclient.mjs';
import { JWT_SECRET, auth, createHook, startReceiver, verifySignature, waitUntil } from './lib/webhook_receiver.mjs';
import { setupAdmin, userWithRoles } from './lib/identity.mjs';
import { PG, cleanup, hex, psql, withDb } from './lib/cdc.mjs';

const TICKS = { REALTIME_METRICS_TICK_MS: '200', REALTIME_ALERTS_TICK_MS: '200' };
const ENV = {
  NODE_ENV: 'production', JWT_SECRET, ...TICKS, REALTIME_WEBHOOK_ALLOW_HTTP: 'true', REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true',
};
const ADMIN = auth(['admin'], 'default', { sub: 'alerts-e2e' });
const SUBSCRIBER = auth(['subscribe']).authorization.slice('Bearer '.length);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pool = clientPool();

const call = (srv, method, p, json, headers = ADMIN) => api(srv.url, method, p, { headers, json });
async function createRule(srv, json) {
  const r = await call(srv, 'POST', '/api/alerts/rules', { severity: 'info', comparison: '>', threshold: 0, ...json });
  assertJson(r, 201);
  return r.body;
}
async function alertsOf(srv, ruleId, query = '') {
  const r = await call(srv, 'GET', `/api/alerts?ruleId=${ruleId}${query}`);
  assertJson(r, 200);
  return r.body;
}
const waitAlerts = (srv, ruleId, pred, what, ms = 10_000) =>
  waitUntil(async () => { const a = await alertsOf(srv, ruleId); return pred(a) && a; }, { ms, what });
async function activeConnections(srv) {
  const r = await call(srv, 'GET', '/api/metrics/dashboard');
  assertJson(r, 200);
  return r.body.delivery.activeConnections;
}
const ms = (t) => { assert.equal(typeof t, 'number', `a time in ms: ${t}`); return t; };

describe('alerts (production, 200 ms ticks)', () => {
  let srv;
  before(async () => { srv = await startServer({ env: ENV }); });
  after(() => { pool.closeAll(); killAll(); });

  test('built-in rules are listed, editable, not deletable', async () => {
    const r = await call(srv, 'GET', '/api/alerts/rules');
    assertJson(r, 200);
    const byId = Object.fromEntries(r.body.map((x) => [x.id, x]));
    const expected = {
      alr_builtin_webhook_failure_critical: ['webhookFailureRate', 0.5, 'critical', 0],
      alr_builtin_webhook_failure_warning: ['webhookFailureRate', 0.2, 'warning', 0],
      alr_builtin_connections: ['activeConnections', 10000, 'warning', 0],
      alr_builtin_cdc_lag: ['cdcLag', 30000, 'warning', 60],
      alr_builtin_dlq_growth: ['dlqGrowth', 0, 'warning', 0],
    };
    for (const [id, [metric, threshold, severity, forS]] of Object.entries(expected)) {
      const rule = byId[id];
      assert.ok(rule, `${id} listed: ${r.text.slice(0, 500)}`);
      assert.deepEqual([rule.metric, rule.comparison, rule.threshold, rule.severity, rule.for, rule.builtin, rule.enabled],
        [metric, 'gt', threshold, severity, forS, true, true], id);
    }
    assertError(await call(srv, 'DELETE', '/api/alerts/rules/alr_builtin_cdc_lag'), 409, 'ConflictError');
    const off = await call(srv, 'PATCH', '/api/alerts/rules/alr_builtin_cdc_lag', { enabled: false, threshold: 60000 });
    assertJson(off, 200);
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.threshold, 60000);
    assert.equal(off.body.builtin, true);
    assertJson(await call(srv, 'PATCH', '/api/alerts/rules/alr_builtin_cdc_lag', { enabled: true, threshold: 30000 }), 200);
  });

  test('rules CRUD and validation: 201, 200, 204, 400, 404, 409', async () => {
    const created = await call(srv, 'POST', '/api/alerts/rules', {
      name: 'crud rule', description: 'd', metric: 'queueDepth', comparison: '>=', threshold: 5.5, for: '2m',
      cooldown: 90, severity: 'warning', environment: 'staging', applicationId: 'default',
    });
    assertJson(created, 201);
    const rule = created.body;
    assert.match(rule.id, /^alr_[0-9a-f]{16}$/);
    assert.deepEqual({ ...rule, id: 0, createdAt: 0, updatedAt: 0 }, {
      id: 0, name: 'crud rule', description: 'd', metric: 'queueDepth', comparison: 'gte', threshold: 5.5, for: 120,
      cooldown: 90, severity: 'warning', applicationId: 'default', environment: 'staging', webhookId: null,
      enabled: true, builtin: false, createdAt: 0, updatedAt: 0,
    });
    assert.ok(Math.abs(ms(rule.createdAt) - Date.now()) < 60_000, rule.createdAt);
    assertError(await call(srv, 'POST', '/api/alerts/rules', { name: 'crud rule', metric: 'cdcLag', comparison: 'gt', threshold: 1, severity: 'info' }), 409, 'ConflictError');

    const base = { name: 'v', metric: 'cdcLag', comparison: 'gt', threshold: 1, severity: 'info' };
    const bad = [
      { ...base, name: undefined }, { ...base, name: '' }, { ...base, metric: 'cpu' }, { ...base, metric: undefined },
      { ...base, comparison: '=>' }, { ...base, threshold: 'high' }, { ...base, severity: 'fatal' }, { ...base, for: 'soon' },
      { ...base, for: -1 }, { ...base, cooldown: '30x' }, { ...base, environment: 'qa' }, { ...base, enabled: 'yes' },
      { ...base, webhookId: 'wh_nope' }, { ...base, applicationId: 'app_nope' }, { ...base, threshhold: 2 }, [1, 2],
    ];
    for (const json of bad) assertError(await call(srv, 'POST', '/api/alerts/rules', json), 400, 'ValidationError');
    assertError(await api(srv.url, 'POST', '/api/alerts/rules', { headers: { ...ADMIN, 'content-type': 'application/json' }, body: '{"name":' }), 400, 'ValidationError');

    const got = await call(srv, 'GET', `/api/alerts/rules/${rule.id}`);
    assertJson(got, 200);
    assert.deepEqual(got.body, rule);
    const patched = await call(srv, 'PATCH', `/api/alerts/rules/${rule.id}`, { threshold: 7, comparison: '<', environment: null, for: '0s' });
    assertJson(patched, 200);
    assert.deepEqual([patched.body.threshold, patched.body.comparison, patched.body.environment, patched.body.for, patched.body.name],
      [7, 'lt', null, 0, 'crud rule']);
    assertError(await call(srv, 'PATCH', `/api/alerts/rules/${rule.id}`, { metric: 'nope' }), 400, 'ValidationError');
    assertError(await call(srv, 'PATCH', `/api/alerts/rules/${rule.id}`, { name: 'CDC lag' }), 409, 'ConflictError');
    assertError(await call(srv, 'PATCH', '/api/alerts/rules/alr_nope', { threshold: 1 }), 404, 'NotFoundError');
    assertError(await call(srv, 'GET', '/api/alerts/rules/alr_nope'), 404, 'NotFoundError');
    assert.equal((await call(srv, 'GET', `/api/alerts/rules/${rule.id}`)).body.threshold, 7, 'refused PATCHes changed nothing');
    const del = await call(srv, 'DELETE', `/api/alerts/rules/${rule.id}`);
    assert.equal(del.status, 204, del.text);
    assertError(await call(srv, 'DELETE', `/api/alerts/rules/${rule.id}`), 404, 'NotFoundError');

    for (const q of ['severity=fatal', 'environment=qa', 'state=open', 'limit=0', 'limit=1001', 'offset=-1', 'limit=x']) {
      assertError(await call(srv, 'GET', `/api/alerts?${q}`), 400, 'ValidationError');
    }
    assertError(await call(srv, 'GET', '/api/alerts/alt_nope'), 404, 'NotFoundError');
    assertError(await call(srv, 'POST', '/api/alerts/alt_nope/ack'), 404, 'NotFoundError');
  });

  test('activeConnections > 0 (for 0s, cooldown 3s): fires on a connection, resolves, respects the cooldown', async () => {
    assert.equal(await activeConnections(srv), 0, 'no client yet');
    const rule = await createRule(srv, { name: 'connections e2e', metric: 'activeConnections', for: '0s', cooldown: '3s' });
    await sleep(600);  // three evaluations without a client: nothing fires
    assert.deepEqual(await alertsOf(srv, rule.id), []);

    const c1 = await pool.connect(srv, { token: SUBSCRIBER });
    const [first] = await waitAlerts(srv, rule.id, (a) => a.length === 1 && a[0].state === 'firing', 'the firing');
    assert.equal(first.value, 1);
    assert.equal(first.message, 'activeConnections = 1 > 0');
    assert.deepEqual([first.ruleName, first.metric, first.severity, first.resolvedAt, first.acknowledged], ['connections e2e', 'activeConnections', 'info', null, false]);
    c1.close();
    const resolved = await waitAlerts(srv, rule.id, (a) => a[0]?.state === 'resolved', 'the resolution');
    assert.equal(resolved.length, 1);
    assert.equal(resolved[0].resolvedValue, 0);
    assert.ok(ms(resolved[0].resolvedAt) > ms(first.firedAt));

    // Back within the cooldown: the condition holds again (seen on the dashboard for three
    // ticks) yet no second alert, as long as 3 s have not passed since the firing.
    const c2 = await pool.connect(srv, { token: SUBSCRIBER });
    let seen = 0;
    while (seen < 3) {
      seen = (await activeConnections(srv)) >= 1 ? seen + 1 : 0;
      await sleep(220);
    }
    const during = await alertsOf(srv, rule.id);
    assert.ok(Date.now() - ms(first.firedAt) < 3000, 'still within the cooldown (the test ran too slowly to tell)');
    assert.equal(during.length, 1, `no new firing within the cooldown: ${JSON.stringify(during)}`);
    const again = await waitAlerts(srv, rule.id, (a) => a.length === 2, 'the firing after the cooldown');
    assert.equal(again[0].state, 'firing');
    assert.ok(ms(again[0].firedAt) - ms(first.firedAt) >= 3000, `${again[0].firedAt} vs ${first.firedAt}`);

    // Acknowledge: recorded once, visible in the list and by id.
    const ack = await call(srv, 'POST', `/api/alerts/${again[0].id}/ack`);
    assertJson(ack, 200);
    assert.deepEqual([ack.body.acknowledged, ack.body.acknowledgedBy, ack.body.state], [true, 'alerts-e2e', 'firing']);
    const ack2 = await call(srv, 'POST', `/api/alerts/${again[0].id}/ack`, undefined, auth(['admin'], 'default', { sub: 'someone-else' }));
    assertJson(ack2, 200);
    assert.deepEqual([ack2.body.acknowledgedBy, ack2.body.acknowledgedAt], ['alerts-e2e', ack.body.acknowledgedAt]);
    const byId = await call(srv, 'GET', `/api/alerts/${again[0].id}`);
    assertJson(byId, 200);
    assert.equal(byId.body.acknowledged, true);

    // Filters.
    const firing = await alertsOf(srv, rule.id, '&state=firing');
    assert.deepEqual(firing.map((a) => a.id), [again[0].id]);
    assert.deepEqual((await alertsOf(srv, rule.id, '&state=resolved')).map((a) => a.id), [first.id]);
    assert.equal((await alertsOf(srv, rule.id, '&severity=info')).length, 2);
    assert.equal((await alertsOf(srv, rule.id, '&severity=critical')).length, 0);
    assert.equal((await alertsOf(srv, rule.id, '&environment=production')).length, 2, 'unscoped alerts show in every environment');
    assert.deepEqual((await alertsOf(srv, rule.id, '&limit=1&offset=1')).map((a) => a.id), [first.id]);
    const all = await call(srv, 'GET', '/api/alerts?state=firing');
    assert.ok(all.body.some((a) => a.id === again[0].id));

    // A disabled rule resolves its open alert.
    assertJson(await call(srv, 'PATCH', `/api/alerts/rules/${rule.id}`, { enabled: false }), 200);
    await waitAlerts(srv, rule.id, (a) => a[0].state === 'resolved', 'resolution of the disabled rule');
    c2.close();
  });

  test('a `for: 1s` rule fires only once the condition held for a second', async () => {
    const c = await pool.connect(srv, { token: SUBSCRIBER });
    await waitUntil(async () => (await activeConnections(srv)) >= 1, { what: 'the client on the dashboard' });
    const rule = await createRule(srv, { name: 'for e2e', metric: 'activeConnections', for: '1s', cooldown: 0, severity: 'critical' });
    await sleep(500);
    assert.deepEqual(await alertsOf(srv, rule.id), [], 'not before a second');
    const [a] = await waitAlerts(srv, rule.id, (x) => x.length === 1, 'the firing');
    assert.ok(ms(a.firedAt) - ms(rule.createdAt) >= 1000, `${a.firedAt} vs ${rule.createdAt}`);
    assert.equal(a.severity, 'critical');
    c.close();
    await waitAlerts(srv, rule.id, (x) => x[0].state === 'resolved', 'the resolution');
    assert.equal(ms((await call(srv, 'GET', `/api/alerts/${a.id}`)).body.firedAt), ms(a.firedAt));
    assert.equal((await call(srv, 'DELETE', `/api/alerts/rules/${rule.id}`)).status, 204);
  });

  test('a rule with webhookId notifies its endpoint on firing and on resolution (signed deliveries)', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await createHook(srv, { url: receiver.url('/alerts'), events: ['socket.message'] }, ADMIN);
      const rule = await createRule(srv, { name: 'webhook e2e', metric: 'activeConnections', cooldown: 0, webhookId: hook.id });
      assert.equal(rule.webhookId, hook.id);
      const c = await pool.connect(srv, { token: SUBSCRIBER });
      const fired = await receiver.waitFor((r) => r.headers['x-webhook-event'] === 'alert.firing', 10_000, 'alert.firing');
      const body = verifySignature(fired);
      assert.deepEqual([body.type, body.topic, body.source, body.payload.ruleId, body.payload.state],
        ['alert.firing', 'alert.firing', 'system', rule.id, 'firing']);
      c.close();
      const done = await receiver.waitFor((r) => r.headers['x-webhook-event'] === 'alert.resolved', 10_000, 'alert.resolved');
      const rbody = verifySignature(done);
      assert.deepEqual([rbody.payload.id, rbody.payload.state], [body.payload.id, 'resolved']);
      assert.equal((await call(srv, 'DELETE', `/api/webhooks/${hook.id}`)).status, 204);
    } finally {
      await receiver.close();
    }
  });

  test('access: 401 without a token; sessions by role (viewer and editor read, only admin writes)', async () => {
    const routes = [['GET', '/api/alerts/rules'], ['POST', '/api/alerts/rules'], ['GET', '/api/alerts/rules/alr_x'],
      ['PATCH', '/api/alerts/rules/alr_x'], ['DELETE', '/api/alerts/rules/alr_x'], ['GET', '/api/alerts'],
      ['GET', '/api/alerts/alt_x'], ['POST', '/api/alerts/alt_x/ack']];
    const body = (m) => (m === 'GET' || m === 'DELETE' ? undefined : {});
    for (const [m, p] of routes) assertError(await api(srv.url, m, p, { json: body(m) }), 401, 'UnauthorizedError');
    for (const [m, p] of routes) assertError(await api(srv.url, m, p, { headers: auth(['service']), json: body(m) }), 403, 'ForbiddenError');

    const admin = await setupAdmin(srv);
    const viewer = await userWithRoles(srv, admin.headers, { email: 'viewer@example.com', roleIds: ['role_viewer'] });
    const editor = await userWithRoles(srv, admin.headers, { email: 'editor@example.com', roleIds: ['role_editor'] });
    const json = { name: 'by session', metric: 'cdcLag', comparison: 'gt', threshold: 1, severity: 'info' };
    for (const who of [viewer, editor]) {
      assertJson(await call(srv, 'GET', '/api/alerts/rules', undefined, who.headers), 200);
      assertJson(await call(srv, 'GET', '/api/alerts', undefined, who.headers), 200);
      assertError(await call(srv, 'POST', '/api/alerts/rules', json, who.headers), 403, 'ForbiddenError');
      assertError(await call(srv, 'PATCH', '/api/alerts/rules/alr_builtin_cdc_lag', { threshold: 1 }, who.headers), 403, 'ForbiddenError');
      assertError(await call(srv, 'DELETE', '/api/alerts/rules/alr_builtin_cdc_lag', undefined, who.headers), 403, 'ForbiddenError');
      assertError(await call(srv, 'POST', '/api/alerts/alt_x/ack', undefined, who.headers), 403, 'ForbiddenError');
    }
    const made = await call(srv, 'POST', '/api/alerts/rules', json, admin.headers);
    assertJson(made, 201);
    assert.equal((await call(srv, 'GET', '/api/alerts/rules/alr_builtin_cdc_lag')).body.threshold, 30000, 'refused writes changed nothing');
  });
});

describe('two instances on one PostgreSQL: one evaluator, failover without a second firing', { skip: !PG && !process.env.REALTIME_REQUIRE_PG ? 'REALTIME_TEST_PG_URL is not set' : false }, () => {
  const db = `alerts_e2e_${hex()}`;
  after(() => { pool.closeAll(); killAll(); cleanup({ dbs: [db] }); });

  test('only the lease holder evaluates; its successor adopts the open alert', async () => {
    psql(PG, `CREATE DATABASE ${db}`);
    const env = { ...ENV, DATABASE_URL: withDb(PG, db), REALTIME_SECRET_KEY: crypto.randomBytes(32).toString('hex'), LOG_LEVEL: 'info' };
    const a = await startServer({ env });
    const b = await startServer({ env });
    const active = (s) => s.stdout().includes('alert evaluator active on this instance');
    const holder = await waitUntil(() => (active(a) ? a : active(b) ? b : null), { what: 'an evaluator' });
    const other = holder === a ? b : a;
    await sleep(1000);  // five ticks: the other one never took over
    assert.ok(!active(other), 'a second evaluator');
    assert.equal(psql(withDb(PG, db), 'SELECT COUNT(*) FROM leases'), '1');

    const rule = await createRule(a, { name: 'cluster e2e', metric: 'activeConnections', cooldown: 0 });
    // A client on each instance: whichever evaluates sees the condition (dashboards are per instance here).
    await pool.connect(holder, { token: SUBSCRIBER });
    await pool.connect(other, { token: SUBSCRIBER });
    const [firing] = await waitAlerts(a, rule.id, (x) => x.length === 1, 'the firing');
    await sleep(600);
    assert.equal((await alertsOf(b, rule.id)).length, 1, 'one firing row for the cluster');

    const stopped = await holder.stop('SIGTERM');  // releases the lease
    assert.equal(stopped.code, 0, holder.output());
    await waitUntil(() => active(other), { what: 'the successor evaluator', ms: 5000 });
    await sleep(800);
    const after1 = await alertsOf(other, rule.id);
    assert.deepEqual(after1.map((x) => [x.id, x.state]), [[firing.id, 'firing']], 'the open alert was adopted, not fired again');
    pool.closeAll();
    const done = await waitAlerts(other, rule.id, (x) => x[0].state === 'resolved', 'the successor resolves it');
    assert.equal(done.length, 1);
  });
});
