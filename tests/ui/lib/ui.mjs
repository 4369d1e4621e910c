// Helpers for the admin UI tests: Debian's Chromium driven by playwright-core (no downloaded
// browser), pages that record every console error, page error and failed request, and axe-core
// checks. The server is the real binary with the embedded UI (tests/e2e/lib/server.mjs).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The Chromium binary: CHROMIUM_PATH, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const skip = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

/**
 * A headless Chromium (root needs --no-sandbox). Its contexts bypass the server's
 * Content-Security-Policy (script-src 'self'), which would refuse the injected axe-core script.
 */
export async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options = {}) => {
    const context = await newContext({ bypassCSP: true, reducedMotion: 'reduce', ...options });
    // No CSS transitions: axe measures contrast on what is on screen, and a dialog fading in is
    // not yet at full opacity.
    await context.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style');
        style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
        document.head.appendChild(style);
      });
    });
    return context;
  };
  return browser;
}

/**
 * A browser context for the tests. bypassCSP: the server's Content-Security-Policy
 * (script-src 'self') would otherwise refuse the injected axe-core script.
 */
export function newContext(browser, options = {}) {
  return browser.newContext({ bypassCSP: true, ...options });
}

/**
 * A page of `context` that records problems in page.problems: console errors, uncaught page
 * errors, failed requests and HTTP answers >= 400 — except those `allow(url, status)` accepts
 * (e.g. the 401 of a session check before login).
 */
export async function watchedPage(context, { allow = () => false } = {}) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) page.problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !allow(r.url(), r.status())) page.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return page;
}

/** axe-core on the current page: the critical and serious violations (id, impact, targets). */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}
