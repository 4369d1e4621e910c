/**
 * Shared pieces of the integration tests: the packed SDK (as installed from the tarball), the
 * server they run against (the real `realtime` binary, started per describe block; there is no
 * stand-in server), clients, and waiting on positive signals.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';
import { cliToken, startRealtime, useBinary } from './realtime-server.js';

export type Sdk = typeof import('../../src/index.node.js');
type RealtimeClient = InstanceType<Sdk['RealtimeClient']>;
type ClientOptions = ConstructorParameters<Sdk['RealtimeClient']>[0];

/** The SDK as an application gets it: `import '@smarterservices/realtime'` in the consumer project. */
export async function loadSdk(): Promise<Sdk> {
  const entry = path.join(inject('consumerDir'), 'entry.mjs');
  return (await import(pathToFileURL(entry).href)) as Sdk;
}

export interface Target {
  url: string;
  /** An admin token (`realtime token --permissions admin`) of the default application. */
  adminToken: string;
  /** A token of the default application with these permissions (and subject). */
  token(permissions: string[], subject?: string, expiresIn?: number): Promise<string>;
  /** Stop the server and start it again on the same port (and data). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startTarget(env: Record<string, string> = {}): Promise<Target> {
  useBinary(inject('realtimeBin'));
  const srv = await startRealtime({ env });
  const admin = await cliToken(srv.dataDir, 'admin');
  return {
    url: srv.url,
    adminToken: admin,
    async token(permissions, subject, expiresIn) {
      const res = await fetch(`${srv.url}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ applicationId: 'default', permissions, ...(subject ? { subject } : {}), ...(expiresIn ? { expiresIn } : {}) }),
      });
      const body = (await res.json()) as { token?: string };
      if (res.status !== 200 || !body.token) throw new Error(`POST /auth/token -> ${res.status} ${JSON.stringify(body)}`);
      return body.token;
    },
    restart: () => srv.restart(),
    stop: () => srv.stop(),
  };
}

export interface Ctx {
  sdk: Sdk;
  target: Target;
  /** A RealtimeClient on the target (websocket transport, fast reconnection), destroyed after the test. */
  client(options?: Partial<ClientOptions> & { permissions?: string[]; subject?: string }): Promise<RealtimeClient>;
  /** Same, and wait until it is connected. */
  connectedClient(options?: Partial<ClientOptions> & { permissions?: string[]; subject?: string }): Promise<RealtimeClient>;
}

/**
 * `describe` tests against the real binary (REALTIME_BIN, default build/bin/realtime), one
 * server per block (started with `options.env` added to its environment). The global setup has
 * already failed the run if the binary is absent or lacks a route the tests use, so nothing here
 * is ever skipped.
 */
export function describeBinary(title: string, body: (ctx: Ctx) => void, options: { env?: Record<string, string> } = {}): void {
  describe(title, () => {
    const clients: RealtimeClient[] = [];
    const ctx = {} as Ctx;
    beforeAll(async () => {
      ctx.sdk = await loadSdk();
      ctx.target = await startTarget(options.env);
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.destroy();
    });
    afterAll(async () => {
      for (const c of clients.splice(0)) c.destroy();
      await ctx.target?.stop();
    });
    ctx.client = async ({ permissions = ['subscribe', 'publish'], subject, ...options } = {}) => {
      const token = options.token ?? (await ctx.target.token(permissions, subject));
      const c = new ctx.sdk.RealtimeClient({ url: ctx.target.url, token, transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500, ...options });
      clients.push(c);
      return c;
    };
    ctx.connectedClient = async (options) => {
      const c = await ctx.client(options);
      await waitForState(c, 'connected');
      return c;
    };
    body(ctx);
  });
}

export function waitForState(client: RealtimeClient, state: string, timeoutMs = 10_000): Promise<void> {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const errors: string[] = [];
    const onError = (e: { code: string; message: string }) => errors.push(`${e.code}: ${e.message}`);
    const onChange = ({ state: s }: { state: string }) => {
      if (s !== state) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`state '${state}' not reached within ${timeoutMs} ms (now '${client.state}'); errors: ${errors.join('; ') || 'none'}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      client.off('connection', onChange);
      client.off('error', onError);
    };
    client.on('connection', onChange);
    client.on('error', onError);
  });
}

/** The next `name` event on `client` that satisfies `pred`. */
export function nextEvent<T = any>(client: RealtimeClient, name: string, pred: (v: T) => boolean = () => true, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const handler = (v: T) => {
      if (!pred(v)) return;
      clearTimeout(timer);
      client.off(name, handler);
      resolve(v);
    };
    const timer = setTimeout(() => {
      client.off(name, handler);
      reject(new Error(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(name, handler);
  });
}

/** Everything `client` receives on `name` from now on. */
export function collect<T = any>(client: RealtimeClient, name: string): T[] {
  const seen: T[] = [];
  client.on(name, (v: T) => seen.push(v));
  return seen;
}

/**
 * For a negative check: `pub` publishes a marker on `topic` (which `receiver` must already be
 * subscribed to) and this waits until `receiver` has it. Events reach a receiver in the order one
 * publisher sent them, so anything `pub` sent earlier (that should not arrive) would have arrived
 * before the marker. Marker events carry payload.marker; `isMarker` filters them out.
 */
export async function marker(pub: RealtimeClient, receiver: RealtimeClient, topic: string): Promise<void> {
  const id = `m${Math.random().toString(36).slice(2)}`;
  const got = nextEvent(receiver, 'event', (e: any) => e.topic === topic && e.payload?.marker === id);
  await pub.publishWithAck(topic, { marker: id });
  await got;
}
export const isMarker = (e: any): boolean => typeof e?.payload?.marker === 'string';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Poll `check` until it returns true (or time out with `what`). */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
