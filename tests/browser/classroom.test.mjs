// The first lesson, as a teacher with a 1024×768 projector and a presenter clicker runs it:
// the projector says when no phone can reach the join address and what to run instead (and a
// server listening on the classroom's network offers its LAN address); the clicker moves on
// only when nothing is lost, and ending a question early takes a second press; a reading
// time locks the answers on 360 px phones first; the projector's text is large; and what the
// pages show passes WCAG AA contrast (axe-core).
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, pages, organizerApi, text, shot, spawnServer, stopServer, contrastFailures } from './support.mjs';

// host-clicker.js: a new screen takes no clicker press this long.
const SETTLE_MS = 700;
const READING_MS = 3000;

let browser;
let newPage;
const pageErrors = [];
const cleanups = [];

before(async () => {
  browser = await launch();
  newPage = pages(browser, pageErrors);
});

after(async () => {
  for (const f of cleanups.reverse()) await f();
  await browser?.close();
});

const projector = () => newPage({ viewport: { width: 1024, height: 768 } });
const phone = () => newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** A quiz of `n` single-choice questions of one bundled bank, through `post` (signed in). */
async function quiz(request, base, post, n) {
  const banks = await (await request.get(`${base}/api/banks`)).json();
  for (const summary of banks) {
    const bank = await (await request.get(`${base}/api/banks/${encodeURIComponent(summary.id)}`)).json();
    const singles = bank.questions.filter((q) => q.kind === 'single').slice(0, n);
    if (singles.length === n) {
      return post('/api/quizzes', { title: 'An toàn trên mạng — lớp 7A', questions: singles.map((q) => ({ bank: summary.id, id: q.id })) });
    }
  }
  throw new Error(`no bank has ${n} single-choice questions`);
}

/** A phone joins `pin` as `name`. */
async function joins(base, pin, name) {
  const p = await phone();
  await p.page.goto(`${base}/?pin=${pin}`);
  await p.page.fill('#nickname', name);
  await p.page.tap('#join-button');
  await p.page.waitForSelector('#lobby');
  return p.page;
}

/** The clicker's «next» (PageDown), once the screen has been up long enough to take it. */
async function click(host, key = 'PageDown') {
  await pause(SETTLE_MS + 100);
  await host.keyboard.press(key);
}

/** Computed font sizes (px) of the reveal's parts, and whether it all fits the screen. */
const revealSizes = (host) => host.evaluate(() => {
  const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
  const bottom = document.querySelector('#next').getBoundingClientRect().bottom;
  return {
    explanation: px('.explain p'), source: px('.explain .source'), count: px('.reveal .opt .count'),
    right: px('.right-count'), fits: bottom <= innerHeight && document.documentElement.scrollWidth <= innerWidth,
  };
});

test('on loopback, the projector says no phone can join and how to fix it; the clicker and the reading time run a lesson', {
  timeout: 180_000,
}, async () => {
  const desk = await projector();
  const host = desk.page;
  const post = await organizerApi(desk.context.request);
  const { id: quizId } = await quiz(desk.context.request, BASE, post, 2);
  const game = await post('/api/games', { quiz: quizId, settings: { reading_ms: READING_MS } });

  // ---- The lobby: the join address is this machine's own (scripts/browser-test.sh runs the
  // server as `hoithi serve`, on 127.0.0.1). ----
  await host.goto(`${BASE}/host.html?game=${game.id}`);
  await host.waitForSelector('#lan-warning #lan-flag');
  assert.equal(await text(host, '#lan-warning h2'), 'Điện thoại của học sinh chưa vào được');
  assert.match(await text(host, '#lan-warning'), /chỉ mở được trên chính máy này/);
  assert.equal(await text(host, '#lan-flag'), 'hoithi --bind 0.0.0.0', 'the fix names the server\'s own flag');
  assert.match(await text(host, '#lan-warning'), /HOITHI_BIND=0\.0\.0\.0/);
  const net = await (await desk.context.request.get(`${BASE}/api/network`)).json();
  if (net.lan.length) {
    assert.equal(await text(host, '#lan-url'), `http://${net.lan[0]}:${new URL(BASE).port}`, 'the address phones will use');
  } else {
    assert.match(await text(host, '#lan-warning'), /chưa nối vào mạng/);
  }
  assert.equal(await host.locator('img.qr').count(), 0, 'no QR code of an address phones cannot reach');
  assert.deepEqual(await contrastFailures(host), [], 'the lobby\'s contrast');
  await shot(host, 'host-lan-warning');

  // The kick instruction is the teacher's: not in the text students read.
  const lan = await joins(BASE, game.pin, 'Lan Anh');
  const minh = await joins(BASE, game.pin, 'Minh');
  await host.waitForFunction(() => document.querySelectorAll('#players .name').length === 2);
  assert.doesNotMatch(await text(host, '#lobby-note'), /mời/i, 'the lobby note is for students');
  const visibility = () => host.$eval('#kick-hint', (e) => getComputedStyle(e).visibility);
  assert.equal(await visibility(), 'hidden', 'no kick instruction on the projected lobby');
  await host.hover('#players .name');
  assert.equal(await visibility(), 'visible', 'the teacher sees it while pointing at a name');
  await host.mouse.move(0, 0);

  // ---- The clicker starts the game; the first question is read before it is answered. ----
  await click(host);
  await host.waitForSelector('section.question[data-q="0"][data-reading="true"]');
  assert.equal(await text(host, '#reading'), 'Đọc câu hỏi');
  for (const p of [lan, minh]) {
    await p.waitForSelector('#reading');
    assert.match(await text(p, '#reading'), /^Đọc kỹ câu hỏi — trả lời sau \d giây$/);
    assert.ok(await p.$$eval('#screen button.opt', (bs) => bs.length > 1 && bs.every((b) => b.disabled)), 'the options show, locked');
  }
  await shot(host, 'host-reading');
  await shot(lan, 'player-reading');
  assert.deepEqual(await contrastFailures(lan), [], 'the phone\'s contrast while reading');

  // A press while the class reads asks first; ◀ takes it back.
  await click(host);
  await host.waitForSelector('#confirm:not([hidden])');
  assert.match(await text(host, '#confirm'), /còn đang đọc câu hỏi/);
  await host.keyboard.press('ArrowLeft');
  assert.equal(await host.isHidden('#confirm'), true, '◀ takes the press back');

  // ---- Answers open; one of two answers; ending the question early takes two presses. ----
  await lan.waitForSelector('#screen button.opt:not(:disabled)', { timeout: READING_MS + 5000 });
  await host.waitForSelector('section.question[data-reading="false"]');
  await lan.tap('#screen button.opt');
  await lan.waitForSelector('#sent');
  await host.waitForFunction(() => document.querySelector('#answered')?.textContent.startsWith('1/2'));
  await click(host);
  await host.waitForSelector('#confirm:not([hidden])');
  assert.match(await text(host, '#confirm'), /^Còn 1 bạn chưa trả lời\. Bấm lần nữa trong \d giây/);
  assert.equal(await text(host, '#skip'), 'Bấm lần nữa để dừng');
  await shot(host, 'host-confirm');
  await pause(400);
  assert.equal(await host.locator('section.question').count(), 1, 'one press ends nothing');
  await host.keyboard.press('PageDown');
  await host.waitForSelector('#reveal[data-q="0"]');

  // ---- The reveal, readable from the back of the class. ----
  await shot(host, 'host-reveal-1024');
  const at1024 = await revealSizes(host);
  assert.ok(at1024.explanation >= 26, `the explanation at 1024×768: ${at1024.explanation} px`);
  assert.ok(at1024.source >= 21 && at1024.count >= 20, `source and counts at 1024×768: ${JSON.stringify(at1024)}`);
  assert.ok(at1024.fits, 'the reveal fits a 1024×768 screen, «Tiếp» included');
  assert.deepEqual(await contrastFailures(host), [], 'the reveal\'s contrast');
  await host.setViewportSize({ width: 1280, height: 720 });
  await shot(host, 'host-reveal-720');
  const at720 = await revealSizes(host);
  assert.ok(at720.explanation >= 28 && at720.source >= 23 && at720.count >= 21 && at720.fits, `at 1280×720: ${JSON.stringify(at720)}`);
  await host.setViewportSize({ width: 1024, height: 768 });

  // A double press (a clicker's bounce) moves one screen, not two.
  await pause(SETTLE_MS + 100);
  await host.keyboard.press('PageDown');
  await pause(150);
  await host.keyboard.press('PageDown');
  await host.waitForSelector('#leaderboard');
  await pause(1200);
  assert.equal(await host.locator('#leaderboard').count(), 1, 'the leaderboard stays up after a double press');

  // ---- The second question: everyone answers, so it closes by itself; the clicker goes on
  // to the leaderboard and the podium without asking. ----
  await click(host);
  await host.waitForSelector('section.question[data-q="1"]');
  for (const p of [lan, minh]) {
    await p.waitForSelector('#screen button.opt:not(:disabled)', { timeout: READING_MS + 5000 });
    await p.tap('#screen button.opt');
  }
  await host.waitForSelector('#reveal[data-q="1"]');
  await click(host);
  await host.waitForSelector('#leaderboard');
  await click(host);
  await host.waitForSelector('#podium');
  assert.deepEqual(pageErrors, [], 'no script errors');
});

test('a server listening on the classroom network puts its LAN address in the join URL and the QR code', {
  timeout: 90_000,
}, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hoithi-lan-'));
  const password = `lan-${process.pid}`;
  const server = await spawnServer(dataDir, password, ['--bind', '0.0.0.0']);
  cleanups.push(async () => { await stopServer(server.child); await rm(dataDir, { recursive: true, force: true }); });
  // The first line is what the teacher types on this laptop, never 0.0.0.0 (nobody can open it).
  assert.equal(server.listen, `127.0.0.1:${server.port}`);
  // The teacher opens the server's own laptop's loopback address, as before.
  const base = `http://127.0.0.1:${server.port}`;
  const desk = await projector();
  const request = desk.context.request;
  const headers = { origin: base };
  assert.equal((await request.post(`${base}/api/session`, { headers, data: { username: 'admin', password } })).status(), 200);
  const post = async (path, data) => (await request.post(`${base}${path}`, { headers, data })).json();
  const { id: quizId } = await quiz(request, base, post, 1);
  const game = await post('/api/games', { quiz: quizId, settings: {} });
  const net = await (await request.get(`${base}/api/network`)).json();
  assert.equal(net.lan_reachable, true);
  assert.ok(!server.lines.some((l) => l.includes('0.0.0.0')), `no line names 0.0.0.0: ${server.lines}`);

  await desk.page.goto(`${base}/host.html?game=${game.id}`);
  await desk.page.waitForSelector('#pin');
  if (net.lan.length) {
    const where = `${net.lan[0]}:${server.port}`;
    assert.equal(await text(desk.page, '#join-where'), where, 'phones are told the LAN address');
    assert.equal(game.join_url, `http://${where}/?pin=${game.pin}`);
    assert.ok(server.lines.some((l) => l.includes(`http://${where}/`)), `the terminal prints it too: ${server.lines}`);
    assert.equal(await desk.page.locator('#lan-warning').count(), 0, 'no warning');
    await desk.page.waitForFunction(() => document.querySelector('img.qr')?.naturalWidth > 0);
    await shot(desk.page, 'host-lobby-lan');
  } else {
    // A machine on no network: the projector says so rather than showing 127.0.0.1.
    await desk.page.waitForSelector('#lan-warning');
    assert.match(await text(desk.page, '#lan-warning'), /chưa nối vào mạng/);
  }
  assert.deepEqual(pageErrors, [], 'no script errors');
});
