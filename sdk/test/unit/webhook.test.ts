import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createWebhookSignature,
  createWebhookSignatureAsync,
  verifyWebhook,
  verifyWebhookAsync,
  WebhookReceiver,
  WebhookVerificationError,
  type WebhookEvent,
  type WebhookHeaders,
} from '../../src/index.node.js';
import { getNodeCrypto, setNodeCrypto, timingSafeEqualString, type NodeCryptoLike } from '../../src/webhook/crypto.js';

const SECRET = 'whsec_test_secret';
const NOW = 1_710_000_000_000;

// The delivery payload of spec/23-api-webhooks.md, serialized by "the platform".
const EVENT = {
  id: 'evt_a1b2c3d4',
  topic: 'session.status',
  source: 'database',
  type: 'database.update',
  payload: { sessionId: 'abc123', status: 'active' },
  metadata: { timestamp: 1710000000000, table: 'sessions', operation: 'update' },
};
const BODY = JSON.stringify(EVENT);

/** The signature header, computed independently of the SDK with node:crypto. */
function sign(body: string | Buffer, t: number | string = NOW, secret = SECRET): string {
  const mac = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${mac}`;
}
const headers = (signature: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'x-webhook-signature': signature,
  'x-webhook-timestamp': String(NOW),
  ...extra,
});

type Verify = (body: string | Uint8Array, h: WebhookHeaders, options?: { toleranceMs?: number; secret?: string }) => Promise<WebhookEvent>;

// Every behaviour is checked on all four entry points: class and function, sync and async.
const variants: Array<[string, Verify]> = [
  ['WebhookReceiver.verify', async (b, h, o = {}) => new WebhookReceiver(o.secret ?? SECRET, o).verify(b, h)],
  ['WebhookReceiver.verifyAsync', (b, h, o = {}) => new WebhookReceiver(o.secret ?? SECRET, o).verifyAsync(b, h)],
  ['verifyWebhook', async (b, h, o = {}) => verifyWebhook(b, h, o.secret ?? SECRET, o)],
  ['verifyWebhookAsync', (b, h, o = {}) => verifyWebhookAsync(b, h, o.secret ?? SECRET, o)],
];

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('WebhookVerificationError');
    expect((err as Error).message.length).toBeGreaterThan(0);
    return (err as WebhookVerificationError).code;
  }
  throw new Error('expected a WebhookVerificationError');
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe.each(variants)('%s', (_name, verify) => {
  it('accepts a delivery signed as the platform signs it and returns the event', async () => {
    const result = await verify(BODY, headers(sign(BODY)));
    expect(result).toEqual({ event: EVENT, timestamp: NOW, rawBody: BODY });
    expect(result.event.topic).toBe('session.status');
  });

  it('finds the header in any case, as an array, or in a Fetch Headers object', async () => {
    const sig = sign(BODY);
    for (const name of ['X-Webhook-Signature', 'x-webhook-signature', 'X-WEBHOOK-SIGNATURE']) {
      expect((await verify(BODY, { [name]: sig })).event.id).toBe('evt_a1b2c3d4');
    }
    expect((await verify(BODY, { 'x-webhook-signature': [sig] })).event.id).toBe('evt_a1b2c3d4');
    expect((await verify(BODY, new Headers({ 'X-Webhook-Signature': sig }))).event.id).toBe('evt_a1b2c3d4');
  });

  it('verifies raw bytes (a Buffer body) over the exact bytes', async () => {
    const body = Buffer.from(JSON.stringify({ ...EVENT, payload: { name: 'Zoë ✓' } }));
    const result = await verify(body, headers(sign(body)));
    expect(result.event.payload).toEqual({ name: 'Zoë ✓' });
    expect(result.rawBody).toBe(body.toString('utf8'));
  });

  it('tolerates spaces around the header parts and accepts any matching v1 of several', async () => {
    const good = sign(BODY).split(',')[1]!;
    const other = `v1=${'0'.repeat(64)}`;
    expect((await verify(BODY, { 'x-webhook-signature': ` t=${NOW} , ${other} , ${good} ` })).timestamp).toBe(NOW);
    expect((await verify(BODY, { 'x-webhook-signature': `t=${NOW},${good.toUpperCase().replace('V1=', 'v1=')}` })).timestamp).toBe(NOW);
  });

  it('MISSING_SIGNATURE: no X-Webhook-Signature header, or an empty one', async () => {
    expect(await codeOf(verify(BODY, { 'content-type': 'application/json' }))).toBe('MISSING_SIGNATURE');
    expect(await codeOf(verify(BODY, {}))).toBe('MISSING_SIGNATURE');
    expect(await codeOf(verify(BODY, { 'x-webhook-signature': '' }))).toBe('MISSING_SIGNATURE');
    expect(await codeOf(verify(BODY, { 'x-webhook-signature': undefined }))).toBe('MISSING_SIGNATURE');
    expect(await codeOf(verify(BODY, new Headers()))).toBe('MISSING_SIGNATURE');
  });

  it.each([
    ['no parts', 'garbage'],
    ['t only', `t=${NOW}`],
    ['v1 only', `v1=${'a'.repeat(64)}`],
    ['non-numeric t', `t=yesterday,v1=${'a'.repeat(64)}`],
    ['non-hex v1', `t=${NOW},v1=not-hex!`],
    ['empty v1', `t=${NOW},v1=`],
    ['other scheme only', `t=${NOW},v0=${'a'.repeat(64)}`],
  ])('INVALID_SIGNATURE_FORMAT: %s', async (_what, value) => {
    expect(await codeOf(verify(BODY, { 'x-webhook-signature': value }))).toBe('INVALID_SIGNATURE_FORMAT');
  });

  it('TIMESTAMP_EXPIRED: an authentic delivery older or newer than 5 minutes', async () => {
    const old = NOW - 300_001;
    expect(await codeOf(verify(BODY, headers(sign(BODY, old))))).toBe('TIMESTAMP_EXPIRED');
    const future = NOW + 300_001;
    expect(await codeOf(verify(BODY, headers(sign(BODY, future))))).toBe('TIMESTAMP_EXPIRED');
    // At the edge of the window it is still accepted.
    expect((await verify(BODY, headers(sign(BODY, NOW - 300_000)))).timestamp).toBe(NOW - 300_000);
  });

  it('TIMESTAMP_EXPIRED with a custom toleranceMs', async () => {
    const t = NOW - 31_000;
    expect(await codeOf(verify(BODY, headers(sign(BODY, t)), { toleranceMs: 30_000 }))).toBe('TIMESTAMP_EXPIRED');
    expect((await verify(BODY, headers(sign(BODY, t)), { toleranceMs: 60_000 })).timestamp).toBe(t);
  });

  it('TIMESTAMP_EXPIRED follows the clock (a replay later is refused)', async () => {
    const h = headers(sign(BODY));
    expect((await verify(BODY, h)).timestamp).toBe(NOW);
    vi.setSystemTime(NOW + 5 * 60_000 + 1);
    expect(await codeOf(verify(BODY, h))).toBe('TIMESTAMP_EXPIRED');
  });

  it('SIGNATURE_MISMATCH: wrong secret, tampered or re-serialized body, changed timestamp, truncated signature', async () => {
    expect(await codeOf(verify(BODY, headers(sign(BODY, NOW, 'whsec_other'))))).toBe('SIGNATURE_MISMATCH');
    expect(await codeOf(verify(BODY.replace('active', 'ended'), headers(sign(BODY))))).toBe('SIGNATURE_MISMATCH');
    expect(await codeOf(verify(JSON.stringify(EVENT, null, 2), headers(sign(BODY))))).toBe('SIGNATURE_MISMATCH');
    const mac = sign(BODY).split('v1=')[1]!;
    expect(await codeOf(verify(BODY, { 'x-webhook-signature': `t=${NOW + 1},v1=${mac}` }))).toBe('SIGNATURE_MISMATCH');
    expect(await codeOf(verify(BODY, { 'x-webhook-signature': `t=${NOW},v1=${mac.slice(0, 63)}` }))).toBe('SIGNATURE_MISMATCH');
    expect(await codeOf(verify(BODY, { 'x-webhook-signature': `t=${NOW},v1=${mac}00` }))).toBe('SIGNATURE_MISMATCH');
  });

  it('SIGNATURE_MISMATCH is checked before the timestamp: a forged old delivery is a mismatch', async () => {
    expect(await codeOf(verify(BODY, headers(sign(BODY, NOW - 3_600_000, 'whsec_other'))))).toBe('SIGNATURE_MISMATCH');
  });

  it.each([
    ['not JSON', 'not json {'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"evt"'],
    ['null', 'null'],
    ['no id', JSON.stringify({ ...EVENT, id: undefined })],
    ['no topic', JSON.stringify({ ...EVENT, topic: undefined })],
    ['a non-string id', JSON.stringify({ ...EVENT, id: 42 })],
  ])('INVALID_PAYLOAD: a correctly signed body that is %s', async (_what, body) => {
    expect(await codeOf(verify(body, headers(sign(body))))).toBe('INVALID_PAYLOAD');
  });

  it('INVALID_PAYLOAD: a parsed object instead of the raw body', async () => {
    expect(await codeOf(verify(EVENT as unknown as string, headers(sign(BODY))))).toBe('INVALID_PAYLOAD');
  });
});

describe('WebhookReceiver options', () => {
  it('rejects an empty secret and a bad tolerance', () => {
    expect(() => new WebhookReceiver('')).toThrow(TypeError);
    expect(() => new WebhookReceiver(SECRET, { toleranceMs: -1 })).toThrow(TypeError);
    expect(() => new WebhookReceiver(SECRET, { toleranceMs: Number.NaN })).toThrow(TypeError);
  });

  it('defaults to a 5-minute tolerance', async () => {
    const r = new WebhookReceiver(SECRET);
    expect(r.verify(BODY, headers(sign(BODY, NOW - 299_000))).timestamp).toBe(NOW - 299_000);
    expect(await codeOf(Promise.resolve().then(() => r.verify(BODY, headers(sign(BODY, NOW - 301_000)))))).toBe('TIMESTAMP_EXPIRED');
  });
});

describe('createWebhookSignature', () => {
  it('produces the header the platform sends (checked with node:crypto)', async () => {
    expect(createWebhookSignature(BODY, SECRET, NOW)).toBe(sign(BODY));
    expect(await createWebhookSignatureAsync(BODY, SECRET, NOW)).toBe(sign(BODY));
    expect(createWebhookSignature(BODY, SECRET)).toBe(sign(BODY, NOW));
  });
});

describe('constant-time comparison', () => {
  let saved: NodeCryptoLike | null;
  beforeEach(() => {
    saved = getNodeCrypto();
  });
  afterEach(() => setNodeCrypto(saved));

  it('compares digests with crypto.timingSafeEqual on Node', () => {
    const spy = vi.fn((a: Uint8Array, b: Uint8Array) => timingSafeEqual(a, b));
    setNodeCrypto({ createHmac: (alg, key) => createHmac(alg, key), timingSafeEqual: spy });
    expect(new WebhookReceiver(SECRET).verify(BODY, headers(sign(BODY))).event.id).toBe('evt_a1b2c3d4');
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]!;
    expect(a.length).toBe(64);
    expect(b.length).toBe(64);
  });

  it('the portable comparison is correct without Node crypto', () => {
    setNodeCrypto(null);
    expect(timingSafeEqualString('abcdef', 'abcdef')).toBe(true);
    expect(timingSafeEqualString('abcdef', 'abcdeF')).toBe(false);
    expect(timingSafeEqualString('abcdef', 'bbcdef')).toBe(false);
    expect(timingSafeEqualString('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualString('', '')).toBe(true);
  });
});

describe('without Node crypto (browsers, edge runtimes)', () => {
  let saved: NodeCryptoLike | null;
  beforeEach(() => {
    saved = getNodeCrypto();
    setNodeCrypto(null);
    // Node 18 has WebCrypto but not as a global, as browsers do.
    if (!(globalThis as { crypto?: Crypto }).crypto?.subtle) vi.stubGlobal('crypto', webcrypto);
  });
  afterEach(() => {
    setNodeCrypto(saved);
    vi.unstubAllGlobals();
  });

  it('verifyAsync works on WebCrypto alone, with every error code', async () => {
    const r = new WebhookReceiver(SECRET);
    expect((await r.verifyAsync(BODY, headers(sign(BODY)))).event).toEqual(EVENT);
    expect(await codeOf(r.verifyAsync(BODY, {}))).toBe('MISSING_SIGNATURE');
    expect(await codeOf(r.verifyAsync(BODY, { 'x-webhook-signature': 'x' }))).toBe('INVALID_SIGNATURE_FORMAT');
    expect(await codeOf(r.verifyAsync(BODY, headers(sign(BODY, NOW - 600_000))))).toBe('TIMESTAMP_EXPIRED');
    expect(await codeOf(r.verifyAsync(BODY + ' ', headers(sign(BODY))))).toBe('SIGNATURE_MISMATCH');
    expect(await codeOf(r.verifyAsync('{}', headers(sign('{}'))))).toBe('INVALID_PAYLOAD');
    expect(await createWebhookSignatureAsync(BODY, SECRET, NOW)).toBe(sign(BODY));
  });

  it('the synchronous verify says to use verifyAsync', () => {
    expect(() => new WebhookReceiver(SECRET).verify(BODY, headers(sign(BODY)))).toThrow(/verifyAsync/);
    expect(() => createWebhookSignature(BODY, SECRET)).toThrow(/node:crypto/);
  });
});
