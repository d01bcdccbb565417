// The dashboard, the year-end report and the certificates on demo data (issue 22): a server
// of the test's own on a province made by `hoithi demo seed` (schools, pupils, their live
// games and a contest round's attempts); the organizer sees the figures, the server's three
// SVG charts and the schools under the target, and downloads a chart's data; a commune
// officer on a phone sees its commune and not the province; the report prints on A4; a
// published winner's certificate code checks on the public page. Screenshots go to
// HOITHI_SCREENSHOTS (docs/screenshots/ when refreshed on purpose).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, pages, spawnServer, stopServer, SHOTS } from './support.mjs';

const BIN = process.env.HOITHI_BIN ?? 'target/debug/hoithi';
const PASSWORD = `dashboard-${Date.now()}`;
let browser;
let newPage;
let server;
let dataDir;
let base;
const pageErrors = [];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hoithi-dashboard-'));
  execFileSync(BIN, ['demo', 'seed', '--schools', '60', '--students', '12000', '--results', 'dot-1',
    '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HOITHI_LOG: 'warn' } });
  server = await spawnServer(dataDir, PASSWORD);
  base = `http://${server.listen}`;
  browser = await launch();
  newPage = pages(browser, pageErrors);
});

after(async () => {
  await browser?.close();
  if (server) await stopServer(server.child);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Signs a context's API client in and returns helpers that fail the test on a refusal. */
async function signedIn(request, username, password) {
  const res = await request.post(`${base}/api/session`, {
    headers: { origin: base }, data: { username, password },
  });
  assert.equal(res.status(), 200, `${username} signs in`);
  return {
    get: async (path) => {
      const r = await request.get(`${base}${path}`);
      assert.equal(r.status(), 200, `${path}: ${await r.text()}`);
      return r;
    },
    post: async (path, body) => {
      const r = await request.post(`${base}${path}`, { headers: { origin: base }, data: body });
      assert.equal(r.status(), 200, `${path}: ${await r.text()}`);
      return r.json();
    },
  };
}

/** Every chart picture on the page has loaded (an SVG the server drew). */
async function chartsLoaded(page) {
  await page.waitForFunction(() => [...document.querySelectorAll('.chart img')]
    .every((img) => img.complete && img.naturalWidth > 0));
  return page.locator('.chart img').count();
}

test('the organizer\'s dashboard, a commune officer\'s part of it, the A4 report and a certificate\'s check', {
  timeout: 240_000,
}, async () => {
  const { page, context } = await newPage({ viewport: { width: 1280, height: 900 } });
  const organizer = await signedIn(context.request, 'admin', PASSWORD);
  await page.goto(`${base}/dashboard.html?unit=province`);
  await page.waitForSelector('#view:not([hidden])');
  assert.equal(await page.locator('#name').innerText(), 'Tỉnh Đắk Lắk');
  const data = await (await organizer.get('/api/dashboard?unit=province')).json();
  assert.ok(data.total.games > 0 && data.total.rounds.length === 1, 'the demo seeded games and a round');
  assert.match(await page.locator('#schools-of').innerText(), new RegExp(`${data.total.schools_with_games}/${data.total.schools}`));
  assert.equal(await chartsLoaded(page), 3);
  // Participation per level of the round: the server's figures, four rows (three pupil levels,
  // then teachers).
  const levels = data.total.rounds[0].levels;
  assert.deepEqual(levels.map((l) => l.level), ['tieu-hoc', 'thcs', 'thpt', 'giao-vien']);
  const rows = await page.locator('#levels tbody tr').allInnerTexts();
  assert.equal(rows.length, 4);
  assert.match(rows[0], /Tiểu học/);
  assert.match(rows[3], /Giáo viên/);
  for (const [i, l] of levels.entries()) {
    assert.ok(rows[i].includes(l.enrolment.toLocaleString('vi-VN')), `row ${i}: ${rows[i]}`);
  }
  const below = await page.locator('#below-list li').count();
  assert.equal(below, data.below.length);
  assert.ok(below > 0, 'units under the plan\'s 100 % are listed');
  const csv = await (await organizer.get(`/api/dashboard/rates.csv?unit=province`)).text();
  assert.match(csv, /^\ufeffĐơn vị,Tỉ lệ tham gia/);
  assert.equal(csv.trim().split('\n').length, data.lines.length + 1, 'a line per commune');
  await page.screenshot({ path: `${SHOTS}dashboard-province.png`, fullPage: true });

  // A commune officer, on a phone: its commune, not the province.
  const commune = data.lines[0];
  await organizer.post('/api/accounts', {
    username: 'xa-demo', display_name: 'Cán bộ xã', password: 'mat-khau-xa-demo',
    role: 'commune_officer', unit: commune.code,
  });
  const phone = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await signedIn(phone.context.request, 'xa-demo', 'mat-khau-xa-demo');
  // From admin.html's link, with no unit in the address: the officer's own commune.
  await phone.page.goto(`${base}/dashboard.html`);
  await phone.page.waitForSelector('#view:not([hidden])');
  assert.equal(await phone.page.locator('#name').innerText(), commune.name);
  await phone.page.goto(`${base}/dashboard.html?unit=commune/${commune.code}&below=800`);
  await phone.page.waitForSelector('#view:not([hidden])');
  assert.equal(await phone.page.locator('#name').innerText(), commune.name);
  assert.equal(await chartsLoaded(phone.page), 3);
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling on a phone: ${width}px`);
  // Each chart is drawn for the width it is shown at, so its 13 px labels stay 13 px on the
  // phone (a picture drawn 640 wide and squeezed into 340 px had 7 px labels).
  for (const img of await phone.page.locator('.chart img').all()) {
    const src = await img.getAttribute('src');
    const svg = await (await phone.context.request.get(`${base}${src}`)).text();
    const drawn = Number(svg.match(/viewBox="0 0 ([\d.]+) /)[1]);
    const shown = await img.evaluate((el) => el.clientWidth);
    assert.ok(shown / drawn > 0.95, `${src}: drawn ${drawn} wide, shown ${shown}`);
  }
  await phone.page.screenshot({ path: `${SHOTS}dashboard-commune-phone.png`, fullPage: true });
  await phone.page.goto(`${base}/dashboard.html?unit=province`);
  await phone.page.waitForSelector('#error:not([hidden])');
  assert.match(await phone.page.locator('#error').innerText(), /không có quyền/);

  // The commune's report on A4.
  await phone.page.goto(`${base}/report.html?unit=commune/${commune.code}`);
  await phone.page.waitForSelector('#paper:not([hidden])');
  const printed = await phone.page.locator('#paper').innerText();
  assert.match(printed, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
  assert.match(printed, new RegExp(`UBND ${commune.name.toLocaleUpperCase('vi-VN')}`));
  assert.match(printed, /THỦ TRƯỞNG ĐƠN VỊ/);
  assert.match(printed, /Đợt demo dot-1: HS tham gia/);
  assert.match(printed, /Tham gia theo cấp học/);
  assert.equal(await phone.page.locator('#levels tbody tr').count(), 4);
  assert.doesNotMatch(printed, /\[object/);
  const { page: paper } = await newPage({ viewport: { width: 900, height: 1200 } });
  await signedIn(paper.context().request, 'xa-demo', 'mat-khau-xa-demo');
  await paper.goto(`${base}/report.html?unit=commune/${commune.code}`);
  await paper.waitForSelector('#paper:not([hidden])');
  await paper.emulateMedia({ media: 'print' });
  await paper.screenshot({ path: `${SHOTS}report-commune-a4.png`, fullPage: true });

  // A published winner's certificate, checked on the public page by its code.
  await organizer.post('/api/rankings/dot-1/publish', { title: 'Kết quả đợt demo' });
  const certs = await (await organizer.get('/api/rankings/dot-1/versions/1/certificates')).json();
  const first = certs.certificates.find((c) => c.prize === 'first');
  assert.ok(first, 'a first prize');
  const pdf = await organizer.get(`/api/rankings/dot-1/versions/1/certificates.pdf?code=${first.code}`);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await page.goto(`${base}/certificates.html?context=dot-1&version=1`);
  await page.waitForSelector('#list:not([hidden])');
  assert.equal(await page.locator('.certs li').count(), certs.certificates.length);
  assert.match(await page.locator('#all-a5').getAttribute('href'), /paper=a5$/);
  const { page: anyone } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
  await anyone.goto(`${base}/verify.html?code=${first.code.toLowerCase()}`);
  await anyone.waitForSelector('#result:not([hidden])');
  assert.equal(await anyone.locator('#name').innerText(), first.name);
  await anyone.screenshot({ path: `${SHOTS}certificate-verify-phone.png`, fullPage: true });
  await anyone.fill('#code', 'AAAAA-AAAAA');
  await anyone.click('#form button[type=submit]');
  await anyone.waitForSelector('#error:not([hidden])');
  assert.match(await anyone.locator('#error').innerText(), /Không có giấy chứng nhận/);

  assert.deepEqual(pageErrors.filter((e) => !/status of 40[34]/.test(e)), []);
});

/** A quiz of `n` single-choice questions of a bundled bank, made through the API. */
async function singleChoiceQuiz(api, n) {
  const banks = await (await api.get('/api/banks')).json();
  for (const summary of banks) {
    const bank = await (await api.get(`/api/banks/${encodeURIComponent(summary.id)}`)).json();
    const singles = bank.questions.filter((q) => q.kind === 'single').slice(0, n);
    if (singles.length === n) {
      return api.post('/api/quizzes', { title: 'Ngày Chuyển đổi số 10/10', questions: singles.map((q) => ({ bank: summary.id, id: q.id })) });
    }
  }
  throw new Error(`no bank has ${n} single-choice questions`);
}

test('the live panel during a province event: players online, answers per second, first schools and communes', {
  timeout: 180_000,
}, async () => {
  const { page, context } = await newPage({ viewport: { width: 1280, height: 900 } });
  const organizer = await signedIn(context.request, 'admin', PASSWORD);
  const quiz = await singleChoiceQuiz(organizer, 2);
  const game = await organizer.post('/api/games', { quiz: quiz.id, event: true });
  // Two communes' schools, from the public lists the join page shows.
  const schools = [];
  for (const c of await (await organizer.get('/api/units/communes')).json()) {
    const list = await (await organizer.get(`/api/units/communes/${c.code}/school-names`)).json();
    if (list.length >= 1) schools.push({ commune: c, list });
    if (schools.length === 2) break;
  }
  assert.equal(schools.length, 2, 'the demo has communes with schools');

  // A pupil on a phone: the event asks for the commune and the school before the lobby.
  const pupil = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await pupil.page.goto(`${base}/?pin=${game.pin}`);
  await pupil.page.fill('#nickname', 'Hà Phương');
  await pupil.page.tap('#join-button');
  await pupil.page.waitForSelector('#unit:not([hidden])');
  assert.match(await pupil.page.locator('#join-error').innerText(), /chọn xã\/phường và trường/);
  await pupil.page.selectOption('#commune', schools[0].commune.code);
  await pupil.page.waitForSelector(`#school option[value="${schools[0].list[0].code}"]`, { state: 'attached' });
  await pupil.page.selectOption('#school', schools[0].list[0].code);
  await pupil.page.screenshot({ path: `${SHOTS}join-event-school-phone.png`, fullPage: true });
  await pupil.page.tap('#join-button');
  await pupil.page.waitForSelector('#lobby');

  // Eleven more pupils of four schools in two communes, over sockets from a page of the server
  // (its origin), and the host's screen from the organizer's page (its cookie).
  const crowd = await newPage({ viewport: { width: 800, height: 600 } });
  await crowd.page.goto(`${base}/rankings.html`);
  // Up to two schools of each commune (a demo commune may have one).
  const units = [0, 1].flatMap((c) => [schools[c].list[0], schools[c].list[1] ?? schools[c].list[0]]).map((s) => s.code);
  const distinct = new Set(units).size;
  await crowd.page.evaluate(async ({ pin, units }) => {
    window.answered = 0;
    const url = `${location.origin.replace('http', 'ws')}/ws`;
    const joins = [];
    for (let i = 0; i < 11; i += 1) {
      joins.push(new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'join', v: 1, pin, nickname: `Bạn ${i}`, school: units[i % units.length] }));
        ws.onmessage = (ev) => {
          const msg = JSON.parse(ev.data);
          if (msg.type === 'welcome') resolve();
          if (msg.type === 'error') reject(new Error(msg.code));
          // Pupil i picks the (i mod n)th option shown: a few are right, the schools differ.
          if (msg.type === 'question') {
            const opts = msg.options;
            const pick = opts[i % opts.length].id;
            setTimeout(() => { ws.send(JSON.stringify({ type: 'answer', q: msg.q, answer: [pick] })); window.answered += 1; }, 50 * i);
          }
        };
        window[`p${i}`] = ws;
      }));
    }
    await Promise.all(joins);
  }, { pin: game.pin, units });
  await page.goto(`${base}/dashboard.html?unit=province`);
  await page.waitForSelector('#live:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#live-online').textContent === '12');
  await page.evaluate(async (id) => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
    await new Promise((resolve) => { ws.onopen = resolve; });
    ws.send(JSON.stringify({ type: 'host', v: 1, game: id }));
    await new Promise((resolve) => { ws.onmessage = resolve; });
    ws.send(JSON.stringify({ type: 'start' }));
    window.host = ws;
  }, game.id);
  await crowd.page.waitForFunction(() => window.answered === 11);
  await pupil.page.locator('.answers button').first().tap();
  // Everyone answered: the question closes and the event's boards are written.
  const live = async () => (await organizer.get('/api/dashboard/live?unit=province')).json();
  let figures;
  for (let tries = 0; tries < 60; tries += 1) {
    figures = await live();
    const minute = figures.answers_per_second.reduce((a, b) => a + b, 0);
    if (minute === 12 && figures.events[0]?.top_schools.length === Math.min(5, distinct)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(figures.online, 12);
  assert.equal(figures.answers_per_second.reduce((a, b) => a + b, 0), 12, 'every answer counted once');
  const event = figures.events.find((e) => e.game === game.id);
  assert.equal(event.players, 12);
  assert.equal(event.top_communes.length, 2);
  // The page shows the same schools in the same order, and the minute's answers.
  await page.waitForFunction((n) => document.querySelector('#live-minute').textContent.startsWith(`${n} `), 12, { timeout: 15_000 });
  const shown = await page.locator('#live-events .top').first().locator('li > span').allInnerTexts();
  assert.deepEqual(shown, event.top_schools.map((l) => l.label));
  assert.equal(await page.locator('#live-spark i').count(), 60);
  await page.locator('#live').screenshot({ path: `${SHOTS}dashboard-live.png` });

  // A school admin's panel: its own school's players only.
  const mine = units[2];
  await organizer.post('/api/accounts', {
    username: 'ql-live', display_name: 'Quản lý trường', password: 'mat-khau-ql-live',
    role: 'school_admin', unit: mine,
  });
  const admin = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await signedIn(admin.context.request, 'ql-live', 'mat-khau-ql-live');
  await admin.page.goto(`${base}/dashboard.html`);
  await admin.page.waitForSelector('#live:not([hidden])');
  const theirs = [...Array(11).keys()].filter((i) => units[i % 4] === mine).length;
  await admin.page.waitForFunction((n) => document.querySelector('#live-online').textContent === String(n), theirs);
  const phoneWidth = await admin.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(phoneWidth <= 360, `no sideways scrolling on a phone: ${phoneWidth}px`);
  await admin.page.locator('#live').screenshot({ path: `${SHOTS}dashboard-live-school-phone.png` });

  assert.deepEqual(pageErrors.filter((e) => !/status of 40[34]/.test(e)), []);
});
