// Server pings and the idle timeout of /ws, and protocol-level violations (close codes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { killAll, startServer } from './lib/server.mjs';
import { clientPool, getToken, maskedTextFrame, parseFrames, rawWsConnect, sleep } from './lib/wsclient.mjs';

/** Reads server frames from a raw socket until a close frame arrives; returns {code, reason, pings}. */
function readUntilClose(socket, initial, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.from(initial);
    let pings = 0;
    const timer = setTimeout(() => reject(new Error('no close frame in time')), timeoutMs);
    const scan = () => {
      const { frames, rest } = parseFrames(buf);
      buf = Buffer.from(rest);
      for (const f of frames) {
        if (f.opcode === 0x9) pings++;
        if (f.opcode === 0x8) {
          clearTimeout(timer);
          resolve({ code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString(), pings });
        }
      }
    };
    socket.on('data', (d) => { buf = Buffer.concat([buf, d]); scan(); });
    socket.resume();
    scan();
  });
}

describe('/ws keep-alive and protocol errors', () => {
  let srv;
  let token;
  const pool = clientPool();
  before(async () => {
    srv = await startServer({ env: { REALTIME_WS_PING_INTERVAL_MS: '200', REALTIME_WS_PING_TIMEOUT_MS: '300' } });
    token = await getToken(srv);
  });
  after(() => { pool.closeAll(); killAll(); });

  test('a client that never answers pings is closed with 4000 after ping interval + timeout', async () => {
    const { socket, rest } = await rawWsConnect(srv, token);
    const started = Date.now();
    const close = await readUntilClose(socket, rest);
    assert.equal(close.code, 4000);
    assert.match(close.reason, /idle/);
    assert.ok(close.pings >= 1, 'the server should have pinged first');
    assert.ok(Date.now() - started >= 450, 'closed before ping interval + timeout');
    socket.destroy();
  });

  test('a client that answers pings (the ws library does) stays connected', async () => {
    const c = await pool.connect(srv, { token });
    await sleep(1200);
    await c.ping();
    assert.equal(c.closeInfo, null);
  });

  test('an unmasked client frame is a protocol error: close 1002', async () => {
    const { socket, rest } = await rawWsConnect(srv, token);
    socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));  // "hi", not masked
    const close = await readUntilClose(socket, rest);
    assert.equal(close.code, 1002);
    socket.destroy();
  });

  test('invalid UTF-8 in a text message: close 1007', async () => {
    const { socket, rest } = await rawWsConnect(srv, token);
    const frame = maskedTextFrame('ab');
    frame[6] ^= 0xff;  // corrupt the first payload byte after unmasking -> invalid UTF-8 start byte
    frame[7] ^= 0x80;
    socket.write(frame);
    const close = await readUntilClose(socket, rest);
    assert.equal(close.code, 1007);
    socket.destroy();
  });

  test('a message over REALTIME_WS_MAX_MESSAGE_BYTES: close 1009, server unaffected', async () => {
    const small = await startServer({ env: { REALTIME_WS_MAX_MESSAGE_BYTES: '1024' } });
    const t = await getToken(small);
    const { socket, rest } = await rawWsConnect(small, t);
    socket.write(maskedTextFrame(JSON.stringify({ type: 'ping', pad: 'x'.repeat(2000) })));
    const close = await readUntilClose(socket, rest);
    assert.equal(close.code, 1009);
    socket.destroy();
    const c = await pool.connect(small, { token: t });
    await c.ping();
  });
});
