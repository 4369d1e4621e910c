// Event delivery over /ws: fan-out, subscription filters (spec/32-sdk-subscribing.md),
// POST /api/events, isolation between applications and environments, strictTopics with the
// topic registry (spec/22-api-topics.md), and a deliberately slow reader closed with 4008
// while a normal subscriber keeps receiving everything.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertError, assertJson } from './lib/expect.mjs';
import { bearer, cliToken } from './lib/jwt.mjs';
import { clientPool, getToken, maskedTextFrame, parseFrames, rawWsConnect, sleep } from './lib/wsclient.mjs';

let srv;
let token; // default application, subscribe + publish
const pool = clientPool();
const open = (opts = { token }, s = srv) => pool.connect(s, opts);

before(async () => {
  srv = await startServer();
  token = await getToken(srv);
});
afterEach(() => pool.closeAll());
after(async () => {
  pool.closeAll();
  if (srv) await srv.stop();
  killAll();
});

const call = (method, path, opts) => api(srv.url, method, path, opts);
const postEvent = (json, tok, headers = {}) => call('POST', '/api/events', { json, headers: { ...(tok ? bearer(tok) : {}), ...headers } });
const marks = (client, key = 'm') => client.takeEvents().map((e) => e.data.payload[key]);

async function createApp(name) {
  const res = await call('POST', '/api/applications', { json: { name } });
  assertJson(res, 201);
  return res.body.id;
}

/** Wait until `client` has an event whose payload.m is `mark`, then a little longer for strays. */
async function settle(client, mark) {
  await client.waitFor(() => client.pending.some((m) => m.type === 'event' && m.data.payload.m === mark), 5000, `event m=${mark}`);
  await sleep(200);
}

describe('fan-out', () => {
  test('every subscriber of a topic gets each event exactly once; other topics get nothing', async () => {
    const [a, b, other, pub] = await Promise.all([open(), open(), open(), open()]);
    await a.subscribe('fan.out');
    await b.subscribe('fan.out');
    await other.subscribe('fan.other');
    const ids = [];
    for (let i = 0; i < 50; i++) ids.push(await pub.publish('fan.out', { m: i }));
    for (const c of [a, b]) {
      await settle(c, 49);
      const evs = c.takeEvents();
      assert.deepEqual(evs.map((e) => e.data.id).sort(), [...ids].sort(), 'each event exactly once');
      assert.ok(evs.every((e) => e.topic === 'fan.out' && e.data.topic === 'fan.out'));
    }
    assert.deepEqual(other.takeEvents(), []);
    assert.deepEqual(pub.takeEvents(), [], 'the publisher is not subscribed');
  });

  test('returnMode full|diff|both is accepted; socket events arrive unchanged whatever the mode', async () => {
    const c = await open();
    const payload = { data: { a: 1 }, diff: { added: { a: 1 }, removed: [], changed: {} } };
    for (const mode of ['full', 'diff', 'both']) {
      await c.subscribe(`mode.${mode}`, { returnMode: mode });
      await c.publish(`mode.${mode}`, payload);
      assert.deepEqual((await c.nextType('event')).data.payload, payload, mode);
    }
  });
});

// [name, filter, payloads that match, payloads that do not] — raw JSON text, so that 12.0 and
// 1.2e1 reach the server as written.
const FILTERS = [
  ['scalar number', '{"campusId":12}', ['{"campusId":12}', '{"campusId":12.0}', '{"campusId":1.2e1,"x":1}'],
    ['{"campusId":13}', '{"campusId":"12"}', '{}', '{"campusId":null}', '{"campusId":[12]}', '{"campusId":{"v":12}}']],
  ['number written as 12.0', '{"campusId":12.0}', ['{"campusId":12}'], ['{"campusId":12.5}', '{"campusId":"12.0"}']],
  ['string', '{"status":"active"}', ['{"status":"active"}'], ['{"status":"Active"}', '{"status":"active "}', '{"status":true}', '{"state":"active"}']],
  ['boolean', '{"flag":true}', ['{"flag":true}'], ['{"flag":1}', '{"flag":"true"}', '{"flag":false}', '{}']],
  ['null', '{"x":null}', ['{"x":null}'], ['{}', '{"x":0}', '{"x":""}', '{"x":false}']],
  ['in', '{"status":{"in":["pending","active"]}}', ['{"status":"pending"}', '{"status":"active"}'],
    ['{"status":"ended"}', '{}', '{"status":["pending"]}', '{"status":null}']],
  ['in with numbers', '{"n":{"in":[1,2]}}', ['{"n":2.0}', '{"n":1}'], ['{"n":"1"}', '{"n":3}', '{"n":true}']],
  ['AND across keys', '{"campusId":12,"status":{"in":["pending","active"]}}', ['{"campusId":12,"status":"active","other":1}'],
    ['{"campusId":12,"status":"ended"}', '{"campusId":11,"status":"active"}', '{"status":"active"}', '{"campusId":12}']],
  ['dotted path', '{"user.role":"admin"}', ['{"user":{"role":"admin","id":1}}'],
    ['{"user":{"role":"guest"}}', '{"user":"admin"}', '{"user":{}}', '{}', '{"user":{"role":{"v":"admin"}}}', '{"role":"admin"}']],
  ['deep dotted path with in', '{"a.b.c":{"in":[1,"x"]}}', ['{"a":{"b":{"c":1}}}', '{"a":{"b":{"c":"x"}}}'],
    ['{"a":{"b":{"c":2}}}', '{"a":{"b":1}}', '{"a":{"c":1}}']],
  ['empty filter', '{}', ['{}', '{"anything":[1]}'], []],
];

describe('subscription filters', () => {
  FILTERS.forEach(([name, filter, yes, no], i) => {
    test(`${name}: ${filter}`, async () => {
      const topic = `filter.case${i}`;
      const [sub, pub] = await Promise.all([open(), open()]);
      sub.send(`{"type":"subscribe","topic":"${topic}","requestId":"s","filter":${filter}}`);
      assert.equal((await sub.next((m) => m.requestId === 's')).type, 'subscribed');
      const all = [...yes.map((p, k) => [`y${k}`, p]), ...no.map((p, k) => [`n${k}`, p]), ['end', yes[0]]];
      for (const [mark, raw] of all) {
        const payload = raw === '{}' ? `{"m":"${mark}"}` : `{"m":"${mark}",${raw.slice(1)}`;
        pub.send(`{"type":"publish","topic":"${topic}","requestId":"${mark}","payload":${payload}}`);
        const r = await pub.next((m) => m.requestId === mark);
        assert.equal(r.type, 'published', `publish ${payload}: ${JSON.stringify(r)}`);
      }
      await settle(sub, 'end');
      const [got, want] = [marks(sub).sort(), [...yes.map((_, k) => `y${k}`), 'end'].sort()];
      const show = (ms) => ms.map((m) => (m === 'end' ? m : `${m} ${(m[0] === 'y' ? yes : no)[+m.slice(1)]}`));
      assert.deepEqual(show(got), show(want), `filter ${filter}`);
    });
  });
});

describe('POST /api/events', () => {
  let pubOnly;
  let sub;
  before(async () => { pubOnly = await getToken(srv, { permissions: ['publish'] }); });

  test('202 {id}; delivered to /ws subscribers of the topic with that id, type and payload', async () => {
    sub = await open();
    await sub.subscribe('rest.topic');
    const res = await postEvent({ topic: 'rest.topic', type: 'order.placed', payload: { m: 1, deep: { x: [1] } } }, pubOnly);
    assertJson(res, 202);
    assert.match(res.body.id, /^evt_/);
    const ev = await sub.nextType('event');
    assert.equal(ev.topic, 'rest.topic');
    assert.deepEqual([ev.data.id, ev.data.topic, ev.data.type, ev.data.payload], [res.body.id, 'rest.topic', 'order.placed', { m: 1, deep: { x: [1] } }]);
    assert.equal(typeof ev.data.metadata?.timestamp, 'number');
    const untyped = await postEvent({ topic: 'rest.topic', payload: { m: 2 } }, pubOnly);
    assertJson(untyped, 202);
    const ev2 = await sub.nextType('event');
    assert.equal(ev2.data.id, untyped.body.id);
    assert.ok(typeof ev2.data.type === 'string' && ev2.data.type.length > 0, JSON.stringify(ev2));
  });

  test('refused requests -> 401 / 403 / 400 and nothing is delivered', async () => {
    sub = await open();
    await sub.subscribe('rest.topic');
    const client = await cliToken(srv, ['--app', 'default', '--permissions', 'client']);
    const orders = await getToken(srv, { permissions: ['publish'], topics: ['orders.*'] });
    const ok = { topic: 'rest.topic', payload: { m: 'bad' } };
    assertError(await postEvent(ok), 401, 'UnauthorizedError');
    assertError(await postEvent(ok, 'not.a.jwt'), 401, 'UnauthorizedError');
    assertError(await postEvent(ok, client), 403, 'ForbiddenError');
    assertError(await postEvent(ok, orders), 403, 'ForbiddenError');
    for (const body of [{ topic: 'rest.topic' }, { topic: 'rest.topic', payload: [1] }, { topic: 'rest.topic', payload: 'x' },
      { topic: 'rest.topic', payload: null }, { payload: { m: 'bad' } }]) {
      assertError(await postEvent(body, pubOnly), 400, 'ValidationError');
    }
    const badJson = await call('POST', '/api/events', { body: '{"topic":', headers: { ...bearer(pubOnly), 'content-type': 'application/json' } });
    assertError(badJson, 400, 'ValidationError');
    assertJson(await postEvent({ topic: 'orders.created', payload: { m: 'fine' } }, orders), 202);
    assertJson(await postEvent({ topic: 'rest.topic', payload: { m: 'last' } }, pubOnly), 202);
    await settle(sub, 'last');
    assert.deepEqual(marks(sub), ['last']);
  });
});

describe('isolation', () => {
  test('two applications and two environments sharing a topic name never see each other\'s events', async () => {
    const appB = await createApp('Events Tenant B');
    const tokB = await getToken(srv, { app: appB });
    const subA = await open();
    const subB = await open({ token: tokB });
    const subStaging = await open({ token, environment: 'staging' });
    const tokStaging = await cliToken(srv, ['--app', 'default', '--permissions', 'subscribe,publish', '--env', 'staging']);
    const subStagingClaim = await open({ token: tokStaging });
    for (const c of [subA, subB, subStaging, subStagingClaim]) await c.subscribe('shared.topic');
    const pubA = await open();
    const pubB = await open({ token: tokB });
    const pubStaging = await open({ token, environment: 'staging' });
    await pubA.publish('shared.topic', { m: 'a' });
    await pubB.publish('shared.topic', { m: 'b' });
    await pubStaging.publish('shared.topic', { m: 's' });
    assertJson(await postEvent({ topic: 'shared.topic', payload: { m: 'rest-b' } }, tokB), 202);
    assertJson(await postEvent({ topic: 'shared.topic', payload: { m: 'rest-a' } }, token), 202);
    await Promise.all([[subA, 'rest-a'], [subB, 'rest-b'], [subStaging, 's'], [subStagingClaim, 's']].map(([c, m]) => settle(c, m)));
    assert.deepEqual(marks(subA).sort(), ['a', 'rest-a'], 'default/development');
    assert.deepEqual(marks(subB).sort(), ['b', 'rest-b'], `${appB}/development`);
    assert.deepEqual(marks(subStaging), ['s'], 'default/staging (?environment=staging)');
    assert.deepEqual(marks(subStagingClaim), ['s'], 'default/staging (token env claim)');
  });
});

describe('strictTopics', () => {
  test('unregistered topics -> TOPIC_NOT_REGISTERED (REST 404) until the topic is registered', async () => {
    const app = await createApp('Events Strict App');
    assertJson(await call('PATCH', `/api/applications/${app}`, { json: { config: { strictTopics: true } } }), 200);
    const tok = await getToken(srv, { app });
    const c = await open({ token: tok });
    // The topic catalog refreshes within ~3 s: retry until publishing an unregistered topic is refused.
    const publishReply = (topic) => c.request({ type: 'publish', topic, payload: { m: 'x' } });
    for (let t0 = Date.now(); ; await sleep(250)) {
      const r = await publishReply('orders.created');
      if (r.type === 'error') { assert.equal(r.code, 'TOPIC_NOT_REGISTERED', JSON.stringify(r)); break; }
      assert.ok(Date.now() - t0 < 6000, 'strictTopics not enforced 6 s after PATCH');
    }
    for (const topic of ['orders.created', 'chat:room1']) {
      const r = await c.request({ type: 'subscribe', topic });
      assert.deepEqual([r.type, r.code], ['error', 'TOPIC_NOT_REGISTERED'], JSON.stringify(r));
    }
    assertError(await postEvent({ topic: 'orders.created', payload: { m: 1 } }, tok), 404);
    // Other applications are not strict.
    await (await open()).publish('orders.created', { m: 'default app' });

    const reg = await call('POST', '/api/topics', { json: { name: 'orders.created', description: 'd', owner: 'o' }, headers: { 'x-application-id': app } });
    assertJson(reg, 201);
    let sub;
    for (let t0 = Date.now(); ; await sleep(250)) {
      const r = await c.request({ type: 'subscribe', topic: 'orders.created' });
      if (r.type === 'subscribed') { sub = r; break; }
      assert.equal(r.code, 'TOPIC_NOT_REGISTERED', JSON.stringify(r));
      assert.ok(Date.now() - t0 < 6000, 'registered topic still refused 6 s after POST /api/topics');
    }
    assert.equal(sub.topic, 'orders.created');
    const id = await c.publish('orders.created', { m: 'ws' });
    assert.equal((await c.nextType('event')).data.id, id);
    const rest = await postEvent({ topic: 'orders.created', payload: { m: 'rest' } }, tok);
    assertJson(rest, 202);
    assert.equal((await c.nextType('event')).data.id, rest.body.id);
    const other = await publishReply('orders.updated');
    assert.deepEqual([other.type, other.code], ['error', 'TOPIC_NOT_REGISTERED'], JSON.stringify(other));
    const staging = await open({ token: tok, environment: 'staging' });
    const st = await staging.request({ type: 'publish', topic: 'orders.created', payload: {} });
    assert.deepEqual([st.type, st.code], ['error', 'TOPIC_NOT_REGISTERED'], `registered in development only: ${JSON.stringify(st)}`);
  });
});

describe('slow consumer', () => {
  test('a reader that stops reading is closed with 4008; a normal subscriber gets every event', async () => {
    const PUBLISHERS = 10;
    const BATCH = 50;
    const N = PUBLISHERS * 350;
    const own = await startServer({ env: { REALTIME_WS_MAX_QUEUE_BYTES: '65536' } });
    try {
      const tok = await getToken(own);
      const { socket, rest } = await rawWsConnect(own, tok);
      socket.on('error', () => {});
      let buf = rest;
      socket.write(maskedTextFrame(JSON.stringify({ type: 'subscribe', topic: 'load.topic', requestId: 'slow' })));
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`raw client: no "subscribed" in ${buf.toString()}`)), 5000);
        const onData = (d) => {
          buf = Buffer.concat([buf, d]);
          if (parseFrames(buf).frames.some((f) => f.opcode === 1 && JSON.parse(f.payload).type === 'subscribed')) {
            socket.off('data', onData);
            socket.pause();
            clearTimeout(timer);
            resolve();
          }
        };
        socket.on('data', onData);
        socket.resume();
      });

      const good = await open({ token: tok }, own);
      await good.subscribe('load.topic');
      // Several publishers, each within the per-connection message burst (400) of the gateway,
      // in batches: the normal subscriber keeps up (it reads everything before the next batch)
      // while the raw socket reads nothing at all.
      const pubs = await Promise.all(Array.from({ length: PUBLISHERS }, () => open({ token: tok }, own)));
      const before = good.all.length;
      const received = () => good.all.length - before; // (all events: nothing else is pending)
      const pad = 'x'.repeat(1000);
      for (let sent = 0, b = 0; sent < N; b++) {
        const pub = pubs[b % PUBLISHERS];
        for (let k = 0; k < BATCH; k++, sent++) pub.send({ type: 'publish', topic: 'load.topic', payload: { i: sent, pad }, requestId: sent });
        await good.waitFor(() => received() >= sent, 10_000, `events up to #${sent} on the normal subscriber`);
      }
      for (const pub of pubs) {
        await pub.waitFor(() => pub.pending.length >= N / PUBLISHERS, 10_000, 'published replies');
        assert.ok(pub.pending.every((m) => m.type === 'published'), JSON.stringify(pub.pending.find((m) => m.type !== 'published')));
      }
      const seen = new Set(good.takeEvents().map((e) => e.data.payload.i));
      assert.equal(seen.size, N, 'the normal subscriber got every event exactly once');
      await good.ping();

      // Now read what the slow socket was sent: events, then a close frame 4008, then EOF.
      const ended = new Promise((resolve) => { socket.on('close', resolve); socket.on('end', resolve); });
      socket.on('data', (d) => { buf = Buffer.concat([buf, d]); });
      socket.resume();
      const how = await Promise.race([ended.then(() => 'closed'), sleep(5000).then(() => 'still open')]);
      const { frames } = parseFrames(buf);
      const events = frames.filter((f) => f.opcode === 1 && JSON.parse(f.payload).type === 'event').length;
      const close = frames.find((f) => f.opcode === 8);
      assert.equal(how, 'closed', `the slow connection is still open after reading ${events} events`);
      assert.ok(close, `no close frame (read ${events} events, then EOF)`);
      assert.equal(close.payload.readUInt16BE(0), 4008, `close code; reason "${close.payload.subarray(2)}"`);
      assert.match(close.payload.subarray(2).toString(), /slow consumer/i);
      assert.ok(events < N, `the slow reader got all ${N} events: it was not cut off`);
      socket.destroy();
      // ... and it is counted.
      const metrics = await api(own.url, 'GET', '/api/metrics/prometheus');
      assert.equal(metrics.status, 200);
      assert.match(metrics.text, /^realtime_websocket_slow_consumer_disconnects_total 1$/m, metrics.text);
    } finally {
      await own.stop();
    }
  });
});
