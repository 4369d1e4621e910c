import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeToken, DEFAULT_REFRESH_THRESHOLD_MS, getTokenExpiresIn, isTokenExpired, shouldRefreshToken } from '../../src/index.node.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A real HS256 JWT, signed independently with node:crypto. */
function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', kid: 'key_abc' }): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', 'secret-secret-secret').update(input).digest('base64url')}`;
}
const sec = (ms: number) => Math.floor(ms / 1000);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe('decodeToken', () => {
  it('returns the claims of a platform token, with kid from the header', () => {
    const claims = { sub: 'user123', aud: 'default', iss: 'realtime', iat: sec(NOW), exp: sec(NOW) + 3600, permissions: ['subscribe', 'publish'], topics: ['session.*'] };
    const decoded = decodeToken(jwt(claims));
    expect(decoded).toEqual({ ...claims, kid: 'key_abc' });
    expect(decoded.sub).toBe('user123');
  });

  it('keeps a kid claim from the payload', () => {
    expect(decodeToken(jwt({ sub: 'a', kid: 'from-payload' })).kid).toBe('from-payload');
  });

  it('decodes UTF-8 claims and unpadded base64url with - and _', () => {
    const token = jwt({ sub: 'Zoë ✓ ?>?>', n: '~~~' });
    expect(decodeToken(token).sub).toBe('Zoë ✓ ?>?>');
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['non-base64 payload', `${b64url({ alg: 'HS256' })}.***.sig`],
    ['non-JSON payload', `${b64url({ alg: 'HS256' })}.${b64url('not json')}.sig`],
    ['array payload', `${b64url({ alg: 'HS256' })}.${b64url([1, 2])}.sig`],
    ['non-JSON header', `${b64url('x')}.${b64url({ sub: 'a' })}.sig`],
  ])('throws a TypeError on a malformed token (%s)', (_what, token) => {
    expect(() => decodeToken(token)).toThrow(TypeError);
  });
});

describe('isTokenExpired', () => {
  it('is false before exp and true at and after exp', () => {
    expect(isTokenExpired(jwt({ exp: sec(NOW) + 10 }))).toBe(false);
    expect(isTokenExpired(jwt({ exp: sec(NOW) }))).toBe(true);
    expect(isTokenExpired(jwt({ exp: sec(NOW) - 10 }))).toBe(true);
  });

  it('honours a leeway', () => {
    expect(isTokenExpired(jwt({ exp: sec(NOW) + 10 }), 5_000)).toBe(false);
    expect(isTokenExpired(jwt({ exp: sec(NOW) + 10 }), 15_000)).toBe(true);
  });

  it('follows the clock', () => {
    const token = jwt({ exp: sec(NOW) + 60 });
    expect(isTokenExpired(token)).toBe(false);
    vi.advanceTimersByTime(61_000);
    expect(isTokenExpired(token)).toBe(true);
  });

  it('never expires without exp; a malformed token counts as expired', () => {
    expect(isTokenExpired(jwt({ sub: 'a' }))).toBe(false);
    expect(isTokenExpired('garbage')).toBe(true);
    expect(isTokenExpired(jwt({ exp: 'soon' }))).toBe(true);
  });
});

describe('getTokenExpiresIn', () => {
  it('is the time left in ms', () => {
    expect(getTokenExpiresIn(jwt({ exp: sec(NOW) + 3600 }))).toBe(3_600_000);
    vi.advanceTimersByTime(600_000);
    expect(getTokenExpiresIn(jwt({ exp: sec(NOW) + 3600 }))).toBe(3_000_000);
  });

  it('is 0 once expired or when malformed, Infinity without exp', () => {
    expect(getTokenExpiresIn(jwt({ exp: sec(NOW) - 1 }))).toBe(0);
    expect(getTokenExpiresIn('x.y.z')).toBe(0);
    expect(getTokenExpiresIn(jwt({ sub: 'a' }))).toBe(Infinity);
  });
});

describe('shouldRefreshToken', () => {
  it('says yes within 5 minutes of expiry by default', () => {
    expect(DEFAULT_REFRESH_THRESHOLD_MS).toBe(300_000);
    expect(shouldRefreshToken(jwt({ exp: sec(NOW) + 301 }))).toBe(false);
    expect(shouldRefreshToken(jwt({ exp: sec(NOW) + 300 }))).toBe(true);
    expect(shouldRefreshToken(jwt({ exp: sec(NOW) + 10 }))).toBe(true);
  });

  it('takes a custom threshold', () => {
    const token = jwt({ exp: sec(NOW) + 120 });
    expect(shouldRefreshToken(token, 60_000)).toBe(false);
    expect(shouldRefreshToken(token, 120_000)).toBe(true);
  });

  it('says yes for expired and malformed tokens, no for tokens without exp', () => {
    expect(shouldRefreshToken(jwt({ exp: sec(NOW) - 100 }))).toBe(true);
    expect(shouldRefreshToken('nope')).toBe(true);
    expect(shouldRefreshToken(jwt({ sub: 'a' }))).toBe(false);
  });
});
