// Engine.IO polling without sticky sessions (issue 20, item 5): two `realtime serve` instances on
// one redis-server behind a round-robin HTTP proxy (in this process, node:http), so a polling
// client's requests alternate between them. The instance that does not own the session relays
// each GET and POST to the owner over Redis (gateway/poll_relay.h); without that, the second
// request already fails with "Session ID unknown".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { metric } from './lib/flood.mjs';
import { api, killAll, startServer, tempDir } from './lib/server.mjs';
import { assertEioError, eventually, ioConnect, pollGet, pollOpen, pollPost, sioToken, socketPool, startRedis } from './lib/sio.mjs';

const pool = socketPool();

/** A round-robin reverse proxy over `targets` ({url}): {url, requests: [{target, method, sid}], close()}. */
async function roundRobinProxy(targets) {
  const requests = [];
  let next = 0;
  const server = http.createServer((req, res) => {
    const target = next++ % targets.length;
    const u = new URL(targets[target].url);
    requests.push({ target, method: req.method, sid: new URL(req.url, 'http://x').searchParams.get('sid') });
    const up = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { if (!res.headersSent) res.writeHead(502); res.end(String(e)); });
    res.on('close', () => { if (!res.writableFinished) up.destroy(); }); // the client went away
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => { server.closeAllConnections(); server.close(); },
  };
}

describe('Engine.IO polling across two instances without sticky sessions', () => {
  let redis, a, b, proxy;
  const publishRest = async (srv, topic, payload) => {
    const r = await api(srv.url, 'POST', '/api/events', { json: { topic, payload }, headers: { authorization: `Bearer ${await sioToken(srv)}` } });
    assert.equal(r.status, 202, r.text);
    return r.body.id;
  };

  before(async () => {
    redis = await startRedis();
    const dataDir = tempDir(); // shared: both instances trust the same signing keys
    a = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
    b = await startServer({ env: { REDIS_URL: redis.url }, dataDir });
    proxy = await roundRobinProxy([a, b]);
  });
  after(async () => {
    pool.closeAll();
    proxy?.close();
    killAll();
    await redis?.stop();
  });

  test('a polling-only socket.io-client alternating between instances subscribes, receives, emits with acks and disconnects', async () => {
    const token = await sioToken(a, { subject: 'poller' });
    const socket = pool.add(await ioConnect(proxy, { token, transports: ['polling'] }));
    const sid = socket.io.engine.id;

    const sub = await socket.emitWithAck('subscribe', { topic: 'relay.orders' });
    assert.match(sub.subscriptionId, /^sub_/, JSON.stringify(sub));
    // Events published on either instance reach the socket, whichever instance owns it.
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await publishRest(i % 2 ? b : a, 'relay.orders', { n: i }));
    const got = [];
    for (const id of ids) got.push(await socket.inbox.next((e) => e.id === id, 10_000, `event ${id}`));
    assert.deepEqual(got.map((e) => e.payload.n), [0, 1, 2, 3, 4, 5]);

    // Emits with acks, each a POST and the ack on a GET, through either instance.
    for (let i = 0; i < 4; i++) {
      const r = await socket.emitWithAck('publish', { topic: 'relay.orders', payload: { mine: i } });
      assert.match(r.id, /^evt_/, JSON.stringify(r));
      assert.equal((await socket.inbox.next((e) => e.id === r.id, 10_000, `own event ${i}`)).payload.mine, i);
    }
    const bad = await socket.emitWithAck('unsubscribe', { subscriptionId: 'sub_nope' });
    assert.ok(bad.error, JSON.stringify(bad));

    // Both instances carried GETs and POSTs of this session: half of them were relayed.
    const mine = proxy.requests.filter((r) => r.sid === sid);
    for (const target of [0, 1]) {
      for (const method of ['GET', 'POST']) {
        assert.ok(mine.some((r) => r.target === target && r.method === method), `no ${method} through instance ${target}: ${JSON.stringify(mine)}`);
      }
    }
    // The handshake (the first request through the proxy) made the owner; the other relayed.
    const ownerIndex = proxy.requests[0].target;
    const [owner, other] = ownerIndex === 0 ? [a, b] : [b, a];
    const relayed = mine.filter((r) => r.target !== ownerIndex).length;
    await eventually(async () => await metric(other, 'realtime_socketio_polls_relayed_total') >= relayed, { what: `${relayed} relayed requests counted` });
    await eventually(async () => await metric(owner, 'realtime_socketio_polls_served_for_peers_total') >= relayed, { what: 'served for the peer' });
    assert.equal(await metric(owner, 'realtime_socketio_polls_relayed_total'), 0, 'nothing relayed by the owner');
    assert.equal(await metric(other, 'realtime_socketio_poll_relay_timeouts_total'), 0);

    // A clean disconnect: the session ends on its owner (no connection left in the cluster).
    await eventually(async () => (await api(a.url, 'GET', '/api/socket/connections')).body?.count === 1,
      { timeoutMs: 8000, intervalMs: 200, what: 'the polling connection counted' });
    socket.disconnect();
    await eventually(async () => (await api(a.url, 'GET', '/api/socket/connections')).body?.count === 0,
      { timeoutMs: 8000, intervalMs: 200, what: 'no connection left after the disconnect' });
  });

  test('raw polling: the handshake on A, GET and POST on B are the owner\'s answers', async () => {
    const { sid } = await pollOpen(a);
    const token = await sioToken(a);
    assert.equal((await pollPost(b, sid, `40${JSON.stringify({ token })}`)).text, 'ok');
    const connect = await pollGet(b, sid);
    assert.equal(connect.status, 200, connect.text);
    assert.match(connect.packets[0], /^40\{"sid":"[^"]+"\}$/);
    assert.equal((await pollPost(b, sid, [`421["subscribe",{"topic":"relay.raw"}]`, '3'])).text, 'ok');
    const ack = await pollGet(b, sid);
    assert.match(ack.text, /^431\[\{"subscriptionId":"sub_/);
    // Close ("1") through B: the session is gone on A as well.
    assert.equal((await pollPost(b, sid, '1')).text, 'ok');
    const last = await pollGet(a, sid); // the GET racing a client's close gets a noop
    assert.equal(last.text, '6', `${last.status} ${last.text}`);
    assertEioError(await pollGet(b, sid), 1);
  });

  test('a sid no live instance owns is "Session ID unknown" at once', async () => {
    for (const sid of ['NoOwnerSuffixAtAll', 'AbCdEfGhIjKlMnOpQrSt.inst_0000000000000000']) {
      const t0 = Date.now();
      assertEioError(await pollGet(b, sid), 1);
      assertEioError(await pollPost(b, sid, '40'), 1);
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    }
  });
});
