// Printing contest login cards on cards.html, as a school's office does: a signed-in organizer
// opens the page for a school, issues a class's cards (ten to an A4 page,
// each with the pupil's name, code, secret and a QR code), a card's address signs its pupil
// in, and revoking a lost card ends it. How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, SHOTS, launch, organizerApi, pages, answerOnPage } from './support.mjs';

let browser;
let newPage;
const pageErrors = [];

before(async () => {
  browser = await launch();
  newPage = pages(browser, pageErrors, [401]);
});

after(async () => {
  await browser?.close();
});

test('a school prints a class\'s login cards, ten to a page, and revokes a lost one', { timeout: 120_000 }, async () => {
  const stamp = Date.now().toString(36).toUpperCase();
  const school = `IN${stamp}`;
  const { context, page } = await newPage({ viewport: { width: 1024, height: 900 } });
  const post = await organizerApi(context.request);
  await post('/api/units/schools/import?file=truong.csv',
    Buffer.from(`code,name,levels,commune,enrolment\n${school},Trường Tiểu học In Thẻ ${stamp},tieu-hoc,22015,30\n`),
    'application/octet-stream');
  let students = 'code,full_name,display_name,class,grade,school,consent\n';
  for (let i = 1; i <= 12; i += 1) students += `${school}-${i},Nguyễn Thị Hoà ${i},,5A,5,${school},\n`;
  students += `${school}-B1,Trần Văn Bảo,,5B,5,${school},\n`;
  await post('/api/units/students/import?file=hs.csv', Buffer.from(students), 'application/octet-stream');

  // organizerApi signed this context in: the page shares its session cookie.
  await page.goto(`${BASE}/cards.html?school=${school}&class=5A`);
  // The office is asked first, as old cards stop working: «Không» issues nothing.
  await page.getByRole('button', { name: 'Tạo thẻ mới' }).click();
  assert.equal(await answerOnPage(page, 'Không'), 'Tạo mã bí mật mới cho các học sinh này? Thẻ cũ sẽ không dùng được nữa.');
  assert.equal(await page.locator('.card').count(), 0, 'no cards after «Không»');
  await page.getByRole('button', { name: 'Tạo thẻ mới' }).click();
  await answerOnPage(page, 'Tạo thẻ mới');
  await page.waitForSelector('.card');
  assert.equal(await page.locator('.sheet').count(), 2, '12 cards make two A4 pages');
  assert.equal(await page.locator('.sheet').first().locator('.card').count(), 10, 'ten to a page');
  assert.equal(await page.locator('.card').count(), 12, 'class 5A only');
  assert.match(await page.textContent('#done'), /Đã tạo 12 thẻ \(2 trang\)/);
  const first = page.locator('.card').first();
  const code = await first.locator('dd').nth(0).innerText();
  const secret = await first.locator('dd').nth(1).innerText();
  assert.match(secret, /^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/, 'a secret without look-alike symbols');
  assert.ok(await first.locator('.qr svg').count(), 'a QR code on the card');
  assert.match(await first.locator('.name').innerText(), /^Nguyễn T\. H\. \d+\.$/, 'the display name');
  assert.ok(await page.getByRole('button', { name: 'In' }).isEnabled(), 'the cards can be printed');
  await page.screenshot({ path: `${SHOTS}cards-a4.png`, fullPage: true });

  // The card's secret signs its pupil in on the contest page.
  const pupil = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await pupil.page.goto(`${BASE}/contest.html`);
  await pupil.page.fill('#code', code);
  await pupil.page.fill('#secret', secret);
  await pupil.page.click('#sign-in button[type=submit]');
  await pupil.page.waitForSelector('#me:not(:empty)');
  assert.match(await pupil.page.textContent('#me'), /5A/);

  // Lost: the office revokes it; the pupil's session ends and the secret no longer works.
  await page.fill('#revoke-codes', `${code}, NOBODY-${stamp}`);
  await page.getByRole('button', { name: 'Thu hồi' }).click();
  await page.waitForFunction(() => /Đã thu hồi/.test(document.getElementById('revoke-done').textContent));
  assert.match(await page.textContent('#revoke-done'), /^Đã thu hồi 1\/2 thẻ/);
  const me = await pupil.context.request.get(`${BASE}/api/contest/me`);
  assert.equal(me.status(), 401, 'the revoked card\'s session ended');
  const again = await pupil.context.request.post(`${BASE}/api/contest/session`, {
    headers: { origin: BASE }, data: { code, secret },
  });
  assert.equal(again.status(), 401);
  assert.equal((await again.json()).code, 'bad_card');
  await pupil.context.close();
  await context.close();
  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
