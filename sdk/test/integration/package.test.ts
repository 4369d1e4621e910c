// The tarball as installed in .pack/consumer: both module formats, the browser bundles.
import { createHmac, webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { describe, expect, inject, it } from 'vitest';
import { loadSdk } from '../support/harness.js';

const consumer = () => inject('consumerDir');
const installed = () => path.join(consumer(), 'node_modules', '@smarterservices', 'realtime');
const BODY = JSON.stringify({ id: 'evt_1', topic: 'session.status', source: 'database', type: 'row.update', payload: {}, metadata: { timestamp: 1 } });
const sig = (t: number) => `t=${t},v1=${createHmac('sha256', 'whsec_x').update(`${t}.${BODY}`).digest('hex')}`;

describe('the installed package', () => {
  it('is a copy of the tarball with package.json metadata an application needs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed(), 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@smarterservices/realtime');
    expect(Object.keys(pkg.dependencies)).toEqual(['socket.io-client']);
    expect(fs.lstatSync(installed()).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed(), 'test'))).toBe(false);
  });

  it('loads with import (ESM) and require (CommonJS); sync webhook verification works on Node in both', async () => {
    const esm = await loadSdk();
    const cjs = createRequire(path.join(consumer(), 'package.json'))('@smarterservices/realtime') as typeof esm;
    for (const sdk of [esm, cjs]) {
      const t = Date.now();
      expect(sdk.verifyWebhook(BODY, { 'X-Webhook-Signature': sig(t) }, 'whsec_x').event.id).toBe('evt_1');
      const client = new sdk.RealtimeClient({ url: 'http://127.0.0.1:9', token: 'x.y.z', autoConnect: false });
      expect(client.state).toBe('disconnected');
      expect(client.subscribe({ topic: 'a' })).toBe('sub_1');
      client.destroy();
      expect(new sdk.ConflictError('revision conflict')).toBeInstanceOf(sdk.RealtimeError);
    }
  });

  it('ships a self-contained browser bundle (IIFE global `Realtime`) that runs without Node built-ins', async () => {
    const code = fs.readFileSync(path.join(installed(), 'dist', 'browser', 'realtime.global.js'), 'utf8');
    expect(code).not.toMatch(/require\(["']node:/);
    const window: Record<string, unknown> = {
      TextEncoder, TextDecoder, atob, btoa, URL, URLSearchParams, setTimeout, clearTimeout, setInterval, clearInterval,
      crypto: globalThis.crypto ?? webcrypto, console, Promise, Uint8Array, ArrayBuffer, fetch, AbortController, Headers,
      location: { protocol: 'http:', hostname: 'localhost', port: '3000', href: 'http://localhost:3000/' },
      navigator: { userAgent: 'test' },
    };
    window.window = window;
    window.self = window;
    const ctx = vm.createContext(window);
    vm.runInContext(code, ctx);
    const Realtime = ctx.Realtime as Awaited<ReturnType<typeof loadSdk>>;
    expect(typeof Realtime.RealtimeClient).toBe('function');
    const claims = Realtime.decodeToken(`${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.sig`);
    expect(claims.sub).toBe('u1');
    const t = Date.now();
    const receiver = new Realtime.WebhookReceiver('whsec_x');
    expect((await receiver.verifyAsync(BODY, { 'x-webhook-signature': sig(t) })).event.id).toBe('evt_1');
    expect(() => receiver.verify(BODY, { 'x-webhook-signature': sig(t) })).toThrow(/verifyAsync/);
    const client = new Realtime.RealtimeClient({ url: 'http://localhost:3000', token: 'x.y.z', autoConnect: false });
    expect(client.subscribe({ topic: 't' })).toBe('sub_1');
    client.destroy();
  });

  it('ships an ES module browser bundle with the same exports', async () => {
    const esm = await import(pathToFileURL(path.join(installed(), 'dist', 'browser', 'realtime.esm.js')).href);
    const node = await loadSdk();
    expect(Object.keys(esm).sort()).toEqual(Object.keys(node).sort());
  });
});
