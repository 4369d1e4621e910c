/**
 * HMAC-SHA256 for the webhook receiver on two engines:
 * - synchronous, with Node's `crypto` (registered by the package's Node entry point, or found
 *   through `process.getBuiltinModule` on Node >= 20.16);
 * - asynchronous, with WebCrypto (`globalThis.crypto.subtle`: browsers, Deno, Bun, edge
 *   runtimes, Node >= 19), falling back to Node's `crypto` where WebCrypto is missing.
 */

/** The subset of `node:crypto` the receiver uses. */
export interface NodeCryptoLike {
  createHmac(algorithm: 'sha256', key: string): { update(data: string | Uint8Array): { digest(encoding: 'hex'): string } };
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

let nodeCrypto: NodeCryptoLike | null | undefined;

/** Register (or, with `null`, disable) the Node crypto implementation. Internal. */
export function setNodeCrypto(impl: NodeCryptoLike | null): void {
  nodeCrypto = impl;
}

/** Node's crypto if this runtime has it, else null. */
export function getNodeCrypto(): NodeCryptoLike | null {
  if (nodeCrypto === undefined) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const found = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule('node:crypto') : undefined;
    nodeCrypto = (found as NodeCryptoLike | undefined) ?? null;
  }
  return nodeCrypto;
}

const encoder = new TextEncoder();

/** The bytes that are signed: `${timestamp}.${rawBody}`. */
export function signedContent(timestamp: string, body: string | Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${timestamp}.`);
  const rest = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(prefix.length + rest.length);
  out.set(prefix, 0);
  out.set(rest, prefix.length);
  return out;
}

/** Lower-case hex HMAC-SHA256 of `content` with Node's crypto. Throws if Node's crypto is absent. */
export function hmacHexSync(secret: string, content: Uint8Array): string {
  const c = getNodeCrypto();
  if (!c) {
    throw new Error(
      'Synchronous webhook verification needs node:crypto, which this runtime lacks; use verifyAsync() / verifyWebhookAsync() (WebCrypto) instead',
    );
  }
  return c.createHmac('sha256', secret).update(content).digest('hex');
}

/** Lower-case hex HMAC-SHA256 of `content`, with WebCrypto when present, else Node's crypto. */
export async function hmacHexAsync(secret: string, content: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (!subtle) return hmacHexSync(secret, content);
  const key = await subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await subtle.sign('HMAC', key, content as BufferSource));
  let hex = '';
  for (const b of mac) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Constant-time equality of two ASCII strings (hex digests): the time taken depends only on
 * the lengths, never on where they differ. Uses Node's `timingSafeEqual` when available.
 */
export function timingSafeEqualString(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.length !== y.length) return false;
  const c = getNodeCrypto();
  if (c) return c.timingSafeEqual(x, y);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
