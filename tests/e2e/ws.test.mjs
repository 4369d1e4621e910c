// The /ws JSON protocol (spec/20-api-socket.md, Plain WebSocket Protocol): connecting and
// authenticating, subscribe / unsubscribe / publish / ping with requestId echo, the event
// envelope, an error reply for every malformed message (connection kept open), permissions and
// token topic patterns, payload size limit, flood protection (4029), graceful shutdown (1012).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, startServer } from './lib/server.mjs';
import { cliToken, decode } from './lib/jwt.mjs';
import { clientPool, getToken, sleep } from './lib/wsclient.mjs';

const MAX_PAYLOAD = 4096;
let srv;
let token; // default application, subscribe + publish
const pool = clientPool();
const open = (opts = { token }) => pool.connect(srv, opts);

before(async () => {
  srv = await startServer({ env: { REALTIME_WS_AUTH_TIMEOUT_MS: '500', REALTIME_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) } });
  token = await getToken(srv);
});
afterEach(() => pool.closeAll());
after(async () => {
  pool.closeAll();
  if (srv) await srv.stop();
  killAll();
});

/** `c` is authenticated: it can subscribe, publish and receive its own event. */
async function assertWorks(c, topic = 'works.check') {
  await c.subscribe(topic);
  const id = await c.publish(topic, { ok: true });
  const ev = await c.nextType('event');
  assert.equal(ev.data.id, id);
}

describe('connecting and authenticating', () => {
  test('token in the query string', async () => { await assertWorks(await open()); });

  test('token in an Authorization: Bearer header', async () => {
    await assertWorks(await open({ headers: { authorization: `Bearer ${token}` } }));
  });

  test('first message {"type":"auth"} -> authenticated {applicationId, environment, subject}', async () => {
    const c = await open({});
    const r = await c.request({ type: 'auth', token });
    assert.equal(r.type, 'authenticated', JSON.stringify(r));
    assert.equal(r.applicationId, 'default');
    assert.equal(r.environment, 'development');
    assert.equal(r.subject, decode(token).claims.sub);
    await assertWorks(c);
  });

  test('the auth reply reports ?environment=staging and a token\'s environment claim', async () => {
    const c = await open({ environment: 'staging' });
    assert.equal((await c.request({ type: 'auth', token })).environment, 'staging');
    const staging = await cliToken(srv, ['--app', 'default', '--permissions', 'subscribe', '--env', 'staging', '--sub', 'user-7']);
    const d = await open({});
    const { requestId, ...r } = await d.request({ type: 'auth', token: staging });
    assert.deepEqual(r, { type: 'authenticated', applicationId: 'default', environment: 'staging', subject: 'user-7' });
  });

  test('messages before auth -> UNAUTHORIZED, connection stays open, auth still works', async () => {
    const c = await open({});
    c.send({ type: 'subscribe', topic: 'early.topic' });
    await c.expectError('UNAUTHORIZED');
    c.send({ type: 'publish', topic: 'early.topic', payload: {} });
    await c.expectError('UNAUTHORIZED');
    assert.equal(c.closeInfo, null, 'closed after an unauthenticated message');
    assert.equal((await c.request({ type: 'auth', token })).type, 'authenticated');
    await assertWorks(c);
  });

  test('no auth within REALTIME_WS_AUTH_TIMEOUT_MS -> error UNAUTHORIZED, then close 4001', async () => {
    const t0 = Date.now();
    const c = await open({});
    await c.expectError('UNAUTHORIZED', 5000);
    const { code } = await c.closed;
    assert.equal(code, 4001);
    const ms = Date.now() - t0;
    assert.ok(ms >= 400 && ms < 5000, `closed after ${ms} ms (timeout is 500 ms)`);
  });

  for (const [what, opts] of [
    ['query token', () => ({ token: 'not.a.jwt' })],
    ['Bearer header', () => ({ headers: { authorization: 'Bearer not.a.jwt' } })],
    ['token with a bad signature', () => ({ token: `${token.slice(0, token.lastIndexOf('.'))}.AAAA` })],
  ]) {
    test(`invalid ${what} at connect -> error UNAUTHORIZED, close 4001`, async () => {
      const c = await open(opts());
      await c.expectError('UNAUTHORIZED');
      assert.equal((await c.closed).code, 4001);
    });
  }

  test('invalid token in the auth message -> error UNAUTHORIZED, not authenticated', async () => {
    const c = await open({});
    c.send({ type: 'auth', token: 'not.a.jwt' });
    await c.expectError('UNAUTHORIZED');
    assert.ok(!c.all.some((m) => m.type === 'authenticated'), JSON.stringify(c.all));
  });
});

describe('messages', () => {
  test('subscribe -> subscribed, publish -> published, event with the full envelope', async () => {
    const c = await open();
    const sub = await c.request({ type: 'subscribe', topic: 'chat:room1' });
    assert.deepEqual(Object.keys(sub).sort(), ['requestId', 'subscriptionId', 'topic', 'type']);
    assert.equal(sub.type, 'subscribed');
    const t0 = Date.now();
    const pub = await c.request({ type: 'publish', topic: 'chat:room1', payload: { text: 'hi', n: [1, { a: null }] } });
    assert.deepEqual(Object.keys(pub).sort(), ['id', 'requestId', 'type']);
    assert.match(pub.id, /^evt_\w+$/);
    const ev = await c.nextType('event');
    assert.deepEqual({ ...ev, data: { ...ev.data, metadata: { ...ev.data.metadata, timestamp: 0 } } }, {
      type: 'event',
      topic: 'chat:room1',
      data: { id: pub.id, topic: 'chat:room1', source: 'socket', type: 'socket.publish', payload: { text: 'hi', n: [1, { a: null }] }, metadata: { timestamp: 0 } },
    });
    const ts = ev.data.metadata.timestamp;
    assert.ok(Number.isInteger(ts) && Math.abs(ts - t0) < 10_000, `timestamp ${ts} is not epoch ms near ${t0}`);
  });

  test('publish with eventType -> data.type is the eventType; ids are unique', async () => {
    const c = await open();
    await c.subscribe('orders.created');
    const a = await c.publish('orders.created', { n: 1 }, { eventType: 'order.placed' });
    const b = await c.publish('orders.created', { n: 2 });
    assert.notEqual(a, b);
    const e1 = await c.nextType('event');
    const e2 = await c.nextType('event');
    assert.deepEqual([e1.data.id, e1.data.type, e1.data.payload], [a, 'order.placed', { n: 1 }]);
    assert.deepEqual([e2.data.id, e2.data.type, e2.data.payload], [b, 'socket.publish', { n: 2 }]);
  });

  for (const [what, requestId] of [['string', 'abc-1'], ['integer', 42]]) {
    test(`a ${what} requestId is echoed with the same JSON type on every reply`, async () => {
      const c = await open();
      const send = async (msg) => { c.send({ ...msg, requestId }); return c.next((m) => m.type !== 'event'); };
      const sub = await send({ type: 'subscribe', topic: 'echo.topic' });
      const pub = await send({ type: 'publish', topic: 'echo.topic', payload: {} });
      const pong = await send({ type: 'ping' });
      const unsub = await send({ type: 'unsubscribe', subscriptionId: sub.subscriptionId });
      const err = await send({ type: 'unsubscribe', subscriptionId: 'sub_unknown' });
      for (const [r, type] of [[sub, 'subscribed'], [pub, 'published'], [pong, 'pong'], [unsub, 'unsubscribed'], [err, 'error']]) {
        assert.equal(r.type, type, JSON.stringify(r));
        assert.strictEqual(r.requestId, requestId, `requestId in ${JSON.stringify(r)}`);
      }
    });
  }

  test('ping -> pong', async () => {
    const c = await open();
    c.send({ type: 'ping' });
    assert.deepEqual(await c.next(), { type: 'pong' });
  });

  test('unsubscribe -> unsubscribed; no more events; a second unsubscribe -> NOT_FOUND', async () => {
    const c = await open();
    const gone = await c.subscribe('unsub.a');
    await c.subscribe('unsub.b');
    const r = await c.request({ type: 'unsubscribe', subscriptionId: gone });
    assert.deepEqual({ ...r, requestId: undefined }, { type: 'unsubscribed', subscriptionId: gone, requestId: undefined });
    await c.publish('unsub.a', { n: 1 });
    const b = await c.publish('unsub.b', { n: 2 });
    assert.equal((await c.nextType('event')).data.id, b);
    await sleep(200);
    assert.deepEqual(c.takeEvents(), [], 'event delivered after unsubscribe');
    c.send({ type: 'unsubscribe', subscriptionId: gone });
    await c.expectError('NOT_FOUND');
  });
});

describe('every malformed message gets an error reply and the connection stays open', () => {
  const cases = [
    ['not JSON', '{"type":', 'INVALID_JSON'],
    ['plain text', 'hello', 'INVALID_JSON'],
    ['a JSON array', '[1,2]', 'INVALID_MESSAGE'],
    ['a JSON string', '"subscribe"', 'INVALID_MESSAGE'],
    ['JSON null', 'null', 'INVALID_MESSAGE'],
    ['an object without type', { topic: 'a.b' }, 'INVALID_MESSAGE'],
    ['a numeric type', { type: 7 }, 'INVALID_MESSAGE'],
    ['an unknown type', { type: 'subscribes', topic: 'a.b' }, 'UNKNOWN_TYPE'],
    ['subscribe without topic', { type: 'subscribe' }, 'INVALID_MESSAGE'],
    ['publish without topic', { type: 'publish', payload: {} }, 'INVALID_MESSAGE'],
    ['subscribe with returnMode "x"', { type: 'subscribe', topic: 'a.b', returnMode: 'x' }, 'INVALID_MESSAGE'],
    ['publish without payload', { type: 'publish', topic: 'a.b' }, 'INVALID_PAYLOAD'],
    ['publish with a number payload', { type: 'publish', topic: 'a.b', payload: 3 }, 'INVALID_PAYLOAD'],
    ['publish with an array payload', { type: 'publish', topic: 'a.b', payload: [{}] }, 'INVALID_PAYLOAD'],
    ['publish with a string payload', { type: 'publish', topic: 'a.b', payload: '{}' }, 'INVALID_PAYLOAD'],
    ['filter with an unknown operator', { type: 'subscribe', topic: 'a.b', filter: { a: { gt: 1 } } }, 'INVALID_FILTER'],
    ['filter with an array value', { type: 'subscribe', topic: 'a.b', filter: { a: [1] } }, 'INVALID_FILTER'],
    ['filter that is a string', { type: 'subscribe', topic: 'a.b', filter: 'str' }, 'INVALID_FILTER'],
    ['filter with "in" not an array', { type: 'subscribe', topic: 'a.b', filter: { a: { in: 1 } } }, 'INVALID_FILTER'],
    ['subscribe to "bad topic!"', { type: 'subscribe', topic: 'bad topic!' }, 'INVALID_TOPIC'],
    ['publish to "bad topic!"', { type: 'publish', topic: 'bad topic!', payload: {} }, 'INVALID_TOPIC'],
    ['unsubscribe an unknown id', { type: 'unsubscribe', subscriptionId: 'sub_doesnotexist' }, 'NOT_FOUND'],
    ['a binary frame', Buffer.from('{"type":"ping"}'), 'INVALID_MESSAGE'],
  ];
  for (const [what, msg, code] of cases) {
    test(`${what} -> ${code}`, async () => {
      const c = await open();
      if (Buffer.isBuffer(msg)) c.ws.send(msg, { binary: true }); else c.send(msg);
      await c.expectError(code);
      await c.ping();
      assert.equal(c.all.length, 2, `exactly one error reply expected: ${JSON.stringify(c.all)}`);
    });
  }

  test('a refused subscription delivers nothing', async () => {
    const c = await open();
    c.send({ type: 'subscribe', topic: 'refused.sub', filter: { a: { gt: 1 } } });
    await c.expectError('INVALID_FILTER');
    await c.publish('refused.sub', { a: 5 });
    await sleep(200);
    assert.deepEqual(c.takeEvents(), []);
  });
});

describe('permissions and limits', () => {
  test('a subscribe-only token may subscribe but publishing -> FORBIDDEN', async () => {
    const c = await open({ token: await getToken(srv, { permissions: ['subscribe'] }) });
    await c.subscribe('perm.topic');
    c.send({ type: 'publish', topic: 'perm.topic', payload: {} });
    await c.expectError('FORBIDDEN');
    await c.ping();
    assert.deepEqual(c.takeEvents(), []);
  });

  test('a `client` token may subscribe but publishing -> FORBIDDEN', async () => {
    const c = await open({ token: await cliToken(srv, ['--app', 'default', '--permissions', 'client']) });
    await c.subscribe('perm.topic');
    c.send({ type: 'publish', topic: 'perm.topic', payload: {} });
    await c.expectError('FORBIDDEN');
  });

  test('a publish-only token may publish but subscribing -> FORBIDDEN', async () => {
    const c = await open({ token: await getToken(srv, { permissions: ['publish'] }) });
    c.send({ type: 'subscribe', topic: 'perm.topic' });
    await c.expectError('FORBIDDEN');
    await c.publish('perm.topic', { n: 1 });
  });

  test('token topics ["orders.*"]: orders.created allowed, users.created -> FORBIDDEN both ways', async () => {
    const c = await open({ token: await getToken(srv, { topics: ['orders.*'] }) });
    await c.subscribe('orders.created');
    await c.publish('orders.created', { n: 1 });
    await c.nextType('event');
    c.send({ type: 'subscribe', topic: 'users.created' });
    await c.expectError('FORBIDDEN');
    c.send({ type: 'publish', topic: 'users.created', payload: {} });
    await c.expectError('FORBIDDEN');
    await c.ping();
  });

  test('payload over REALTIME_MAX_PAYLOAD_BYTES -> PAYLOAD_TOO_LARGE, nothing delivered; under it is fine', async () => {
    const c = await open();
    await c.subscribe('big.topic');
    c.send({ type: 'publish', topic: 'big.topic', payload: { s: 'x'.repeat(MAX_PAYLOAD + 100) } });
    await c.expectError('PAYLOAD_TOO_LARGE');
    const id = await c.publish('big.topic', { s: 'y'.repeat(MAX_PAYLOAD - 200) });
    const ev = await c.nextType('event');
    assert.equal(ev.data.id, id);
    assert.deepEqual(c.takeEvents(), []);
  });

  test('flooding: 40 invalid messages are answered; 30 more close the connection with 4029', async () => {
    const c = await open();
    for (let i = 0; i < 40; i++) c.send('garbage');
    for (let i = 0; i < 40; i++) await c.expectError('INVALID_JSON');
    await c.ping();
    for (let i = 0; i < 30; i++) c.send('garbage');
    const { code } = await Promise.race([c.closed, sleep(5000).then(() => ({ code: 'still open after 5 s' }))]);
    assert.equal(code, 4029);
  });

  test('valid messages are not counted as flooding', async () => {
    const c = await open();
    await c.subscribe('busy.topic');
    for (let i = 0; i < 120; i++) c.send({ type: 'publish', topic: 'busy.topic', payload: { i } });
    const seen = new Set();
    for (let i = 0; i < 120; i++) seen.add((await c.nextType('event')).data.payload.i);
    assert.equal(seen.size, 120);
    await c.ping();
  });
});

describe('graceful shutdown', () => {
  test('SIGTERM with an open /ws connection -> close 1012, exit 0', async () => {
    const own = await startServer();
    const c = await pool.connect(own, { token: await getToken(own) });
    await c.subscribe('shutdown.topic');
    const r = await own.stop('SIGTERM');
    const info = await Promise.race([c.closed, sleep(2000).then(() => ({ code: 'not closed' }))]);
    assert.equal(info.code, 1012, `close ${JSON.stringify(info)}\n${own.output()}`);
    assert.equal(r.code, 0, `exit ${r.code} signal ${r.signal}\n${own.output()}`);
  });
});
