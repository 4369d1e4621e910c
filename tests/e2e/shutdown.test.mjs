// Shutdown with no drain time: REALTIME_SHUTDOWN_TIMEOUT_MS=0 and SIGTERM while /ws and
// Socket.IO clients (websocket and polling, subscribed, in a presence channel, with /ws
// publishing continuously) and REST requests are in flight. Every connection outlives the drain,
// so the server must tear them down before the gateways, hub and presence they use
// (src/app/serve.cpp, HttpServer::Shutdown). Expect exit code 0 and no sanitizer report: run it
// against the ASan build (REALTIME_BIN=build-asan/bin/realtime, scripts/run-tests.sh asan) to
// catch a use-after-free; against the normal build it checks the exit code and the clean exit.
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from './lib/server.mjs';
import { bearer, cliToken } from './lib/jwt.mjs';
import { ioConnect, sioToken, socketPool } from './lib/sio.mjs';
import { clientPool, getToken } from './lib/wsclient.mjs';

after(killAll);

const sockets = socketPool();
const clients = clientPool();
afterEach(() => {
  sockets.closeAll();
  clients.closeAll();
});

const SANITIZER = /(Address|Leak|UndefinedBehavior|Thread)Sanitizer|runtime error:/;

/** A /ws client subscribed to `topic` that has received one event on it (so it is live). */
async function liveWsClient(srv, token, topic) {
  const c = await clients.connect(srv, { token });
  const sub = await c.request({ type: 'subscribe', topic });
  assert.equal(sub.type, 'subscribed', JSON.stringify(sub));
  const join = await c.request({ type: 'join', channel: 'shutdown-room' });
  assert.notEqual(join.type, 'error', JSON.stringify(join));
  return c;
}

/** A socket.io-client subscribed to `topic` and joined to the presence channel. */
async function liveSioClient(srv, token, topic, transports) {
  const s = sockets.add(await ioConnect(srv, { token, transports }));
  const sub = await s.emitWithAck('subscribe', { topic });
  assert.match(sub.subscriptionId ?? '', /^sub_/, JSON.stringify(sub));
  const join = await s.emitWithAck('join', { channel: 'shutdown-room' });
  assert.equal(join.error, undefined, JSON.stringify(join));
  return s;
}

describe('SIGTERM with REALTIME_SHUTDOWN_TIMEOUT_MS=0', () => {
  for (const round of [1, 2, 3]) {
    test(`live /ws + Socket.IO + in-flight REST -> exit 0, no sanitizer report (round ${round})`, async () => {
      const srv = await startServer({ env: { REALTIME_SHUTDOWN_TIMEOUT_MS: '0', REALTIME_THREADS: '2', LOG_LEVEL: 'info' } });
      const topic = `shutdown.t${round}`;
      const wsToken = await getToken(srv);
      const sioTok = await sioToken(srv);
      const admin = bearer(await cliToken(srv, ['--app', 'default', '--permissions', 'admin']));
      const ws = [];
      for (let i = 0; i < 4; i++) ws.push(await liveWsClient(srv, wsToken, topic));
      const io = [];
      for (let i = 0; i < 2; i++) io.push(await liveSioClient(srv, sioTok, topic, ['websocket']));
      for (let i = 0; i < 2; i++) io.push(await liveSioClient(srv, sioTok, topic, ['polling']));

      // Positive signal that every connection is live: one published event reaches them all.
      const first = await api(srv.url, 'POST', '/api/events', { json: { topic, payload: { n: 0 } }, headers: admin });
      assert.ok(first.status >= 200 && first.status < 300, first.text);
      for (const c of ws) await c.next((m) => m.type === 'event' && m.topic === topic, 5000, 'the first event');
      for (const s of io) await s.inbox.next((e) => e.topic === topic);

      // Keep traffic flowing while the signal lands: /ws publishes, REST publishes and sync writes.
      let stop = false;
      const pump = (async () => {
        for (let n = 1; !stop; n++) {
          for (const c of ws) {
            try { c.send({ type: 'publish', topic, payload: { n } }); } catch { /* closed */ }
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      const inflight = [];
      for (let i = 0; i < 40; i++) {
        inflight.push(api(srv.url, 'POST', '/api/events', { json: { topic, payload: { rest: i } }, headers: admin }).catch((e) => e));
        inflight.push(api(srv.url, 'POST', '/api/sync/shutdown/documents', { json: { id: `d${i}`, data: { i } }, headers: admin }).catch((e) => e));
      }
      const r = await srv.stop('SIGTERM');
      stop = true;
      await pump;
      await Promise.all(inflight);

      const out = srv.output();
      assert.equal(r.timedOut, undefined, `did not exit within 15 s\n${out}`);
      assert.doesNotMatch(out, SANITIZER, `sanitizer report\n${out}`);
      assert.equal(r.code, 0, `exit code ${r.code}, signal ${r.signal}\n${out}`);
      assert.match(out, /shutdown complete/, `no "shutdown complete" line\n${out}`);
    });
  }
});
