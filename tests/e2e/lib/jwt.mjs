// JWT helpers for the auth e2e tests: hand-made tokens (node:crypto only) and the
// `realtime token` CLI, run against a server's own data directory.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { api, runOnce } from './server.mjs';
import { assertError, assertJson } from './expect.mjs';

export const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
export const nowSec = () => Math.floor(Date.now() / 1000);

/** Decode a compact JWT without verifying it: {header, claims}. */
export function decode(token) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), claims: JSON.parse(Buffer.from(p, 'base64url')) };
}

/** Sign `claims` with HMAC (`hash` sha256 for HS256) over `secret` (the string's UTF-8 bytes). */
export function sign(header, claims, secret, hash = 'sha256') {
  const input = `${b64url(header)}.${b64url(claims)}`;
  return `${input}.${crypto.createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** Claims the server accepts for an admin of the default application, valid for 10 minutes. */
export const adminClaims = (extra = {}) => ({
  aud: 'default', iss: 'realtime', iat: nowSec(), exp: nowSec() + 600, permissions: ['admin'], ...extra,
});

/**
 * `realtime token ARGS` with the environment of `srv` (its data dir, plus `env`, e.g. JWT_SECRET).
 * Asserts exit 0 and exactly one JWT line on stdout; returns the token.
 */
export async function cliToken(srv, args, env = {}) {
  const r = await runOnce(['token', ...args], { REALTIME_DATA_DIR: srv.dataDir, ...env });
  const what = `realtime token ${args.join(' ')} -> ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  assert.equal(r.code, 0, what);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `expected one line on stdout; ${what}`);
  assert.match(lines[0], /^[\w-]+\.[\w-]+\.[\w-]+$/, `not a JWT; ${what}`);
  return lines[0];
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** `keys` of `obj` only (for one deepEqual over several claims or fields). */
export const pick = (obj, keys) => Object.fromEntries(keys.map((k) => [k, obj?.[k]]));

/** POST /auth/verify on `srv` answers 200 {valid:true, claims}; returns the claims. */
export async function assertValid(srv, token) {
  const r = await api(srv.url, 'POST', '/auth/verify', { json: { token } });
  assertJson(r, 200);
  assert.equal(r.body.valid, true, r.text);
  assert.equal(typeof r.body.claims, 'object', r.text);
  return r.body.claims;
}

/** `token` is refused: 401 {error:"UnauthorizedError", valid:false} on /auth/verify and 401 as a Bearer token. */
export async function assertRejected(srv, token) {
  const v = await api(srv.url, 'POST', '/auth/verify', { json: { token } });
  assertError(v, 401, 'UnauthorizedError');
  assert.equal(v.body.valid, false, v.text);
  assertError(await api(srv.url, 'GET', '/api/admin/keys', { headers: bearer(token) }), 401, 'UnauthorizedError');
}
