// WebSocket helpers for the /ws e2e tests: a `ws` client that records every message and lets a
// test wait for (and consume) the first message matching a predicate, tokens, and a raw-TCP
// WebSocket client that can stop reading (a deliberately slow consumer).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { api } from './server.mjs';
import { assertJson } from './expect.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A token from POST /auth/token (anonymous: development allows subscribe/publish). */
export async function getToken(srv, { app = 'default', permissions = ['subscribe', 'publish'], topics, headers = {} } = {}) {
  const json = { applicationId: app, permissions, ...(topics ? { topics } : {}) };
  const res = await api(srv.url, 'POST', '/auth/token', { json, headers });
  assertJson(res, 200);
  assert.equal(typeof res.body.token, 'string', res.text);
  return res.body.token;
}

/** ws://HOST/ws?token=…&environment=… (query omitted when not given). */
export function wsUrl(srv, { token, environment } = {}) {
  const q = new URLSearchParams();
  if (token !== undefined) q.set('token', token);
  if (environment !== undefined) q.set('environment', environment);
  const s = q.toString();
  return `${srv.url.replace(/^http/, 'ws')}/ws${s ? `?${s}` : ''}`;
}

const show = (v) => JSON.stringify(v)?.slice(0, 400);

/** A connected /ws client: messages are parsed JSON, kept in arrival order until consumed. */
export class WsClient {
  constructor(ws) {
    this.ws = ws;
    this.all = [];      // every message ever received (parsed, or {raw} if not JSON)
    this.pending = [];  // not yet consumed by next()
    this.waiters = [];
    this.closeInfo = null;
    this.seq = 0;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.#wake();
      });
    });
    ws.on('error', () => {}); // surfaced through `closed`
    ws.on('message', (data, isBinary) => {
      let msg;
      try { msg = JSON.parse(data.toString()); } catch { msg = { raw: data.toString(), isBinary }; }
      this.all.push(msg);
      this.pending.push(msg);
      this.#wake();
    });
  }

  #wake() { for (const w of [...this.waiters]) w(); }

  /** Send an object (as JSON) or a string as a text frame. */
  send(msg) { this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)); }

  /** Consume and return the first pending message matching `pred`; fails after `timeoutMs`. */
  next(pred = () => true, timeoutMs = 5000, what = 'a matching message') {
    const take = () => {
      const i = this.pending.findIndex((m) => pred(m));
      return i < 0 ? undefined : this.pending.splice(i, 1)[0];
    };
    const found = take();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = (fn) => {
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(check), 1);
        fn();
      };
      const check = () => {
        const m = take();
        if (m) done(() => resolve(m));
        else if (this.closeInfo) {
          done(() => reject(new Error(`connection closed (${show(this.closeInfo)}) while waiting for ${what}; pending: ${show(this.pending)}`)));
        }
      };
      const timer = setTimeout(() => done(() => reject(new Error(
        `no ${what} within ${timeoutMs} ms; pending messages: ${show(this.pending)}`))), timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Resolve once `cond()` is true (checked on every message); fails on close or after `timeoutMs`. */
  waitFor(cond, timeoutMs = 10_000, what = 'a condition') {
    return new Promise((resolve, reject) => {
      const done = (fn) => { clearTimeout(timer); this.waiters.splice(this.waiters.indexOf(check), 1); fn(); };
      const check = () => {
        if (cond()) done(resolve);
        else if (this.closeInfo) done(() => reject(new Error(`connection closed (${show(this.closeInfo)}) while waiting for ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms`))), timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  /** Next message of the given type (e.g. 'error', 'event'). */
  nextType(type, timeoutMs) { return this.next((m) => m.type === type, timeoutMs, `a "${type}" message`); }

  /** Next error message; asserts its code and a non-empty message string. */
  async expectError(code, timeoutMs) {
    const m = await this.nextType('error', timeoutMs);
    assert.equal(m.code, code, `expected error ${code}, got ${show(m)}`);
    assert.ok(typeof m.message === 'string' && m.message.length > 0, `error message must be a non-empty string: ${show(m)}`);
    return m;
  }

  /** Send `msg` with a fresh string requestId and return the reply that echoes it. */
  async request(msg, timeoutMs = 5000) {
    const requestId = `r${++this.seq}`;
    this.send({ ...msg, requestId });
    return this.next((m) => m.requestId === requestId && m.type !== 'event', timeoutMs, `a reply to ${show(msg)}`);
  }

  /** subscribe; asserts the `subscribed` reply and returns the subscriptionId. */
  async subscribe(topic, extra = {}) {
    const r = await this.request({ type: 'subscribe', topic, ...extra });
    assert.equal(r.type, 'subscribed', `subscribe ${topic}: ${show(r)}`);
    assert.equal(r.topic, topic);
    assert.match(r.subscriptionId, /^sub_/, show(r));
    return r.subscriptionId;
  }

  /** publish; asserts the `published` reply and returns the event id. */
  async publish(topic, payload, extra = {}) {
    const r = await this.request({ type: 'publish', topic, payload, ...extra });
    assert.equal(r.type, 'published', `publish ${topic}: ${show(r)}`);
    assert.match(r.id, /^evt_/, show(r));
    return r.id;
  }

  /** Round trip a ping: proves the connection is open and every earlier message was handled. */
  async ping() {
    const r = await this.request({ type: 'ping' });
    assert.equal(r.type, 'pong', show(r));
  }

  /** The `event` messages currently pending (optionally of one topic), consumed. */
  takeEvents(topic) {
    const out = this.pending.filter((m) => m.type === 'event' && (topic === undefined || m.topic === topic));
    this.pending = this.pending.filter((m) => !out.includes(m));
    return out;
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/**
 * Open a /ws connection. Resolves once open (or rejects with the HTTP status if the upgrade is
 * refused). `token`/`environment` go in the query; `headers` are sent with the upgrade.
 */
export function connect(srv, { token, environment, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(srv, { token, environment }), { headers, handshakeTimeout: 5000 });
    const client = new WsClient(ws);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Track clients so a test file can close every one of them in `after`/`afterEach`. */
export function clientPool() {
  const open = [];
  return {
    async connect(srv, opts) { const c = await connect(srv, opts); open.push(c); return c; },
    closeAll() { for (const c of open.splice(0)) c.close(); },
  };
}

/** A masked client text frame (RFC 6455) carrying `text`. */
export function maskedTextFrame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  let header;
  if (payload.length < 126) header = Buffer.from([0x81, 0x80 | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81; header[1] = 0x80 | 126; header.writeUInt16BE(payload.length, 2);
  } else throw new Error('frame too large for this helper');
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([header, mask, body]);
}

/**
 * A WebSocket client over a raw TCP socket: sends a hand-written upgrade request for
 * /ws?token=…, waits for the 101. Resolves {socket, rest} where `rest` holds bytes received after
 * the response headers. Nothing else reads from the socket afterwards unless the caller does.
 */
export function rawWsConnect(srv, token) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('raw upgrade: no 101 within 5 s')); }, 5000);
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      const head = buf.subarray(0, end).toString();
      if (!/^HTTP\/1\.1 101/.test(head)) { socket.destroy(); reject(new Error(`raw upgrade refused: ${head}`)); return; }
      resolve({ socket, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.on('error', (e) => { clearTimeout(timer); reject(e); });
    socket.on('connect', () => {
      socket.write(`GET /ws?token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n`
        + 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'
        + `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n\r\n`);
    });
  });
}

/**
 * Parse unmasked server frames from `buf`: [{opcode, payload}], plus `rest` (an incomplete tail).
 */
export function parseFrames(buf) {
  const frames = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const opcode = buf[off] & 0x0f;
    let len = buf[off + 1] & 0x7f;
    let hdr = 2;
    if (len === 126) { if (buf.length - off < 4) break; len = buf.readUInt16BE(off + 2); hdr = 4; }
    else if (len === 127) { if (buf.length - off < 10) break; len = Number(buf.readBigUInt64BE(off + 2)); hdr = 10; }
    if (buf.length - off < hdr + len) break;
    frames.push({ opcode, payload: buf.subarray(off + hdr, off + hdr + len) });
    off += hdr + len;
  }
  return { frames, rest: buf.subarray(off) };
}
