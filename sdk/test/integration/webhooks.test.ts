/**
 * Webhooks against the real binary: endpoints created through /api/webhooks deliver to local
 * node:http receivers, and every delivery is verified with the packed SDK's WebhookReceiver
 * (Standard Webhooks deliveries also with the official `standardwebhooks` package). Retries,
 * dead letters, activation, tenant isolation, the test ping and input validation are checked
 * through the receivers and the delivery logs. Negative checks ("never delivered") are proven
 * with a later delivery that did arrive, on FIFO endpoints (one at a time, in event order).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeBinary, sleep, until, type Ctx } from '../support/harness.js';
import { freePort } from '../support/realtime-server.js';

type Json = any;

interface Delivery {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The RealtimeEvent, as WebhookReceiver.verify returned it. */
  event: Json;
  /** The signature timestamp WebhookReceiver.verify returned. */
  timestamp: number;
  /** The status this receiver answered with. */
  status: number;
  /** When it arrived (Date.now()). */
  at: number;
}

/** A webhook receiver: verifies every request with the SDK's WebhookReceiver and records it. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  /** Requests that failed verification (answered 400): must stay empty. */
  readonly rejected: string[] = [];
  /** The status to answer the n-th verified request (1-based) with. */
  answer: (n: number) => number = () => 200;
  url = '';
  private server: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly verifier: { verify(body: string, headers: http.IncomingHttpHeaders): { event: Json; timestamp: number } }) {}

  listen(port = 0): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let status = 400;
        try {
          const { event, timestamp } = this.verifier.verify(rawBody, req.headers);
          status = req.method === 'POST' && req.url === '/hook' ? this.answer(this.deliveries.length + 1) : 404;
          this.deliveries.push({ headers: req.headers, rawBody, event, timestamp, status, at: Date.now() });
        } catch (e) {
          this.rejected.push(`${req.method} ${req.url}: ${(e as Error).message}`);
        }
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `status ${status}`);
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`;
        resolve(this.url);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  topics(): string[] {
    return this.deliveries.map((d) => d.event.topic);
  }

  /** The first delivery matching `pred`, waiting for it. */
  async next(pred: (d: Delivery) => boolean, what: string, timeoutMs = 15_000): Promise<Delivery> {
    await until(() => this.deliveries.some(pred), `${what} (got: ${this.topics().join(', ') || 'nothing'})`, timeoutMs);
    return this.deliveries.find(pred)!;
  }
}

interface Api {
  status: number;
  body: Json;
}

/** Everything the tests of one server share: REST calls, receivers and endpoints (cleaned up after each test). */
class Suite {
  /** A token of the default application that may manage webhooks, write documents and publish. */
  token = '';
  readonly receivers: Receiver[] = [];
  readonly endpoints: Array<{ id: string; token: string }> = [];

  constructor(private readonly ctx: Ctx) {}

  async call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Api> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? this.token}` };
    const init: RequestInit = { method, headers };
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    const res = await fetch(`${this.ctx.target.url}${path}`, init);
    const text = await res.text();
    let body: Json = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body };
  }

  async receiver(secret: string, port?: number): Promise<Receiver> {
    const r = new Receiver(new this.ctx.sdk.WebhookReceiver(secret) as never);
    this.receivers.push(r);
    await r.listen(port);
    return r;
  }

  async createEndpoint(spec: Record<string, unknown>, token = this.token): Promise<Json> {
    const res = await this.call('POST', '/api/webhooks', { token, body: spec });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    this.endpoints.push({ id: res.body.id, token });
    return res.body;
  }

  /** POST /api/events; the event's id. */
  async publish(topic: string, payload: Json, token = this.token): Promise<string> {
    const res = await this.call('POST', '/api/events', { token, body: { topic, payload } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id;
  }

  /** Poll GET /api/webhooks/logs/:id until `pred` holds for the log. */
  async log(id: string, pred: (log: Json) => boolean, what: string, timeoutMs = 15_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.call('GET', `/api/webhooks/logs/${id}`);
      if (res.status === 200 && pred(res.body)) return res.body;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer ${res.status} ${JSON.stringify(res.body)}`);
      await sleep(50);
    }
  }

  /** Poll GET /api/webhooks/logs?<query> until some log satisfies `pred`. */
  async findLog(query: string, pred: (log: Json) => boolean, what: string, timeoutMs = 15_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.call('GET', `/api/webhooks/logs?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const found = (res.body as Json[]).find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs: ${JSON.stringify(res.body)}`);
      await sleep(50);
    }
  }
}

function webhookSuite(ctx: Ctx): Suite {
  const s = new Suite(ctx);
  beforeAll(async () => {
    s.token = await ctx.target.token(['service', 'publish']);
  });
  afterEach(async () => {
    for (const e of s.endpoints.splice(0)) await s.call('DELETE', `/api/webhooks/${e.id}`, { token: e.token });
    const rs = s.receivers.splice(0);
    await Promise.all(rs.map((r) => r.close()));
    for (const r of rs) expect(r.rejected, 'requests that failed WebhookReceiver verification').toEqual([]);
  });
  return s;
}

const secret = () => `sec_${randomBytes(16).toString('hex')}`;
const uid = () => randomBytes(4).toString('hex');

describeBinary(
  'webhooks: deliveries verified with the SDK receiver',
  (ctx) => {
    const s = webhookSuite(ctx);

    it('a sync document update is delivered as a signed document.updated, logged delivered on attempt 1', async () => {
      const key = secret();
      const r = await s.receiver(key);
      const ep = await s.createEndpoint({ url: r.url, secret: key, events: ['document.updated'] });
      expect(ep).toMatchObject({ url: r.url, events: ['document.updated'], active: true, secret: key });
      expect(ep.id).toMatch(/^wh_/);

      const svc = `whdoc${uid()}`;
      const created = await s.call('POST', `/api/sync/${svc}/documents`, { body: { id: 'd1', data: { status: 'active', count: 1 } } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const put = await s.call('PUT', `/api/sync/${svc}/documents/d1`, { body: { data: { status: 'ended', count: 2 } } });
      expect(put.status, JSON.stringify(put.body)).toBe(200);

      const d = await r.next((x) => x.event.topic === `sync.${svc}.updated`, 'the document.updated delivery');
      expect(d.event).toMatchObject({
        topic: `sync.${svc}.updated`,
        source: 'sync',
        type: 'sync.updated',
        payload: { service: svc, documentId: 'd1', revision: 2, data: { status: 'ended', count: 2 } },
      });
      expect(d.event.id).toMatch(/^evt_/);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-webhook-endpoint-id']).toBe(ep.id);
      expect(d.headers['x-webhook-event']).toBe('document.updated');
      expect(d.headers['x-webhook-attempt']).toBe('1');
      expect(d.headers['x-webhook-timestamp']).toBe(String(d.timestamp));
      expect(Math.abs(Date.now() - d.timestamp)).toBeLessThan(60_000);
      expect(d.headers['webhook-signature']).toBeUndefined(); // realtime scheme only
      // verifyWebhook agrees, and a wrong secret or a modified body is refused.
      expect(ctx.sdk.verifyWebhook(d.rawBody, d.headers as never, key).event.id).toBe(d.event.id);
      expect(() => ctx.sdk.verifyWebhook(d.rawBody, d.headers as never, `${key}x`)).toThrow(ctx.sdk.WebhookVerificationError);
      expect(() => ctx.sdk.verifyWebhook(d.rawBody.replace('ended', 'ENDED'), d.headers as never, key)).toThrow(/does not match/);

      const deliveryId = String(d.headers['x-webhook-delivery-id']);
      expect(deliveryId).toMatch(/^log_/);
      const log = await s.log(deliveryId, (l) => l.status === 'delivered', 'the delivery logged as delivered');
      expect(log).toMatchObject({
        id: deliveryId,
        webhookId: ep.id,
        event: 'document.updated',
        url: r.url,
        statusCode: 200,
        success: true,
        attempts: 1,
        status: 'delivered',
        eventId: d.event.id,
        topic: `sync.${svc}.updated`,
      });
      expect(log.deliveredAt).toBeGreaterThan(0);
      expect(log.history).toHaveLength(1);
      expect(log.history[0]).toMatchObject({ attempt: 1, statusCode: 200 });
    });

    it('socket.message endpoints get published events; a topics endpoint only the matching ones', async () => {
      const [k1, k2] = [secret(), secret()];
      const all = await s.receiver(k1);
      const sessions = await s.receiver(k2);
      const epAll = await s.createEndpoint({ url: all.url, secret: k1, events: ['socket.message'] });
      const epSessions = await s.createEndpoint({ url: sessions.url, secret: k2, events: [], topics: ['session.*'], ordering: 'fifo' });
      expect(epSessions).toMatchObject({ events: [], topics: ['session.*'], ordering: 'fifo' });

      const chatId = await s.publish('chat.message', { text: 'hello' });
      const sessionId = await s.publish('session.started', { sessionId: 'abc123' });

      const chat = await all.next((d) => d.event.id === chatId, 'chat.message at the socket.message endpoint');
      expect(chat.event).toMatchObject({ topic: 'chat.message', source: 'socket', payload: { text: 'hello' } });
      expect(chat.headers['x-webhook-event']).toBe('socket.message');
      expect(chat.headers['x-webhook-endpoint-id']).toBe(epAll.id);
      await all.next((d) => d.event.id === sessionId, 'session.started at the socket.message endpoint');

      const got = await sessions.next((d) => d.event.id === sessionId, 'session.started at the session.* endpoint');
      expect(got.event).toMatchObject({ topic: 'session.started', payload: { sessionId: 'abc123' } });
      expect(got.headers['x-webhook-endpoint-id']).toBe(epSessions.id);
      // FIFO: chat.message, published first, would have arrived before session.started.
      expect(sessions.topics()).toEqual(['session.started']);
    });

    it('a receiver that is down: 6 attempts, dead; after a manual retry it is delivered; a delivered log cannot be retried', async () => {
      const key = secret();
      const port = await freePort(); // nobody listens: connection refused
      const url = `http://127.0.0.1:${port}/hook`;
      const ep = await s.createEndpoint({ url, secret: key, events: ['socket.message'] });
      const topic = `down.${uid()}`;
      const eventId = await s.publish(topic, { n: 1 });

      const dead = await s.findLog(`webhookId=${ep.id}`, (l) => l.eventId === eventId && l.status === 'dead', 'the delivery to become dead', 25_000);
      expect(dead).toMatchObject({ webhookId: ep.id, event: 'socket.message', topic, url, success: false, attempts: 6, status: 'dead' });
      expect(dead.history).toHaveLength(6);
      expect(dead.history.map((h: Json) => h.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const h of dead.history) expect(h.error, JSON.stringify(h)).toBeTruthy();
      const deadList = await s.call('GET', `/api/webhooks/logs?status=dead&webhookId=${ep.id}`);
      expect(deadList.body.map((l: Json) => l.id)).toContain(dead.id);

      const r = await s.receiver(key, port);
      const retry = await s.call('POST', `/api/webhooks/logs/${dead.id}/retry`);
      expect(retry.status, JSON.stringify(retry.body)).toBe(202);

      const d = await r.next((x) => x.event.id === eventId, 'the retried delivery');
      expect(d.event).toMatchObject({ topic, payload: { n: 1 } });
      expect(d.headers['x-webhook-delivery-id']).toBe(dead.id);
      expect(d.headers['x-webhook-endpoint-id']).toBe(ep.id);
      // The log goes on from the dead attempts (the repository's rule: attempt numbering continues).
      const log = await s.log(dead.id, (l) => l.status === 'delivered', 'the retried delivery logged as delivered');
      expect(log).toMatchObject({ success: true, statusCode: 200, eventId, attempts: 7, nextAttemptAt: null });
      expect(log.deliveredAt).toBeGreaterThan(0);
      expect(log.history).toHaveLength(7);
      expect(log.history[6]).toMatchObject({ attempt: 7, statusCode: 200 });

      const again = await s.call('POST', `/api/webhooks/logs/${dead.id}/retry`);
      expect(again.status).toBe(409);
      expect(typeof again.body.error).toBe('string');
      expect(r.deliveries.filter((x) => x.event.id === eventId)).toHaveLength(1);
    });

    it('a deactivated endpoint receives nothing; reactivated, it receives again', async () => {
      const [k1, k2] = [secret(), secret()];
      const paused = await s.receiver(k1);
      const witness = await s.receiver(k2);
      const topic = `toggle.${uid()}`;
      const ep = await s.createEndpoint({ url: paused.url, secret: k1, events: [], topics: [topic], ordering: 'fifo' });
      await s.createEndpoint({ url: witness.url, secret: k2, events: [], topics: [topic] });

      const off = await s.call('POST', `/api/webhooks/${ep.id}/deactivate`);
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect(off.body).toMatchObject({ id: ep.id, active: false });
      expect((await s.call('GET', `/api/webhooks/${ep.id}`)).body.active).toBe(false);

      const whileOff = await s.publish(topic, { phase: 'off' });
      await witness.next((d) => d.event.id === whileOff, 'the event at the active endpoint');

      const on = await s.call('POST', `/api/webhooks/${ep.id}/activate`);
      expect(on.status, JSON.stringify(on.body)).toBe(200);
      expect(on.body).toMatchObject({ id: ep.id, active: true });
      const whileOn = await s.publish(topic, { phase: 'on' });
      await paused.next((d) => d.event.id === whileOn, 'the event after reactivation');
      // FIFO: the earlier event would have come first.
      expect(paused.deliveries.map((d) => d.event.id)).toEqual([whileOn]);
      const logs = await s.call('GET', `/api/webhooks/logs?webhookId=${ep.id}`);
      expect(logs.body.map((l: Json) => l.eventId)).not.toContain(whileOff);
    });

    it("another application's endpoints never receive this application's events", async () => {
      const admin = ctx.target.adminToken;
      const app = await s.call('POST', '/api/applications', { token: admin, body: { name: `webhooks-b-${uid()}` } });
      expect(app.status, JSON.stringify(app.body)).toBe(201);
      const issued = await s.call('POST', '/auth/token', { token: admin, body: { applicationId: app.body.id, permissions: ['service', 'publish'] } });
      expect(issued.status, JSON.stringify(issued.body)).toBe(200);
      const tokenB: string = issued.body.token;

      const [kA, kB] = [secret(), secret()];
      const recvA = await s.receiver(kA);
      const recvB = await s.receiver(kB);
      const topic = `tenant.${uid()}`;
      const epA = await s.createEndpoint({ url: recvA.url, secret: kA, events: ['socket.message'] });
      const epB = await s.createEndpoint({ url: recvB.url, secret: kB, events: ['socket.message'], ordering: 'fifo' }, tokenB);
      expect(epB.applicationId).toBe(app.body.id);
      expect(epA.applicationId).toBe('default');

      const inA = await s.publish(topic, { app: 'A' });
      await recvA.next((d) => d.event.id === inA, "A's event at A's endpoint");
      const inB = await s.publish(topic, { app: 'B' }, tokenB);
      const atB = await recvB.next((d) => d.event.id === inB, "B's event at B's endpoint");
      expect(atB.headers['x-webhook-endpoint-id']).toBe(epB.id);
      // FIFO at B: A's event, published earlier, would have arrived first.
      expect(recvB.deliveries.map((d) => d.event.id)).toEqual([inB]);
      expect(recvA.deliveries.map((d) => d.event.id)).not.toContain(inB);

      // Neither application sees the other's endpoints or logs.
      expect((await s.call('GET', '/api/webhooks')).body.map((e: Json) => e.id)).not.toContain(epB.id);
      expect((await s.call('GET', `/api/webhooks/${epB.id}`)).status).toBe(404);
      expect((await s.call('GET', `/api/webhooks/${epA.id}`, { token: tokenB })).status).toBe(404);
      const logsB = await s.call('GET', '/api/webhooks/logs', { token: tokenB });
      expect(logsB.body.map((l: Json) => l.eventId)).not.toContain(inA);
    });

    it('POST /api/webhooks/:id/test sends a signed webhook.test ping, logged like a delivery', async () => {
      const key = secret();
      const r = await s.receiver(key);
      const ep = await s.createEndpoint({ url: r.url, secret: key, events: ['document.deleted'] });
      const res = await s.call('POST', `/api/webhooks/${ep.id}/test`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ success: true, statusCode: 200 });
      expect(res.body.deliveryId).toMatch(/^log_/);

      const d = await r.next((x) => x.event.topic === 'webhook.test', 'the webhook.test ping');
      expect(d.event.type).toBe('webhook.test');
      expect(d.headers['x-webhook-delivery-id']).toBe(res.body.deliveryId);
      expect(d.headers['x-webhook-endpoint-id']).toBe(ep.id);
      const log = await s.findLog('event=webhook.test', (l) => l.id === res.body.deliveryId, 'the test ping in the logs');
      expect(log).toMatchObject({ webhookId: ep.id, event: 'webhook.test', success: true, statusCode: 200, status: 'delivered' });
    });

    it('signatureScheme "standard": verified by the standardwebhooks package and by WebhookReceiver with the same whsec_ secret', async () => {
      const key = `whsec_${randomBytes(32).toString('base64')}`;
      const r = await s.receiver(key);
      const ep = await s.createEndpoint({ url: r.url, secret: key, events: ['socket.message'], signatureScheme: 'standard' });
      expect(ep.signatureScheme).toBe('standard');
      const topic = `std.${uid()}`;
      const eventId = await s.publish(topic, { standard: true, text: 'héllo ✓' });

      const d = await r.next((x) => x.event.id === eventId, 'the standard-scheme delivery'); // WebhookReceiver verified it
      const deliveryId = String(d.headers['x-webhook-delivery-id']);
      expect(d.headers['webhook-id']).toBe(deliveryId);
      expect(d.headers['webhook-timestamp']).toBe(String(Math.floor(d.timestamp / 1000)));
      expect(String(d.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      const std = {
        'webhook-id': String(d.headers['webhook-id']),
        'webhook-timestamp': String(d.headers['webhook-timestamp']),
        'webhook-signature': String(d.headers['webhook-signature']),
      };
      const verified = new Webhook(key).verify(d.rawBody, std);
      expect(verified).toEqual(JSON.parse(d.rawBody));
      expect(verified).toMatchObject({ id: eventId, topic, payload: { standard: true, text: 'héllo ✓' } });
      expect(() => new Webhook(key).verify(d.rawBody.replace('true', 'false'), std)).toThrow();
      expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(d.rawBody, std)).toThrow();
      expect(ctx.sdk.verifyWebhook(d.rawBody, d.headers as never, key).event).toEqual(verified);

      const bad = await s.call('POST', '/api/webhooks', { body: { url: r.url, secret: 'not-a-whsec-secret', events: ['socket.message'], signatureScheme: 'standard' } });
      expect(bad.status).toBe(400);
    });

    it('the secret is never returned after creation; bad input is a 400 JSON error; an unknown id is 404', async () => {
      const key = secret();
      const r = await s.receiver(key);
      const ep = await s.createEndpoint({ url: r.url, secret: key, events: ['document.updated'] });
      expect(ep.secret).toBe(key); // echoed once
      const list = await s.call('GET', '/api/webhooks');
      expect(list.status).toBe(200);
      const mine = (list.body as Json[]).find((e) => e.id === ep.id);
      expect(mine).toMatchObject({ id: ep.id, url: r.url, events: ['document.updated'], active: true });
      for (const e of list.body as Json[]) expect(e).not.toHaveProperty('secret');
      expect(JSON.stringify(list.body)).not.toContain(key);
      const one = await s.call('GET', `/api/webhooks/${ep.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: ep.id, url: r.url });
      expect(one.body).not.toHaveProperty('secret');
      expect(JSON.stringify(one.body)).not.toContain(key);

      const good = { url: r.url, secret: key, events: ['socket.message'] };
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['missing url', { secret: key, events: ['socket.message'] }, /url/i],
        ['ftp:// url', { ...good, url: 'ftp://example.com/hook' }, /url/i],
        ['unknown event type', { ...good, events: ['document.exploded'] }, /event/i],
        ['empty events', { ...good, events: [] }, /event/i],
        ['secret too short', { ...good, secret: 'short' }, /secret/i],
      ];
      for (const [what, body, field] of cases) {
        const res = await s.call('POST', '/api/webhooks', { body });
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(typeof res.body?.error, what).toBe('string');
        expect(res.body.message, what).toMatch(field);
      }
      const after = await s.call('GET', '/api/webhooks');
      expect(after.body).toHaveLength(list.body.length); // nothing was created

      for (const [method, path] of [
        ['GET', '/api/webhooks/wh_doesnotexist'],
        ['DELETE', '/api/webhooks/wh_doesnotexist'],
        ['POST', '/api/webhooks/wh_doesnotexist/activate'],
        ['POST', '/api/webhooks/wh_doesnotexist/deactivate'],
        ['POST', '/api/webhooks/wh_doesnotexist/test'],
        ['GET', '/api/webhooks/logs/log_doesnotexist'],
        ['POST', '/api/webhooks/logs/log_doesnotexist/retry'],
      ] as const) {
        const res = await s.call(method, path);
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(404);
        expect(typeof res.body?.error).toBe('string');
      }
    });
  },
  {
    env: {
      REALTIME_WEBHOOK_MAX_RETRIES: '5',
      REALTIME_WEBHOOK_RETRY_BASE_MS: '100',
      REALTIME_WEBHOOK_RETRY_MAX_MS: '400',
      REALTIME_WORKER_POLL_MS: '20',
    },
  },
);

const BASE_MS = 500;

describeBinary(
  'webhooks: retries back off exponentially',
  (ctx) => {
    const s = webhookSuite(ctx);

    it('500, 500, then 200: delivered on attempt 3, with growing gaps between attempts', async () => {
      const key = secret();
      const r = await s.receiver(key);
      r.answer = (n) => (n <= 2 ? 500 : 200);
      const ep = await s.createEndpoint({ url: r.url, secret: key, events: ['socket.message'] });
      const eventId = await s.publish(`flaky.${uid()}`, { n: 1 });

      const ok = await r.next((d) => d.event.id === eventId && d.status === 200, 'the successful third attempt');
      const attempts = r.deliveries.filter((d) => d.event.id === eventId);
      expect(attempts.map((d) => d.status)).toEqual([500, 500, 200]);
      expect(attempts.map((d) => d.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
      // One delivery id across the retries; each attempt signed afresh.
      expect(new Set(attempts.map((d) => d.headers['x-webhook-delivery-id'])).size).toBe(1);
      expect(attempts[2]!.timestamp).toBeGreaterThan(attempts[0]!.timestamp);
      const [g1, g2] = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
      // delay(n) = base·2^(n-1) + jitter[0, base): the first in [base, 2·base), the second in [2·base, 3·base).
      expect(g1).toBeGreaterThanOrEqual(BASE_MS);
      expect(g2).toBeGreaterThanOrEqual(2 * BASE_MS);
      expect(g2).toBeGreaterThan(g1);

      const log = await s.log(String(ok.headers['x-webhook-delivery-id']), (l) => l.status === 'delivered', 'the log to show delivered');
      expect(log).toMatchObject({ webhookId: ep.id, eventId, success: true, statusCode: 200, attempts: 3, status: 'delivered' });
      expect(log.history).toHaveLength(3);
      expect(log.history.map((h: Json) => h.statusCode)).toEqual([500, 500, 200]);
      expect(log.history.map((h: Json) => h.attempt)).toEqual([1, 2, 3]);
      const at = log.history.map((h: Json) => h.at as number);
      expect(at[1] - at[0]).toBeGreaterThanOrEqual(BASE_MS);
      expect(at[2] - at[1]).toBeGreaterThan(at[1] - at[0]);
    });
  },
  {
    env: {
      REALTIME_WEBHOOK_MAX_RETRIES: '5',
      REALTIME_WEBHOOK_RETRY_BASE_MS: String(BASE_MS),
      REALTIME_WEBHOOK_RETRY_MAX_MS: '60000',
      REALTIME_WORKER_POLL_MS: '10',
    },
  },
);
