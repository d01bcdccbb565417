// What the Rung chuông vàng browser tests share (bell.test.mjs, bell-rescue.test.mjs): bank
// questions a tap answers, a quiz built of them on admin.html, a phone's answer and a judge's
// whiteboard, each right or wrong on purpose.
import assert from 'node:assert/strict';
import { BASE, text } from './support.mjs';

// Kinds a tap answers.
const TAPPABLE = new Set(['single', 'true_false']);

export const phoneViewport = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

function correctIds(q) {
  if (Array.isArray(q.key?.ids)) return q.key.ids;
  if (typeof q.correct === 'boolean') return [q.correct ? 1 : 2];
  if (Array.isArray(q.correct)) return q.correct;
  if (typeof q.correct === 'number') return [q.correct];
  throw new Error(`no answer key in bank question ${q.id}`);
}

/** A bank with `count` questions a tap answers: `{ bank, questions }`. */
export async function pickQuestions(request, count) {
  const banks = await (await request.get(`${BASE}/api/banks`)).json();
  for (const summary of banks) {
    const data = await (await request.get(`${BASE}/api/banks/${encodeURIComponent(summary.id)}`)).json();
    const playable = (data.questions ?? []).filter((q) => TAPPABLE.has(q.kind) && q.options?.length);
    if (playable.length >= count) return { bank: summary, questions: playable.slice(0, count) };
  }
  throw new Error(`no bank has ${count} single / true-false questions`);
}

/** Question text → the text of its right option, as the pages show them (NFC). */
export function answerKeys(questions) {
  return new Map(questions.map((q) => [q.text.normalize('NFC'), q.options[correctIds(q)[0] - 1].normalize('NFC')]));
}

/** On admin.html (signed in): ticks `questions` of `bank`, makes the quiz `title` and opens its
 *  game settings, where the Rung chuông vàng form is. */
export async function quizWithBellForm(page, bank, questions, title) {
  const bankItem = `#banks li[data-bank="${bank.id}"]`;
  await page.click(`${bankItem} .open-bank`);
  for (const q of questions) await page.check(`${bankItem} input[data-qid="${q.id}"]`);
  await page.fill('#quiz-title', title);
  await page.click('#create');
  await page.locator('#quizzes li', { hasText: title }).locator('.open-game').click();
  await page.waitForSelector('#open-bell');
}

/** Taps the right (or a wrong) option of the question a phone shows; `keys`: answerKeys(). */
export async function tapAnswer(page, keys, right) {
  await page.waitForSelector('#screen button.opt:not([disabled])');
  const question = (await text(page, '#screen .qtext')).normalize('NFC');
  const correct = keys.get(question);
  assert.ok(correct, `the phone shows a question of the quiz: ${question}`);
  const options = page.locator('#screen button.opt');
  const n = await options.count();
  for (let i = 0; i < n; i += 1) {
    const label = (await options.nth(i).locator('.txt').innerText()).normalize('NFC');
    if ((label === correct) === right) {
      await options.nth(i).tap();
      await page.waitForFunction(() => /Đã nhận/.test(document.querySelector('.receipt')?.textContent ?? ''));
      return;
    }
  }
  throw new Error(`no ${right ? 'right' : 'wrong'} option on the phone`);
}

/** The judge types seat `seat`'s whiteboard: the right (or a wrong) option. */
export async function recordBoard(page, keys, seat, right) {
  await page.waitForSelector('#question .judge button.opt');
  const question = (await text(page, '#question .qtext')).normalize('NFC');
  const correct = keys.get(question);
  await page.fill('#question .seatinput', String(seat));
  const options = page.locator('#question .judge button.opt');
  const n = await options.count();
  for (let i = 0; i < n; i += 1) {
    const label = (await options.nth(i).locator('.txt').innerText()).normalize('NFC');
    if ((label === correct) === right) {
      await options.nth(i).click();
      await page.waitForFunction((s) => document.querySelector('#log')?.textContent.includes(`Ghi bảng · ghế ${s}`), String(seat).padStart(3, '0'));
      return;
    }
  }
  throw new Error('no option for the board');
}

/** A phone at `/bell.html?pin=…` takes seat `seat` as `name`. */
export async function takeSeat(page, pin, seat, name) {
  await page.goto(`${BASE}/bell.html?pin=${pin}`);
  await page.fill('#seat', String(seat));
  await page.fill('#name', name);
  await page.tap('#sit-button');
  await page.waitForFunction((n) => document.querySelector('#me')?.textContent.includes(n), name);
}
