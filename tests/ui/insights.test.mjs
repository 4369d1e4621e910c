// The admin UI's debugging, monitoring, dashboard and security pages in Chromium against the real
// binary (docs/admin-ui.md): every page renders with no console error, no failed request and no
// critical/serious axe violation (light 1280x800, dark 1920x1080, no horizontal scroll); the
// debugger shows the trace of an event this test published, with its routing decisions, a
// dry-run replay and "why not delivered"; rotate a signing key; invite a user and accept the
// invite in a second browser context; a viewer sees no create/delete buttons.
//
// UI_URL (optional): where the UI is served (e.g. a Vite dev server started with
// VITE_API_URL=http://127.0.0.1:$API_PORT); then the server listens on API_PORT. By default the
// server itself serves the embedded UI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from '../e2e/lib/server.mjs';
import { connect, getToken } from '../e2e/lib/wsclient.mjs';
import { axeViolations, launch, skip, watchedPage } from './lib/ui.mjs';

const PASSWORD = 'correct horse battery';
const SCOPE = { 'x-application-id': 'default', 'x-environment': 'development' };
const PAGES = [
  '/debugger', '/replay', '/monitoring', '/alerts', '/dashboards/delivery', '/dashboards/pipeline',
  '/dashboards/reliability', '/keys', '/users', '/roles', '/invites',
];

describe('insights and security pages in Chromium', { skip }, () => {
  let srv;
  let ui;
  let browser;
  let admin;  // a super_admin's session token
  const auth = (t = admin) => ({ authorization: `Bearer ${t}`, ...SCOPE });

  before(async () => {
    const origin = process.env.UI_URL;
    const port = origin && process.env.API_PORT ? Number(process.env.API_PORT) : undefined;
    srv = await startServer({ port, env: { NODE_ENV: 'production', ...(origin ? { CORS_ORIGINS: origin } : {}) } });
    ui = origin ?? srv.url;
    const setup = await api(srv.url, 'POST', '/api/auth/setup', { json: { name: 'Root', email: 'root@example.com', password: PASSWORD } });
    assert.equal(setup.status, 201, setup.text);
    admin = setup.body.sessionToken;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    killAll();
  });

  async function signedIn(token = admin, options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    await context.addInitScript((t) => localStorage.setItem('realtime.admin.session', t), token);
    return context;
  }

  for (const [name, options] of [
    ['light 1280x800', { viewport: { width: 1280, height: 800 }, colorScheme: 'light' }],
    ['dark 1920x1080', { viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' }],
  ]) {
    test(`every page renders clean (${name})`, async () => {
      const context = await signedIn(admin, options);
      for (const route of PAGES) {
        const page = await watchedPage(context);
        await page.goto(`${ui}${route}`);
        await page.locator('main h1').first().waitFor({ timeout: 10_000 });
        await page.waitForLoadState('networkidle');
        assert.equal(await page.getByTestId('coming-soon').count(), 0, `${route} is built`);
        assert.equal(await page.getByRole('progressbar').count(), 0, `${route} finished loading`);
        assert.deepEqual(page.problems, [], route);
        assert.deepEqual(await axeViolations(page), [], route);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${route} scrolls sideways by ${overflow}px`);
        await page.close();
      }
      await context.close();
    });
  }

  test('the debugger shows the trace of a published event: decisions, dry-run replay, explain', async () => {
    // Two subscribers: one whose filter matches, one whose filter rejects the payload.
    const token = await getToken(srv, { headers: auth() });
    const [yes, no] = [await connect(srv, { token, environment: 'development' }), await connect(srv, { token, environment: 'development' })];
    try {
      await yes.subscribe('insights.orders', { filter: { kind: 'a' } });
      await no.subscribe('insights.orders', { filter: { kind: 'b' } });
      const { socketId } = await no.request({ type: 'whoami' });
      const published = await api(srv.url, 'POST', '/api/events', { headers: auth(), json: { topic: 'insights.orders', payload: { kind: 'a', n: 1 } } });
      assert.equal(published.status, 202, published.text);
      const eventId = published.body.id;
      const isOrder = (m) => m.type === 'event' && m.topic === 'insights.orders';
      await yes.next(isOrder, 5000, 'the published event');

      const context = await signedIn();
      const page = await watchedPage(context);
      await page.goto(`${ui}/debugger`);
      // Auto refresh brings the trace in (a trace appears ~100-350 ms after its event).
      const details = page.getByRole('button', { name: `Details of ${eventId}` });
      await details.waitFor({ timeout: 15_000 });
      await details.click();
      const detail = page.getByTestId('trace-detail');
      await detail.getByText(`trace_${eventId.slice(4)}`).waitFor();
      await detail.getByText('1 delivered').waitFor();
      const decisions = detail.getByRole('table', { name: 'Routing decisions' });
      await decisions.getByText('delivered', { exact: true }).waitFor();
      await decisions.getByText('filtered', { exact: true }).waitFor();
      await decisions.getByText('kind: expected "b", got "a"').waitFor();

      // Why was the second client not reached?
      await detail.getByRole('textbox', { name: 'Socket id' }).fill(socketId);
      await detail.getByRole('button', { name: 'Explain' }).click();
      await detail.getByText(/Not delivered — filter_mismatch/).waitFor();

      // A dry-run replay with an override: nothing is delivered, the answer says where it would go.
      await detail.getByRole('button', { name: 'Replay…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Overrides (JSON, optional)').fill('{"payload": {"kind": "b"}');
      await dialog.getByRole('button', { name: 'Run dry-run' }).click();
      await dialog.getByText(/Not valid JSON/).waitFor();
      await dialog.getByLabel('Overrides (JSON, optional)').fill('{"payload": {"kind": "b"}}');
      await dialog.getByRole('button', { name: 'Run dry-run' }).click();
      const result = dialog.getByTestId('replay-result');
      await result.getByText('1 of 2 subscription(s) would receive it').waitFor();
      assert.match(await result.getByLabel('The event as replayed').textContent(), /"kind": "b"/);
      assert.deepEqual(await axeViolations(page), [], 'debugger with the replay dialog open');
      await dialog.getByRole('button', { name: 'Close' }).click();

      // The Replay Tool replays the same trace for real, through the router.
      await page.goto(`${ui}/replay?trace=trace_${eventId.slice(4)}`);
      await page.getByRole('combobox', { name: /^Mode/ }).click();
      await page.getByRole('option', { name: 'router' }).click();
      await page.getByRole('button', { name: 'Replay (router)' }).click();
      await page.getByTestId('replay-result').getByText(/as the new event evt_/).waitFor();
      const replayed = await yes.next(isOrder, 5000, 'the replayed event');
      assert.equal(replayed.metadata?.replayOf ?? replayed.data?.metadata?.replayOf, eventId, JSON.stringify(replayed));
      assert.equal(no.all.filter(isOrder).length, 0, 'the filtered subscriber got nothing');
      assert.deepEqual(page.problems, []);
      await context.close();
    } finally {
      yes.ws.close();
      no.ws.close();
    }
  });

  test('rotate a signing key (with confirmation; the new secret is shown once)', async () => {
    const before = await api(srv.url, 'GET', '/api/admin/keys', { headers: auth() });
    const old = before.body.find((k) => k.active && k.source === 'managed');
    assert.ok(old, before.text);
    const context = await signedIn();
    const page = await watchedPage(context);
    await page.goto(`${ui}/keys`);
    await page.getByRole('button', { name: `Rotate ${old.keyId}` }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(/Rotate this key\?/).waitFor();
    await confirm.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.getByRole('dialog').getByText('Key rotated').waitFor();
    const secret = await page.getByTestId('key-secret').inputValue();
    assert.match(secret, /^[0-9a-f]{32,}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    const after = await api(srv.url, 'GET', '/api/admin/keys', { headers: auth() });
    assert.equal(after.body.find((k) => k.keyId === old.keyId).active, false);
    const fresh = after.body.filter((k) => k.active && k.keyId !== old.keyId);
    assert.equal(fresh.length, 1, after.text);
    await page.getByText(fresh[0].keyId, { exact: true }).waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('invite a user, accept the invite in a second browser context', async () => {
    const context = await signedIn();
    const page = await watchedPage(context);
    await page.goto(`${ui}/invites`);
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    await dialog.getByText('Enter an email address.').waitFor();
    await dialog.getByLabel('Email').fill('newbie@example.com');
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const link = await dialog.getByTestId('invite-link').inputValue();
    assert.ok(link.startsWith(`${ui}/invite/invite_`), link);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row', { name: /newbie@example\.com.*pending/ }).waitFor();

    const guest = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const invited = await watchedPage(guest);
    await invited.goto(link);
    await invited.getByLabel('Name').fill('New Bie');
    await invited.getByLabel(/^Password/).fill(PASSWORD);
    await invited.locator('button[type=submit]').click();
    await invited.waitForURL((u) => !u.pathname.startsWith('/invite'));
    await invited.locator('main h1').first().waitFor();
    const session = await invited.evaluate(() => localStorage.getItem('realtime.admin.session'));
    const me = await api(srv.url, 'GET', '/api/auth/me', { headers: { authorization: `Bearer ${session}` } });
    assert.equal(me.body.email, 'newbie@example.com', me.text);
    assert.deepEqual(me.body.roles.map((r) => r.id), ['role_viewer']);
    assert.deepEqual(invited.problems, []);
    await guest.close();

    await page.reload();
    await page.getByRole('row', { name: /newbie@example\.com.*accepted/ }).waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('a viewer sees no create or delete buttons on /topics, /users, /keys, /debugger', async () => {
    await api(srv.url, 'POST', '/api/topics', { headers: auth(), json: { name: 'viewer.sees', description: 'd', owner: 'o' } });
    const user = await api(srv.url, 'POST', '/api/users', { headers: auth(), json: { name: 'Vi', email: 'vi@example.com', password: PASSWORD, roleIds: ['role_viewer'] } });
    assert.equal(user.status, 201, user.text);
    const login = await api(srv.url, 'POST', '/api/auth/login', { json: { email: 'vi@example.com', password: PASSWORD } });
    const context = await signedIn(login.body.sessionToken);
    const page = await watchedPage(context);
    const noActions = async (route, create) => {
      const button = page.getByRole('button', { name: create });
      assert.ok((await button.count()) === 0 || (await button.isDisabled()), `${route}: ${create} is hidden or disabled`);
      assert.equal(await page.getByRole('button', { name: /delete|rotate|deactivate/i }).count(), 0, `${route}: no delete`);
    };
    await page.goto(`${ui}/topics`);
    await page.getByText('viewer.sees', { exact: true }).waitFor();
    await noActions('/topics', 'Create topic');
    for (const [route, create] of [['/users', 'Create user'], ['/keys', 'Create key']]) {
      await page.goto(`${ui}${route}`);
      await page.getByText('No access').waitFor();
      await noActions(route, create);
    }
    await page.goto(`${ui}/debugger`);
    await page.getByRole('heading', { name: 'Event Debugger' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByRole('button', { name: /replay/i }).count(), 0);
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});
