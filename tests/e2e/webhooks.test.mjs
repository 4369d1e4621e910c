// Webhooks end to end (spec/23-api-webhooks.md, docs/security.md): signed HTTPS deliveries to a
// local TLS receiver trusted through REALTIME_WEBHOOK_CA_FILE (and refused without it), the
// production URL rules against SSRF (at creation and on the address resolved at send time), who
// may use /api/webhooks and /api/workers in production, and the Prometheus counters.
// Crash safety and the separate `realtime worker` process: webhooks_crash.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { api, freePort, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import {
  ADMIN, JWT_SECRET, auth, createHook, logs, makeTestCa, metric, publish, startReceiver, verifySignature, waitForLog, waitUntil,
} from './lib/webhook_receiver.mjs';

const PROD = { NODE_ENV: 'production', JWT_SECRET };

/** A name other than localhost that /etc/hosts maps to a loopback address (resolved at send time). */
function loopbackAlias() {
  let text = '';
  try { text = fs.readFileSync('/etc/hosts', 'utf8'); } catch { return undefined; }
  for (const line of text.split('\n')) {
    const [addr, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!addr || !(addr.startsWith('127.') || addr === '::1')) continue;
    const name = names.find((n) => n && !/(^|\.)localhost$/i.test(n) && !/^ip6-/i.test(n) && /^[a-z0-9.-]+$/i.test(n));
    if (name) return name;
  }
  return undefined;
}

describe('HTTPS delivery to a local TLS receiver with a test CA', () => {
  let ca;
  let rx;
  let trusted;  // the server started with REALTIME_WEBHOOK_CA_FILE
  before(async () => {
    ca = makeTestCa(tempDir('realtime-e2e-ca-'));
    rx = await startReceiver({ tls: ca });
  });
  after(async () => {
    killAll();
    await rx?.close();
  });

  test('with REALTIME_WEBHOOK_CA_FILE the delivery arrives signed and is logged delivered', async () => {
    trusted = await startServer({ env: { ...PROD, REALTIME_WEBHOOK_CA_FILE: ca.caFile, REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    const hook = await createHook(trusted, { url: rx.url('/trusted'), events: ['socket.message'] });
    assert.equal(hook.secret, 'whsec_e2e_shared_secret_42', 'the create answer echoes the secret once');
    const listed = await api(trusted.url, 'GET', `/api/webhooks/${hook.id}`, { headers: ADMIN() });
    assertJson(listed, 200);
    assert.equal(listed.body.secret, undefined, `the secret is never returned again: ${listed.text}`);

    const eventId = await publish(trusted, 'wh.tls', { n: 1 });
    const got = await rx.waitFor((r) => r.url === '/trusted' && JSON.parse(r.body).id === eventId, 15_000, `event ${eventId}`);
    const body = verifySignature(got);
    assert.deepEqual([body.id, body.topic, body.type, body.payload], [eventId, 'wh.tls', 'e2e.webhook', { n: 1 }]);
    assert.equal(got.method, 'POST');
    assert.equal(got.headers['x-webhook-endpoint-id'], hook.id);
    assert.equal(got.headers['x-webhook-event'], 'socket.message');

    const log = await waitForLog(trusted, hook.id, (l) => l.eventId === eventId && l.status === 'delivered', 'delivered');
    assert.equal(log.id, got.headers['x-webhook-delivery-id']);
    assert.deepEqual([log.webhookId, log.event, log.statusCode, log.success, log.attempts], [hook.id, 'socket.message', 200, true, 1]);
    assert.equal(log.history.length, 1, JSON.stringify(log));

    const ping = await api(trusted.url, 'POST', `/api/webhooks/${hook.id}/test`, { headers: ADMIN() });
    assertJson(ping, 200);
    assert.deepEqual([ping.body.success, ping.body.statusCode], [true, 200], ping.text);
    const pinged = await rx.waitFor((r) => r.headers['x-webhook-delivery-id'] === ping.body.deliveryId, 5000, 'the test ping');
    assert.equal(verifySignature(pinged).topic, 'webhook.test');
  });

  test('Prometheus: realtime_webhook_deliveries_total{status="success"} >= 1 and the queue depth gauge', async () => {
    assert.ok(trusted, 'needs the delivery of the previous test');
    const success = await metric(trusted, 'realtime_webhook_deliveries_total{status="success"}');
    assert.ok(success >= 1, `realtime_webhook_deliveries_total{status="success"} = ${success}`);
    assert.ok(await metric(trusted, 'realtime_webhook_enqueued_total') >= 1);
    // The queue gauges are sampled at start and every 5 s.
    const depth = await waitUntil(() => metric(trusted, 'realtime_queue_depth{queue="webhook-delivery"}')
      .then((v) => (v === undefined ? undefined : { v })), { ms: 8000, what: 'realtime_queue_depth{queue="webhook-delivery"}' });
    assert.ok(Number.isFinite(depth.v) && depth.v >= 0, `depth ${depth.v}`);
  });

  test('without the CA file the attempt fails with a certificate error and nothing reaches the receiver', async () => {
    const tlsErrorsBefore = rx.tlsErrors.length;
    const srv = await startServer({ env: { ...PROD, REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    const hook = await createHook(srv, { url: rx.url('/untrusted'), events: ['socket.message'] });

    const ping = await api(srv.url, 'POST', `/api/webhooks/${hook.id}/test`, { headers: ADMIN() });
    assertJson(ping, 200);
    assert.equal(ping.body.success, false, ping.text);
    assert.equal(ping.body.statusCode, null, ping.text);
    assert.match(ping.body.error, /certificate/i, ping.text);

    const eventId = await publish(srv, 'wh.tls', { n: 2 });
    const log = await waitForLog(srv, hook.id, (l) => l.eventId === eventId && l.attempts >= 1 && l.error, 'a failed attempt');
    assert.match(log.error, /certificate/i, JSON.stringify(log));
    assert.equal(log.success, false);
    assert.notEqual(log.status, 'delivered');
    assert.match(log.history[0].error, /certificate/i);
    // The handshakes did reach the receiver (and were aborted there): no request was ever read.
    await waitUntil(() => rx.tlsErrors.slice(tlsErrorsBefore).filter((e) => /unknown ca|bad certificate/i.test(e.message)).length >= 2,
      { ms: 5000, what: 'the receiver to see both handshakes aborted by the server (alert unknown ca)' });
    assert.deepEqual(rx.requests.filter((r) => r.url === '/untrusted'), []);
    await srv.stop();
  });
});

describe('production URL rules (SSRF)', () => {
  let srv;
  before(async () => { srv = await startServer({ env: PROD }); });
  after(() => killAll());

  test('http://, loopback, private, link-local and metadata addresses and localhost are refused: 400', async () => {
    const refused = ['http://example.com/hook', 'https://127.0.0.1/hook', 'https://127.0.0.1:8443/x', 'https://10.0.0.1/',
      'https://192.168.1.10/', 'https://172.16.0.1/', 'https://169.254.169.254/latest/meta-data/', 'https://[::1]/',
      'https://[::ffff:127.0.0.1]/', 'https://localhost/', 'https://LOCALHOST:8443/', 'https://api.localhost/'];
    for (const url of refused) {
      const r = await api(srv.url, 'POST', '/api/webhooks', { headers: ADMIN(), json: { url, secret: 'whsec_0123456789', events: ['*'] } });
      assertError(r, 400, 'ValidationError');
      assert.match(r.body.message, /url/i, `${url}: ${r.text}`);
    }
    const list = await api(srv.url, 'GET', '/api/webhooks', { headers: ADMIN() });
    assertJson(list, 200);
    assert.deepEqual(list.body, [], 'nothing was created');
    // A public https URL is accepted (the rules do not refuse everything).
    const ok = await createHook(srv, { url: 'https://example.com/hook', events: ['document.updated'] });
    assert.equal((await api(srv.url, 'DELETE', `/api/webhooks/${ok.id}`, { headers: ADMIN() })).status, 204);
  });

  test('a name that resolves to loopback at send time: created, then refused and dead-lettered without retries', async (t) => {
    const name = loopbackAlias();
    if (!name) {
      t.skip('no name other than localhost maps to a loopback address in /etc/hosts (and DNS may be offline)');
      return;
    }
    const hook = await createHook(srv, { url: `https://${name}:${await freePort()}/hook`, events: ['socket.message'] });
    const ping = await api(srv.url, 'POST', `/api/webhooks/${hook.id}/test`, { headers: ADMIN() });
    assertJson(ping, 200);
    assert.equal(ping.body.success, false, ping.text);
    assert.match(ping.body.error, /address refused/, ping.text);

    const eventId = await publish(srv, 'wh.ssrf');
    const log = await waitForLog(srv, hook.id, (l) => l.eventId === eventId && l.status === 'dead', `dead (${name})`);
    assert.match(log.error, /address refused/, JSON.stringify(log));
    assert.deepEqual([log.attempts, log.history.length, log.nextAttemptAt, log.success], [1, 1, null, false], JSON.stringify(log));
    const dead = await logs(srv, { webhookId: hook.id, status: 'dead' });
    assert.ok(dead.some((l) => l.id === log.id));
  });
});

describe('production access to /api/webhooks and /api/workers', () => {
  let srv;
  let rx;
  let otherApp;
  let hook;
  let logId;
  before(async () => {
    rx = await startReceiver();
    srv = await startServer({ env: { ...PROD, REALTIME_WEBHOOK_ALLOW_HTTP: 'true', REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    const created = await api(srv.url, 'POST', '/api/applications', { headers: ADMIN(), json: { name: 'Other' } });
    assertJson(created, 201);
    otherApp = created.body.id;
  });
  after(async () => {
    killAll();
    await rx?.close();
  });

  test('with REALTIME_WEBHOOK_ALLOW_HTTP and _ALLOW_PRIVATE a loopback http receiver works in production', async () => {
    hook = await createHook(srv, { url: rx.url('/plain'), events: ['socket.message'] });
    const eventId = await publish(srv, 'wh.plain', { p: true });
    const got = await rx.waitFor((r) => r.url === '/plain' && JSON.parse(r.body).id === eventId, 15_000, `event ${eventId}`);
    assert.deepEqual(verifySignature(got).payload, { p: true });
    const log = await waitForLog(srv, hook.id, (l) => l.eventId === eventId && l.status === 'delivered', 'delivered');
    logId = log.id;
  });

  const routes = () => [
    ['GET', '/api/webhooks'], ['POST', '/api/webhooks'], ['GET', '/api/webhooks/logs'], ['GET', `/api/webhooks/logs/${logId}`],
    ['POST', `/api/webhooks/logs/${logId}/retry`], ['GET', `/api/webhooks/${hook.id}`], ['POST', `/api/webhooks/${hook.id}/activate`],
    ['POST', `/api/webhooks/${hook.id}/deactivate`], ['POST', `/api/webhooks/${hook.id}/test`], ['DELETE', `/api/webhooks/${hook.id}`],
    ['GET', '/api/workers'],
  ];
  const body = (method, p) => (method === 'POST' && p === '/api/webhooks' ? { url: rx.url('/evil'), secret: 'whsec_0123456789', events: ['*'] } : undefined);

  test('no token: 401 on every route', async () => {
    assert.ok(hook && logId, 'needs the endpoint and delivery of the previous test');
    for (const [method, p] of routes()) assertError(await api(srv.url, method, p, { json: body(method, p) }), 401, 'UnauthorizedError');
  });

  test('client, subscribe and publish tokens: 403 on every route; a service token: 403 on /api/workers', async () => {
    for (const permissions of [['client'], ['subscribe'], ['publish'], ['subscribe', 'publish']]) {
      for (const [method, p] of routes()) {
        const r = await api(srv.url, method, p, { json: body(method, p), headers: auth(permissions) });
        assertError(r, 403, 'ForbiddenError');
      }
    }
    assertError(await api(srv.url, 'GET', '/api/workers', { headers: auth(['service']) }), 403, 'ForbiddenError');
    assertJson(await api(srv.url, 'GET', '/api/webhooks', { headers: auth(['service']) }), 200);
  });

  test("another application's service token: 403 with X-Application-Id, 404 (or nothing listed) in its own scope", async () => {
    const other = auth(['service'], otherApp);
    for (const [method, p] of routes().filter(([, q]) => q !== '/api/workers')) {
      const r = await api(srv.url, method, p, { json: body(method, p), headers: { ...other, 'x-application-id': 'default' } });
      assertError(r, 403, 'ForbiddenError');
    }
    const list = await api(srv.url, 'GET', '/api/webhooks', { headers: other });
    assertJson(list, 200);
    assert.deepEqual(list.body, []);
    assert.deepEqual(await logs(srv, {}, other), []);
    assert.deepEqual(await logs(srv, { webhookId: hook.id }, other), []);
    for (const [method, p] of [['GET', `/api/webhooks/${hook.id}`], ['POST', `/api/webhooks/${hook.id}/test`],
      ['POST', `/api/webhooks/${hook.id}/activate`], ['POST', `/api/webhooks/${hook.id}/deactivate`], ['DELETE', `/api/webhooks/${hook.id}`],
      ['GET', `/api/webhooks/logs/${logId}`], ['POST', `/api/webhooks/logs/${logId}/retry`]]) {
      assertError(await api(srv.url, method, p, { headers: other }), 404, 'NotFoundError');
    }
    // Untouched: still active, the log still delivered, and the receiver only ever got our requests.
    const mine = await api(srv.url, 'GET', `/api/webhooks/${hook.id}`, { headers: ADMIN() });
    assertJson(mine, 200);
    assert.equal(mine.body.active, true);
    const log = await api(srv.url, 'GET', `/api/webhooks/logs/${logId}`, { headers: ADMIN() });
    assertJson(log, 200);
    assert.equal(log.body.status, 'delivered');
    assert.deepEqual(rx.requests.map((r) => r.url), ['/plain']);
    // A delivered log cannot be retried even by its owner: 409.
    assertError(await api(srv.url, 'POST', `/api/webhooks/logs/${logId}/retry`, { headers: ADMIN() }), 409, 'ConflictError');
  });

  test('GET /api/workers (admin) lists this server: kind serve, its pid, the delivery queue, running', async () => {
    const r = await api(srv.url, 'GET', '/api/workers', { headers: ADMIN() });
    assertJson(r, 200);
    assert.equal(r.body.length, 1, r.text);
    const [w] = r.body;
    assert.deepEqual([w.kind, w.pid, w.queues, w.status], ['serve', srv.proc.pid, ['webhook-delivery'], 'running'], r.text);
    assert.ok(typeof w.id === 'string' && w.id.length > 0 && typeof w.host === 'string' && w.lastBeat <= Date.now() + 1000, r.text);
  });
});
