// Live connections follow their token (docs/protocol.md, "Token lifetime"): on /ws and Socket.IO
// a connection is closed when its token expires (close 4001 "token expired" / an `error` event
// then a server-side disconnect), when its signing key is deleted (also on a second instance
// sharing the database), or when its application is deleted. A connection may refresh its
// token before expiry ({"type":"auth"} / the `auth` event) and keeps its subscriptions. Every
// wait is on a positive signal (a close, a disconnect, a reply, an event).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { assertJson } from './lib/expect.mjs';
import { bearer, cliToken, decode } from './lib/jwt.mjs';
import { clientPool, connect } from './lib/wsclient.mjs';
import { ioConnect, socketPool } from './lib/sio.mjs';

let srv;
let admin;
const ws = clientPool();
const sockets = socketPool();
before(async () => {
  srv = await startServer();
  admin = await cliToken(srv, ['--app', 'default', '--permissions', 'admin', '--sub', 'e2e-admin']);
});
after(async () => {
  ws.closeAll();
  sockets.closeAll();
  if (srv) await srv.stop();
  killAll();
});

/** A token from POST /auth/token (admin-issued); expiresIn in seconds. */
async function token({ app = 'default', expiresIn = 600, subject = 'alice', topics, permissions = ['subscribe', 'publish'], s = srv } = {}) {
  const json = { applicationId: app, permissions, subject, expiresIn, ...(topics ? { topics } : {}) };
  const r = await api(s.url, 'POST', '/auth/token', { json, headers: app === 'default' ? bearer(admin) : {} });
  assertJson(r, 200);
  return r.body.token;
}
const expMs = (t) => decode(t).claims.exp * 1000;

/** Socket.IO: resolves {reason, error, at} once the server disconnects the socket. */
function serverDisconnect(socket) {
  return new Promise((resolve) => {
    let error;
    socket.on('error', (e) => { error = e; });
    socket.once('disconnect', (reason) => resolve({ reason, error, at: Date.now() }));
  });
}
const io = async (t, opts) => sockets.add(await ioConnect(srv, { token: t, ...opts }));

async function publish(topic, payload) {
  const r = await api(srv.url, 'POST', '/api/events', { json: { topic, payload }, headers: bearer(await token({ permissions: ['publish'] })) });
  assertJson(r, 202);
}

describe('expiry', () => {
  test('/ws: closed with 4001 "token expired" at exp, after an UNAUTHORIZED error', async () => {
    const t = await token({ expiresIn: 2 });
    const c = await ws.connect(srv, { token: t });
    await c.subscribe('lifetime.a');
    const closed = await c.closed;
    const at = Date.now();
    assert.deepEqual(closed, { code: 4001, reason: 'token expired' });
    assert.ok(at >= expMs(t) - 50, `closed ${expMs(t) - at} ms before exp`);
    assert.ok(at <= expMs(t) + 3000, `closed ${at - expMs(t)} ms after exp`);
    const err = c.all.find((m) => m.type === 'error');
    assert.deepEqual({ code: err?.code, message: err?.message }, { code: 'UNAUTHORIZED', message: 'Connection closed: token expired' });
  });

  test('Socket.IO (websocket and polling): an error event, then a server disconnect at exp', async () => {
    for (const transports of [['websocket'], ['polling']]) {
      const t = await token({ expiresIn: 2 });
      const s = await io(t, { transports });
      assert.match((await s.emitWithAck('subscribe', { topic: 'lifetime.a' })).subscriptionId, /^sub_/);
      const gone = await serverDisconnect(s);
      assert.equal(gone.reason, 'io server disconnect', transports[0]);
      assert.deepEqual(gone.error, { code: 'UNAUTHORIZED', message: 'token expired' }, transports[0]);
      assert.ok(gone.at >= expMs(t) - 50, `${transports[0]}: disconnected ${expMs(t) - gone.at} ms before exp`);
    }
  });

  test('a refreshed connection keeps its subscription past the first token\'s expiry', async () => {
    const fresh = await token({ expiresIn: 600 });
    const first = await token({ expiresIn: 3 });
    const c = await ws.connect(srv, { token: first });
    await c.subscribe('lifetime.kept');
    const s = await io(first);
    await s.emitWithAck('subscribe', { topic: 'lifetime.kept' });
    // Witnesses with the same expiry: their closing proves the first token has expired.
    const witnessWs = await ws.connect(srv, { token: first });
    const witnessIo = serverDisconnect(await io(first));

    const auth = await c.request({ type: 'auth', token: fresh });
    assert.deepEqual({ type: auth.type, applicationId: auth.applicationId, subject: auth.subject },
      { type: 'authenticated', applicationId: 'default', subject: 'alice' });
    const ack = await s.emitWithAck('auth', { token: fresh });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal(ack.expiresAt, expMs(fresh));

    assert.equal((await witnessWs.closed).code, 4001);
    assert.equal((await witnessIo).reason, 'io server disconnect');
    assert.ok(Date.now() >= expMs(first));
    await publish('lifetime.kept', { n: 1 });
    assert.deepEqual((await c.nextType('event')).data.payload, { n: 1 });
    assert.deepEqual((await s.inbox.next()).payload, { n: 1 });
    await c.ping();
    assert.equal(c.closeInfo, null);
    assert.equal(s.connected, true);
  });
});

describe('refresh rules', () => {
  test('a token of another application, environment or subject is refused; the connection keeps its token', async () => {
    const r = await api(srv.url, 'POST', '/api/applications', { json: { name: 'Other' }, headers: bearer(admin) });
    assertJson(r, 201);
    const other = await token({ app: r.body.id });
    const staging = await cliToken(srv, ['--app', 'default', '--permissions', 'subscribe', '--env', 'staging']);
    const c = await ws.connect(srv, { token: await token() });
    const s = await io(await token());
    const bob = await token({ subject: 'bob' });
    for (const [t, code] of [[other, 'FORBIDDEN'], [bob, 'FORBIDDEN'], [staging, 'UNAUTHORIZED'], ['not-a-jwt', 'UNAUTHORIZED']]) {
      const reply = await c.request({ type: 'auth', token: t });
      assert.equal(reply.type, 'error');
      assert.equal(reply.code, code, JSON.stringify(reply));
      assert.match(reply.message, /current token stays in force/);
      const ack = await s.emitWithAck('auth', { token: t });
      assert.equal(ack.error?.code, code, JSON.stringify(ack));
    }
    await c.subscribe('lifetime.still');
    assert.match((await s.emitWithAck('subscribe', { topic: 'lifetime.still' })).subscriptionId, /^sub_/);
  });

  test('subscriptions the new token no longer allows are removed with a notice', async () => {
    const c = await ws.connect(srv, { token: await token() });
    const chatId = await c.subscribe('chat:1');
    await c.subscribe('orders.new');
    assert.equal((await c.request({ type: 'join', channel: 'chat:room' })).type, 'joined');
    const s = await io(await token());
    const sioChat = (await s.emitWithAck('subscribe', { topic: 'chat:1' })).subscriptionId;
    await s.emitWithAck('subscribe', { topic: 'orders.new' });
    const notices = [];
    s.on('unsubscribed', (n) => notices.push(n));

    const narrow = await token({ topics: ['orders.*'] });
    assert.equal((await c.request({ type: 'auth', token: narrow })).type, 'authenticated');
    assert.equal((await s.emitWithAck('auth', { token: narrow })).ok, true);
    const notice = c.all.find((m) => m.type === 'unsubscribed' && m.subscriptionId === chatId);
    assert.deepEqual(notice, { type: 'unsubscribed', subscriptionId: chatId, topic: 'chat:1', reason: "Token's topics do not allow 'chat:1'" });
    assert.deepEqual(c.all.find((m) => m.type === 'left'), { type: 'left', channel: 'chat:room', reason: "Token's topics do not allow 'chat:room'" });
    const members = await api(srv.url, 'GET', '/api/socket/channels/chat:room/members', { headers: bearer(admin) });
    assertJson(members, 200);
    assert.deepEqual(members.body, [], 'the membership ended on the server too');
    assert.deepEqual(notices, [{ subscriptionId: sioChat, topic: 'chat:1', reason: "Token's topics do not allow 'chat:1'" }]);

    await publish('chat:1', { removed: true });
    await publish('orders.new', { kept: true });
    assert.deepEqual((await c.nextType('event')).data.payload, { kept: true });
    assert.deepEqual((await s.inbox.next()).payload, { kept: true });
    assert.equal(c.takeEvents('chat:1').length, 0);
    assert.equal(s.inbox.take((e) => e.topic === 'chat:1').length, 0);
  });
});

describe('revocation', () => {
  test('deleting the signing key closes its connections, here and on a second instance', async () => {
    const created = await api(srv.url, 'POST', '/api/admin/keys', { headers: bearer(admin) });
    assertJson(created, 201);
    const kid = created.body.keyId ?? created.body.id;
    const t = await token();
    assert.equal(decode(t).header.kid, kid);
    const other = await startServer({ dataDir: srv.dataDir });
    try {
      const keep = await ws.connect(srv, { token: admin }); // another key: stays open
      const here = await ws.connect(srv, { token: t });
      const hereIo = serverDisconnect(await io(t));
      const there = await connect(other, { token: t });
      const del = await api(srv.url, 'DELETE', `/api/admin/keys/${kid}`, { headers: bearer(admin) });
      assert.ok(del.status === 204 || del.status === 200, del.text);
      assert.deepEqual(await here.closed, { code: 4001, reason: 'signing key revoked' });
      const gone = await hereIo;
      assert.deepEqual([gone.reason, gone.error?.message], ['io server disconnect', 'signing key revoked']);
      assert.deepEqual(await there.closed, { code: 4001, reason: 'signing key revoked' }); // within the 2 s key poll
      await keep.ping();
    } finally {
      await other.stop();
    }
  });

  test('deleting the application closes its connections', async () => {
    const r = await api(srv.url, 'POST', '/api/applications', { json: { name: 'Doomed' }, headers: bearer(admin) });
    assertJson(r, 201);
    const t = await token({ app: r.body.id });
    const keep = await ws.connect(srv, { token: await token() });
    const c = await ws.connect(srv, { token: t });
    await c.subscribe('lifetime.doomed');
    const gone = serverDisconnect(await io(t));
    const del = await api(srv.url, 'DELETE', `/api/applications/${r.body.id}`, { headers: bearer(admin) });
    assert.equal(del.status, 204, del.text);
    assert.deepEqual(await c.closed, { code: 4001, reason: 'application deleted' });
    const g = await gone;
    assert.deepEqual([g.reason, g.error?.message], ['io server disconnect', 'application deleted']);
    await keep.ping();
  });

  test('closed connections are counted by reason in the Prometheus metrics', async () => {
    const r = await api(srv.url, 'GET', '/api/metrics/prometheus', { headers: bearer(admin) });
    assert.equal(r.status, 200, r.text);
    for (const reason of ['token_expired', 'key_revoked', 'application_deleted']) {
      const m = r.text.match(new RegExp(`^realtime_connections_revoked_total\\{reason="${reason}"\\} (\\d+)`, 'm'));
      assert.ok(m && Number(m[1]) >= 2, `${reason}: ${m?.[0]}`); // /ws and Socket.IO connections above
    }
  });
});
