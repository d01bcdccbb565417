// What the browser tests share: the server they run against, a headless Debian Chromium,
// pages that record script errors, and signing in on admin.html.
//
// Run against a running server (scripts/browser-test.sh starts one and sets these):
//   HOITHI_URL=http://127.0.0.1:8080 HOITHI_ADMIN_USER=admin HOITHI_ADMIN_PASSWORD=… \
//     node --test tests/browser/
// Chromium is Debian's (/usr/bin/chromium, or HOITHI_CHROMIUM); Playwright gives every launch
// a fresh temporary profile (user-data dir) and each actor its own context (own storage).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.HOITHI_URL ?? '').replace(/\/$/, '');
export const USER = process.env.HOITHI_ADMIN_USER ?? 'admin';
export const PASSWORD = process.env.HOITHI_ADMIN_PASSWORD ?? '';
const CHROMIUM = process.env.HOITHI_CHROMIUM ?? '/usr/bin/chromium';
// Screenshots go to target/screenshots/, so a test run leaves the tracked files alone; the
// pictures in docs/screenshots/ are refreshed on purpose with
// HOITHI_SCREENSHOTS=docs/screenshots scripts/browser-test.sh
const root = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = `${resolve(root, process.env.HOITHI_SCREENSHOTS ?? 'target/screenshots')}/`;

/** A headless Chromium; fails (rather than passing by doing nothing) without a server. */
export async function launch() {
  assert.ok(BASE, 'set HOITHI_URL (and HOITHI_ADMIN_USER, HOITHI_ADMIN_PASSWORD): scripts/browser-test.sh does');
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic'],
  });
}

/**
 * A function making a page in a context of its own. Script errors and console errors go to
 * `errors`, except failed requests with one of the `expected` HTTP statuses (admin.html asks
 * /api/me before signing in: that 401 is not a fault).
 */
export function pages(browser, errors, expected = [401]) {
  const allowed = new RegExp(`status of (${expected.join('|')})\\b`);
  return async (options) => {
    const context = await browser.newContext({ locale: 'vi-VN', ...options });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !allowed.test(msg.text())) errors.push(`${page.url()}: console: ${msg.text()}`);
    });
    return { context, page };
  };
}

/** Signs in on admin.html and waits for the bank list. */
export async function signIn(page, username, password) {
  await page.goto(`${BASE}/admin.html`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#banks li.bank');
}

/** The visible text of the first element matching `selector`. */
export const text = (page, selector) => page.locator(selector).first().innerText();

export const shot = (page, name) => page.screenshot({ path: `${SHOTS}${name}.png` });

/**
 * Signs `request` (a context's API client) in as the organizer and returns a POST helper:
 * `post(path, body, type)` sends JSON (or raw bytes of another type) and fails the test on
 * anything but 200.
 */
export async function organizerApi(request) {
  // A browser's own pages send their Origin; the API refuses state changes without one.
  const signIn = await request.post(`${BASE}/api/session`, {
    headers: { origin: BASE },
    data: { username: USER, password: PASSWORD },
  });
  assert.equal(signIn.status(), 200, 'the organizer signs in');
  return async (path, body, type = 'application/json') => {
    const res = await request.post(`${BASE}${path}`, {
      headers: { 'content-type': type, origin: BASE },
      data: type === 'application/json' ? JSON.stringify(body) : body,
    });
    assert.equal(res.status(), 200, `${path}: ${await res.text()}`);
    return res.json();
  };
}
