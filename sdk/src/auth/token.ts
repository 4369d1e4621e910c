/**
 * JWT inspection helpers. They decode tokens without verifying signatures (only the server
 * can do that, with `POST /auth/verify`): use them to decide when to refresh, never to
 * authorize. All are synchronous and work in Node.js, browsers and edge runtimes.
 */
import { base64UrlDecode } from './base64url.js';

/** Claims of a Realtime Platform token. */
export interface TokenClaims {
  /** Subject (user or service id). */
  sub?: string;
  /** Audience: the application id. */
  aud?: string | string[];
  /** Issuer (`realtime`). */
  iss?: string;
  /** Expiration time, seconds since the epoch. */
  exp?: number;
  /** Issued-at time, seconds since the epoch. */
  iat?: number;
  /** Not-before time, seconds since the epoch. */
  nbf?: number;
  /** Signing key id (normally in the header; copied here when only the header has it). */
  kid?: string;
  /** Granted permissions, e.g. `["subscribe", "publish"]` or `["admin"]`. */
  permissions?: string[];
  /** Environment the token is scoped to. */
  env?: string;
  /** Topic patterns the token is limited to. */
  topics?: string[];
  [claim: string]: unknown;
}

/** Default window before expiry in which `shouldRefreshToken` says yes: 5 minutes. */
export const DEFAULT_REFRESH_THRESHOLD_MS = 5 * 60 * 1000;

/**
 * Decode a JWT's claims without verifying it. `kid` is taken from the header when the
 * payload has none. Throws a `TypeError` if `token` is not a well-formed JWT.
 */
export function decodeToken(token: string): TokenClaims {
  if (typeof token !== 'string') throw new TypeError('decodeToken: token must be a string');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '') {
    throw new TypeError('decodeToken: not a JWT (expected three base64url parts separated by dots)');
  }
  const header = parseJsonPart(parts[0]!, 'header');
  const claims = parseJsonPart(parts[1]!, 'payload') as TokenClaims;
  if (claims.kid === undefined && typeof header.kid === 'string') claims.kid = header.kid;
  return claims;
}

/**
 * True if the token's `exp` has passed (or passes within `leewayMs`). A token without `exp`
 * never expires; a malformed token counts as expired.
 */
export function isTokenExpired(token: string, leewayMs = 0): boolean {
  const expiresAt = expiryMs(token);
  if (expiresAt === null) return true;
  return Date.now() + leewayMs >= expiresAt;
}

/**
 * Milliseconds until the token expires: 0 if it has expired or is malformed, `Infinity` if
 * it has no `exp`.
 */
export function getTokenExpiresIn(token: string): number {
  const expiresAt = expiryMs(token);
  if (expiresAt === null) return 0;
  return Math.max(0, expiresAt - Date.now());
}

/**
 * True if the token expires within `thresholdMs` (default 5 minutes), has expired, or is
 * malformed: time to get a new one.
 */
export function shouldRefreshToken(token: string, thresholdMs: number = DEFAULT_REFRESH_THRESHOLD_MS): boolean {
  return getTokenExpiresIn(token) <= thresholdMs;
}

/** `exp` in ms, Infinity without `exp`, null when the token cannot be decoded. */
function expiryMs(token: string): number | null {
  let claims: TokenClaims;
  try {
    claims = decodeToken(token);
  } catch {
    return null;
  }
  if (claims.exp === undefined) return Infinity;
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return null;
  return claims.exp * 1000;
}

function parseJsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(base64UrlDecode(part));
  } catch {
    throw new TypeError(`decodeToken: the ${what} is not base64url-encoded JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`decodeToken: the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
