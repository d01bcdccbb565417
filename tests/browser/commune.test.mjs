// A commune officer's page: the organizer registers two schools in a commune, their students
// and a round's results, and creates the commune's officer account; the officer signs in on
// admin.html on a phone and sees the commune's schools with enrolment, students on the roster,
// participants, participation rate and total score — and none of the teachers' quiz tools.
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, organizerApi, pages, text, shot } from './support.mjs';

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

test('a commune officer sees the commune\'s schools and their participation in a round', {
  timeout: 120_000,
}, async () => {
  const stamp = Date.now().toString(36).toUpperCase();
  const [schoolA, schoolB] = [`XA${stamp}A`, `XA${stamp}B`];
  const context = `xa-${stamp.toLowerCase()}`;

  // ---- The organizer: schools, students, results, the officer's account (over the API). ----
  const desk = await newPage();
  const api = desk.context.request;
  const post = await organizerApi(api);
  const communes = await (await api.get(`${BASE}/api/units/communes`)).json();
  const commune = communes[communes.length - 1];
  await post('/api/units/schools/import?file=truong.csv', [
    'code,name,levels,commune,enrolment',
    `${schoolA},Trường Tiểu học Kiểm Thử ${stamp},tieu-hoc,${commune.code},10`,
    `${schoolB},Trường THCS Kiểm Thử ${stamp},thcs,${commune.code},5`,
  ].join('\n'), 'application/octet-stream');
  await post('/api/units/students/import?file=hoc-sinh.csv', [
    'code,full_name,class,grade,school',
    `${stamp}1,Nguyễn Văn An,5A,5,${schoolA}`,
    `${stamp}2,Trần Thị Bình,5A,5,${schoolA}`,
    `${stamp}3,Lê Văn Cường,5B,5,${schoolA}`,
    `${stamp}4,Phạm Thị Dung,8A,8,${schoolB}`,
  ].join('\n'), 'application/octet-stream');
  await post(`/api/rankings/${context}/results`, [
    { student: `${stamp}1`, score: 1200, time_ms: 60_000 },
    { student: `${stamp}2`, score: 800, time_ms: 90_000 },
  ]);
  const officer = `xa.${stamp.toLowerCase()}`;
  const officerPassword = `mat-khau-${stamp}`;
  await post('/api/accounts', {
    username: officer, display_name: 'Cán bộ xã Kiểm Thử', password: officerPassword,
    role: 'commune_officer', unit: commune.code,
  });

  // ---- The officer, on a phone. ----
  const { page } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${BASE}/admin.html`);
  await page.fill('#username', officer);
  await page.fill('#password', officerPassword);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#commune-panel:not([hidden])');
  assert.equal(await text(page, '#commune-h'), `Các trường của ${commune.name}`);
  for (const panel of ['#quiz-builder', '#quizzes-panel', '#games-panel']) {
    assert.equal(await page.isVisible(panel), false, `${panel} is not for a commune officer`);
  }

  // The rounds with results are offered (datalist options are never visible: attached).
  await page.waitForSelector(`#commune-contexts option[value="${context}"]`, { state: 'attached' });
  await page.fill('#commune-context', context);
  await page.click('#commune-form button[type=submit]');
  const rowA = page.locator(`#commune-schools tr[data-school="${schoolA}"]`);
  await rowA.waitFor();
  const cells = async (row) => row.locator('td').allInnerTexts();
  assert.match(await rowA.locator('th').innerText(), new RegExp(`Trường Tiểu học Kiểm Thử ${stamp}`));
  // Enrolment, on the roster, took part, rate against enrolment, total score.
  assert.deepEqual(await cells(rowA), ['10', '3', '2', '20 %', '2.000']);
  assert.deepEqual(await cells(page.locator(`#commune-schools tr[data-school="${schoolB}"]`)), ['5', '1', '0', '0 %', '0']);
  assert.match(await text(page, '#commune-status'), new RegExp(`học sinh đã tham gia vòng «${context}»`));
  await rowA.scrollIntoViewIfNeeded();
  const nameBox = await rowA.locator('th').boundingBox();
  assert.ok(nameBox.width >= 140, `the school's name keeps a readable width on a phone (${nameBox.width} px)`);
  await shot(page, 'commune-phone');

  // A round nobody in the commune took part in shows every school with 0, not an error.
  await page.fill('#commune-context', `${context}-khac`);
  await page.click('#commune-form button[type=submit]');
  await page.waitForFunction((code) => document.querySelector(`#commune-schools tr[data-school="${code}"] td:nth-of-type(3)`)?.textContent === '0', schoolA);
  assert.equal(await text(page, '#commune-error'), '');

  assert.deepEqual(pageErrors, [], 'no script errors');
});
