// Token lifetime on the client side, against an in-process socket.io server that speaks the
// platform's token events (docs/protocol.md, "Token lifetime"): setToken sends `auth` on an open
// connection instead of reconnecting, tokenProvider refreshes ahead of expiry, a server-side
// revocation is reported and (with a provider) followed by one reconnect with a fresh token,
// and an `unsubscribed` notice drops the subscription. The real server is covered by
// tests/e2e/token_lifetime.test.mjs.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeClient, RealtimeError } from '../../src/index.node.js';

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** An unsigned JWT-shaped token (the SDK only decodes it) expiring in `ms`. */
const jwt = (sub: string, ms: number) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp: Math.floor((Date.now() + ms) / 1000) })}.sig`;

interface Seen {
  handshakes: string[];
  auths: string[];
  sockets: ServerSocket[];
}

let http: HttpServer;
let io: Server;
let url: string;
let seen: Seen;
/** How the server answers `auth` (default: accept). */
let answerAuth: (token: string) => object;
const clients: RealtimeClient[] = [];

beforeEach(async () => {
  seen = { handshakes: [], auths: [], sockets: [] };
  answerAuth = () => ({ ok: true });
  http = createServer();
  io = new Server(http);
  io.on('connection', (socket) => {
    seen.handshakes.push(String(socket.handshake.auth?.token));
    seen.sockets.push(socket);
    socket.on('auth', (msg: { token: string }, ack: (r: object) => void) => {
      seen.auths.push(msg.token);
      ack(answerAuth(msg.token));
    });
    socket.on('subscribe', (msg: { topic: string }, ack: (r: object) => void) => ack({ subscriptionId: `srv_${msg.topic}`, topic: msg.topic }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  clients.splice(0).forEach((c) => c.destroy());
  await new Promise<void>((r) => io.close(() => r()));
});

function client(extra: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}): RealtimeClient {
  const c = new RealtimeClient({ url, token: jwt('first', 600_000), transports: ['websocket'], reconnectionDelay: 50, ...extra });
  clients.push(c);
  return c;
}
const connected = (c: RealtimeClient) => vi.waitFor(() => expect(c.state).toBe('connected'), { timeout: 5000 });
const errorsOf = (c: RealtimeClient) => {
  const errors: RealtimeError[] = [];
  c.on('error', (e) => errors.push(e));
  return errors;
};

describe('setToken', () => {
  it('on an open connection sends auth on the same socket, without reconnecting', async () => {
    const c = client();
    await connected(c);
    const socketId = c.socketId;
    const fresh = jwt('second', 600_000);
    await c.setTokenWithAck(fresh);
    expect(seen.auths).toEqual([fresh]);
    expect(seen.handshakes).toHaveLength(1);
    expect(c.socketId).toBe(socketId);
    expect(c.token).toBe(fresh);
    c.setToken(jwt('third', 600_000)); // fire-and-forget variant
    await vi.waitFor(() => expect(seen.auths).toHaveLength(2));
    expect(seen.handshakes).toHaveLength(1);
  });

  it('while disconnected only replaces the token for the next handshake', async () => {
    const c = client({ autoConnect: false });
    const fresh = jwt('second', 600_000);
    await c.setTokenWithAck(fresh);
    c.connect();
    await connected(c);
    expect(seen.auths).toEqual([]);
    expect(seen.handshakes).toEqual([fresh]);
  });

  it('a refusal rejects (or goes to error) and the connection stays', async () => {
    answerAuth = () => ({ error: { code: 'FORBIDDEN', message: 'The new token is for application other' } });
    const c = client();
    const errors = errorsOf(c);
    await connected(c);
    await expect(c.setTokenWithAck(jwt('x', 600_000))).rejects.toMatchObject({ code: 'FORBIDDEN', operation: 'auth' });
    c.setToken(jwt('y', 600_000));
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['FORBIDDEN']));
    expect(c.state).toBe('connected');
    expect(seen.handshakes).toHaveLength(1);
  });
});

describe('tokenProvider', () => {
  it('refreshes ahead of expiry on the open connection', async () => {
    const fresh = jwt('refreshed', 600_000);
    const provider = vi.fn(() => fresh);
    const c = client({ token: jwt('short', 2500), tokenProvider: provider, tokenRefreshThresholdMs: 1000 });
    await connected(c);
    await vi.waitFor(() => expect(seen.auths).toEqual([fresh]), { timeout: 5000 });
    expect(provider).toHaveBeenCalledTimes(1);
    expect(seen.handshakes).toHaveLength(1);
    expect(c.token).toBe(fresh);
  });
});

describe('server-side revocation', () => {
  const revoke = (message: string) => {
    const s = seen.sockets.at(-1)!;
    s.emit('error', { code: 'UNAUTHORIZED', message });
    s.disconnect(true);
  };

  it('is reported; without a provider the client stays disconnected', async () => {
    const c = client();
    const errors = errorsOf(c);
    await connected(c);
    revoke('token expired');
    await vi.waitFor(() => expect(c.state).toBe('disconnected'));
    expect(errors.map((e) => [e.code, e.message])).toEqual([['UNAUTHORIZED', 'Disconnected by the server: token expired']]);
    expect(seen.handshakes).toHaveLength(1);
  });

  it('with a provider, reconnects once with a fresh token and resubscribes', async () => {
    const fresh = jwt('fresh', 600_000);
    const c = client({ tokenProvider: () => fresh });
    await connected(c);
    await c.subscribeWithAck({ topic: 't' });
    revoke('signing key revoked');
    await vi.waitFor(() => expect(seen.handshakes).toHaveLength(2));
    expect(seen.handshakes[1]).toBe(fresh);
    await connected(c);
    await vi.waitFor(() => expect(c.subscriptions).toEqual([{ id: 'sub_1', topic: 't', serverId: 'srv_t', active: true }]));
  });
});

describe('notices', () => {
  it('an unsubscribed notice drops the subscription and reports SUBSCRIPTION_REVOKED', async () => {
    const c = client();
    const errors = errorsOf(c);
    await connected(c);
    await c.subscribeWithAck({ topic: 'chat:1' });
    await c.subscribeWithAck({ topic: 'orders' });
    seen.sockets[0]!.emit('unsubscribed', { subscriptionId: 'srv_chat:1', topic: 'chat:1', reason: "Token's topics do not allow 'chat:1'" });
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['SUBSCRIPTION_REVOKED']));
    expect(errors[0]).toMatchObject({ subscriptionId: 'sub_1', topic: 'chat:1' });
    expect(c.subscriptions.map((s) => s.topic)).toEqual(['orders']);
  });
});
