// The public rankings page in a real browser on a 360-px phone: an organizer (through the API)
// imports two schools and their students, records results and publishes them; a later result
// changes the live boards but the page, with no sign-in, still shows the published first
// place, the version and its date, pages through a school's 60 students, and never a student
// code. The print page lays a school's boards out on A4 pages, one board after another.
// Saves rankings-phone.png (see SHOTS in support.mjs). How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USER, PASSWORD, SHOTS, launch, organizerApi, pages, signIn, text, answerOnPage } from './support.mjs';

let browser;
let newPage;
const pageErrors = [];

before(async () => {
  browser = await launch();
  // The organizer's refused correction (no reason) is a 422 the page shows: expected here.
  newPage = pages(browser, pageErrors, [401, 422]);
});

after(async () => {
  await browser?.close();
});

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Gia', 'Thu'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Khánh', 'Linh', 'Nam', 'Vy', 'Phúc'];

/** Signs the request context in as the organizer and returns a poster of JSON or files. */
test('the public sees a published board on a phone, frozen, paged and without student codes', {
  timeout: 180_000,
}, async () => {
  const stamp = Date.now().toString(36).toUpperCase();
  const context = `bt-${stamp.toLowerCase()}`;
  const { context: browserContext, page } = await newPage({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const post = await organizerApi(browserContext.request);

  // Two schools in a real commune; 60 students in one (two classes), 3 in the other.
  const communes = await (await browserContext.request.get(`${BASE}/api/units/communes`)).json();
  const commune = communes[0];
  const [big, small] = [`BT${stamp}A`, `BT${stamp}B`];
  const bigName = `Trường Tiểu học Thử Nghiệm ${stamp}`;
  await post('/api/units/schools/import?file=truong.csv',
    `code,name,levels,commune,enrolment\n${big},${bigName},tieu-hoc,${commune.code},70\n`
    + `${small},Trường THCS Thử Nghiệm ${stamp},thcs,${commune.code},5\n`,
    'application/octet-stream');
  const students = [];
  for (let i = 0; i < 60; i += 1) {
    const name = `${FAMILY[i % 10]} ${MIDDLE[i % 6]} ${GIVEN[i % 11]}`;
    students.push({ code: `${big}-${String(i).padStart(2, '0')}`, name, class: i % 2 ? '5B' : '5A', school: big, grade: 5 });
  }
  students.push({ code: `${small}-1`, name: 'Y Blô Êban', class: '9A', school: small, grade: 9 });
  await post('/api/units/students/import?file=hs.csv',
    `code,full_name,class,grade,school,consent\n${students.map((s) => `${s.code},${s.name},${s.class},${s.grade},${s.school},`).join('\n')}\n`,
    'application/octet-stream');

  // Student 07 wins with 10 points; the rest score 1–9.
  const results = students.slice(0, 60).map((s, i) => ({
    student: s.code, score: i === 7 ? 10 : 1 + (i % 9), time_ms: 200_000 + i * 1000,
  }));
  await post(`/api/rankings/${context}/results`, results);
  const title = `Hội thi An toàn số ${stamp} — Đợt 1`;
  const published = await post(`/api/rankings/${context}/publish`, { title });
  assert.equal(published.version, 1);
  // A later, better result changes the live board, not the published one.
  await post(`/api/rankings/${context}/results`, [{ student: `${small}-1`, score: 12, time_ms: 100_000 }]);
  const live = await (await browserContext.request.get(`${BASE}/api/rankings/${context}/board/province?limit=1`)).json();
  assert.equal(live.lines[0].label, 'Y B. Ê.', 'the live board moved on');
  const winner = 'Bùi T. L.'; // Bùi Thị Linh, student 07

  // A phone, signed out, opens the page.
  await browserContext.clearCookies();
  await page.goto(`${BASE}/rankings.html?context=${context}`);
  await page.waitForSelector('#lines li.line');
  assert.equal(await text(page, '#title'), title);
  const today = new Date().toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
  assert.match(await text(page, '#version'), new RegExp(`Phiên bản 1 · công bố ngày ${today.replace(/\//g, '\\/')}`));
  assert.equal(await text(page, '#lines li.line .name'), winner, 'the published first place');
  assert.equal(await text(page, '#lines li.line .score'), '10');
  assert.equal(await page.locator('#lines li.line').count(), 50, 'fifty lines a page');
  assert.equal(await text(page, '#board-title'), 'Cá nhân — toàn tỉnh');
  assert.match(await text(page, '#range'), /Hạng 1–50 trên 60/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing wider than the phone (${overflow}px too wide)`);
  await page.screenshot({ path: `${SHOTS}rankings-phone.png` });

  // The same board on a hall's projector.
  const { page: projector } = await newPage({ viewport: { width: 1920, height: 1080 } });
  await projector.goto(`${BASE}/rankings.html?context=${context}`);
  await projector.waitForSelector('#lines li.line');
  assert.equal(await text(projector, '#lines li.line .name'), winner);
  await projector.screenshot({ path: `${SHOTS}rankings-projector.png` });

  // The next page, then the school's boards picked from the lists.
  await page.click('#next');
  await page.waitForFunction(() => document.querySelector('#lines li.line .pos')?.textContent === '51');
  await page.click('.levels button[data-level="school"]');
  await page.selectOption('#commune', commune.code);
  await page.waitForSelector(`#school option[value="${small}"]`, { state: 'attached' });
  await page.selectOption('#school', small);
  await page.waitForFunction(() => document.querySelector('#empty')?.textContent === 'Bảng này chưa có ai.');
  assert.ok(await page.isVisible('#empty'), 'nobody from the small school was in version 1');
  await page.selectOption('#school', big);
  await page.waitForFunction((name) => document.querySelector('#board-title')?.textContent === `Cá nhân — ${name}`, bigName);
  assert.equal(await text(page, '#lines li.line .name'), winner);
  assert.match(new URL(page.url()).search, new RegExp(`school=${big}`), 'the address keeps the choice');
  await page.click('#tabs button[data-tab="classes"]');
  await page.waitForSelector('#lines.units li.line');
  // Both classes took part in full; 5B's average (4.97) beats 5A's (4.8).
  assert.deepEqual(await page.locator('#lines li.line .name').allInnerTexts(), ['5B', '5A']);
  const csvHref = await page.getAttribute('#csv', 'href');
  assert.equal(csvHref, `/api/published/${context}/csv/classes/${big}`);

  const body = await page.locator('body').innerText();
  assert.ok(!body.includes(`${big}-`), 'no student code on the page');

  // The print page: the school's board, its classes, and each class, a page break between.
  const printHref = await page.getAttribute('#print', 'href');
  const { page: print } = await newPage({ viewport: { width: 900, height: 1200 } });
  await print.goto(`${BASE}${printHref}`);
  await print.waitForSelector('#print:not([disabled])');
  assert.equal(await print.locator('h1').textContent(), title);
  const headings = await print.locator('.board h2').allInnerTexts();
  assert.deepEqual(headings, [
    `Cá nhân — ${bigName}`, `Các lớp — ${bigName}`,
    `Cá nhân — lớp 5A, ${bigName}`, `Cá nhân — lớp 5B, ${bigName}`,
  ]);
  assert.equal(await print.locator('.board').first().locator('tbody tr').count(), 60);
  await print.emulateMedia({ media: 'print' });
  const breaks = await print.locator('.board').evaluateAll((els) => els.map((el) => getComputedStyle(el).breakBefore));
  assert.deepEqual(breaks, ['auto', 'page', 'page', 'page'], 'each board after the first starts a new page');
  await print.screenshot({ path: `${SHOTS}rankings-print.png` });
  const pdf = await print.pdf({ format: 'A4' });
  const sheets = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
  assert.ok(sheets >= 4, `four boards on at least four A4 pages (got ${sheets})`);

  // An organizer publishes a correction from the page: a reason is required; then the new
  // version is what shows, and version 1 stays one click away.
  const { page: desk } = await newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(desk, USER, PASSWORD);
  await desk.goto(`${BASE}/rankings.html?context=${context}`);
  await desk.waitForSelector('#lines li.line');
  await desk.click('#manage-open');
  await desk.waitForSelector('#versions li button');
  assert.match(await text(desk, '#versions li'), /^Phiên bản 1 · /);
  assert.equal(await desk.inputValue('#pub-title'), title, 'a correction keeps the title');
  await desk.click('#publish-form button[type=submit]');
  assert.equal(await answerOnPage(desk, 'Chốt và công bố phiên bản mới'), 'Chốt bảng xếp hạng hiện tại thành phiên bản 2 và công bố cho mọi người?');
  await desk.waitForFunction(() => document.querySelector('#publish-error')?.textContent);
  assert.equal(await text(desk, '#publish-error'), 'Bản công bố lại (đính chính) phải ghi rõ lý do.');
  await desk.fill('#pub-reason', 'Bổ sung bài thi của trường THCS nộp muộn');
  await desk.click('#publish-form button[type=submit]');
  await answerOnPage(desk, 'Chốt và công bố phiên bản mới');
  await desk.waitForFunction(() => document.querySelector('#publish-done')?.textContent === 'Đã công bố phiên bản 2.');
  // The correction shows the new first place.
  await desk.waitForFunction(() => document.querySelector('#lines li.line .name')?.textContent === 'Y B. Ê.');
  assert.match(await text(desk, '#version'), /Phiên bản 2/);
  assert.equal(await desk.locator('#versions li').count(), 2);
  await desk.click('#versions li:last-child button');
  await desk.waitForSelector('#old-version:not([hidden])');
  await desk.waitForFunction((name) => document.querySelector('#lines li.line .name')?.textContent === name, winner);
  assert.match(await text(desk, '#old-version'), /Đang xem phiên bản 1/);
  assert.match(await desk.getAttribute('#csv', 'href'), new RegExp(`/api/rankings/${context}/versions/1/csv/`));

  // The public now sees version 2.
  await page.goto(`${BASE}/rankings.html?context=${context}`);
  await page.waitForSelector('#lines li.line');
  assert.match(await text(page, '#version'), /Phiên bản 2 · .*Bản đính chính/s);
  assert.equal(await text(page, '#lines li.line .name'), 'Y B. Ê.');

  assert.deepEqual(pageErrors, []);
});
