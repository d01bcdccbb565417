// The quiz editor on admin.html (issue 19), as a teacher uses it on a 360 px phone: writes one
// question of each kind (the first with an image the server re-encodes), sees a bad one
// refused with nothing saved, mixes them with a question of a province bank into a quiz,
// reorders it, duplicates it, deletes the copy (asked on the page, not by window.confirm), and
// opens a game of the mixed quiz for class 7A. On the 1024×768 projector the host removes a
// player and ends the game through the page's own question, which a clicker answers (▶) or
// takes back (◀ / Esc). Every page shown passes WCAG AA contrast (axe-core).
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, pages, organizerApi, signIn, text, shot, contrastFailures } from './support.mjs';

// host-clicker.js: a new screen takes no clicker press this long.
const SETTLE_MS = 700;
// A 48 × 32 PNG (a gradient), as a phone's gallery would give one.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtmxLAAAAm0lEQVR42u3OkZKCAQBG0V+SJElWkiRJkmQlWUmSJOlCkiRJkiRJkiRJkiRJkjR3JkmSlZUkSXqJ3mLpO09wigJLWMYKVvELa1jHBjaxhW38xg7+YBd72McBDnGEY5zgFGc4xwUucYVr3OAWd7jHAx7xhGe84BVveMdf/MMHPvGFbywSSiihhBJKKKGEEkoooYQSSiihhBL6z9AH8sCBiDqXMvIAAAAASUVORK5CYII=', 'base64');

let browser;
let newPage;
const pageErrors = [];

before(async () => {
  browser = await launch();
  // A refused question is a 422 the page shows: expected here.
  newPage = pages(browser, pageErrors, [401, 422]);
});

after(async () => {
  await browser?.close();
});

const phone = () => newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const projector = () => newPage({ viewport: { width: 1024, height: 768 } });
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** Fills the editor's form for one question and saves it; `options` as `[text, correct]`. */
async function write(page, { kind, text: q, options = [], truth, value }) {
  await page.selectOption('#q-kind', kind);
  await page.fill('#q-text', q);
  if (options.length) {
    // The form starts with four option rows: drop the ones not needed.
    while (await page.locator('#q-options li').count() > options.length) {
      await page.locator('#q-options li .remove-option').last().click();
    }
    for (const [i, [o, right]] of options.entries()) {
      await page.locator('#q-options .option-text').nth(i).fill(o);
      if (right) await page.locator('#q-options .correct').nth(i).check();
    }
  }
  if (truth != null) await page.check(`input[name="q-truth"][value="${truth}"]`);
  if (value != null) await page.fill('#q-value', String(value));
  const before = await page.locator('#own-questions li.own-question').count();
  await page.click('#q-save');
  await page.waitForFunction((n) => document.querySelectorAll('#own-questions li.own-question').length === n + 1, before);
}

/** No part of the page is wider than the phone. */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

test('a teacher writes a quiz of every kind on a phone, mixes, reorders, duplicates, deletes and hosts it', {
  timeout: 180_000,
}, async () => {
  // The organizer makes the teacher's account.
  const office = await projector();
  const post = await organizerApi(office.context.request);
  const username = `gv-editor-${process.pid}`;
  const password = 'mat-khau-giao-vien';
  await post('/api/accounts', { username, display_name: 'Cô Hạnh', password, role: 'teacher' });

  const { context, page } = await phone();
  await signIn(page, username, password);
  await page.waitForSelector('#editor-panel:not([hidden])');
  assert.equal(await text(page, '#own-questions li'), 'Bạn chưa soạn câu hỏi nào.');

  // ---- One of each kind; the first with an image. ----
  await page.setInputFiles('#q-image', { name: 'hinh-otp.png', mimeType: 'image/png', buffer: PNG });
  await page.waitForFunction(() => document.querySelector('#q-image-preview')?.naturalWidth === 48);
  await write(page, { kind: 'single', text: 'Ai được biết mã OTP của em?', options: [['Chỉ em', true], ['Bạn thân', false], ['Người gọi điện', false]] });
  await write(page, { kind: 'multiple', text: 'Mật khẩu nào mạnh?', options: [['Lan@Dak-Lak#2026', true], ['123456', false], ['Hoa_sen!Buon9', true]] });
  await write(page, { kind: 'true_false', text: 'Nên cho bạn mượn mật khẩu?', truth: 'false' });
  await write(page, { kind: 'ordering', text: 'Xếp các bước đăng nhập VNeID', options: [['Mở ứng dụng'], ['Nhập số định danh'], ['Nhập mật khẩu']] });

  // A numeric question without its number is refused, and nothing is saved.
  await page.selectOption('#q-kind', 'numeric');
  await page.fill('#q-text', 'Mã OTP thường có mấy chữ số?');
  await page.click('#q-save');
  await page.waitForFunction(() => document.querySelector('#q-error').textContent.length > 0);
  assert.match(await text(page, '#q-error'), /^Câu hỏi chưa hợp lệ: .*là một số/);
  assert.equal(await page.locator('#own-questions li.own-question').count(), 4);
  await write(page, { kind: 'numeric', text: 'Mã OTP thường có mấy chữ số?', value: 6 });

  const own = await (await context.request.get(`${BASE}/api/questions`)).json();
  assert.deepEqual(own.questions.map((q) => q.kind), ['single', 'multiple', 'true_false', 'ordering', 'numeric']);
  assert.deepEqual(own.questions[1].key, { type: 'options', ids: [1, 3] });
  assert.match(own.questions[0].image, /^u-[0-9a-f]{20}\.png$/);
  const served = await context.request.get(`${BASE}/bank-images/${own.bank}/${own.questions[0].image}`);
  assert.equal(served.headers()['content-type'], 'image/png');
  assert.notDeepEqual(Buffer.from(await served.body()), PNG, 'served as the server encoded it, not as sent');
  // Each is picked for the quiz being made as it is written.
  assert.equal(await text(page, '#selection'), 'Đã chọn 5 câu, 0 ngân hàng trọn bộ');
  assert.ok(await overflow(page) <= 0, `the editor fits 360 px (${await overflow(page)} px over)`);
  assert.deepEqual(await contrastFailures(page), [], 'the editor\'s contrast');
  await page.locator('#editor-panel').screenshot({ path: `${SHOTS}admin-editor.png` });

  // ---- Mixed with a question of a province bank. ----
  const bank = page.locator('#banks li.bank[data-bank="thcs-ky-nang-so"]');
  await bank.locator('.open-bank').click();
  await bank.locator('input[data-qid]').first().check();
  assert.equal(await text(page, '#selection'), 'Đã chọn 6 câu, 0 ngân hàng trọn bộ');
  await page.fill('#quiz-title', 'Lớp 7A — An toàn tài khoản');
  await page.click('#create');
  const row = page.locator('#quizzes li', { hasText: 'Lớp 7A — An toàn tài khoản' });
  await row.waitFor();
  assert.match(await row.innerText(), /6 câu/);
  const quizId = Number(await row.getAttribute('data-quiz'));

  // ---- Reordered: the first question goes down one. ----
  const before = (await (await context.request.get(`${BASE}/api/quizzes/${quizId}`)).json()).questions.map((q) => q.text);
  await row.locator('.edit-quiz').click();
  await page.waitForSelector('#quiz-edit #edit-questions li');
  assert.equal(await page.locator('#edit-questions li').count(), 6);
  await page.locator('#edit-questions li').first().locator('.down').click();
  assert.ok(await overflow(page) <= 0, 'the quiz editor fits 360 px');
  await shot(page, 'admin-quiz-edit');
  await page.click('#quiz-edit button[type=submit]');
  await page.waitForSelector('#quiz-edit', { state: 'detached' });
  const after = (await (await context.request.get(`${BASE}/api/quizzes/${quizId}`)).json()).questions.map((q) => q.text);
  assert.deepEqual(after, [before[1], before[0], ...before.slice(2)]);

  // ---- Duplicated, and the copy deleted after the page asks. ----
  await page.locator(`#quizzes li[data-quiz="${quizId}"] .duplicate-quiz`).click();
  const copy = page.locator('#quizzes li', { hasText: '(bản sao)' });
  await copy.waitFor();
  await copy.locator('.delete-quiz').click();
  assert.match(await copy.locator('.confirm .ask').innerText(), /^Xoá đề «Lớp 7A — An toàn tài khoản \(bản sao\)»\?/);
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'confirm-no', '«Không» has the focus');
  await copy.locator('.confirm-yes').click();
  await copy.waitFor({ state: 'detached' });
  assert.equal(await page.locator('#quizzes li[data-quiz]').count(), 1);

  // ---- A game of the mixed quiz, for class 7A. ----
  await page.locator(`#quizzes li[data-quiz="${quizId}"] .open-game`).click();
  await page.fill('#game-class', '7A');
  await page.click('#start-game');
  await page.waitForURL(/host\.html\?game=\d+/);
  const gameId = Number(new URL(page.url()).searchParams.get('game'));
  const xlsx = await context.request.get(`${BASE}/api/games/${gameId}/report.xlsx`);
  assert.match(xlsx.headers()['content-disposition'], /lop-7a/, 'the report names the class');

  // ---- On the projector: remove a player and end the game by the page's own question. ----
  const desk = await projector();
  const host = desk.page;
  const signedIn = await desk.context.request.post(`${BASE}/api/session`, { headers: { origin: BASE }, data: { username, password } });
  assert.equal(signedIn.status(), 200);
  await host.goto(`${BASE}/host.html?game=${gameId}`);
  const pin = (await text(host, '#pin')).trim();
  const players = [];
  for (const name of ['Nam', 'Lan']) {
    const p = await phone();
    await p.page.goto(`${BASE}/?pin=${pin}`);
    await p.page.fill('#nickname', name);
    await p.page.tap('#join-button');
    await p.page.waitForSelector('#lobby');
    players.push(p.page);
  }
  await host.waitForFunction(() => document.querySelectorAll('#players button.name').length === 2);
  await host.locator('#players button.name', { hasText: 'Nam' }).click();
  await host.waitForSelector('#ask:not([hidden])');
  assert.equal(await text(host, '#ask-text'), 'Mời «Nam» ra khỏi phòng?');
  assert.deepEqual(await contrastFailures(host), [], 'the question\'s contrast');
  await shot(host, 'host-ask-kick');
  await host.keyboard.press('Escape');
  await host.waitForSelector('#ask', { state: 'hidden' });
  assert.equal(await host.locator('#players button.name').count(), 2, '◀ / Esc takes it back');
  await host.locator('#players button.name', { hasText: 'Nam' }).click();
  await host.waitForSelector('#ask:not([hidden])');
  await pause(SETTLE_MS + 100);
  await host.keyboard.press('PageDown');
  await host.waitForFunction(() => document.querySelectorAll('#players button.name').length === 1);
  assert.equal(await text(host, '#players button.name'), 'Lan');

  await host.click('#start');
  await host.waitForSelector('#end:not([hidden])');
  await host.click('#end');
  await host.waitForSelector('#ask:not([hidden])');
  assert.equal(await text(host, '#ask-text'), 'Kết thúc trò chơi ngay bây giờ?');
  await host.click('#ask-no');
  await host.waitForSelector('#ask', { state: 'hidden' });
  assert.equal(await host.isVisible('#end'), true, '«Không» ends nothing');
  await host.click('#end');
  await host.click('#ask-yes');
  await host.waitForSelector('#podium');

  // ---- The report: the game is listed with its class, its files one tap away. ----
  await page.goto(`${BASE}/admin.html`);
  const game = page.locator(`#games li[data-game="${gameId}"]`);
  await game.waitFor();
  assert.match(await game.innerText(), /Lớp 7A/);
  assert.deepEqual(await contrastFailures(page), [], 'the games list\'s contrast');
  await page.locator('#games-panel').screenshot({ path: `${SHOTS}admin-reports.png` });
  assert.deepEqual(pageErrors, [], 'no script errors and no window dialogs');
});
