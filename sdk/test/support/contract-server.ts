/**
 * A test double of the platform server, in Node, implementing the Socket.IO contract and the
 * sync REST API the SDK is written against (docs/protocol.md, spec/21-api-sync.md, and the
 * Socket.IO event contract of the C++ gateway). The integration suite runs against it and
 * against the real binary; the double lets the SDK be tested while (or if) the binary lacks a
 * feature, and makes the contract explicit. It is deliberately small, not a second server.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';

type Json = Record<string, any>;
interface Claims { sub: string; aud: string; iss: string; iat: number; exp: number; permissions: string[] }
interface Sub { id: string; topic: string; filter?: Json; returnMode: 'full' | 'diff' | 'both' }
interface Member { socketId: string; subject: string; joinedAt: number }
interface Doc { service: string; id: string; revision: number; data: Json; createdAt: number; updatedAt: number; deleted?: boolean }

const SECRET = 'contract-double-secret';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
let seq = 0;
const newId = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}${(++seq).toString(16)}`;

export function signToken(permissions: string[], subject = 'anonymous', ttlSec = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'double' })}.${b64({ sub: subject, aud: 'default', iss: 'realtime', iat: now, exp: now + ttlSec, permissions })}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

function verifyToken(token: unknown): Claims | null {
  if (typeof token !== 'string') return null;
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) return null;
  const mac = Buffer.from(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'));
  const got = Buffer.from(s);
  if (mac.length !== got.length || !timingSafeEqual(mac, got)) return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Claims;
  return claims.exp * 1000 > Date.now() ? claims : null;
}

const can = (c: Claims, what: 'subscribe' | 'publish' | 'documents') => {
  const p = c.permissions;
  if (p.includes('admin') || p.includes('service')) return true;
  if (what === 'subscribe') return p.includes('subscribe') || p.includes('client');
  if (what === 'publish') return p.includes('publish');
  return false;
};

function lookup(payload: Json, path: string): unknown {
  let v: unknown = payload;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Json)[k];
  }
  return v;
}

function validFilter(filter: unknown): boolean {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return false;
  return Object.values(filter).every((c) => c === null || typeof c !== 'object' || (Object.keys(c).join() === 'in' && Array.isArray((c as Json).in)));
}

function matches(filter: Json | undefined, payload: Json): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, cond]) => {
    const v = lookup(payload, k);
    if (cond !== null && typeof cond === 'object') return Array.isArray(cond.in) && cond.in.some((x: unknown) => x === v);
    return v === cond;
  });
}

function diff(before: Json, after: Json, prefix = ''): { added: Json; removed: string[]; changed: Json } {
  const out = { added: {} as Json, removed: [] as string[], changed: {} as Json };
  for (const k of Object.keys(after)) {
    const key = prefix + k;
    if (!(k in before)) out.added[key] = after[k];
    else if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out.changed[key] = { from: before[k], to: after[k] };
  }
  for (const k of Object.keys(before)) if (!(k in after)) out.removed.push(prefix + k);
  return out;
}

function deepMerge(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null && !Array.isArray(out[k])) out[k] = deepMerge(out[k], v);
    else out[k] = v;
  }
  return out;
}

export interface ContractServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stop and start again on the same port; documents survive, connections do not. */
  restart(): Promise<void>;
}

export async function startContractServer(port = 0): Promise<ContractServer> {
  const docs = new Map<string, Doc>();
  let running = await listen(port, docs);
  const actualPort = (running.http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    stop: () => running.close(),
    async restart() {
      await running.close();
      running = await listen(actualPort, docs);
    },
  };
}

async function listen(port: number, docs: Map<string, Doc>) {
  const server = http.createServer();
  const io = new Server(server, { serveClient: false, cors: { origin: true } });
  const subs = new Map<string, Sub[]>(); // socket id -> subscriptions
  const channels = new Map<string, Map<string, Member>>();
  const claimsOf = new Map<string, Claims>();

  const deliver = (event: Json, opts: { channelMembersExcept?: string } = {}) => {
    for (const socket of io.sockets.sockets.values()) {
      let sub = (subs.get(socket.id) ?? []).find((s) => s.topic === event.topic && matches(s.filter, event.payload));
      const member = opts.channelMembersExcept !== undefined && channels.get(event.topic)?.has(socket.id) && socket.id !== opts.channelMembersExcept;
      if (!sub && !member) continue;
      let out = event;
      if (event.source === 'sync' && sub) {
        const payload = { ...event.payload };
        if (sub.returnMode === 'full') delete payload.diff;
        if (sub.returnMode === 'diff') delete payload.data;
        out = { ...event, payload };
      } else if (event.source === 'sync') {
        const payload = { ...event.payload };
        delete payload.diff;
        out = { ...event, payload };
      }
      socket.emit('event', out);
    }
  };
  const socketEvent = (topic: string, type: string, data: unknown, metadata: Json = {}) => ({
    id: newId('evt'),
    topic,
    source: 'socket',
    type,
    payload: data !== null && typeof data === 'object' && !Array.isArray(data) ? data : { data },
    metadata: { timestamp: Date.now(), ...metadata },
  });
  const presence = (channel: string, type: string, m: Member, except?: string) => {
    const event = { id: newId('evt'), topic: `presence:${channel}`, source: 'socket', type, payload: { channel, ...m }, metadata: { timestamp: Date.now() } };
    for (const id of channels.get(channel)?.keys() ?? []) if (id !== except) io.sockets.sockets.get(id)?.emit('presence', event);
  };
  const leave = (socket: Socket, channel: string) => {
    const members = channels.get(channel);
    const m = members?.get(socket.id);
    if (!members || !m) return;
    members.delete(socket.id);
    if (members.size === 0) channels.delete(channel);
    presence(channel, 'presence.leave', m);
  };
  const fail = (ack: unknown, code: string, message: string) => typeof ack === 'function' && ack({ error: { code, message } });

  io.use((socket, next) => {
    const claims = verifyToken((socket.handshake.auth as Json)?.token);
    if (!claims) {
      const err = new Error('invalid or expired token') as Error & { data: unknown };
      err.data = { code: 'AUTH_FAILED' };
      next(err);
      return;
    }
    claimsOf.set(socket.id, claims);
    next();
  });

  io.on('connection', (socket) => {
    const claims = claimsOf.get(socket.id)!;
    subs.set(socket.id, []);
    socket.on('subscribe', (msg: Json, ack: (r: unknown) => void) => {
      if (!can(claims, 'subscribe')) return fail(ack, 'FORBIDDEN', 'subscribe needs the subscribe permission');
      if (typeof msg?.topic !== 'string' || !/^[\w.:@/-]{1,200}$/.test(msg.topic)) return fail(ack, 'INVALID_TOPIC', 'bad topic');
      if (msg.filter !== undefined && !validFilter(msg.filter)) return fail(ack, 'INVALID_FILTER', 'bad filter');
      if (msg.returnMode !== undefined && !['full', 'diff', 'both'].includes(msg.returnMode)) return fail(ack, 'INVALID_MESSAGE', 'bad returnMode');
      const sub: Sub = { id: newId('sub'), topic: msg.topic, filter: msg.filter, returnMode: msg.returnMode ?? 'full' };
      subs.get(socket.id)!.push(sub);
      ack({ subscriptionId: sub.id, topic: sub.topic });
    });
    socket.on('unsubscribe', (msg: Json, ack: (r: unknown) => void) => {
      const list = subs.get(socket.id)!;
      const i = list.findIndex((s) => s.id === msg?.subscriptionId);
      if (i < 0) return fail(ack, 'NOT_FOUND', 'no such subscription');
      list.splice(i, 1);
      ack({ ok: true });
    });
    socket.on('publish', (msg: Json, ack: (r: unknown) => void) => {
      if (!can(claims, 'publish')) return fail(ack, 'FORBIDDEN', 'publish needs the publish permission');
      if (msg?.payload === null || typeof msg?.payload !== 'object' || Array.isArray(msg.payload)) return fail(ack, 'INVALID_PAYLOAD', 'payload must be an object');
      const event = socketEvent(msg.topic, msg.type ?? 'socket.publish', msg.payload);
      deliver(event);
      ack({ id: event.id });
    });
    socket.on('join', (msg: Json, ack: (r: unknown) => void) => {
      if (typeof msg?.channel !== 'string' || msg.channel === '') return fail(ack, 'INVALID_MESSAGE', 'channel required');
      const members = channels.get(msg.channel) ?? new Map<string, Member>();
      channels.set(msg.channel, members);
      const m: Member = { socketId: socket.id, subject: claims.sub, joinedAt: Date.now() };
      const fresh = !members.has(socket.id);
      members.set(socket.id, members.get(socket.id) ?? m);
      ack({ ok: true, channel: msg.channel, members: [...members.values()] });
      if (fresh) presence(msg.channel, 'presence.join', m, socket.id);
    });
    socket.on('leave', (msg: Json, ack: (r: unknown) => void) => {
      leave(socket, msg?.channel);
      ack({ ok: true, channel: msg?.channel });
    });
    socket.on('channel:publish', (msg: Json, ack: (r: unknown) => void) => {
      if (!can(claims, 'publish')) return fail(ack, 'FORBIDDEN', 'publish needs the publish permission');
      const event = socketEvent(msg.channel, msg.event, msg.data);
      deliver(event, { channelMembersExcept: socket.id });
      ack({ id: event.id });
    });
    socket.on('direct', (msg: Json, ack: (r: unknown) => void) => {
      if (!can(claims, 'publish')) return fail(ack, 'FORBIDDEN', 'direct needs the publish permission');
      // Like the server, an unknown target is not an error (it may live on another instance).
      const event = socketEvent(`direct:${msg?.socketId}`, msg.event, msg.data, { from: socket.id });
      io.sockets.sockets.get(msg?.socketId)?.emit('event', event);
      ack({ ok: true, id: event.id });
    });
    socket.on('disconnect', () => {
      for (const channel of [...channels.keys()]) leave(socket, channel);
      subs.delete(socket.id);
      claimsOf.delete(socket.id);
    });
  });

  server.on('request', (req, res) => {
    if (req.url?.startsWith('/socket.io')) return; // Socket.IO answers these
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handleRest(req, res, body, docs, deliver));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    http: server,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function handleRest(req: http.IncomingMessage, res: http.ServerResponse, raw: string, docs: Map<string, Doc>, deliver: (e: Json) => void): void {
  const send = (status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (status: number, name: string, message: string, extra: Json = {}) => send(status, { error: name, message, ...extra });
  const url = new URL(req.url ?? '/', 'http://x');
  let body: Json = {};
  try {
    body = raw ? JSON.parse(raw) : {};
  } catch {
    return error(400, 'ValidationError', 'invalid JSON');
  }
  if (req.method === 'GET' && url.pathname === '/health') return send(200, { status: 'ok' });
  if (req.method === 'POST' && url.pathname === '/auth/token') {
    const perms: string[] = Array.isArray(body.permissions) ? body.permissions : [];
    const caller = verifyToken(req.headers.authorization?.replace(/^Bearer /, ''));
    if (!caller?.permissions.includes('admin') && perms.some((p) => p !== 'subscribe' && p !== 'publish')) {
      return error(401, 'UnauthorizedError', 'anonymous callers get subscribe/publish only');
    }
    const token = signToken(perms, body.subject ?? 'anonymous', body.expiresIn ?? 3600);
    return send(200, { token, expiresAt: Date.now() + 3_600_000 });
  }
  const m = /^\/api\/sync\/([^/]+)\/documents(?:\/([^/]+))?(\/merge|\/mutate)?$/.exec(url.pathname);
  if (!m) return error(404, 'NotFoundError', `no route ${req.method} ${url.pathname}`);
  const claims = verifyToken(req.headers.authorization?.replace(/^Bearer /, ''));
  if (!claims) return error(401, 'UnauthorizedError', 'missing or invalid token');
  if (!can(claims, 'documents')) return error(403, 'ForbiddenError', 'documents need the service permission');
  const service = decodeURIComponent(m[1]!);
  const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  const key = `${service}/${id}`;
  const publish = (doc: Doc, op: 'created' | 'updated' | 'deleted', before: Json) =>
    deliver({
      id: newId('evt'),
      topic: `sync.${service}.${op}`,
      source: 'sync',
      type: `document.${op}`,
      payload: { service, documentId: doc.id, revision: doc.revision, data: doc.data, diff: diff(before, doc.data) },
      metadata: { timestamp: Date.now(), revision: doc.revision, operation: op === 'created' ? 'create' : op === 'deleted' ? 'delete' : 'update' },
    });
  const view = ({ deleted, ...doc }: Doc) => (deleted ? { ...doc, deleted } : doc);

  if (id === undefined) {
    if (req.method === 'GET') return send(200, { documents: [...docs.values()].filter((d) => d.service === service && !d.deleted).map(view) });
    if (req.method !== 'POST') return error(405, 'MethodNotAllowedError', 'method not allowed');
    if (typeof body.data !== 'object' || body.data === null) return error(400, 'ValidationError', 'data must be an object');
    const docId = typeof body.id === 'string' ? body.id : newId('doc');
    if (docs.has(`${service}/${docId}`) && !docs.get(`${service}/${docId}`)!.deleted) return error(409, 'ConflictError', 'document exists', { currentRevision: docs.get(`${service}/${docId}`)!.revision });
    const now = Date.now();
    const doc: Doc = { service, id: docId, revision: 1, data: body.data, createdAt: now, updatedAt: now };
    docs.set(`${service}/${docId}`, doc);
    publish(doc, 'created', {});
    return send(201, view(doc));
  }
  const doc = docs.get(key);
  if (!doc || doc.deleted) return error(404, 'NotFoundError', `document not found: ${key}`);
  if (req.method === 'GET' && !m[3]) return send(200, view(doc));
  if (body.expectedRevision !== undefined && body.expectedRevision !== doc.revision) {
    return error(409, 'ConflictError', `revision mismatch: expected ${body.expectedRevision}, current ${doc.revision}`, { currentRevision: doc.revision });
  }
  const before = doc.data;
  if (req.method === 'PUT' && !m[3]) doc.data = body.data;
  else if (req.method === 'PATCH' && m[3] === '/merge') doc.data = deepMerge(doc.data, body.data);
  else if (req.method === 'POST' && m[3] === '/mutate') {
    if (Array.isArray(body.mutations)) {
      const next = structuredClone(doc.data);
      for (const mu of body.mutations) {
        const k = String(mu.path).replace(/^\//, '');
        if (mu.op === 'set') next[k] = mu.value;
        else if (mu.op === 'remove') delete next[k];
        else if (mu.op === 'increment') next[k] = (next[k] ?? 0) + mu.value;
      }
      doc.data = next;
    } else doc.data = { ...doc.data, ...body.mutations };
  } else if (req.method === 'DELETE' && !m[3]) {
    doc.deleted = true;
    doc.revision++;
    publish(doc, 'deleted', before);
    return send(200, view(doc));
  } else return error(405, 'MethodNotAllowedError', 'method not allowed');
  doc.revision++;
  doc.updatedAt = Date.now();
  publish(doc, 'updated', before);
  return send(200, view(doc));
}
