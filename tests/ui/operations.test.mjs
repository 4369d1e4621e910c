// The Services and Webhooks pages of the admin UI in Chromium against the real binary
// (docs/admin-ui.md): a webhook created in the UI receives an event published through the REST
// API and its delivery shows in /webhooks/logs (payload, attempts), a dead letter is retried from
// the UI; the socket monitor lists a `ws` client the test opened, its channel and subscription,
// and its subscribe in Live Traffic (pause holds events back, resume shows them); a broadcast
// from the UI reaches the client; a service made in the "Manage services" dialog, a document
// edited in the JSON editor shows its new revision, a merge in the inspector another. Every page
// has no critical/serious axe violation, in light and dark mode, and no console error or failed
// request.
//
// UI_URL (optional): where the UI is served (a Vite dev server started with
// VITE_API_URL=http://127.0.0.1:$UI_API_PORT); then the server listens on UI_API_PORT. By default
// the server itself serves the embedded UI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, killAll, startServer } from '../e2e/lib/server.mjs';
import { auth, startReceiver, waitUntil } from '../e2e/lib/webhook_receiver.mjs';
import { clientPool } from '../e2e/lib/wsclient.mjs';
import { axeViolations, launch, skip, watchedPage } from './lib/ui.mjs';

const JWT_SECRET = 'webhooks-e2e-secret-0123456789abcdef'; // the secret auth() signs with
const ENV = 'development';
const ADMIN = () => ({ ...auth(['admin'], 'default', { sub: 'ui-ops-admin' }), 'x-environment': ENV });
const PAGES = ['/socket', '/webhooks', '/webhooks/logs', '/documents', '/documents/inspect'];

describe('admin UI: socket monitor, webhooks, documents', { skip }, () => {
  let srv;
  let ui;
  let browser;
  let receiver;
  let session;
  const pool = clientPool();

  before(async () => {
    const origin = process.env.UI_URL;
    receiver = await startReceiver({
      handler: (r, res) => {
        res.statusCode = r.url.startsWith('/fail') ? 500 : 200;
        res.end(r.url.startsWith('/fail') ? 'broken on purpose' : 'ok');
      },
    });
    srv = await startServer({
      port: process.env.UI_API_PORT ? Number(process.env.UI_API_PORT) : undefined,
      env: {
        NODE_ENV: 'production',
        JWT_SECRET,
        REALTIME_WEBHOOK_ALLOW_HTTP: 'true',
        REALTIME_WEBHOOK_ALLOW_PRIVATE: 'true',
        REALTIME_WEBHOOK_MAX_RETRIES: '0',
        ...(origin ? { CORS_ORIGINS: origin } : {}),
      },
    });
    ui = origin ?? srv.url;
    const setup = await api(srv.url, 'POST', '/api/auth/setup', {
      json: { name: 'Ops Admin', email: 'ops@example.com', password: 'correct horse battery' },
    });
    assert.equal(setup.status, 201, setup.text);
    session = setup.body.sessionToken;
    assert.match(session, /^sess_/);
    browser = await launch();
  });
  after(async () => {
    pool.closeAll();
    await browser?.close();
    await receiver?.close();
    killAll();
  });

  /** A signed-in page (the session in localStorage), light or dark, at a viewport size. */
  async function signedIn({ dark = false, width = 1280, height = 800 } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? 'dark' : 'light' });
    await context.addInitScript(([token, env]) => {
      localStorage.setItem('realtime.admin.session', token);
      localStorage.setItem('realtime.admin.environment', env);
    }, [session, ENV]);
    const page = await watchedPage(context);
    return { context, page };
  }
  /** No critical/serious axe violation, and the page does not scroll sideways. */
  const noAxe = async (page, what) => {
    assert.deepEqual(await axeViolations(page), [], `axe: ${what}`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), false, `${what} scrolls sideways`);
  };
  const noProblems = (page) => assert.deepEqual(page.problems, []);

  test('create a webhook in the UI -> publish through the API -> its delivery in the logs; retry a dead letter', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${ui}/webhooks`);
    await page.getByText('No webhook endpoints yet').waitFor();
    await noAxe(page, '/webhooks empty');

    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook endpoint' });
    // Validation before submitting: nothing is sent.
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Enter the URL that receives the deliveries.').waitFor();
    await dialog.getByLabel('URL').fill(receiver.url('/hook'));
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const secret = await dialog.getByLabel(/^Secret/).inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    await dialog.getByLabel('socket.message').check();
    await dialog.getByLabel('Description').fill('UI test endpoint');
    await noAxe(page, 'create dialog');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const once = page.getByRole('dialog', { name: 'Endpoint created' });
    assert.equal(await once.getByTestId('webhook-secret').textContent(), secret);
    await once.getByRole('button', { name: 'Done' }).click();

    const hooks = await api(srv.url, 'GET', '/api/webhooks', { headers: ADMIN() });
    assert.equal(hooks.body.length, 1, hooks.text);
    const hook = hooks.body[0];
    assert.deepEqual([hook.url, hook.events, hook.description, hook.secret], [receiver.url('/hook'), ['socket.message'], 'UI test endpoint', undefined]);
    await page.locator(`[data-webhook-id="${hook.id}"]`).waitFor();

    // The test ping from the UI reaches the receiver, and the page says so.
    await page.getByRole('button', { name: `Send a test ping to ${hook.url}` }).click();
    await page.getByTestId('test-result').filter({ hasText: 'delivered — HTTP 200' }).waitFor();
    await receiver.waitFor((r) => r.headers['x-webhook-event'] === 'webhook.test', 5000, 'the test ping');

    // Deactivate and activate again through the switch.
    const toggle = page.getByLabel(`Deactivate ${hook.url}`);
    await toggle.click();
    await page.getByLabel(`Activate ${hook.url}`).waitFor();
    assert.equal((await api(srv.url, 'GET', `/api/webhooks/${hook.id}`, { headers: ADMIN() })).body.active, false);
    await page.getByLabel(`Activate ${hook.url}`).click();
    await page.getByLabel(`Deactivate ${hook.url}`).waitFor();

    // An event published through the REST API is delivered, and the UI shows the delivery.
    const pub = await api(srv.url, 'POST', '/api/events', { headers: ADMIN(), json: { topic: 'orders.created', type: 'order.created', payload: { orderId: 'o-42' } } });
    assert.equal(pub.status, 202, pub.text);
    const delivered = await receiver.waitFor((r) => r.body.includes(pub.body.id), 15_000, 'the published event');
    const logId = delivered.headers['x-webhook-delivery-id'];
    await page.goto(`${ui}/webhooks/logs`);
    const row = page.locator(`[data-log-id="${logId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /socket\.message.*orders\.created.*delivered/);
    await noAxe(page, '/webhooks/logs');
    // The status filter is applied by the server.
    await page.getByLabel('Status').click();
    await page.getByRole('option', { name: 'dead' }).click();
    await page.getByText('No delivery matches').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row.waitFor();
    await page.getByRole('button', { name: `Details of delivery ${logId}` }).click();
    const details = page.getByRole('dialog', { name: `Delivery ${logId}` });
    await details.getByTestId('delivery-payload').filter({ hasText: '"orderId": "o-42"' }).waitFor();
    assert.match(await details.getByRole('table', { name: 'Attempts' }).textContent(), /200.*ok/);
    await noAxe(page, 'delivery details');
    await details.getByRole('button', { name: 'Close' }).click();

    // A dead letter (the endpoint answers 500, no retries configured) retried from the UI is sent again.
    const failing = await api(srv.url, 'POST', '/api/webhooks', { headers: ADMIN(), json: { url: receiver.url('/fail'), secret, events: [], topics: ['failing.*'] } });
    assert.equal(failing.status, 201, failing.text);
    await api(srv.url, 'POST', '/api/events', { headers: ADMIN(), json: { topic: 'failing.one', payload: { n: 1 } } });
    const first = await receiver.waitFor((r) => r.url === '/fail', 15_000, 'the failing delivery');
    const deadId = first.headers['x-webhook-delivery-id'];
    await page.getByRole('button', { name: `Retry delivery ${deadId}` }).click();
    await receiver.waitFor((r) => r.url === '/fail' && r.headers['x-webhook-attempt'] === '2', 15_000, 'the retried delivery');
    await waitUntil(async () => /dead/.test(await page.locator(`[data-log-id="${deadId}"]`).textContent())
      && (await page.locator(`[data-log-id="${deadId}"] td`).nth(4).textContent()) === '2', { what: 'the retried log with 2 attempts' });
    noProblems(page);
    await context.close();
  });

  test('the socket monitor shows a ws client, its channel and subscription, its live traffic; broadcast from the UI', async () => {
    const token = auth(['subscribe', 'publish'], 'default', { sub: 'ui-ops-client' }).authorization.replace(/^Bearer /, '');
    const ws = await pool.connect(srv, { token, environment: ENV, headers: { 'user-agent': 'ops-ui-test/1.0' } });
    await ws.subscribe('orders.created', { filter: { region: 'eu' }, returnMode: 'diff' });
    assert.equal((await ws.request({ type: 'join', channel: 'chat:ui' })).type, 'joined');
    const socketId = (await ws.request({ type: 'whoami' })).socketId;
    assert.ok(socketId);

    const { context, page } = await signedIn();
    await page.goto(`${ui}/socket`);
    const row = page.locator(`[data-socket-id="${socketId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /WebSocket.*ui-ops-client.*1.*1.*returnMode diff/);
    await page.getByRole('button', { name: `Show details of ${socketId}` }).click();
    const detail = page.locator(`#conn-${socketId}`);
    await detail.getByText('ops-ui-test/1.0').waitFor();
    assert.match(await detail.textContent(), /chat:ui.*orders\.created.*\{"region":"eu"\}.*diff/);
    await noAxe(page, '/socket connections');

    await page.getByRole('tab', { name: 'Channels' }).click();
    await page.getByRole('row', { name: /chat:ui\s*1/ }).waitFor();
    await noAxe(page, '/socket channels');
    await page.getByRole('button', { name: 'Members of chat:ui' }).click();
    const members = page.getByRole('dialog', { name: 'Members of chat:ui' });
    await members.getByText(socketId).waitFor();
    await members.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Broadcast to chat:ui' }).click();
    const bc = page.getByRole('dialog', { name: 'Broadcast to a channel' });
    await bc.getByLabel('Event').fill('ui.hello');
    await bc.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"greeting": "from the UI"}');
    await bc.getByRole('button', { name: 'Send' }).click();
    await bc.getByText(/^Sent as evt_/).waitFor();
    const got = await ws.next((m) => m.type === 'event' && m.data?.type === 'ui.hello', 5000, 'the broadcast');
    assert.deepEqual([got.topic, got.data.payload], ['chat:ui', { greeting: 'from the UI' }]);
    await bc.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('tab', { name: 'Live Traffic' }).click();
    await page.getByTestId('traffic-state').filter({ hasText: 'Live' }).waitFor();
    await ws.subscribe('traffic.one');
    const one = page.locator('[data-traffic-type="subscribe"]').filter({ hasText: 'traffic.one' });
    await one.waitFor();
    assert.match(await one.textContent(), new RegExp(socketId));
    await noAxe(page, '/socket live traffic');
    // Paused: a new subscribe is held back (counted), shown on resume.
    await page.getByRole('button', { name: 'Pause' }).click();
    await ws.subscribe('traffic.two');
    await page.getByTestId('traffic-state').filter({ hasText: 'Paused (1 waiting)' }).waitFor();
    assert.equal(await page.locator('[data-traffic-type]').filter({ hasText: 'traffic.two' }).count(), 0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('[data-traffic-type="subscribe"]').filter({ hasText: 'traffic.two' }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('No traffic yet').waitFor();
    noProblems(page);
    await context.close();
  });

  test('manage services, edit a document in the JSON editor (new revision), merge in the inspector', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${ui}/documents`);
    await page.getByText('No service chosen').waitFor();
    await page.getByRole('button', { name: 'Manage services' }).first().click();
    const dlg = page.getByRole('dialog', { name: 'Manage services' });
    await dlg.getByRole('button', { name: 'Add service' }).click();
    await dlg.getByLabel('Name').fill('Bad Name');
    await dlg.getByRole('button', { name: 'Add', exact: true }).click();
    await dlg.getByText(/^Lowercase letters, digits/).waitFor();
    await dlg.getByLabel('Name').fill('notes');
    await dlg.getByLabel('Description').fill('Team notes');
    await dlg.getByRole('button', { name: 'Add', exact: true }).click();
    await dlg.getByRole('row', { name: /notes\s*Team notes/ }).waitFor();
    await noAxe(page, 'manage services');
    await dlg.getByRole('button', { name: 'Close' }).click();

    const created = await api(srv.url, 'POST', '/api/sync/notes/documents', { headers: ADMIN(), json: { id: 'doc-1', data: { title: 'Hello', count: 1 } } });
    assert.equal(created.status, 201, created.text);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator('[data-document-id="doc-1"]');
    assert.equal(await row.getByTestId('revision').textContent(), '1');
    await noAxe(page, '/documents');

    await page.getByRole('button', { name: 'Edit doc-1' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit notes/doc-1' });
    const editor = edit.getByRole('textbox', { name: 'Document data (JSON object)' });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"title": "Edited", "count": ');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByText(/^Not valid JSON/).waitFor(); // checked before sending
    await page.keyboard.insertText('2}');
    await noAxe(page, 'edit dialog');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await row.getByTestId('revision').filter({ hasText: '2' }).waitFor();
    const stored = await api(srv.url, 'GET', '/api/sync/notes/documents/doc-1', { headers: ADMIN() });
    assert.deepEqual([stored.body.revision, stored.body.data], [2, { title: 'Edited', count: 2 }]);

    await page.getByRole('link', { name: 'Inspect doc-1' }).click();
    await page.waitForURL('**/documents/inspect?service=notes&id=doc-1');
    assert.equal(await page.getByTestId('inspector-revision').textContent(), '2');
    await page.getByTestId('document-json').filter({ hasText: '"title": "Edited"' }).waitFor();
    await page.getByRole('textbox', { name: 'Patch (JSON object)' }).click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"tags": ["a"], "count": null}');
    await page.getByRole('button', { name: 'Merge' }).click();
    await page.getByTestId('inspector-revision').filter({ hasText: '3' }).waitFor();
    await page.getByRole('button', { name: 'Show revision 2' }).waitFor();
    const merged = await api(srv.url, 'GET', '/api/sync/notes/documents/doc-1', { headers: ADMIN() });
    assert.deepEqual(merged.body.data, { title: 'Edited', tags: ['a'] });
    await noAxe(page, '/documents/inspect');

    await page.goto(`${ui}/documents?service=notes`);
    await page.getByRole('button', { name: 'Delete doc-1' }).click();
    await page.getByRole('dialog', { name: 'Delete document?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No documents').waitFor();
    assert.equal((await api(srv.url, 'GET', '/api/sync/notes/documents/doc-1', { headers: ADMIN() })).status, 404);
    noProblems(page);
    await context.close();
  });

  test('every page: no axe violation in dark mode at 1920x1080, no console error or failed request', async () => {
    const doc = await api(srv.url, 'POST', '/api/sync/notes/documents', { headers: ADMIN(), json: { id: 'dark-1', data: { on: true, n: 1, s: 'x', z: null } } });
    assert.equal(doc.status, 201, doc.text);
    const { context, page } = await signedIn({ dark: true, width: 1920, height: 1080 });
    for (const path of [...PAGES, '/socket?tab=channels', '/socket?tab=traffic', '/documents/inspect?service=notes&id=dark-1']) {
      await page.goto(`${ui}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => {});
      await noAxe(page, `${path} (dark)`);
    }
    noProblems(page);
    await context.close();
  });
});
