// What the browser tests share: the server they run against, a headless Debian Chromium,
// pages that record script errors, and signing in on admin.html.
//
// Run against a running server (scripts/browser-test.sh starts one and sets these):
//   HOITHI_URL=http://127.0.0.1:8080 HOITHI_ADMIN_USER=admin HOITHI_ADMIN_PASSWORD=… \
//     node --test tests/browser/
// Chromium is Debian's (/usr/bin/chromium, or HOITHI_CHROMIUM); Playwright gives every launch
// a fresh temporary profile (user-data dir) and each actor its own context (own storage).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
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
    // The pages ask on themselves (common.js, confirmOnPage), never in the browser's own box.
    page.on('dialog', (d) => { errors.push(`${page.url()}: a window dialog: ${d.message()}`); d.dismiss(); });
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

/**
 * Answers the question a page asks on itself before a step that cannot be undone (common.js,
 * `confirmOnPage`) with the button named `button`, and returns the question's text.
 */
export async function answerOnPage(page, button) {
  const dialog = page.locator('dialog.confirm[open]');
  await dialog.waitFor();
  const question = await dialog.locator('p').first().innerText();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  return question;
}

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

/**
 * A server of the test's own: `hoithi serve` of HOITHI_BIN on `dataDir` with `args`, the
 * organizer's password `password` and nothing from the environment (a developer's REDIS_URL,
 * say). Resolves with the process and the address its first line prints.
 */
export function spawnServer(dataDir, password, args = []) {
  const env = { ...process.env, HOITHI_ADMIN_PASSWORD: password, HOITHI_LOG: 'warn' };
  for (const key of ['REDIS_URL', 'DATABASE_URL', 'HOITHI_PORT', 'HOITHI_BIND', 'HOITHI_DATA_DIR', 'HOITHI_PUBLIC_URL']) delete env[key];
  const bin = process.env.HOITHI_BIN ?? 'target/debug/hoithi';
  const child = spawn(bin, ['serve', '--data-dir', dataDir, '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('the server did not start within 30 s')), 30_000);
    child.once('exit', (code, signal) => fail(new Error(`the server exited (${code ?? signal}) before listening: ${lines.join(' | ')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const m = line.match(/hoithi: http:\/\/([\d.]+):(\d+)/);
      if (!m) return;
      clearTimeout(timer);
      done({ child, listen: `${m[1]}:${m[2]}`, port: Number(m[2]), lines });
    });
  });
}

/** SIGTERM, and the exit code once the server has drained its writes. */
export function stopServer(child) {
  return new Promise((done) => {
    if (child.exitCode !== null) return done(child.exitCode);
    child.once('exit', (code, signal) => done(code ?? signal));
    child.kill('SIGTERM');
  });
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG AA colour contrast of what `page` shows now, by axe-core: the failures, each as
 * «selector: fg on bg ratio» (an empty list passes).
 */
export async function contrastFailures(page) {
  // Evaluated by the browser's debugger, which the pages' Content-Security-Policy (scripts of
  // their own origin only) does not hold back, as it would a script tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'rule', values: ['color-contrast'] },
    resultTypes: ['violations'],
  }));
  return result.violations.flatMap((v) => v.nodes.map((n) => {
    const d = n.any[0]?.data ?? {};
    return `${n.target.join(' ')}: ${d.fgColor} on ${d.bgColor} = ${d.contrastRatio}:1`;
  }));
}

/**
 * The focus ring of the first `stops` elements Tab reaches: each one whose outline contrasts
 * less than 3:1 (WCAG 2.2 AA, 1.4.11) with the background behind it, as «element: ratio».
 */
export async function weakFocusRings(page, stops = 30) {
  await page.evaluate(() => document.activeElement?.blur());
  const weak = [];
  for (let i = 0; i < stops; i += 1) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate(() => {
      const el = document.activeElement;
      // Focus on a part of the browser's own inside a field (a date field's calendar button)
      // leaves the field itself unfocused: the browser draws that ring, not the page.
      if (!el || el === document.body || !el.matches(':focus')) return null;
      const parse = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      // The ring sits outside the element (outline-offset): the background is its parent's.
      let bg = null;
      for (let n = el.parentElement; n && !bg; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) bg = c.slice(0, 3);
      }
      bg ??= [255, 255, 255];
      const style = getComputedStyle(el);
      const target = el.matches('input.visually-hidden') ? el.nextElementSibling : el;
      const ring = getComputedStyle(target);
      if (ring.outlineStyle === 'none' || parseFloat(ring.outlineWidth) < 2) {
        return { name: `${el.tagName.toLowerCase()}#${el.id}`, ratio: 0, why: `no outline (${style.outlineStyle})` };
      }
      const [a, b] = [lum(parse(ring.outlineColor)), lum(bg)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { name: `${el.tagName.toLowerCase()}#${el.id}.${el.className}`, ratio, why: `${ring.outlineColor} on rgb(${bg})` };
    });
    if (!found) continue;
    if (found.ratio < 3) weak.push(`${found.name}: ${found.ratio.toFixed(2)}:1 (${found.why})`);
  }
  return weak;
}
