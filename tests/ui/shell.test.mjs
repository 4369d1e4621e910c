// The admin UI in Chromium against the real binary (docs/admin-ui.md): every route renders with no
// console error, no failed request and no critical/serious axe violation; setup -> MFA enable ->
// sign out -> sign in with a TOTP code; create a topic -> register two schema versions -> compare
// them -> validate a payload; a viewer sees no create/delete buttons.
//
// UI_URL (optional): where the UI is served (e.g. a Vite dev server with VITE_API_URL=<server>);
// by default the server itself serves the embedded UI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { api, killAll, startServer } from '../e2e/lib/server.mjs';
import { axeViolations, launch, newContext, skip, watchedPage } from './lib/ui.mjs';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery';
const ROOT = 'root@example.com';  // a super_admin without MFA, made by the first test

/** RFC 6238 code of a base32 secret for the 30 s step `step`. */
function totp(secret, step = Math.floor(Date.now() / 30_000)) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = crypto.createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// Every page of spec/12 (and the signed-out ones).
const SIGNED_IN_ROUTES = [
  '/', '/monitoring', '/alerts', '/topics', '/schemas', '/mappings', '/environments', '/deployments', '/documents',
  '/documents/inspect', '/socket', '/webhooks', '/webhooks/logs', '/debugger', '/replay', '/dashboards/delivery',
  '/dashboards/pipeline', '/dashboards/reliability', '/keys', '/users', '/roles', '/invites', '/profile',
];

describe('admin UI in Chromium', { skip }, () => {
  let srv;
  let ui;
  let browser;
  before(async () => {
    const origin = process.env.UI_URL;
    srv = await startServer({ env: { NODE_ENV: 'production', ...(origin ? { CORS_ORIGINS: origin } : {}) } });
    ui = origin ?? srv.url;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    killAll();
  });

  const signedOut = (url, status) => status === 401 && url.includes('/api/auth/me');

  test('setup -> MFA enable -> sign out -> sign in with a TOTP code', async () => {
    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const page = await watchedPage(context, { allow: (url, status) => signedOut(url, status) || (status === 401 && url.includes('/api/auth/login')) });
    await page.goto(`${ui}/`);
    await page.waitForURL('**/setup');
    assert.deepEqual(await axeViolations(page), [], '/setup');
    await page.getByLabel('Name').fill('Ada Admin');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/');
    // A second super_admin without MFA for the other tests, made with the new session.
    const token = await page.evaluate(() => localStorage.getItem('realtime.admin.session'));
    const second = await api(srv.url, 'POST', '/api/users', {
      headers: { authorization: `Bearer ${token}` },
      json: { name: 'Root', email: ROOT, password: PASSWORD, roleIds: ['role_super_admin'] },
    });
    assert.equal(second.status, 201, second.text);

    await page.goto(`${ui}/profile#mfa`);
    await page.getByRole('button', { name: 'Set up MFA' }).click();
    const secret = await page.locator('code').filter({ hasText: /^[A-Z2-7]{16,}$/ }).first().textContent();
    const enabledAt = Math.floor(Date.now() / 30_000);
    await page.getByLabel('Verification code').fill(totp(secret, enabledAt));
    await page.getByRole('button', { name: 'Confirm and enable' }).click();
    await page.getByText(/recovery codes/i).first().waitFor();

    await page.locator('header button[aria-haspopup=menu]').click();
    await page.getByText('Sign out').click();
    await page.waitForURL('**/login');
    assert.deepEqual(await axeViolations(page), [], '/login');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.getByText('Two-step verification').waitFor();
    // A code of a later step than the one that enabled MFA (a code is accepted once).
    while (Math.floor(Date.now() / 30_000) === enabledAt) await new Promise((r) => setTimeout(r, 500));
    await page.getByLabel('Authentication code').fill(totp(secret));
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('every route renders: no console error, no failed request, no critical or serious axe violation', async () => {
    const session = await freshAdmin(srv);
    const context = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    await context.addInitScript((t) => localStorage.setItem('realtime.admin.session', t), session);
    for (const route of SIGNED_IN_ROUTES) {
      const page = await watchedPage(context);
      await page.goto(`${ui}${route}`);
      await page.locator('main h1').first().waitFor({ timeout: 10_000 });
      await page.waitForLoadState('networkidle');
      assert.deepEqual(page.problems, [], route);
      assert.deepEqual(await axeViolations(page), [], route);
      await page.close();
    }
    await context.close();
  });

  test('topic -> two schema versions -> compare -> validate a payload', async () => {
    const session = await freshAdmin(srv, 'schemas@example.com');
    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    await context.addInitScript((t) => localStorage.setItem('realtime.admin.session', t), session);
    const page = await watchedPage(context, { allow: (url, status) => status === 400 && url.includes('/api/topics') });
    await page.goto(`${ui}/topics`);
    await page.getByRole('button', { name: 'Create topic' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('session.status');
    await dialog.getByLabel('Description').fill('Session status');
    await dialog.getByLabel('Owner').fill('team-a');
    await dialog.locator('button[type=submit]').click();
    await page.getByText('session.status', { exact: true }).waitFor();

    await page.goto(`${ui}/schemas?topic=session.status`);
    for (const schema of [
      { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
      { type: 'object', properties: { status: { type: 'string' }, at: { type: 'number' } }, required: ['status'] },
    ]) {
      await page.locator('main button.MuiButton-contained').first().click();
      await page.getByRole('dialog').getByLabel('JSON Schema (draft-07)').fill(JSON.stringify(schema, null, 2));
      await page.getByRole('dialog').locator('button[type=submit]').click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    await page.getByText('Versions (2)').waitFor();
    await page.getByText('Compare', { exact: true }).click();
    await page.getByText(/line\(s\) added/).waitFor();
    await page.getByText('Validate payload', { exact: true }).click();
    await page.locator('form[aria-label="Validate a payload"] textarea').first().fill('{"status": 1}');
    await page.locator('form[aria-label="Validate a payload"] button[type=submit]').click();
    await page.getByText('must be string').waitFor();
    const versions = await api(srv.url, 'GET', '/api/schemas/session.status/versions', { headers: { authorization: `Bearer ${session}` } });
    assert.deepEqual(versions.body.map((v) => v.version), [1, 2]);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('a viewer sees no create or delete buttons', async () => {
    const adminToken = await freshAdmin(srv, 'owner2@example.com');
    const headers = { authorization: `Bearer ${adminToken}` };
    await api(srv.url, 'POST', '/api/topics', { headers, json: { name: 'viewer.topic', description: 'd', owner: 'o' } });
    const user = await api(srv.url, 'POST', '/api/users', { headers, json: { name: 'Vi', email: 'vi@example.com', password: PASSWORD, roleIds: ['role_viewer'] } });
    assert.equal(user.status, 201, user.text);
    const login = await api(srv.url, 'POST', '/api/auth/login', { json: { email: 'vi@example.com', password: PASSWORD } });
    const context = await newContext(browser);
    await context.addInitScript((t) => localStorage.setItem('realtime.admin.session', t), login.body.sessionToken);
    const page = await watchedPage(context);
    await page.goto(`${ui}/topics`);
    await page.getByText('viewer.topic', { exact: true }).waitFor({ timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${e.message}\n${page.url()}\n${(await page.locator('body').innerText()).slice(0, 3000)}\n${page.problems.join('\n')}`);
    });
    const create = page.getByRole('button', { name: 'Create topic' });
    assert.ok((await create.count()) === 0 || (await create.isDisabled()), 'create is hidden or disabled');
    assert.equal(await page.getByRole('button', { name: /delete/i }).count(), 0);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  // A session token of a new super_admin (created by ROOT through the API).
  let adminSeq = 0;
  async function freshAdmin(server, email = `admin${++adminSeq}@example.com`) {
    const root = await api(server.url, 'POST', '/api/auth/login', { json: { email: ROOT, password: PASSWORD } });
    assert.ok(root.body?.sessionToken, root.text);
    const created = await api(server.url, 'POST', '/api/users', {
      headers: { authorization: `Bearer ${root.body.sessionToken}` },
      json: { name: 'Admin', email, password: PASSWORD, roleIds: ['role_super_admin'] },
    });
    assert.equal(created.status, 201, created.text);
    const login = await api(server.url, 'POST', '/api/auth/login', { json: { email, password: PASSWORD } });
    assert.ok(login.body?.sessionToken, login.text);
    return login.body.sessionToken;
  }
});
