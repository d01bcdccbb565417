// The light pages on a 360 px phone, as a teacher or an organizer uses them: admin.html does
// not overflow the screen and every control is a 44 px target; admin.html, rankings.html,
// contest-admin.html and the player's page pass WCAG AA contrast (axe-core), and their focus
// rings contrast 3:1 with what is behind them.
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USER, PASSWORD, launch, pages, signIn, shot, contrastFailures, weakFocusRings } from './support.mjs';

// WCAG 2.5.5's size, which Vietnamese teachers' cheap phones need more than most.
const TARGET = 44;

let browser;
let newPage;
const pageErrors = [];

before(async () => {
  browser = await launch();
  newPage = pages(browser, pageErrors);
});

after(async () => {
  await browser?.close();
});

const phone = () => newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

/** How far the page reaches past the screen's right edge, and the elements that do. */
const overflow = (page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5)
    .filter((e) => !e.closest('.scroll')) // a table that scrolls sideways in its own box
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} → ${Math.round(e.getBoundingClientRect().right)}`);
  return { by: document.documentElement.scrollWidth - width, wide: wide.slice(0, 10) };
});

/**
 * Visible controls smaller than TARGET × TARGET: buttons, inputs, selects, summaries and
 * links styled as buttons; a checkbox counts by its label (the whole line is the target).
 * Links inside a sentence are exempt (WCAG 2.5.8's inline exception).
 */
const smallTargets = (page) => page.evaluate((min) => {
  const visible = (e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
  const controls = [...document.querySelectorAll('button, input, select, summary, a.button, label.button, .links a, .example a')]
    .filter((e) => visible(e) && !e.closest('[hidden]') && !e.matches('input[type=hidden], input.visually-hidden'));
  return controls.map((e) => {
    const box = (e.matches('input[type=checkbox], input[type=radio]') ? e.closest('label') ?? e : e).getBoundingClientRect();
    return { e, box };
  }).filter(({ box }) => box.width < min - 0.5 || box.height < min - 0.5)
    .map(({ e, box }) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} ${Math.round(box.width)}×${Math.round(box.height)}`);
}, TARGET);

/** Opens every collapsed part of admin.html an organizer sees, so all of it is checked. */
async function openEverything(page) {
  await page.$$eval('details', (ds) => ds.forEach((d) => { d.open = true; }));
  await page.click('#banks li.bank .open-bank');
  await page.waitForSelector('#banks li.bank input[data-qid]');
}

test('admin.html on a 360 px phone: nothing overflows, every control is a 44 px target, AA contrast', {
  timeout: 120_000,
}, async () => {
  const { page } = await phone();
  await page.goto(`${BASE}/admin.html`);
  await page.waitForSelector('#sign-in:not([hidden])');
  assert.deepEqual(await contrastFailures(page), [], 'the sign-in form\'s contrast');
  assert.deepEqual(await weakFocusRings(page, 6), [], 'focus rings on the sign-in form');
  await signIn(page, USER, PASSWORD);
  await page.waitForSelector('#quizzes-panel');
  await openEverything(page);
  const wide = await overflow(page);
  assert.equal(wide.by, 0, `admin.html overflows a 360 px screen by ${wide.by} px: ${wide.wide.join('; ')}`);
  const small = await smallTargets(page);
  assert.equal(small.length, 0, `controls under ${TARGET} px: ${small.join('; ')}`);
  assert.deepEqual(await contrastFailures(page), [], 'admin.html\'s contrast');
  assert.deepEqual(await weakFocusRings(page, 40), [], 'focus rings on admin.html');
  await page.evaluate(() => { document.activeElement?.blur(); scrollTo(0, 0); });
  await shot(page, 'admin-phone');
  assert.deepEqual(pageErrors, [], 'no script errors');
});

test('the other pages a teacher or a pupil opens pass AA contrast, their focus rings 3:1', {
  timeout: 120_000,
}, async () => {
  const { page } = await phone();
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#join');
  assert.deepEqual(await contrastFailures(page), [], 'the join page\'s contrast');
  assert.deepEqual(await weakFocusRings(page, 4), [], 'focus rings on the join page');

  await page.goto(`${BASE}/rankings.html`);
  await page.waitForSelector('#loading', { state: 'hidden' });
  assert.deepEqual(await contrastFailures(page), [], 'rankings.html\'s contrast');
  assert.deepEqual(await weakFocusRings(page, 10), [], 'focus rings on rankings.html');

  const desk = await newPage({ viewport: { width: 1280, height: 800 } });
  await signIn(desk.page, USER, PASSWORD);
  await desk.page.goto(`${BASE}/contest-admin.html`);
  await desk.page.waitForLoadState('networkidle');
  assert.deepEqual(await contrastFailures(desk.page), [], 'contest-admin.html\'s contrast');
  assert.deepEqual(await weakFocusRings(desk.page, 20), [], 'focus rings on contest-admin.html');
  assert.deepEqual(pageErrors, [], 'no script errors');
});
