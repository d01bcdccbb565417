// A whole live game in a real browser: a teacher builds a quiz on admin.html and opens a game,
// the projector (host.html) shows the PIN, two phones join and answer every question — Lan Anh
// always right, Minh always wrong — and the podium and Lan Anh's phone show her first.
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USER, PASSWORD, launch, pages, signIn, text, shot } from './support.mjs';

const PLAYER_PAGE_LIMIT = 100 * 1024;
// Kinds this test knows how to answer right and wrong by tapping.
const TAPPABLE = new Set(['single', 'true_false', 'multiple']);
const QUESTIONS = 3;

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

/** The correct option ids of a bank question, as the bank API gives them to teachers. */
function correctIds(q) {
  if (Array.isArray(q.key?.ids)) return [...q.key.ids].sort((a, b) => a - b);
  if (typeof q.correct === 'boolean') return [q.correct ? 1 : 2];
  if (Array.isArray(q.correct)) return [...q.correct].sort((a, b) => a - b);
  if (typeof q.correct === 'number') return [q.correct];
  throw new Error(`no answer key in bank question ${q.id}: ${JSON.stringify(q)}`);
}

/** A bank with at least QUESTIONS questions this test can play, and those questions. */
async function pickQuestions(request) {
  const banks = await (await request.get(`${BASE}/api/banks`)).json();
  assert.ok(banks.length > 0, 'the server lists bundled banks');
  for (const summary of banks) {
    const data = await (await request.get(`${BASE}/api/banks/${encodeURIComponent(summary.id)}`)).json();
    const playable = (data.questions ?? []).filter((q) => TAPPABLE.has(q.kind));
    if (playable.length >= QUESTIONS) return { bank: summary, questions: playable.slice(0, QUESTIONS) };
  }
  throw new Error('no bank has enough single / true-false / multiple questions');
}

/** The texts of a bank question's right options: a game shows options under ids of its own. */
function keyTexts(q) {
  return correctIds(q).map((id) => q.options[id - 1].normalize('NFC')).sort();
}

/** The options a screen shows, `[{id, text}]`, from the elements matching `selector`. */
async function shownOptions(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => ({ id: Number(e.dataset.id), text: e.querySelector('.txt').textContent.normalize('NFC') })));
}

/** Taps an answer on a phone: the right one, or a wrong one. */
async function answer(page, q, right) {
  const shownOpts = await shownOptions(page, '#screen button.opt');
  const texts = keyTexts(q);
  const key = shownOpts.filter((o) => texts.includes(o.text)).map((o) => o.id);
  assert.equal(key.length, texts.length, `every right option of ${q.id} is on the phone`);
  const shown = shownOpts.map((o) => o.id);
  let ids = key;
  if (!right) {
    const others = shown.filter((id) => !key.includes(id));
    ids = others.length ? [others[0]] : [key[0]];
    assert.ok(q.kind === 'multiple' || others.length, `question ${q.id} has a wrong option`);
  }
  for (const id of ids) await page.tap(`#screen button.opt[data-id="${id}"]`);
  if (q.kind === 'multiple') await page.tap('#screen .actions button.primary');
}

test('a class plays a whole game in the browser: join, answer, reveal, podium', {
  timeout: 180_000,
}, async () => {
  // ---- The teacher signs in and builds a quiz from a bundled bank. ----
  const desk = await newPage({ viewport: { width: 1280, height: 720 } });
  const admin = desk.page;
  await signIn(admin, USER, PASSWORD);

  const { bank, questions } = await pickQuestions(desk.context.request);
  const byText = new Map(questions.map((q) => [q.text.normalize('NFC'), q]));
  const bankItem = `#banks li[data-bank="${bank.id}"]`;
  await admin.click(`${bankItem} .open-bank`);
  for (const q of questions) await admin.check(`${bankItem} input[data-qid="${q.id}"]`);
  assert.match(await text(admin, '#selection'), new RegExp(`${QUESTIONS} câu`));
  const title = `Kiểm thử trình duyệt ${Date.now()}`;
  await admin.fill('#quiz-title', title);
  await admin.click('#create');
  const quizItem = admin.locator('#quizzes li', { hasText: title });
  await quizItem.locator('.open-game').click();
  assert.equal(await admin.isChecked('#streak'), false, 'the streak bonus is off by default');
  await admin.click('#start-game');
  await admin.waitForURL(/\/host\.html\?game=\d+$/);

  // ---- The projector shows the PIN. This server listens on 127.0.0.1, which no phone
  // reaches: the projector says so instead of a QR code (classroom.test.mjs shows the QR code
  // of a server on the classroom's network). ----
  const host = admin;
  const pin = (await text(host, '#pin')).trim();
  assert.match(pin, /^\d{6}$/, 'the host screen shows a 6-digit PIN');
  await host.waitForSelector('#lan-warning');

  // ---- Two phones join; the player page is small. ----
  const lan = await phone();
  const responses = [];
  lan.page.on('requestfinished', (req) => responses.push(req.sizes().then((s) => ({ url: req.url(), ...s }))));
  await lan.page.goto(`${BASE}/?pin=${pin}`, { waitUntil: 'networkidle' });
  const loaded = await Promise.all(responses);
  const bytes = loaded.reduce((sum, r) => sum + r.responseBodySize, 0);
  console.log(`player page: ${loaded.length} responses, ${bytes} bytes of bodies`);
  assert.ok(loaded.length >= 4, 'the page, its style, script and catalogue were loaded');
  assert.ok(bytes < PLAYER_PAGE_LIMIT, `the player page transfers ${bytes} bytes, under 100 KB`);

  assert.equal(await lan.page.inputValue('#pin'), pin, '?pin= fills the PIN');
  await lan.page.fill('#nickname', 'Lan Anh');
  await shot(lan.page, 'player-join');
  await lan.page.tap('#join-button');
  assert.equal(await text(lan.page, '#lobby'), 'Bạn đã vào phòng! Chờ giáo viên bắt đầu…');

  const minh = await phone();
  await minh.page.goto(`${BASE}/?pin=${pin}`);
  await minh.page.fill('#nickname', 'Minh');
  await minh.page.tap('#join-button');
  await minh.page.waitForSelector('#lobby');

  await host.waitForFunction(() => document.querySelectorAll('#players .name').length === 2);
  const names = await host.$$eval('#players .name', (els) => els.map((e) => e.textContent).sort());
  assert.deepEqual(names, ['Lan Anh', 'Minh']);
  assert.equal(await text(host, '#count'), '2 người chơi');
  await shot(host, 'host-lobby');
  await host.click('#start');

  // ---- Every question: Lan Anh right, Minh wrong; the host advances. ----
  for (let i = 0; i < QUESTIONS; i += 1) {
    await host.waitForSelector(`section.question[data-q="${i}"]`);
    for (const p of [lan.page, minh.page]) await p.waitForSelector(`#qtext[data-q="${i}"]`);
    const shownText = (await text(lan.page, '#qtext')).normalize('NFC');
    const q = byText.get(shownText);
    assert.ok(q, `question ${i} is one of the quiz's: ${shownText}`);
    if (i === 0) {
      await shot(host, 'host-question');
      await shot(lan.page, 'player-question');
    }
    await answer(lan.page, q, true);
    await answer(minh.page, q, false);

    // The reveal: the host marks exactly the right options and counts one right answer.
    await host.waitForSelector(`#reveal[data-q="${i}"]`);
    const marked = (await shownOptions(host, '#reveal .opt[data-correct="true"]')).map((o) => o.text).sort();
    assert.deepEqual(marked, keyTexts(q), `the reveal of question ${i} marks the right options`);
    assert.match(await text(host, '#reveal .right-count'), /^1\/2 /);
    if (i === 0) await shot(host, 'host-reveal');

    await lan.page.waitForSelector('#result');
    await minh.page.waitForSelector('#result');
    assert.equal(await lan.page.getAttribute('#result', 'data-verdict'), 'ok', 'Lan Anh sees she was right');
    assert.equal(await minh.page.getAttribute('#result', 'data-verdict'), 'bad', 'Minh sees he was wrong');
    assert.equal(await text(lan.page, '#rank'), 'Hạng 1');
    if (i === 0) await shot(lan.page, 'player-result');

    await host.click('#next');
    await host.waitForSelector('#leaderboard');
    assert.equal(await text(host, '#leaderboard li[data-rank="1"] .who'), 'Lan Anh');

    {
      // A reload keeps the player: the page resumes with its saved token instead of joining
      // (again after every question: a resumed page must be able to resume once more).
      await minh.page.reload();
      await minh.page.waitForSelector('#result');
      assert.equal(await text(minh.page, '#me'), 'Minh');
      assert.equal(await minh.page.isVisible('#join'), false);
    }
    await host.click('#next');
  }

  // ---- The podium and the phones. ----
  await host.waitForSelector('#podium');
  assert.equal(await text(host, '.stand[data-rank="1"] .who'), 'Lan Anh', 'the winner stands first');
  assert.equal(await text(host, '.stand[data-rank="2"] .who'), 'Minh');
  const first = await host.locator('.stand.p1 .block').boundingBox();
  const second = await host.locator('.stand.p2 .block').boundingBox();
  assert.ok(first.x > second.x && first.height > second.height, 'first place stands in the middle, tallest');
  // The report's downloads, who got which question right among them, and each one answers.
  const links = await host.locator('#podium .reports a[download]').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.deepEqual(links.map(([label]) => label), ['Người chơi (CSV)', 'Câu hỏi (CSV)', 'Đúng sai từng câu (CSV)', 'Bảng tính Excel (XLSX)']);
  for (const [, href] of links) {
    assert.equal((await host.request.get(`${BASE}${href}`)).status(), 200, href);
  }
  const answers = await (await host.request.get(`${BASE}${links[2][1]}`)).text();
  assert.match(answers, /Lan Anh.*;.*Đúng/, 'the Excel CSV of who got what right: the winner right, «;» between cells');
  await shot(host, 'host-podium');

  await lan.page.waitForSelector('#final');
  assert.equal(await text(lan.page, '#final-rank'), 'Hạng 1', 'the winner\'s phone shows rank 1');
  await minh.page.waitForSelector('#final');
  assert.equal(await text(minh.page, '#final-rank'), 'Hạng 2');
  await shot(lan.page, 'player-final');

  // The report the teacher downloads names both players.
  const csvHref = await host.getAttribute('.reports a[href*="part=players"]', 'href');
  const csv = await desk.context.request.get(`${BASE}${csvHref}`);
  assert.equal(csv.status(), 200);
  const csvText = await csv.text();
  assert.ok(csvText.includes('Lan Anh') && csvText.includes('Minh'), 'the players report lists both players');
  assert.ok(await host.locator('.reports a[href$="report.xlsx"]').count(), 'the XLSX report is linked');

  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
