// The online contest on a pupil's phone (contest.html), against the real HTTP API: the
// organizer registers a school and its pupils, a five-question bank for tiểu học, a contest
// and a round whose key shows after submitting, and prints the school's login cards. A pupil
// opens the card's address on a 360 × 740 phone and is signed in by it; starts the round,
// answers every question by tapping (each answer saved on the server as it is given), reloads
// half-way and finds the answers and the clock as they were, sees a second device offer to
// resume the same attempt, predicts, submits, and reads the score and the key. A wrong secret,
// typed or on a card's address, shows the server's message.
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, organizerApi, pages, text, answerOnPage } from './support.mjs';

let browser;
let newPage;
const pageErrors = [];

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const SAVED = 'Đã lưu câu trả lời.';
const BAD_CARD = 'Sai mã học sinh hoặc mã bí mật trên thẻ dự thi.';
const HOUR = 3600 * 1000;
const POINTS_PER_RIGHT_ANSWER = 10;

const stamp = Date.now().toString(36).toUpperCase();
const low = stamp.toLowerCase();
const school = `CT${stamp}`;
const pupil = { code: `CT${stamp}-01`, fullName: 'Hoàng Thị Mai', shown: 'Hoàng T. M.', className: '5A' };
const bankId = `thi-thu-${low}`;
const slug = `ct-${low}`;
const roundContext = `dot-thu-${low}`;
const roundTitle = `Đợt thi thử ${stamp}`;
const predictionText = `Theo em, đợt thi thử ${stamp} có bao nhiêu bạn tham gia?`;

/**
 * The round's five questions, one of each kind the contest draws (numeric ones never are),
 * and what the pupil taps: `tap` is the option's text, `right` whether that is the key. The
 * ordering question is first kept as shown, then put right with ▲.
 */
const QUESTIONS = [
  {
    kind: 'single', text: `Câu ${stamp}-A: người lạ nhắn tin xin mật khẩu tài khoản học tập của em. Em làm gì?`,
    options: ['Gửi ngay cho người đó', 'Không gửi, báo cho thầy cô hoặc bố mẹ', 'Đăng mật khẩu lên lớp'],
    correct: '2', tap: 'Không gửi, báo cho thầy cô hoặc bố mẹ', right: true,
  },
  {
    kind: 'true_false', text: `Câu ${stamp}-B: mã OTP có thể đọc cho bạn bè nghe nếu bạn ấy hỏi. Đúng hay sai?`,
    options: [], correct: 'Sai', tap: 'Đúng', right: false,
  },
  {
    kind: 'multiple', text: `Câu ${stamp}-C: những việc nào giúp giữ an toàn khi dùng máy tính ở trường?`,
    options: ['Đăng xuất khi dùng xong', 'Đặt mật khẩu khó đoán', 'Dán mật khẩu lên màn hình'],
    correct: '1,2', tap: 'Đăng xuất khi dùng xong', right: false, // one of the two: not the key
  },
  {
    kind: 'ordering', text: `Câu ${stamp}-D: xếp các bước gửi một bức thư điện tử theo đúng thứ tự.`,
    options: ['Mở hộp thư', 'Viết nội dung thư', 'Bấm nút Gửi'],
    correct: '', right: true,
  },
  {
    kind: 'single', text: `Câu ${stamp}-E: khi thấy một đường link lạ hứa tặng quà, em nên làm gì?`,
    options: ['Bấm vào để nhận quà', 'Nhập số điện thoại của mẹ', 'Không bấm và hỏi người lớn'],
    correct: '3', tap: 'Không bấm và hỏi người lớn', right: true,
  },
];

const csvCell = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const csvLine = (cells) => cells.map(csvCell).join(',');

/** The bank as a CSV in hoithi's template layout (bank rows, then a header of column keys). */
function bankCsv() {
  const lines = [
    csvLine(['bank', bankId]), csvLine(['title', `Ngân hàng thi thử ${stamp}`]),
    csvLine(['topic', 'an-toan']), csvLine(['levels', 'tieu-hoc']), '',
    csvLine(['id', 'kind', 'text', 'option_1', 'option_2', 'option_3', 'correct', 'time_limit', 'points',
      'difficulty', 'explanation', 'source']),
  ];
  QUESTIONS.forEach((q, i) => lines.push(csvLine([`${bankId}-${i + 1}`, q.kind, q.text, ...[0, 1, 2].map((k) => q.options[k] ?? ''),
    q.correct, 20, 'standard', 1, `Giải thích câu ${i + 1} của đợt thi thử ${stamp}.`,
    `Tài liệu kiểm thử ${stamp}`])));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The round's question shown now, found by its text. */
async function currentQuestion(page) {
  const shown = (await text(page, '.attempt .qtext')).normalize('NFC');
  const q = QUESTIONS.find((x) => x.text.normalize('NFC') === shown);
  assert.ok(q, `the question shown is one of the round's: ${shown}`);
  return q;
}

/** Seconds on the attempt's clock (m:ss). */
async function clock(page) {
  const shown = await text(page, '.attempt .clock');
  const m = shown.match(/^(\d+):([0-5]\d)$/);
  assert.ok(m, `the clock reads m:ss (${shown})`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Nothing on the screen is wider than the phone. */
async function fitsPhone(page, screen) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.viewport.width, `${screen}: nothing wider than the phone (${width}px > ${PHONE.viewport.width}px)`);
}

/**
 * Taps `target`, and waits until the server has the change (`path`) and the page says so. The
 * question stays where it was while «Đã lưu» shows: nothing moves under the pupil's finger.
 */
async function tapAndSave(page, target, path) {
  const top = async () => (await page.locator('.attempt .qtext').boundingBox()).y;
  const before = await top();
  const put = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname.endsWith(path));
  await target.tap();
  const res = await put;
  assert.equal(res.status(), 200, `${path}: ${await res.text()}`);
  assert.equal((await res.json()).saved, true, `${path} is on disk`);
  await page.waitForFunction((saved) => {
    const s = document.getElementById('status');
    return !s.hidden && s.textContent === saved;
  }, SAVED);
  assert.equal(await top(), before, 'the «saved» banner does not push the question down');
}

/** The classes of the question dots, in order ('1' … '5', '?'). */
const dots = (page) => page.locator('.attempt .dots button').evaluateAll((els) => els.map((e) => ({
  label: e.textContent, done: e.classList.contains('done'), here: e.classList.contains('here'),
})));

const optionTexts = async (page) => (await page.locator('.answers .opt .txt').allInnerTexts()).map((s) => s.normalize('NFC'));
const orderTexts = async (page) => (await page.locator('.ordering li .txt').allInnerTexts()).map((s) => s.normalize('NFC'));

/** The option button whose text is `label`. */
async function option(page, label) {
  const k = (await optionTexts(page)).indexOf(label.normalize('NFC'));
  assert.ok(k >= 0, `the option «${label}» is shown`);
  return page.locator('.answers .opt').nth(k);
}

/** The options marked chosen (aria-pressed="true"), by text. */
const pressed = async (page) => (await page.locator('.answers .opt[aria-pressed="true"] .txt').allInnerTexts()).map((s) => s.normalize('NFC'));

/** What the pupil gave, as the question shown says: the order kept, or the options chosen. */
async function given(page, q) {
  if (q.kind !== 'ordering') return pressed(page);
  const unanswered = await page.getByRole('button', { name: 'Giữ thứ tự này' }).count();
  return unanswered ? [] : orderTexts(page);
}

/** What the pupil gives to `q` (texts, as `given` reads them). */
const giving = (q) => (q.kind === 'ordering' ? q.options : [q.tap]);

/** Answers the question shown the way QUESTIONS says; returns the question. */
async function answer(page, i) {
  const q = await currentQuestion(page);
  const path = `/answers/${i}`;
  if (q.kind === 'ordering') {
    const keep = page.getByRole('button', { name: 'Giữ thứ tự này' });
    const shown = await orderTexts(page);
    assert.deepEqual([...shown].sort(), [...q.options].sort(), 'the items to order are the question\'s');
    await tapAndSave(page, keep, path);
    assert.equal(await keep.count(), 0, '«Giữ thứ tự này» goes once the order is saved');
    assert.deepEqual(await orderTexts(page), shown, 'the kept order is the order shown');
    // Now put it right, one ▲ at a time (each move is saved).
    for (let p = 0; p < q.options.length; p += 1) {
      let at = (await orderTexts(page)).indexOf(q.options[p]);
      while (at > p) {
        await tapAndSave(page, page.locator('.ordering li').nth(at).getByRole('button', { name: 'Đưa lên' }), path);
        at -= 1;
        assert.equal((await orderTexts(page))[at], q.options[p], 'the item moved up one place');
      }
    }
    assert.deepEqual(await orderTexts(page), q.options, 'the items are in the right order');
  } else {
    if (q.kind === 'true_false') assert.deepEqual(await optionTexts(page), ['Đúng', 'Sai']);
    else assert.deepEqual([...(await optionTexts(page))].sort(), [...q.options].sort(), 'the options are the question\'s');
    assert.deepEqual(await pressed(page), [], 'nothing is chosen yet');
    await tapAndSave(page, await option(page, q.tap), path);
    assert.deepEqual(await pressed(page), [q.tap], 'the tapped option is marked chosen');
  }
  const after = await dots(page);
  assert.equal(after[i].done, true, `the dot of question ${i + 1} shows it answered`);
  return q;
}

before(async () => {
  browser = await launch();
  // 401: /api/contest/me before signing in, and the wrong secrets. 409: a second start the
  // same day (the round allows one attempt a day).
  newPage = pages(browser, pageErrors, [401, 409]);

  // ---- The organizer, over the API: roster, bank, contest, round, login cards. ----
  const desk = await newPage();
  const api = desk.context.request;
  const post = await organizerApi(api);
  /** A POST that creates something: 201. */
  const create = async (path, body) => {
    const res = await api.post(`${BASE}${path}`, { headers: { origin: BASE }, data: body });
    assert.equal(res.status(), 201, `${path}: ${await res.text()}`);
    return res.json();
  };
  await post('/api/units/schools/import?file=truong.csv', [
    'code,name,levels,commune,enrolment',
    `${school},Trường Tiểu học Thi Thử ${stamp},tieu-hoc,22015,30`,
  ].join('\n'), 'application/octet-stream');
  await post('/api/units/students/import?file=hs.csv', [
    'code,full_name,display_name,class,grade,school,consent',
    `${pupil.code},${pupil.fullName},,${pupil.className},5,${school},`,
    `CT${stamp}-02,Đinh Văn Nam,,5A,5,${school},`,
  ].join('\n'), 'application/octet-stream');
  const imported = await post(`/api/banks/import?file=${bankId}.csv`, bankCsv(), 'application/octet-stream');
  assert.equal(imported.bank.questions, QUESTIONS.length, 'the bank has the five questions');
  await post(`/api/banks/${bankId}/approve`, {});
  await create('/api/contests', { slug, title: `Cuộc thi thử ${stamp}` });
  const now = Date.now();
  await create(`/api/contests/${slug}/rounds`, {
    context: roundContext, title: roundTitle, levels: ['tieu-hoc'], banks: [bankId],
    rules: {
      opens_at: now - HOUR, closes_at: now + 24 * HOUR, questions: QUESTIONS.length,
      reveal: 'after_submit', prediction: predictionText,
    },
  });
  const cards = await post(`/api/units/schools/${school}/login-cards`, {});
  assert.deepEqual(cards.map((c) => c.code).sort(), [pupil.code, `CT${stamp}-02`], 'a card for each pupil');
  const card = cards.find((c) => c.code === pupil.code);
  assert.equal(card.display_name, pupil.shown);
  assert.match(card.secret, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/, 'the secret as printed');
  assert.equal(card.url, `${BASE}/contest.html#code=${pupil.code}&secret=${card.secret}`, 'the card signs in by itself');
  assert.match(card.qr_svg, /<svg[\s\S]*<\/svg>/, 'the card carries a QR code');
  pupil.secret = card.secret;
  pupil.url = card.url;
  await desk.context.close();
});

after(async () => {
  await browser?.close();
});

test('a wrong secret, typed or on a card\'s address, shows the server\'s message', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(PHONE);
  await page.goto(`${BASE}/contest.html`);
  await page.waitForSelector('#sign-in:not([hidden])');
  assert.equal(await page.isVisible('#bar'), false, 'nobody is signed in');
  await page.fill('#code', pupil.code);
  await page.fill('#secret', 'ABCDE-FGHJK');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/contest/session'));
  await page.getByRole('button', { name: 'Vào thi' }).tap();
  const res = await refused;
  assert.equal(res.status(), 401);
  assert.equal((await res.json()).code, 'bad_card');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent !== '');
  assert.equal(await text(page, '#sign-in-error'), BAD_CARD);
  assert.ok(await page.isVisible('#sign-in'), 'the form stays up to try again');
  assert.equal(await page.isVisible('#screen'), false, 'no rounds without signing in');
  assert.ok(!(await context.cookies()).some((c) => c.name === 'hoithi_participant'), 'no session for a wrong secret');
  await fitsPhone(page, 'the sign-in form');

  // A card's address with a wrong secret (an old card after a reprint) lands on the same form,
  // with the message and the code filled in, not on a blank page.
  await page.goto(`${BASE}/contest.html#code=${pupil.code}&secret=ABCDE-FGHJK`);
  await page.reload(); // a new fragment alone does not load the page again
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent !== '');
  assert.equal(await text(page, '#sign-in-error'), BAD_CARD);
  assert.equal(await page.inputValue('#code'), pupil.code);

  // The right secret, typed with spaces and in lower case, signs in.
  await page.fill('#secret', ` ${pupil.secret.toLowerCase().replace('-', ' ')} `);
  await page.getByRole('button', { name: 'Vào thi' }).tap();
  await page.locator('#screen section.round').first().waitFor();
  assert.equal(await page.isVisible('#sign-in'), false);
  assert.equal(await text(page, '#sign-in-error'), '', 'the old message is gone');
  assert.equal(await page.evaluate(() => location.hash), '', 'no secret left in the address');
  // Signing out leaves nothing of the card on the shared phone, nor a session on the server.
  const session = (await context.cookies()).find((c) => c.name === 'hoithi_participant');
  assert.ok(session?.value, 'signed in: a session cookie');
  const asPupil = { headers: { cookie: `hoithi_participant=${session.value}` } };
  assert.equal((await context.request.get(`${BASE}/api/contest/me`, asPupil)).status(), 200);
  await page.getByRole('button', { name: 'Thoát' }).tap();
  await page.waitForSelector('#sign-in:not([hidden])');
  assert.equal(await page.inputValue('#secret'), '', 'the secret is not left in the form');
  assert.ok(!(await context.cookies()).some((c) => c.name === 'hoithi_participant' && c.value), 'the session cookie is gone');
  assert.equal((await context.request.get(`${BASE}/api/contest/me`, asPupil)).status(), 401, 'the old session is ended on the server');
  await context.close();
  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});

test('a pupil plays a whole round on a phone: sign in by the card, answer, reload, resume, submit, the key', {
  timeout: 180_000,
}, async () => {
  const started = Date.now();
  const { context, page } = await newPage(PHONE);

  // ---- The card's address signs in by itself and shows the round. ----
  await page.goto(pupil.url);
  // (Other open rounds of tiểu học may be listed too: this one is found by its title.)
  const ours = (p) => p.locator('#screen section.round').filter({ has: p.locator('h1', { hasText: roundTitle }) });
  const roundCard = ours(page);
  await roundCard.waitFor();
  assert.equal(await page.isVisible('#sign-in'), false, 'no form to fill in');
  assert.equal(await text(page, '#me'), `${pupil.shown} · ${pupil.className} · Trường Tiểu học Thi Thử ${stamp}`);
  assert.equal(await page.evaluate(() => location.hash), '', 'the secret leaves the address bar');
  assert.equal(await roundCard.locator('h1').innerText(), roundTitle);
  const rules = await roundCard.locator('.rules li').allInnerTexts();
  assert.equal(rules[0], `${QUESTIONS.length} câu hỏi, thêm một câu dự đoán`);
  assert.equal(rules[1], 'Thời gian làm bài: 10 phút');
  assert.equal(rules[2], 'Tối đa 3 lượt thi, 1 lượt mỗi ngày');
  assert.equal(await roundCard.locator('.hint').innerText(), 'Bạn còn 3 lượt thi.');
  const startButton = roundCard.getByRole('button', { name: 'Bắt đầu thi' });
  assert.ok(await startButton.isVisible(), '«Bắt đầu thi» is offered');
  await fitsPhone(page, 'the round');
  const signOut = await page.getByRole('button', { name: 'Thoát' }).boundingBox();
  assert.ok(signOut.height <= 48, `«Thoát» stays on one line (${signOut.height}px high)`);
  await page.screenshot({ path: `${SHOTS}contest-phone-round.png` });

  // ---- Start: the first question, the clock, a dot for each question and the prediction. ----
  await startButton.tap();
  await page.waitForSelector('.attempt .qtext');
  assert.equal(await text(page, '.attempt .qhead span'), `Câu 1/${QUESTIONS.length}`);
  const atStart = await clock(page);
  assert.ok(atStart <= 600 && atStart > 590, `the clock starts at the round's 10 minutes (${atStart} s)`);
  assert.deepEqual((await dots(page)).map((d) => d.label), ['1', '2', '3', '4', '5', '?']);
  assert.deepEqual((await dots(page)).map((d) => d.here), [true, false, false, false, false, false]);
  assert.ok((await dots(page)).every((d) => !d.done), 'nothing answered yet');
  assert.ok(await page.getByRole('button', { name: '← Câu trước' }).isDisabled(), 'no question before the first');
  const { open_attempt: attemptId } = (await (await context.request.get(`${BASE}/api/contest/me`)).json())
    .rounds.find((r) => r.context === roundContext);
  assert.ok(Number.isInteger(attemptId), 'the server has the attempt open');
  const serverView = async () => {
    const res = await context.request.get(`${BASE}/api/contest/attempts/${attemptId}`);
    assert.equal(res.status(), 200);
    return res.json();
  };

  const next = page.getByRole('button', { name: 'Câu sau →' });
  const asked = [];
  asked.push(await answer(page, 0));
  await fitsPhone(page, 'a question');
  await page.screenshot({ path: `${SHOTS}contest-phone-question.png` });
  await next.tap();
  assert.equal(await text(page, '.attempt .qhead span'), `Câu 2/${QUESTIONS.length}`);
  asked.push(await answer(page, 1));
  await fitsPhone(page, `question 2 (${asked[1].kind})`);

  // ---- A reload half-way: the answers and the clock are the server's. ----
  await page.waitForFunction(() => document.querySelector('.attempt .clock')?.textContent !== '10:00');
  const beforeReload = await clock(page);
  await page.reload();
  await roundCard.waitFor();
  assert.equal(await roundCard.getByRole('button', { name: 'Bắt đầu thi' }).count(), 0, 'no fresh start: an attempt is open');
  await roundCard.getByRole('button', { name: 'Làm tiếp bài đang thi' }).tap();
  await page.waitForSelector('.attempt .qtext');
  assert.equal(await text(page, '.attempt .qhead span'), `Câu 3/${QUESTIONS.length}`, 'resuming opens the first question not answered yet');
  const afterReload = await clock(page);
  assert.ok(afterReload <= beforeReload, `the clock did not start again (${afterReload} s after the reload, ${beforeReload} s before)`);
  assert.ok(afterReload > 0, 'time is left');
  assert.deepEqual((await dots(page)).map((d) => d.done), [true, true, false, false, false, false],
    'questions 1 and 2 are answered, the rest are not');
  for (const [i, q] of asked.entries()) {
    await page.locator('.attempt .dots button').nth(i).tap();
    assert.equal(await text(page, '.attempt .qhead span'), `Câu ${i + 1}/${QUESTIONS.length}`);
    assert.equal((await currentQuestion(page)).text, q.text, 'the questions keep their order');
    assert.deepEqual(await given(page, q), giving(q), `question ${i + 1} (${q.kind}) still has the answer given before the reload`);
  }

  // ---- A second device on the same card resumes this attempt; it does not start another. ----
  const second = await newPage(PHONE);
  await second.page.goto(pupil.url);
  const otherCard = ours(second.page);
  await otherCard.waitFor();
  assert.equal(await otherCard.getByRole('button', { name: 'Bắt đầu thi' }).count(), 0);
  await otherCard.getByRole('button', { name: 'Làm tiếp bài đang thi' }).tap();
  await second.page.waitForSelector('.attempt .qtext');
  assert.deepEqual((await dots(second.page)).map((d) => d.done), [true, true, false, false, false, false],
    'the second device sees the answers given on the phone');
  assert.equal(await text(second.page, '.attempt .qhead span'), `Câu 3/${QUESTIONS.length}`, 'it opens the first question not answered');
  await second.page.locator('.attempt .dots button').nth(0).tap();
  assert.deepEqual(await given(second.page, asked[0]), giving(asked[0]), 'and the answer to question 1');
  assert.ok(await clock(second.page) <= afterReload, 'the same clock on the second device');
  await second.context.close();
  const both = (await (await context.request.get(`${BASE}/api/contest/me`)).json()).rounds.find((r) => r.context === roundContext);
  assert.equal(both.open_attempt, attemptId, 'the open attempt is the phone\'s');
  assert.equal(both.attempts.length, 1, 'two devices, one attempt');

  // ---- The rest of the questions. ----
  await page.locator('.attempt .dots button').nth(2).tap();
  for (let i = 2; i < QUESTIONS.length; i += 1) {
    assert.equal(await text(page, '.attempt .qhead span'), `Câu ${i + 1}/${QUESTIONS.length}`);
    asked.push(await answer(page, i));
    await fitsPhone(page, `question ${i + 1} (${asked[i].kind})`);
    await next.tap();
  }
  assert.deepEqual(asked.map((q) => q.kind).sort(), QUESTIONS.map((q) => q.kind).sort(), 'the round asked each of the bank\'s questions once');

  // ---- The prediction. ----
  assert.equal(await text(page, '.attempt .qhead span'), 'Câu dự đoán');
  assert.equal(await text(page, '.attempt .qtext'), predictionText);
  assert.equal(await next.count(), 0, 'the prediction is the last step');
  // Nothing typed: nothing is sent, the hint says what to type.
  const predictionPuts = [];
  const onRequest = (r) => { if (r.method() === 'PUT' && r.url().endsWith('/prediction')) predictionPuts.push(r.url()); };
  page.on('request', onRequest);
  await page.getByRole('button', { name: 'Lưu số dự đoán' }).tap();
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Nhập một số nguyên, ví dụ 12000.');
  assert.ok(await page.isVisible('#status'));
  assert.equal((await dots(page))[QUESTIONS.length].done, false, 'no prediction saved from nothing');
  page.off('request', onRequest);
  assert.deepEqual(predictionPuts, [], 'nothing was sent');
  await page.locator('#prediction').fill('1234');
  await tapAndSave(page, page.getByRole('button', { name: 'Lưu số dự đoán' }), '/prediction');
  assert.equal(await page.inputValue('#prediction'), '1234');
  assert.deepEqual((await dots(page)).map((d) => d.done), [true, true, true, true, true, true], 'every step is answered');
  await fitsPhone(page, 'the prediction');

  // The server has every answer as given (option ids are the attempt's own: compare texts).
  const saved = await serverView();
  assert.equal(saved.submitted, false);
  assert.equal(saved.prediction.value, 1234);
  for (const q of saved.questions) {
    const mine = QUESTIONS.find((x) => x.text.normalize('NFC') === q.text.normalize('NFC'));
    const names = q.answer.map((id) => q.options.find((o) => o.id === id).text.normalize('NFC'));
    assert.deepEqual(names, giving(mine), `the server has the answer to «${q.text}»`);
  }

  // ---- Submit: the score and, as the round allows, the key. ----
  await page.getByRole('button', { name: 'Nộp bài' }).tap();
  await page.locator('dialog.confirm[open]').waitFor();
  await page.screenshot({ path: `${SHOTS}contest-phone-submit-ask.png` });
  assert.equal(await answerOnPage(page, 'Nộp bài'), 'Nộp bài? Sau khi nộp không sửa được nữa.', 'the pupil confirms once, nothing left unanswered');
  await page.waitForSelector('.standing h1');
  assert.equal(await text(page, '.standing h1'), 'Đã nộp bài');
  const right = QUESTIONS.filter((q) => q.right).length;
  const result = (await serverView()).result;
  assert.deepEqual([result.correct, result.of, result.score], [right, QUESTIONS.length, right * POINTS_PER_RIGHT_ANSWER],
    'the server scored the answers as given');
  assert.equal(await text(page, '.standing .rank'), `${right * POINTS_PER_RIGHT_ANSWER} điểm`);
  const time = await text(page, '.standing .rank + p');
  assert.match(time, new RegExp(`^Đúng ${right}/${QUESTIONS.length} câu · thời gian \\d+:[0-5]\\d$`));
  const [m, s] = time.split('thời gian ')[1].split(':').map(Number);
  assert.ok(m * 60 + s <= Math.ceil((Date.now() - started) / 1000), 'the time is the attempt\'s, no longer than the test ran');
  const review = page.locator('.standing ol.review > li');
  assert.equal(await review.count(), QUESTIONS.length, 'every question is reviewed');
  for (let i = 0; i < QUESTIONS.length; i += 1) {
    const row = review.nth(i);
    const lines = await row.locator('p').allInnerTexts();
    const q = QUESTIONS.find((x) => lines[0].normalize('NFC') === `${i + 1}. ${x.text}`.normalize('NFC'));
    assert.ok(q, `review ${i + 1} names its question: ${lines[0]}`);
    assert.equal(await row.getAttribute('class'), q.right ? 'right' : 'wrong', `«${q.text}» is marked ${q.right ? 'right' : 'wrong'}`);
    const yours = q.kind === 'ordering' ? q.options.join(' → ') : q.tap;
    assert.equal(lines[1].normalize('NFC'), `Bạn chọn: ${yours}`.normalize('NFC'));
    // The key: the order for an ordering question, else the right options (in any order).
    const key = lines[2].normalize('NFC').match(/^Đáp án: (.*)$/)?.[1];
    assert.ok(key, `review ${i + 1} gives the key: ${lines[2]}`);
    if (q.kind === 'ordering') assert.equal(key, q.options.join(' → '));
    else if (q.kind === 'true_false') assert.equal(key, q.correct);
    else {
      // Options that are right together are a list, not an order: no arrows.
      assert.ok(!key.includes('→'), `the key of a ${q.kind} question has no arrows: ${key}`);
      assert.deepEqual(key.split('; ').sort(), q.correct.split(',').map((n) => q.options[Number(n) - 1]).sort());
    }
    assert.ok(lines.some((l) => l.startsWith('Giải thích câu')), 'the explanation is shown');
    assert.ok(lines.includes(`Nguồn: Tài liệu kiểm thử ${stamp}`), 'the source is shown');
  }
  await fitsPhone(page, 'the result');
  await page.screenshot({ path: `${SHOTS}contest-phone-result.png`, fullPage: true });

  // ---- Back to the round: the best result, and today's attempt is used. ----
  await page.getByRole('button', { name: 'Về trang đợt thi' }).tap();
  await roundCard.waitFor();
  assert.equal(await roundCard.locator('.best').innerText(), `Kết quả tốt nhất: ${right * POINTS_PER_RIGHT_ANSWER} điểm trong ${time.split('thời gian ')[1]}`);
  assert.equal(await roundCard.locator('ol.attempts li').count(), 1, 'the submitted attempt is listed');
  assert.equal(await roundCard.getByRole('button', { name: 'Làm tiếp bài đang thi' }).count(), 0, 'nothing to resume');
  await fitsPhone(page, 'the round after submitting');

  // The round allows one attempt a day: the card says so before any tap (the server decides
  // it, by the Vietnamese calendar day), offers no start, and the server refuses one anyway.
  assert.equal(await roundCard.getByRole('button', { name: 'Bắt đầu thi' }).count(), 0, 'no start offered today');
  assert.equal(await roundCard.locator('p.error').innerText(), 'Bạn đã dùng hết 1 lượt thi của hôm nay. Hãy quay lại vào ngày mai.');
  const refused = await context.request.post(`${BASE}/api/contest/rounds/${roundContext}/attempt`, { data: {}, headers: { origin: BASE } });
  assert.equal(refused.status(), 409);
  assert.equal((await refused.json()).code, 'attempts_today_used');
  assert.equal(await page.locator('.attempt').count(), 0, 'no attempt screen');
  const attempts = (await (await context.request.get(`${BASE}/api/contest/me`)).json())
    .rounds.find((r) => r.context === roundContext).attempts;
  assert.equal(attempts.length, 1, 'still one attempt on the server');

  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
