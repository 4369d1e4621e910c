// The debugger's dry runs (docs/debugger.md, spec/16-api-debugger.md): POST
// /api/debugger/debug-filter explains a filter against a payload key by key; POST
// /api/debugger/debug-routing lists the live /ws subscriptions of the caller's application and
// environment on the topic with each filter's verdict, and publishes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, nowSec, sign } from './lib/jwt.mjs';
import { clientPool } from './lib/wsclient.mjs';

const SECRET = 'debugger-test-secret-0123456789';
const token = (claims) => sign({ alg: 'HS256', typ: 'JWT', kid: 'default' }, {
  iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, sub: 'tester', ...claims,
}, SECRET);
const ADMIN = () => bearer(token({ aud: 'default', permissions: ['admin'] }));

const pool = clientPool();
let srv;

before(async () => {
  srv = await startServer({ env: { NODE_ENV: 'production', JWT_SECRET: SECRET } });
});
after(() => {
  pool.closeAll();
  killAll();
});

const debugFilter = (json, headers = ADMIN()) => api(srv.url, 'POST', '/api/debugger/debug-filter', { json, headers });
const debugRouting = (json, headers = ADMIN()) => api(srv.url, 'POST', '/api/debugger/debug-routing', { json, headers });

describe('POST /api/debugger/debug-filter', () => {
  test('the spec\'s example gives exactly the spec\'s response', async () => {
    const r = await debugFilter({
      event: { topic: 'session.status', payload: { sessionId: 'abc123', status: 'active', campusId: 12 } },
      filter: { campusId: 12, status: { in: ['active', 'pending'] } },
    });
    assertJson(r, 200);
    assert.equal(r.text, JSON.stringify({
      matched: true,
      details: {
        campusId: { matched: true, expected: 12, actual: 12 },
        status: { matched: true, expected: ['active', 'pending'], actual: 'active' },
      },
    }));
  });

  test('a filter that does not match says which keys failed, with the actual values', async () => {
    const r = await debugFilter({
      event: { topic: 'session.status', payload: { campusId: '12', status: 'ended', user: { role: 'admin' } } },
      filter: { 'user.role': 'admin', campusId: 12, status: { in: ['active', 'pending'] }, building: 'B' },
    });
    assertJson(r, 200);
    assert.deepEqual(r.body, {
      matched: false,
      details: {
        'user.role': { matched: true, expected: 'admin', actual: 'admin' },
        campusId: { matched: false, expected: 12, actual: '12' },
        status: { matched: false, expected: ['active', 'pending'], actual: 'ended' },
        building: { matched: false, expected: 'B', actual: null, missing: true },
      },
    });
    assert.deepEqual(Object.keys(r.body.details), ['user.role', 'campusId', 'status', 'building']);  // the filter's order
  });

  test('bad bodies: 400 ValidationError', async () => {
    for (const json of [
      {},
      { event: 'x' },
      { event: { topic: 't' } },
      { event: { topic: 't', payload: [1] } },
      { event: { topic: 't', payload: {} }, filter: { a: { gt: 1 } } },
      { event: { topic: 't', payload: {} }, filter: [1] },
    ]) {
      assertError(await debugFilter(json), 400, 'ValidationError');
    }
    assertError(await api(srv.url, 'POST', '/api/debugger/debug-filter', { body: '{not json', headers: { ...ADMIN(), 'content-type': 'application/json' } }), 400, 'ValidationError');
  });
});

describe('POST /api/debugger/debug-routing', () => {
  const wsToken = (extra = {}) => token({ aud: 'default', permissions: ['subscribe', 'publish'], ...extra });
  const clients = {};
  const subs = {};
  const socketIds = {};

  before(async () => {
    const specs = {
      twelve: { topic: 'session.status', filter: { campusId: 12 } },
      ninetyNine: { topic: 'session.status', filter: { campusId: 99 } },
      all: { topic: 'session.status' },
      otherTopic: { topic: 'session.other' },
      staging: { topic: 'session.status', environment: 'staging' },
    };
    for (const [name, s] of Object.entries(specs)) {
      const c = await pool.connect(srv, { token: wsToken(), environment: s.environment });
      subs[name] = await c.subscribe(s.topic, s.filter ? { filter: s.filter } : {});
      socketIds[name] = (await c.request({ type: 'whoami' })).socketId;
      clients[name] = c;
    }
  });

  const event = { topic: 'session.status', source: 'database', type: 'database.update', payload: { sessionId: 'abc123', status: 'active', campusId: 12 } };

  test('lists this application\'s and environment\'s subscriptions with each verdict, and delivers nothing', async () => {
    const r = await debugRouting({ event });
    assertJson(r, 200);
    assert.equal(r.body.topic, 'session.status');
    assert.equal(r.body.activeSubscriptions, 3, r.text);
    assert.equal(r.body.matchingSubscriptions, 2, r.text);
    assert.equal(r.body.partial, undefined, r.text);
    const byId = Object.fromEntries(r.body.routingDetails.map((d) => [d.subscriptionId, d]));
    assert.deepEqual(Object.keys(byId).sort(), [subs.twelve, subs.ninetyNine, subs.all].sort());
    const instance = r.body.routingDetails[0].instance;
    assert.ok(typeof instance === 'string' && instance.length > 0, r.text);
    const expect = (name, matched, filter) => assert.deepEqual(byId[subs[name]], {
      subscriptionId: subs[name], matched, filter, instance, socketId: socketIds[name], returnMode: 'full',
    });
    expect('twelve', true, { campusId: 12 });
    expect('ninetyNine', false, { campusId: 99 });
    expect('all', true, null);

    // Positive signal first: real publishes ARE delivered, one per client that should get it.
    const publish = async (topic, payload, headers = {}) => {
      const p = await api(srv.url, 'POST', '/api/events', { json: { topic, payload }, headers: { ...bearer(wsToken()), ...headers } });
      assertJson(p, 202);
      return p.body.id;
    };
    const e12 = await publish('session.status', { campusId: 12 });
    const e99 = await publish('session.status', { campusId: 99 });
    const eOther = await publish('session.other', { campusId: 12 });
    const eStaging = await publish('session.status', { campusId: 12 }, { 'x-environment': 'staging' });
    const want = { twelve: [e12], ninetyNine: [e99], all: [e12, e99], otherTopic: [eOther], staging: [eStaging] };
    for (const [name, ids] of Object.entries(want)) {
      const c = clients[name];
      await c.waitFor(() => c.all.filter((m) => m.type === 'event').length >= ids.length, 5000, `${name}'s events`);
      await c.ping();
      // ...and nothing else: the debug call (made before them) delivered nothing to anyone.
      assert.deepEqual(c.all.filter((m) => m.type === 'event').map((m) => m.data.id), ids, name);
    }
  });

  test('another environment and another application see only their own subscriptions', async () => {
    const staging = await debugRouting({ event }, { ...ADMIN(), 'x-environment': 'staging' });
    assertJson(staging, 200);
    assert.equal(staging.body.activeSubscriptions, 1, staging.text);
    assert.equal(staging.body.routingDetails[0].subscriptionId, subs.staging);

    const created = await api(srv.url, 'POST', '/api/applications', { headers: ADMIN(), json: { name: 'Other' } });
    assertJson(created, 201);
    const other = await debugRouting({ event }, bearer(token({ aud: created.body.id, permissions: ['admin'] })));
    assertJson(other, 200);
    assert.deepEqual(other.body, { topic: 'session.status', activeSubscriptions: 0, matchingSubscriptions: 0, routingDetails: [] });
  });

  test('bad bodies: 400; no token: 401; a weaker role: 403', async () => {
    for (const json of [{}, { event: { payload: {} } }, { event: { topic: 'session.status' } },
      { event: { topic: 'session.status', payload: 'x' } }, { event: { topic: 'session.status', payload: {}, source: 'mars' } }]) {
      assertError(await debugRouting(json), 400, 'ValidationError');
    }
    assertError(await debugRouting({ event }, {}), 401, 'UnauthorizedError');
    assertError(await debugFilter({ event }, {}), 401, 'UnauthorizedError');
    assertError(await debugRouting({ event }, bearer(token({ aud: 'default', permissions: ['service'] }))), 403, 'ForbiddenError');
  });
});
