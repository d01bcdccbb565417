// Rung chuông vàng's rescue by question, chosen on admin.html: on a 360 px phone the organizer
// picks «Thí sinh bị loại trả lời câu cứu trợ» up to 1 and one rescue question from a bank
// (a by-question rule with no question is refused on the page, before anything is sent; at
// most 20 can be ticked, over several banks, and «Bỏ chọn tất cả» empties the choice). On
// the host console the rescue puts that question to Minh, out after the first question; his
// phone answers it right and says «Bạn được cứu», and the report records the rule and the
// rescue. How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USER, PASSWORD, SHOTS, launch, pages, signIn, text, contrastFailures } from './support.mjs';
import { phoneViewport, pickQuestions, answerKeys, quizWithBellForm, tapAnswer, takeSeat } from './bell-support.mjs';

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

/** Whether the page is wider than its window (a phone would scroll sideways). */
const scrollsSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** Shows bank `id` in the rescue picker and waits for its boxes (the list is filled once the
 *  bank is read); how many questions it has. */
async function showRescueBank(page, request, id) {
  const data = await (await request.get(`${BASE}/api/banks/${encodeURIComponent(id)}`)).json();
  await page.selectOption('#bell-rescue-bank', id);
  await page.waitForFunction((q) => document.querySelector('#bell-rescue-list input[type=checkbox]')?.dataset.qid === q,
    String(data.questions[0].id));
  return data.questions.length;
}

test('an organizer picks a rescue question on admin.html and the eliminated phone is rescued by answering it', {
  timeout: 180_000,
}, async () => {
  // ---- On a phone: a quiz of two questions, the bank's third kept for the rescue. ----
  const desk = await newPage({ viewport: { width: 360, height: 740 }, hasTouch: true });
  const host = desk.page;
  await signIn(host, USER, PASSWORD);
  const { bank, questions } = await pickQuestions(desk.context.request, 3);
  const [main, rescue] = [questions.slice(0, 2), questions[2]];
  const keys = answerKeys(questions);
  const title = `Cứu trợ bằng câu hỏi ${Date.now()}`;
  await quizWithBellForm(host, bank, main, title);
  const opened = [];
  host.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/bell') opened.push(r); });

  // «Everyone back» needs no question: the question fields stay out of the way.
  assert.ok(await host.isHidden('#bell-rescue-box'));
  assert.match(await text(host, '#bell-rescue-hint'), /mọi thí sinh bị loại trở lại/);
  await host.selectOption('#bell-rescue-kind', 'by_eliminated');
  await host.waitForSelector('#bell-rescue-box', { state: 'visible' });
  assert.match(await text(host, '#bell-rescue-hint'), /Thí sinh bị loại trả lời câu cứu trợ/);

  // A rule by question with no question picked: said on the page, nothing opened.
  await host.fill('#bell-up-to', '1');
  await host.click('#open-bell');
  await host.waitForFunction(() => document.querySelector('#bell-error')?.textContent.length > 0);
  assert.match(await text(host, '#bell-error'), /^Cách cứu trợ này cần câu cứu trợ/);
  assert.equal(await host.evaluate(() => document.activeElement?.id), 'bell-rescue-bank', 'the focus goes to the bank picker');
  assert.equal(opened.length, 0, 'no contest is opened');
  assert.equal(new URL(host.url()).pathname, '/admin.html');

  // At most 20 rescue questions, over as many banks as it takes: then every other box is
  // disabled and the count says so; «Bỏ chọn tất cả» empties the choice.
  const request = desk.context.request;
  const bankIds = await host.$$eval('#bell-rescue-bank option', (os) => os.map((o) => o.value).filter(Boolean));
  let ticked = 0;
  for (const id of bankIds) {
    if (ticked === 20) break;
    const count = await showRescueBank(host, request, id);
    for (let i = 0; i < count && ticked < 20; i++) {
      await host.locator('#bell-rescue-list input[type=checkbox]').nth(i).check();
      ticked += 1;
    }
  }
  assert.equal(ticked, 20, 'the banks hold 20 questions');
  assert.equal(await text(host, '#bell-rescue-count'), 'Đã chọn đủ 20 câu cứu trợ, không chọn thêm được.');
  let stillFree = null;
  for (const id of bankIds) {
    await showRescueBank(host, request, id);
    const free = host.locator('#bell-rescue-list input[type=checkbox]:not(:checked)');
    if (await free.count() > 0) { stillFree = free.first(); break; }
  }
  assert.ok(stillFree, 'some question is left unticked');
  assert.ok(await stillFree.isDisabled(), 'a 21st rescue question cannot be ticked');
  await host.click('#bell-rescue-clear');
  assert.equal(await text(host, '#bell-rescue-count'), 'Đã chọn 0/20 câu cứu trợ');
  assert.ok(await host.isHidden('#bell-rescue-clear'), 'nothing left to clear');
  assert.equal(await host.evaluate(() => document.activeElement?.id), 'bell-rescue-bank');
  assert.equal(await host.locator('#bell-rescue-list input:checked').count(), 0);
  assert.equal(await host.locator('#bell-rescue-list input:disabled').count(), 0, 'every box may be ticked again');

  // The rescue question from the bank, ticked with the keyboard.
  await host.selectOption('#bell-rescue-bank', bank.id);
  const box = host.locator(`#bell-rescue-list input[data-qid="${rescue.id}"]`);
  await box.focus();
  await host.keyboard.press('Space');
  assert.ok(await box.isChecked());
  assert.equal(await text(host, '#bell-rescue-count'), 'Đã chọn 1/20 câu cứu trợ');
  assert.equal(await text(host, '#bell-error'), '', 'the refusal went with the change');
  assert.equal(await scrollsSideways(host), false, 'the form fits a 360 px phone');
  assert.deepEqual(await contrastFailures(host), [], 'admin.html with the rescue fields: WCAG AA contrast');
  await host.locator('#bell-form').screenshot({ path: `${SHOTS}bell-form-phone.png` });

  // «Up to» 0 brings nobody back: said on the page too.
  await host.fill('#bell-up-to', '0');
  await host.click('#open-bell');
  await host.waitForFunction(() => document.querySelector('#bell-error')?.textContent.startsWith('«Cứu tối đa»'));
  assert.equal(await host.evaluate(() => document.activeElement?.id), 'bell-up-to');
  assert.equal(opened.length, 0, 'no contest is opened');
  await host.fill('#bell-up-to', '1');

  // Enter in a field opens the contest (not the class game of the form around it).
  await host.setViewportSize({ width: 1024, height: 768 });
  // The answer is read on its way to the page, which leaves for the host console at once.
  let contest = null;
  await host.route(`${BASE}/api/bell`, async (route) => {
    const response = await route.fetch();
    contest = await response.json();
    await route.fulfill({ response });
  });
  await host.focus('#bell-up-to');
  await host.keyboard.press('Enter');
  await host.waitForURL(/\/bell-stage\.html\?role=host&game=\d+&pin=\d{6}&key=[0-9a-f]{32}$/);
  assert.equal(opened.length, 1, 'one contest is opened');
  const sent = opened[0].postDataJSON();
  assert.deepEqual(sent.rules.rescue, { kind: 'by_eliminated', up_to: 1 });
  assert.deepEqual(sent.rescue, [{ bank: bank.id, id: rescue.id }]);
  assert.deepEqual(contest.rules.rescue, { kind: 'by_eliminated', up_to: 1 }, 'the rule as the contest runs it');
  assert.equal(contest.rescue, 1, 'one rescue question kept aside');
  assert.equal(contest.main, 2);
  assert.equal(new URL(host.url()).searchParams.get('game'), String(contest.id));
  const pin = contest.pin;
  await host.waitForSelector('.controls button');

  // ---- Two phones; Minh is out after the first question. ----
  const lan = await newPage(phoneViewport);
  await takeSeat(lan.page, pin, 1, 'Lan');
  const minh = await newPage(phoneViewport);
  await takeSeat(minh.page, pin, 2, 'Minh');
  await host.click('.controls button:has-text("Bắt đầu")');
  await tapAnswer(lan.page, keys, true);
  await tapAnswer(minh.page, keys, false);
  await host.click('.controls button:has-text("Hết giờ")');
  await host.click('.controls button:has-text("Công bố đáp án")');
  await minh.page.waitForSelector('#you.eliminated');

  // ---- The rescue: the question goes to Minh, not to Lan, who still stands. ----
  await host.click('.controls button:has-text("Cứu trợ")');
  await minh.page.waitForFunction(() => document.querySelector('#screen .qhead')?.textContent.includes('Câu cứu trợ'));
  assert.equal((await text(minh.page, '#screen .qtext')).normalize('NFC'), rescue.text.normalize('NFC'));
  await lan.page.waitForFunction(() => document.querySelector('#screen .qhead')?.textContent.includes('Câu cứu trợ'));
  assert.equal(await lan.page.locator('#screen button.opt').count(), 0, 'a contestant standing does not answer the rescue');
  assert.match(await text(lan.page, '#screen .note'), /dành cho thí sinh đã bị loại/);
  await tapAnswer(minh.page, keys, true);
  await host.click('.controls button:has-text("Hết giờ")');
  await host.click('.controls button:has-text("Công bố đáp án")');
  await minh.page.waitForSelector('#you.rescued');
  assert.equal(await text(minh.page, '#you'), 'Bạn được cứu');

  // ---- The report: the rule and the rescue, as the room recorded them. ----
  const report = await (await desk.context.request.get(`${BASE}/api/bell/${contest.id}/report`)).json();
  assert.deepEqual(report.rounds.find((r) => r.name === 'Câu cứu trợ 1'),
    { name: 'Câu cứu trợ 1', answered: 1, right: 1, outcome: '1 thí sinh được cứu' });
  assert.ok(report.acts.some((a) => /· Bắt đầu cứu trợ \(thí sinh bị loại trả lời câu cứu trợ, cứu tối đa 1 thí sinh\)$/.test(a)), report.acts.join('\n'));
  assert.ok(report.acts.some((a) => /· Câu cứu trợ 1 · Cứu trợ: 1 thí sinh trở lại \(ghế 002\)$/.test(a)), report.acts.join('\n'));
  assert.equal(report.places.find((p) => p.seat === 2).out_at, null, 'Minh stands again');
  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
