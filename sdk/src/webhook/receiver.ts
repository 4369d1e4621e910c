/**
 * Verification of webhook deliveries from the Realtime Platform.
 *
 * The platform sends `X-Webhook-Signature: t=<ms>,v1=<hex>` where `<hex>` is the lower-case
 * hex HMAC-SHA256, keyed with the endpoint's secret, of `${t}.${rawBody}`.
 *
 * Sync vs async: `WebhookReceiver.verify()`, `verifyWebhook()` and `createWebhookSignature()`
 * are synchronous and need Node's `crypto` (Node.js, Bun, Deno). `verifyAsync()`,
 * `verifyWebhookAsync()` and `createWebhookSignatureAsync()` return promises and use WebCrypto,
 * so they also work in browsers and edge runtimes (Cloudflare Workers, Vercel Edge).
 */
import type { RealtimeEvent } from '../types.js';
import { hmacHexAsync, hmacHexSync, signedContent, timingSafeEqualString } from './crypto.js';

/** Machine-readable reasons a delivery is rejected. */
export type WebhookVerificationErrorCode =
  | 'MISSING_SIGNATURE'
  | 'INVALID_SIGNATURE_FORMAT'
  | 'TIMESTAMP_EXPIRED'
  | 'SIGNATURE_MISMATCH'
  | 'INVALID_PAYLOAD';

/** Thrown when a webhook delivery fails verification; `code` says why. */
export class WebhookVerificationError extends Error {
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

/** Options of `WebhookReceiver` and `verifyWebhook`. */
export interface WebhookReceiverOptions {
  /** Maximum age (either direction) of the signature timestamp, in ms. Default 300000 (5 min). */
  toleranceMs?: number;
}

/** A verified delivery. */
export interface WebhookEvent {
  /** The verified and parsed RealtimeEvent. */
  event: RealtimeEvent;
  /** Timestamp (ms) from the signature header. */
  timestamp: number;
  /** The raw body string that was verified. */
  rawBody: string;
}

/**
 * Request headers: a plain object such as Express's / Node's `req.headers` (names in any case,
 * values string or string[]), or a Fetch API `Headers` object.
 */
export type WebhookHeaders = Record<string, string | string[] | undefined> | { get(name: string): string | null };

/** The raw request body: the exact string (or bytes) received. */
export type WebhookBody = string | Uint8Array;

export const SIGNATURE_HEADER = 'x-webhook-signature';
export const DEFAULT_TOLERANCE_MS = 300_000;

/** Verifies deliveries for one endpoint secret. Create one per secret and reuse it. */
export class WebhookReceiver {
  readonly #secret: string;
  readonly #toleranceMs: number;

  constructor(secret: string, options: WebhookReceiverOptions = {}) {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new TypeError('WebhookReceiver: secret must be a non-empty string');
    }
    const tolerance = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
    if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
      throw new TypeError('WebhookReceiver: toleranceMs must be a number >= 0');
    }
    this.#secret = secret;
    this.#toleranceMs = tolerance;
  }

  /**
   * Verify a delivery and return its event. Synchronous; needs Node's `crypto` (use
   * `verifyAsync` in browsers and edge runtimes). Throws `WebhookVerificationError`.
   */
  verify(body: WebhookBody, headers: WebhookHeaders): WebhookEvent {
    const req = parseRequest(body, headers);
    const expected = hmacHexSync(this.#secret, signedContent(req.t, req.body));
    return this.#finish(req, expected);
  }

  /** Same as `verify`, with WebCrypto: works in every runtime. Rejects with `WebhookVerificationError`. */
  async verifyAsync(body: WebhookBody, headers: WebhookHeaders): Promise<WebhookEvent> {
    const req = parseRequest(body, headers);
    const expected = await hmacHexAsync(this.#secret, signedContent(req.t, req.body));
    return this.#finish(req, expected);
  }

  #finish(req: ParsedRequest, expected: string): WebhookEvent {
    // Compare against every v1 entry (several are sent while a secret rotates); no early exit.
    let match = false;
    for (const sig of req.signatures) match = timingSafeEqualString(expected, sig.toLowerCase()) || match;
    if (!match) {
      throw new WebhookVerificationError(
        'SIGNATURE_MISMATCH',
        'Webhook signature does not match: wrong secret, or the body was modified (verify the raw body, not re-serialized JSON)',
      );
    }
    const age = Math.abs(Date.now() - req.timestamp);
    if (!(age <= this.#toleranceMs)) {
      throw new WebhookVerificationError(
        'TIMESTAMP_EXPIRED',
        `Webhook timestamp ${req.timestamp} is ${age} ms away from now, outside the ${this.#toleranceMs} ms tolerance`,
      );
    }
    return { event: parseEvent(req.rawBody), timestamp: req.timestamp, rawBody: req.rawBody };
  }
}

/** One-off verification: `new WebhookReceiver(secret, options).verify(body, headers)`. Synchronous (Node's `crypto`). */
export function verifyWebhook(
  body: WebhookBody,
  headers: WebhookHeaders,
  secret: string,
  options?: WebhookReceiverOptions,
): WebhookEvent {
  return new WebhookReceiver(secret, options).verify(body, headers);
}

/** One-off verification with WebCrypto; works in every runtime. */
export function verifyWebhookAsync(
  body: WebhookBody,
  headers: WebhookHeaders,
  secret: string,
  options?: WebhookReceiverOptions,
): Promise<WebhookEvent> {
  return new WebhookReceiver(secret, options).verifyAsync(body, headers);
}

/**
 * The `X-Webhook-Signature` value the platform would send for `body` at `timestamp` (ms):
 * for tests of your own webhook handler. Synchronous (Node's `crypto`).
 */
export function createWebhookSignature(body: WebhookBody, secret: string, timestamp: number = Date.now()): string {
  const t = String(Math.trunc(timestamp));
  return `t=${t},v1=${hmacHexSync(secret, signedContent(t, body))}`;
}

/** `createWebhookSignature` with WebCrypto; works in every runtime. */
export async function createWebhookSignatureAsync(
  body: WebhookBody,
  secret: string,
  timestamp: number = Date.now(),
): Promise<string> {
  const t = String(Math.trunc(timestamp));
  return `t=${t},v1=${await hmacHexAsync(secret, signedContent(t, body))}`;
}

interface ParsedRequest {
  /** The timestamp exactly as it appears in the header (it is what was signed). */
  t: string;
  timestamp: number;
  signatures: string[];
  /** The body as received (what was signed after `${t}.`). */
  body: string | Uint8Array;
  rawBody: string;
}

function parseRequest(body: WebhookBody, headers: WebhookHeaders): ParsedRequest {
  let rawBody: string;
  let bytes: string | Uint8Array;
  if (typeof body === 'string') {
    rawBody = bytes = body;
  } else if (body !== null && typeof body === 'object' && ArrayBuffer.isView(body)) {
    bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    rawBody = new TextDecoder().decode(bytes);
  } else {
    throw new WebhookVerificationError(
      'INVALID_PAYLOAD',
      `Webhook body must be the raw request body (string or bytes), got ${body === null ? 'null' : typeof body}: ` +
        'parse the request as text (e.g. express.text({ type: "application/json" })), not JSON',
    );
  }
  const header = readHeader(headers, SIGNATURE_HEADER);
  if (header === undefined || header.trim() === '') {
    throw new WebhookVerificationError('MISSING_SIGNATURE', 'The X-Webhook-Signature header is missing');
  }
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === 'v1' && /^[0-9a-fA-F]+$/.test(value)) signatures.push(value);
  }
  if (t === undefined || !/^\d{1,16}$/.test(t) || signatures.length === 0) {
    throw new WebhookVerificationError(
      'INVALID_SIGNATURE_FORMAT',
      'The X-Webhook-Signature header is not in the format t=<timestamp ms>,v1=<hex HMAC-SHA256>',
    );
  }
  return { t, timestamp: Number(t), signatures, body: bytes, rawBody };
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const h = headers as { get?: unknown };
  if (typeof h.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) return value[0];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function parseEvent(rawBody: string): RealtimeEvent {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw new WebhookVerificationError('INVALID_PAYLOAD', 'The webhook body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WebhookVerificationError('INVALID_PAYLOAD', 'The webhook body is not a JSON object');
  }
  const event = value as Partial<RealtimeEvent>;
  const missing = (['id', 'topic'] as const).filter((k) => typeof event[k] !== 'string' || event[k] === '');
  if (missing.length > 0) {
    throw new WebhookVerificationError('INVALID_PAYLOAD', `The webhook body is missing RealtimeEvent field(s): ${missing.join(', ')}`);
  }
  return event as RealtimeEvent;
}
