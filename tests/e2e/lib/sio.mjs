// Helpers for the Engine.IO / Socket.IO e2e tests: raw polling requests, a raw Engine.IO
// WebSocket client (the `ws` package, no Socket.IO library), Socket.IO v5 packet helpers on top
// of it, tokens with a subject, and wrappers around the official socket.io-client.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { api, freePort } from './server.mjs';
import { assertJson } from './expect.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const RS = '\x1e'; // Engine.IO record separator between packets of one polling payload
const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v))?.slice(0, 400);

/** A token from POST /auth/token with an optional subject and topics claim. */
export async function sioToken(srv, { subject = 'alice', permissions = ['subscribe', 'publish'], topics, app = 'default' } = {}) {
  const json = { applicationId: app, permissions, subject, ...(topics ? { topics } : {}) };
  const res = await api(srv.url, 'POST', '/auth/token', { json });
  assertJson(res, 200);
  return res.body.token;
}

/** `/socket.io/?EIO=4&transport=polling&…`; a param given as null is left out. */
export function eioPath(params = {}, base = '/socket.io/') {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ EIO: '4', transport: 'polling', ...params })) if (v != null) q.set(k, String(v));
  return `${base}?${q}`;
}

/** One fetch to the Engine.IO endpoint (`path`, default /socket.io/): {status, text, headers}. */
export async function eioFetch(srv, params, { method = 'GET', body, headers = {}, signal, path } = {}) {
  const res = await fetch(srv.url + eioPath(params, path), { method, body, headers, signal: signal ?? AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A 400 with the Engine.IO JSON error body {code, message} (and that code, when given). */
export function assertEioError(r, code) {
  assert.equal(r.status, 400, `expected 400, got ${r.status} ${r.text}`);
  const body = JSON.parse(r.text);
  assert.equal(typeof body.message, 'string', r.text);
  if (code !== undefined) assert.equal(body.code, code, r.text);
}

/** Packets of a polling payload minus pings (a short heartbeat may slip one in). */
export const withoutPings = (packets) => packets.filter((p) => p !== '2');

/** Polling handshake; asserts a 200 open packet and returns {sid, hs}. */
export async function pollOpen(srv, params = {}) {
  const r = await eioFetch(srv, params);
  assert.equal(r.status, 200, `handshake: ${r.status} ${r.text}`);
  assert.equal(r.text[0], '0', `handshake must be an open packet: ${r.text}`);
  const hs = JSON.parse(r.text.slice(1));
  return { sid: hs.sid, hs };
}

/** GET on a polling session: {status, text, packets} (packets split on the record separator). */
export async function pollGet(srv, sid, opts) {
  const r = await eioFetch(srv, { sid }, opts);
  return { ...r, packets: r.status === 200 ? r.text.split(RS) : [] };
}

/** POST `packets` (an array, joined with the separator, or a string) on a polling session. */
export function pollPost(srv, sid, packets, opts = {}) {
  const body = Array.isArray(packets) ? packets.join(RS) : packets;
  return eioFetch(srv, { sid }, { ...opts, method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8', ...opts.headers } });
}

/** Messages in arrival order; next(pred) consumes the first match or waits for it. */
export class Inbox {
  constructor() { this.pending = []; this.all = []; this.waiters = []; this.endedWith = null; }
  push(m) { this.all.push(m); this.pending.push(m); this.#wake(); }
  end(info) { this.endedWith = info; this.#wake(); }
  #wake() { for (const w of [...this.waiters]) w(); }
  #wait(check, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      let timer;
      const done = (fn) => { clearTimeout(timer); this.waiters.splice(this.waiters.indexOf(run), 1); fn(); };
      const run = () => {
        const r = check();
        if (r !== undefined) done(() => resolve(r));
        else if (this.endedWith) done(() => reject(new Error(`closed (${show(this.endedWith)}) while waiting for ${what}; pending: ${show(this.pending)}`)));
      };
      timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms; pending: ${show(this.pending)}`))), timeoutMs);
      this.waiters.push(run);
      run();
    });
  }
  next(pred = () => true, timeoutMs = 5000, what = 'matching message') {
    return this.#wait(() => {
      const i = this.pending.findIndex((m) => pred(m));
      return i < 0 ? undefined : this.pending.splice(i, 1)[0];
    }, timeoutMs, what);
  }
  /** Consume and return every pending message matching pred. */
  take(pred = () => true) {
    const out = this.pending.filter((m) => pred(m));
    this.pending = this.pending.filter((m) => !out.includes(m));
    return out;
  }
}

/** ws://…/socket.io/?EIO=4&transport=websocket&… */
export function eioWsUrl(srv, params = {}, base = '/socket.io/') {
  return srv.url.replace(/^http/, 'ws') + eioPath({ transport: 'websocket', ...params }, base);
}

/**
 * A raw Engine.IO WebSocket: text messages arrive as strings, binary ones as Buffers.
 * With autoPong, every ping "2" is answered with "3" (and not queued). opts.path: the endpoint
 * (default /socket.io/).
 */
export class EioWs {
  constructor(ws, { autoPong = false } = {}) {
    this.ws = ws;
    this.autoPong = autoPong;
    this.inbox = new Inbox();
    this.pings = 0;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => { const info = { code, reason: reason.toString() }; this.inbox.end(info); resolve(info); });
    });
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const m = isBinary ? Buffer.from(data) : data.toString();
      if (m === '2') { this.pings++; if (this.autoPong) { this.send('3'); return; } }
      this.inbox.push(m);
    });
  }

  static open(srv, params = {}, opts = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(eioWsUrl(srv, params, opts.path), { handshakeTimeout: 5000, headers: opts.headers });
      const c = new EioWs(ws, opts);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  get isOpen() { return this.ws.readyState === WebSocket.OPEN; }
  send(data) { this.ws.send(data); }
  next(pred, timeoutMs, what) { return this.inbox.next(pred, timeoutMs, what); }
  /** The next text message equal to `text` or starting with `prefix`. */
  nextText(prefix, timeoutMs = 5000) {
    return this.inbox.next((m) => typeof m === 'string' && m.startsWith(prefix), timeoutMs, `a message starting with ${show(prefix)}`);
  }
  /** Resolves with the close info, or fails if still open after timeoutMs. */
  async expectClosed(timeoutMs = 3000) {
    let timer;
    const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`still open after ${timeoutMs} ms; pending: ${show(this.inbox.pending)}`)), timeoutMs); });
    try { return await Promise.race([this.closed, t]); } finally { clearTimeout(timer); }
  }
  close() { if (this.ws.readyState <= WebSocket.OPEN) this.ws.terminate(); }
}

/** A WebSocket Engine.IO session: opens it and reads the open packet. Resolves {eio, hs}. */
export async function wsOpen(srv, params = {}, opts = {}) {
  const eio = await EioWs.open(srv, params, opts);
  const open = await eio.nextText('0');
  return { eio, hs: JSON.parse(open.slice(1)) };
}

/** Parse a Socket.IO text packet of type ACK/EVENT/CONNECT…: {type, nsp, id, data}. */
export function parseSio(text) {
  const m = /^4(\d)(\d+-)?(\/[^,]*,)?(\d*)(.*)$/s.exec(text);
  assert.ok(m, `not a Socket.IO message: ${show(text)}`);
  return { type: Number(m[1]), nsp: m[3] ? m[3].slice(0, -1) : '/', id: m[4] === '' ? undefined : Number(m[4]), data: m[5] === '' ? undefined : JSON.parse(m[5]) };
}

/** A raw Socket.IO v5 client on the `/` namespace over a raw Engine.IO WebSocket. */
export class RawSio {
  constructor(eio, sid) { this.eio = eio; this.sid = sid; this.ackSeq = 0; }

  /** Open a WebSocket session, send CONNECT with `auth` ({token} by default), expect `40{"sid"}`. */
  static async connect(srv, token, { params = {}, auth } = {}) {
    const { eio } = await wsOpen(srv, params, { autoPong: true });
    eio.send(`40${JSON.stringify(auth ?? { token })}`);
    const reply = await eio.nextText('4');
    assert.match(reply, /^40\{"sid":"[^"]+"\}$/, `CONNECT reply: ${reply}`);
    return new RawSio(eio, JSON.parse(reply.slice(2)).sid);
  }

  /** Emit with an ack id and return the parsed ack arguments (an array). */
  async emitAck(name, ...args) {
    const id = ++this.ackSeq;
    this.eio.send(`42${id}${JSON.stringify([name, ...args])}`);
    const ack = await this.eio.next((m) => typeof m === 'string' && m.startsWith(`43${id}[`), 5000, `the ack ${id} of ${name}`);
    return parseSio(ack).data;
  }

  /** The next `42["event",{…}]` whose RealtimeEvent matches pred; returns the event. */
  async nextEvent(pred = () => true, timeoutMs = 5000) {
    const m = await this.eio.next((x) => typeof x === 'string' && x.startsWith('42[') && pred(JSON.parse(x.slice(2))[1]), timeoutMs, 'an event');
    const [name, ev] = JSON.parse(m.slice(2));
    assert.equal(name, 'event', m);
    return ev;
  }

  close() { this.eio.close(); }
}

/**
 * Connect the official socket.io-client to `srv` (forceNew, no reconnection unless given).
 * Resolves with the socket once connected; rejects with the connect_error. Every `event`
 * (RealtimeEvent) it receives is queued in `socket.inbox`, every `presence` in `socket.presence`.
 */
export function ioConnect(srv, { token, transports = ['websocket'], auth, ...opts } = {}) {
  const socket = io(srv.url, { auth: auth ?? { token }, transports, forceNew: true, reconnection: false, timeout: 5000, ...opts });
  socket.inbox = new Inbox();
  socket.presence = new Inbox();
  socket.on('event', (ev) => socket.inbox.push(ev));
  socket.on('presence', (ev) => socket.presence.push(ev));
  return new Promise((resolve, reject) => {
    // The first connection only: a connect_error during a later reconnection must not close the socket.
    const failed = (err) => { socket.close(); reject(err); };
    socket.once('connect', () => { socket.off('connect_error', failed); resolve(socket); });
    socket.once('connect_error', failed);
  });
}

/** Track sockets (socket.io-client or RawSio/EioWs) so `after` can close them all. */
export function socketPool() {
  const open = [];
  return {
    add(s) { open.push(s); return s; },
    closeAll() { for (const s of open.splice(0)) { try { s.close(); } catch { /* gone */ } } },
  };
}

/** Wait `ms`, then assert that nothing pending in `inbox` matches `pred` (and consume it). */
export async function expectNothing(inbox, pred = () => true, ms = 300, what = 'message') {
  await sleep(ms);
  const extra = inbox.take(pred);
  assert.equal(extra.length, 0, `unexpected ${what}: ${show(extra)}`);
}

/** Poll `fn` until it returns a truthy value (returned) or fail after timeoutMs with `what`. */
export async function eventually(fn, { timeoutMs = 5000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${show(last instanceof Error ? last.message : last)}`);
    await sleep(intervalMs);
  }
}

/** A throwaway redis-server on a free port: {url, stop()}; rejects if it does not come up. */
export async function startRedis() {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((r) => proc.on('exit', r));
  const up = () => new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
    c.on('error', () => resolve(false));
  });
  const stop = async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); await exited; };
  for (let i = 0; i < 50; i++) {
    if (await up()) return { url: `redis://127.0.0.1:${port}`, stop };
    await sleep(100);
  }
  await stop();
  throw new Error('redis-server did not start');
}
