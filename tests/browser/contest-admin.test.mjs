// The organizer's side of a contest round in a real browser (contest-admin.html): create a
// contest and a round with the page's forms, watch the round's turnout (by commune and school,
// attempts per hour as a chart) after a pupil has played, read the awards, close the round,
// and publish its rankings. How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, organizerApi, pages, answerOnPage } from './support.mjs';

let browser;
let newPage;
const pageErrors = [];

before(async () => {
  browser = await launch();
  // Expected here: the refused round is a 422 the page shows; the rankings page of a round
  // not yet published asks for its published version and gets 404.
  newPage = pages(browser, pageErrors, [401, 404, 422]);
});

after(async () => {
  await browser?.close();
});

test('an organizer creates a round on the page, follows it, reads its awards, closes and publishes it', { timeout: 120_000 }, async () => {
  const stamp = Date.now().toString(36);
  const STAMP = stamp.toUpperCase();
  const school = `CA${STAMP}`;
  const { context, page } = await newPage({ viewport: { width: 1024, height: 900 } });
  const post = await organizerApi(context.request);
  await post('/api/units/schools/import?file=truong.csv',
    Buffer.from(`code,name,levels,commune,enrolment\n${school},Trường Tiểu học Tổ Chức ${STAMP},tieu-hoc,22015,4\n`),
    'application/octet-stream');
  await post('/api/units/students/import?file=hs.csv',
    Buffer.from(`code,full_name,display_name,class,grade,school,consent\n${school}-1,Lê Thị Mai,,4A,4,${school},\n${school}-2,Phan Văn Đức,,4A,4,${school},\n`),
    'application/octet-stream');

  await page.goto(`${BASE}/contest-admin.html`);
  await page.fill('#contest-slug', `ct-${stamp}`);
  await page.fill('#contest-title', `Cuộc thi thử ${STAMP}`);
  await page.getByRole('button', { name: 'Tạo cuộc thi' }).click();
  await page.waitForFunction(() => /Đã tạo cuộc thi/.test(document.getElementById('done').textContent));
  await page.selectOption('#round-contest', `ct-${stamp}`);
  const round = `dot-${stamp}`;
  await page.fill('#round-context', round);
  await page.fill('#round-title', `Đợt 1 (${STAMP})`);
  await page.uncheck('input[name="level"][value="thcs"]');
  await page.uncheck('input[name="level"][value="thpt"]');
  await page.fill('#round-questions', '5');
  // The ranking order: the prediction left out, the earlier submission moved to the top.
  await page.getByRole('checkbox', { name: 'Dự đoán số người dự thi gần đúng hơn' }).uncheck();
  for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Đưa «Nộp bài sớm hơn» lên' }).click();
  await page.getByRole('button', { name: 'Đưa «Điểm cao hơn» xuống' }).click();
  await page.getByRole('button', { name: 'Đưa «Điểm cao hơn» lên' }).click();
  await page.getByRole('button', { name: 'Tạo đợt thi' }).click();
  await page.waitForFunction(() => /Đã tạo đợt thi/.test(document.getElementById('done').textContent));
  const contests = await (await context.request.get(`${BASE}/api/contests`)).json();
  const made = contests.find((c) => c.slug === `ct-${stamp}`).rounds[0];
  assert.equal(made.context, round);
  assert.deepEqual(made.levels, ['tieu-hoc'], 'the levels ticked on the page');
  assert.equal(made.rules.questions, 5);
  assert.equal(made.rules.time_limit_s, 600);
  assert.deepEqual(made.rules.order, ['submitted', 'score', 'time', 'attempts'], 'the order set on the page');
  await page.waitForSelector(`#contests li li:has-text("${round}")`);
  assert.match(await page.locator('#contests li li', { hasText: round }).innerText(),
    /Xếp hạng theo: Nộp bài sớm hơn → Điểm cao hơn → Thời gian làm bài ít hơn → Ít lượt thi hơn/);

  // A bad round is refused with the server's reason, nothing created.
  await page.fill('#round-context', `game-7`);
  await page.getByRole('button', { name: 'Tạo đợt thi' }).click();
  await page.waitForFunction(() => /Mã đợt thi/.test(document.getElementById('error').textContent));

  // One pupil plays, over the API as the phone would.
  const cards = await post(`/api/units/schools/${school}/login-cards`, {});
  const pupil = await browser.newContext();
  const h = { origin: BASE };
  assert.equal((await pupil.request.post(`${BASE}/api/contest/session`, { headers: h, data: { code: cards[0].code, secret: cards[0].secret } })).status(), 200);
  const attempt = await (await pupil.request.post(`${BASE}/api/contest/rounds/${round}/attempt`, { headers: h, data: {} })).json();
  assert.equal((await pupil.request.post(`${BASE}/api/contest/attempts/${attempt.id}/submit`, { headers: h, data: {} })).status(), 200);
  await pupil.close();

  // Turnout: one of the school's four pupils (25 %), one attempt in this hour's bar.
  await page.reload();
  const row = page.locator('#contests li li', { hasText: round });
  await row.getByRole('button', { name: 'Tình hình' }).click();
  await page.waitForSelector('svg.chart rect');
  assert.equal(await page.locator('svg.chart rect').count(), 1, 'one hour with attempts');
  const schoolRow = page.locator('#view tr', { hasText: `Trường Tiểu học Tổ Chức ${STAMP}` });
  assert.deepEqual((await schoolRow.locator('td').allInnerTexts()).slice(1), ['4', '1', '1', '25%']);
  await page.screenshot({ path: `${SHOTS}contest-admin-turnout.png`, fullPage: true });

  await row.getByRole('button', { name: 'Giải thưởng' }).click();
  await page.waitForFunction(() => /Giải thưởng đợt/.test(document.getElementById('view-h').textContent));
  assert.match(await page.locator('#view table').first().innerText(), /Lê Thị Mai|Phan Văn Đức/, 'the pupil who played is in the top of tiểu học');

  await row.getByRole('button', { name: 'Đóng đợt' }).click();
  assert.match(await answerOnPage(page, 'Đóng đợt'), /^Đóng đợt «.*»\? Sau khi đóng không ai bắt đầu lượt thi mới được\.$/, 'closing asks first');
  // The close answers at once; the page follows the standings being recorded again and says
  // when the round may be published.
  await page.waitForFunction(() => /Đã ghi xong thứ hạng/.test(document.getElementById('done').textContent));
  assert.equal(await page.textContent('#done'), 'Đã đóng đợt thi: 1 người dự thi. Đã ghi xong thứ hạng: có thể công bố.');
  assert.equal(await page.locator('#contests li li', { hasText: round }).getByRole('button', { name: 'Đóng đợt' }).count(), 0, 'a closed round has no close button');

  // Publishing: the page leads to the rankings page of the round, where organizers publish.
  await page.locator('#contests li li', { hasText: round }).getByRole('link', { name: 'Công bố xếp hạng' }).click();
  await page.waitForURL(`**/rankings.html?context=${round}`);
  const published = await post(`/api/rankings/${round}/publish`, { title: `Kết quả đợt 1 (${STAMP})` });
  assert.equal(published.participants, 1);
  const pub = await (await context.request.get(`${BASE}/api/published/${round}`)).json();
  assert.equal(pub.version, 1);
  await context.close();
  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
