// Helpers for the admin-identity e2e tests (identity_auth.test.mjs, identity_admin.test.mjs):
// first-time setup and logins, TOTP codes from `oathtool`, a local SMTP sink (Debian's
// python3-aiosmtpd writing a maildir), and a response recorder that checks that no answer holds a
// password hash, a TOTP secret or a token it should not hand out.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { api, freePort, tempDir } from './server.mjs';
import { assertJson } from './expect.mjs';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` (sync or async) every 50 ms until it returns a truthy value; that value. */
export async function waitUntil(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export const bearerSession = (token) => ({ authorization: `Bearer ${token}` });
export const headerSession = (token) => ({ 'x-session-token': token });

// JSON keys that must never appear in any answer, at any depth.
const FORBIDDEN_KEYS = new Set(['password', 'passwordhash', 'password_hash', 'hash', 'totpsecret', 'totp_secret',
  'tokenhash', 'token_hash', 'codehash', 'code_hash', 'recoverycodehashes']);

function forbiddenKeys(value, at = '$') {
  if (Array.isArray(value)) return value.flatMap((v, i) => forbiddenKeys(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      [...(FORBIDDEN_KEYS.has(k.toLowerCase()) ? [`${at}.${k}`] : []), ...forbiddenKeys(v, `${at}.${k}`)]);
  }
  return [];
}

/** No password/hash/TOTP-secret key anywhere in the body, no bcrypt hash in the text. */
export function assertNoSecrets(res, what = '') {
  const bad = forbiddenKeys(res.body);
  assert.deepEqual(bad, [], `${what}: secret-looking keys in ${res.text.slice(0, 500)}`);
  assert.ok(!/\$2[aby]\$/.test(res.text), `${what}: bcrypt hash in ${res.text.slice(0, 500)}`);
}

/**
 * Every request through `call` is checked with assertNoSecrets and remembered, so that a test can
 * check at the end that the secrets it knows (passwords, tokens, TOTP secrets) appear only in the
 * answers that hand them over (`handover: true`).
 */
export function recorder(baseUrl) {
  const seen = [];
  const secrets = new Set();
  return {
    seen,
    /** Remember a secret that must not show up in any later (non-handover) answer. */
    secret(s) { if (s) secrets.add(s); return s; },
    async call(method, p, opts = {}) {
      const { handover = false, ...rest } = opts;
      const r = await api(baseUrl, method, p, rest);
      assertNoSecrets(r, `${method} ${p}`);
      seen.push({ what: `${method} ${p} -> ${r.status}`, text: r.text, handover });
      return r;
    },
    /** No remembered secret in any recorded non-handover answer. */
    assertNoLeaks() {
      for (const { what, text, handover } of seen) {
        if (handover) continue;
        for (const s of secrets) assert.ok(!text.includes(s), `${what} leaks a secret (${s.slice(0, 8)}…): ${text.slice(0, 400)}`);
      }
    },
  };
}

/** A user object as spec/13 and the lead's contract describe it. */
export function assertUserShape(user, { email, roles } = {}) {
  assert.ok(user && typeof user === 'object', `user: ${JSON.stringify(user)}`);
  assert.match(user.id, /^usr_/, JSON.stringify(user));
  assert.equal(typeof user.name, 'string');
  if (email) assert.equal(user.email, email);
  assert.equal(typeof user.disabled, 'boolean', JSON.stringify(user));
  assert.equal(typeof user.mfaEnabled, 'boolean', JSON.stringify(user));
  assert.ok(Array.isArray(user.roles), JSON.stringify(user));
  if (roles) assert.deepEqual(user.roles.map((r) => r.id).sort(), [...roles].sort(), JSON.stringify(user));
  for (const k of ['createdAt', 'updatedAt']) assert.equal(typeof user[k], 'number', `${k}: ${JSON.stringify(user)}`);
  assert.ok('lastLoginAt' in user, JSON.stringify(user));
}

/** POST /api/auth/setup for the first super_admin; asserts 201 and returns {token, user, headers}. */
export async function setupAdmin(srv, { name = 'Admin', email = ADMIN_EMAIL, password = ADMIN_PASSWORD } = {}) {
  const r = await api(srv.url, 'POST', '/api/auth/setup', { json: { name, email, password } });
  assertJson(r, 201);
  assert.match(r.body.sessionToken, /^sess_/, r.text);
  return { token: r.body.sessionToken, user: r.body.user, headers: bearerSession(r.body.sessionToken), res: r };
}

/** POST /api/auth/login; the raw response. */
export const login = (srv, email, password, headers = {}) =>
  api(srv.url, 'POST', '/api/auth/login', { json: { email, password }, headers });

/** Logs in (no MFA) and returns the session headers; asserts 200. */
export async function loginSession(srv, email, password) {
  const r = await login(srv, email, password);
  assertJson(r, 200);
  assert.match(r.body.sessionToken ?? '', /^sess_/, r.text);
  return bearerSession(r.body.sessionToken);
}

/** Creates a user with `roleIds` through POST /api/users as `adminHeaders` and logs it in. */
export async function userWithRoles(srv, adminHeaders, { email, roleIds, password = 'a long enough password 42', name = 'User' }) {
  const r = await api(srv.url, 'POST', '/api/users', { headers: adminHeaders, json: { name, email, password, roleIds } });
  assertJson(r, 201);
  assertUserShape(r.body, { email, roles: roleIds });
  return { user: r.body, headers: await loginSession(srv, email, password), password };
}

/** The current TOTP step (RFC 6238, 30 s). */
export const totpStep = (ms = Date.now()) => Math.floor(ms / 30_000);

/** The 6-digit TOTP code of `secret` (base32) for `step` (default: now), computed by oathtool. */
export function totp(secret, step = totpStep()) {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${step * 30}`, secret], { encoding: 'utf8' }).trim();
}

/** A 6-digit code that is none of the codes of the steps around now (a surely wrong code). */
export function wrongTotp(secret) {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, totpStep() + d)));
  for (let i = 0; ; i++) {
    const c = String(123456 + i * 7919).padStart(6, '0').slice(-6);
    if (!near.has(c)) return c;
  }
}

/**
 * A local SMTP sink: `python3 -m aiosmtpd` with the Mailbox handler (Debian's python3-aiosmtpd, so
 * /usr/bin/python3). Resolves once it answers the SMTP greeting.
 * Returns {port, url, messages(), waitFor(pred, timeoutMs, what), stop()}; messages are
 * {to, subject, text, raw}.
 */
export async function smtpSink() {
  const port = await freePort();
  const dir = path.join(tempDir('realtime-e2e-smtp-'), 'maildir');
  const proc = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  proc.stdout.resume();
  let exited = false;
  proc.on('exit', () => { exited = true; });
  const greets = () => new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { buf += d; if (buf.includes('\n')) { s.end('QUIT\r\n'); resolve(buf.startsWith('220')); } });
    s.on('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
  await waitUntil(async () => {
    if (exited) throw new Error(`aiosmtpd exited: ${stderr}`);
    return greets();
  }, 15_000, 'the SMTP sink');

  const messages = () => {
    const newDir = path.join(dir, 'new');
    if (!fs.existsSync(newDir)) return [];
    return fs.readdirSync(newDir).sort().map((f) => {
      const raw = fs.readFileSync(path.join(newDir, f), 'utf8');
      const [head, ...body] = raw.split(/\r?\n\r?\n/);
      const header = (name) => head.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1]?.trim();
      return { raw, to: header('X-RcptTo') ?? header('To'), headerTo: header('To'), from: header('From'), subject: header('Subject'), text: body.join('\n\n') };
    });
  };
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor: (pred, timeoutMs = 10_000, what = 'a mail') => waitUntil(() => messages().find(pred), timeoutMs, what),
    async stop() {
      if (exited) return;
      const done = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGTERM');
      await done;
    },
  };
}

/** The first URL in `text` that starts with `prefix`, with its `token` query parameter. */
export function linkIn(text, prefix) {
  const m = text.match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\S*`));
  assert.ok(m, `no link starting with ${prefix} in mail:\n${text}`);
  return { url: m[0], token: new URL(m[0]).searchParams.get('token') };
}
