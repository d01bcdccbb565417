// Rung chuông vàng in real browsers: the organizer opens a contest from admin.html, the host
// console (1024×768), the hall screen (a 1024×768 projector) and the judge's tablet follow it,
// two 360 px phones take seats and the judge seats a contestant with no phone. Minh is out
// after the first question («Bạn đã bị loại»), a rescue brings him back («Bạn được cứu»), the
// judge's whiteboards count, and Lan rings the bell on the hall screen, whose sound can be
// switched off. Contrast is checked by axe-core on every screen. How to run it:
// tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USER, PASSWORD, launch, pages, signIn, text, shot, contrastFailures } from './support.mjs';
import { phoneViewport, pickQuestions, answerKeys, quizWithBellForm, tapAnswer, recordBoard, takeSeat } from './bell-support.mjs';

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

const phone = () => newPage(phoneViewport);

async function noContrastFailures(page, what) {
  assert.deepEqual(await contrastFailures(page), [], `${what}: WCAG AA contrast`);
}

test('Rung chuông vàng on the hall screen, two phones, the judge\'s tablet and the host console', {
  timeout: 240_000,
}, async () => {
  // ---- The organizer builds a quiz and opens Rung chuông vàng from admin.html. ----
  const desk = await newPage({ viewport: { width: 1024, height: 768 } });
  const host = desk.page;
  await signIn(host, USER, PASSWORD);
  const { bank, questions } = await pickQuestions(desk.context.request, QUESTIONS);
  const keys = answerKeys(questions);
  const title = `Rung chuông vàng ${Date.now()}`;
  await quizWithBellForm(host, bank, questions, title);
  // The rescue rule stays «everyone back», the form's first choice.
  assert.equal(await host.inputValue('#bell-rescue-kind'), 'all');
  await host.fill('#bell-rescues', '1');
  await host.click('#open-bell');
  await host.waitForURL(/\/bell-stage\.html\?role=host&game=\d+&pin=\d{6}&key=[0-9a-f]{32}$/);
  const url = new URL(host.url());
  const game = url.searchParams.get('game');
  const pin = url.searchParams.get('pin');
  await host.waitForSelector('.controls button');
  assert.equal(await text(host, '#title'), title);

  // ---- The hall screen and the judge's tablet, signed in as the same organizer. ----
  const hall = await desk.context.newPage();
  await hall.goto(`${BASE}/bell-stage.html?role=hall&game=${game}&pin=${pin}`);
  await hall.waitForSelector('.join-line');
  assert.match(await text(hall, '.join-line'), new RegExp(`/bell\\.html · mã PIN ${pin}`));
  // The judge's tablet is another device: it opens the console's link, with the stage key and
  // no password.
  const judgeUrl = await host.getAttribute('.links a:first-child', 'href');
  const tablet = await newPage({ viewport: { width: 800, height: 1100 }, hasTouch: true });
  const judge = tablet.page;
  await judge.goto(judgeUrl);
  await judge.waitForSelector('#reg-seat');

  // ---- Two phones take seats; the judge seats Hùng, who has no phone. ----
  const lan = await phone();
  await lan.page.goto(`${BASE}/bell.html?pin=${pin}`);
  assert.equal(await lan.page.inputValue('#pin'), pin, '?pin= fills the PIN');
  await lan.page.fill('#seat', '1');
  await lan.page.fill('#name', 'Lan');
  await lan.page.tap('#sit-button');
  await lan.page.waitForSelector('#me');
  assert.equal(await text(lan.page, '#me'), 'Ghế 001 · Lan');
  const minh = await phone();
  await takeSeat(minh.page, pin, 2, 'Minh');
  // Someone else cannot take Minh's seat by his name.
  const stranger = await phone();
  await stranger.page.goto(`${BASE}/bell.html?pin=${pin}`);
  await stranger.page.fill('#seat', '2');
  await stranger.page.fill('#name', 'Minh');
  await stranger.page.tap('#sit-button');
  await stranger.page.waitForFunction(() => document.querySelector('#sit-error')?.textContent.length > 0);
  assert.equal(await text(stranger.page, '#sit-error'), 'Số báo danh này đã có thí sinh ngồi.');
  await stranger.context.close();
  await judge.fill('#reg-seat', '3');
  await judge.fill('#reg-name', 'Hùng');
  await judge.click('#judge button');
  await hall.waitForFunction(() => /3 thí sinh/.test(document.querySelector('.big-count')?.textContent ?? ''));

  // Someone in the hall follows as audience (PIN only).
  const viewer = await phone();
  await viewer.page.goto(`${BASE}/bell.html?pin=${pin}`);
  await viewer.page.tap('#watch');
  await viewer.page.waitForFunction(() => document.querySelector('#me')?.textContent === 'Khán giả');

  // ---- Câu 1: Lan right, Minh wrong, Hùng's whiteboard right. ----
  await host.click('.controls button:has-text("Bắt đầu")');
  await viewer.page.waitForSelector('#screen .qtext');
  assert.match(await text(viewer.page, '#screen .note'), /khán giả/);
  assert.equal(await viewer.page.locator('#screen button.opt').count(), 0, 'the audience does not answer a main question');
  await viewer.context.close();
  await hall.waitForSelector('#question .qtext');
  await tapAnswer(lan.page, keys, true);
  await tapAnswer(minh.page, keys, false);
  await recordBoard(judge, keys, 3, true);
  await hall.waitForSelector('#question .clock');
  await shot(hall, 'bell-hall');
  await noContrastFailures(hall, 'the hall screen');
  await shot(judge, 'bell-judge');
  await noContrastFailures(judge, 'the judge\'s tablet');
  await host.click('.controls button:has-text("Hết giờ")');
  await host.click('.controls button:has-text("Công bố đáp án")');
  await minh.page.waitForSelector('#you.eliminated');
  assert.match(await text(minh.page, '#you'), /^Bạn đã bị loại/);
  assert.match(await text(hall, '#outcome'), /1 thí sinh bị loại/);
  assert.equal(await text(hall, '#count'), 'Còn 2 thí sinh');
  assert.ok(await lan.page.isHidden('#you'), 'Lan is told nothing: she still stands');
  await shot(minh.page, 'bell-phone-out');
  await noContrastFailures(minh.page, 'the eliminated phone');

  // ---- The host runs a rescue: everyone out comes back. ----
  await host.click('.controls button:has-text("Cứu trợ")');
  await minh.page.waitForSelector('#you.rescued');
  assert.equal(await text(minh.page, '#you'), 'Bạn được cứu');
  await shot(minh.page, 'bell-phone-rescued');
  await noContrastFailures(minh.page, 'the rescued phone');
  await noContrastFailures(host, 'the host console');

  // ---- Câu 2: both phones right, Hùng's board wrong. Câu 3: Minh wrong. Lan rings the bell. ----
  await host.click('.controls button:has-text("Câu tiếp theo")');
  await tapAnswer(lan.page, keys, true);
  await tapAnswer(minh.page, keys, true);
  await recordBoard(judge, keys, 3, false);
  await host.click('.controls button:has-text("Hết giờ")');
  await host.click('.controls button:has-text("Công bố đáp án")');
  await hall.waitForFunction(() => document.querySelector('#count')?.textContent === 'Còn 2 thí sinh');
  await host.click('.controls button:has-text("Câu tiếp theo")');
  await tapAnswer(lan.page, keys, true);
  await tapAnswer(minh.page, keys, false);
  await host.click('.controls button:has-text("Hết giờ")');
  await host.click('.controls button:has-text("Công bố đáp án")');
  await minh.page.waitForSelector('#you.eliminated');
  await host.click('.controls button:has-text("Câu tiếp theo")');
  await hall.waitForSelector('.ring.ringing');
  assert.equal(await text(hall, '.ring h1'), 'Rung chuông vàng!');
  assert.equal(await text(hall, '.ring .names'), '001 Lan');
  await lan.page.waitForSelector('#you.winner');
  assert.equal(await text(lan.page, '#you'), 'Bạn rung chuông vàng!');
  await shot(hall, 'bell-hall-end');
  // The bell rang with its sound on; the hall can switch it off (kept for the next contest).
  assert.equal(await hall.getAttribute('#sound', 'aria-pressed'), 'true');
  await hall.click('#sound');
  assert.equal(await hall.getAttribute('#sound', 'aria-pressed'), 'false');
  assert.equal(await text(hall, '#sound'), 'Bật âm thanh');
  await noContrastFailures(hall, 'the hall at the end');
  // The host console's log has the acts: the rescue among them; at the end, the report.
  assert.match(await text(host, '#log'), /Cứu trợ/);
  await host.waitForSelector('#report table.places');
  const first = await host.$$eval('#report table.places tbody tr', (rows) => rows[0].textContent);
  assert.match(first, /^1001Lan🔔$/);
  assert.match(await text(host, '#report .acts'), /Cứu trợ: 1 thí sinh trở lại \(ghế 002\)/);
  await noContrastFailures(host, 'the host console with the report');
  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
