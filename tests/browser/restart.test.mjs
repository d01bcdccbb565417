// A server restart in the middle of a game, seen in a real browser: the projector and a phone
// stay open while the server gets SIGTERM and comes back on the same port. Games are not
// resumed across a restart, so the projector must end on «Trò chơi bị gián đoạn» with the
// report links, and the phone must say its old session is over and offer the join form.
//
// This test runs a server of its own (the binary in HOITHI_BIN, which scripts/browser-test.sh
// sets, on a temporary data folder) because it stops and restarts it.
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launch, pages, text, shot } from './support.mjs';

const BIN = process.env.HOITHI_BIN ?? 'target/debug/hoithi';
const PASSWORD = `restart-${process.pid}`;

let browser;
let newPage;
let dataDir;
let server;
const pageErrors = [];

/** Starts `hoithi serve` on `dataDir`; resolves with the process and its base URL. */
function startServer(port) {
  // Nothing from the environment the tests run in (a developer's REDIS_URL, say).
  const env = { ...process.env, HOITHI_ADMIN_PASSWORD: PASSWORD, HOITHI_LOG: 'warn' };
  for (const key of ['REDIS_URL', 'DATABASE_URL', 'HOITHI_PORT', 'HOITHI_BIND', 'HOITHI_DATA_DIR']) delete env[key];
  const child = spawn(BIN, ['serve', '--data-dir', dataDir, '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/hoithi: (http:\/\/127\.0\.0\.1:\d+)/);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, url: m[1] });
    });
  });
}

/** SIGTERM, and the exit code once the server has drained its writes. */
function stopServer(child) {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hoithi-restart-'));
  browser = await launch();
  // While the server is down, the pages' reconnect attempts fail: that is the point here.
  newPage = pages(browser, pageErrors);
});

after(async () => {
  await browser?.close();
  if (server && server.child.exitCode === null) await stopServer(server.child);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('a restart mid-game: the projector says the game was interrupted, the phone may join again', {
  timeout: 120_000,
}, async () => {
  server = await startServer(0);
  const base = server.url;
  const port = Number(new URL(base).port);

  // ---- The teacher opens a game of two questions through the API. ----
  const desk = await newPage({ viewport: { width: 1280, height: 720 } });
  const api = desk.context.request;
  const headers = { Origin: base };
  const signedIn = await api.post(`${base}/api/session`, { data: { username: 'admin', password: PASSWORD }, headers });
  assert.equal(signedIn.status(), 200, 'the organizer signs in');
  const banks = await (await api.get(`${base}/api/banks`)).json();
  const bank = await (await api.get(`${base}/api/banks/${encodeURIComponent(banks[0].id)}`)).json();
  const picked = bank.questions.slice(0, 2).map((q) => ({ bank: banks[0].id, id: q.id }));
  const quiz = await (await api.post(`${base}/api/quizzes`, { data: { title: 'Kiểm thử khởi động lại', questions: picked }, headers })).json();
  const opened = await api.post(`${base}/api/games`, { data: { quiz: quiz.id, settings: {} }, headers });
  assert.equal(opened.status(), 200, 'the game opens');
  const game = await opened.json();

  // ---- The projector and one phone; the first question is open. ----
  const host = desk.page;
  await host.goto(`${base}/host.html?game=${game.id}`);
  assert.equal((await text(host, '#pin')).trim(), game.pin);
  const phone = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await phone.page.goto(`${base}/?pin=${game.pin}`);
  await phone.page.fill('#nickname', 'Hà My');
  await phone.page.tap('#join-button');
  await phone.page.waitForSelector('#lobby');
  await host.waitForFunction(() => document.querySelectorAll('#players .name').length === 1);
  await host.click('#start');
  await host.waitForSelector('section.question[data-q="0"]');
  await phone.page.waitForSelector('#qtext[data-q="0"]');

  // ---- SIGTERM: every page is told the server restarts, and keeps saying so while its
  // reconnects fail (not «Mất kết nối»). ----
  const exit = await stopServer(server.child);
  assert.equal(exit, 0, 'the server exits cleanly after draining its writes');
  const failedRetry = (url) => pageErrors.some((e) => e.startsWith(url) && /WebSocket connection to .* failed/.test(e));
  const deadline = Date.now() + 15_000;
  while (!(failedRetry(host.url()) && failedRetry(phone.page.url()))) {
    assert.ok(Date.now() < deadline, `both pages tried to reconnect and failed: ${pageErrors}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const page of [host, phone.page]) {
    assert.equal(await page.isVisible('#status'), true, `${page.url()} shows a banner`);
    assert.equal(await text(page, '#status'), 'Máy chủ đang khởi động lại. Sẽ tự kết nối lại…');
  }

  // ---- The server comes back on the same port; the pages reconnect by themselves. ----
  server = await startServer(port);
  assert.equal(server.url, base, 'the restarted server listens where the pages expect it');

  await host.waitForSelector('#interrupted', { timeout: 30_000 });
  assert.equal(await text(host, '#interrupted h1'), 'Trò chơi bị gián đoạn');
  assert.match(await text(host, '#interrupted p'), /không thể tiếp tục/);
  assert.equal(await host.isVisible('#status'), false, 'the reconnecting banner is gone');
  assert.equal(await host.isVisible('#end'), false, 'no «Kết thúc» button for a game that is over');
  assert.equal(await text(host, '#progress'), '', 'no question progress either');
  const links = await host.$$eval('#interrupted .reports a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.includes(`/api/games/${game.id}/report.xlsx`), `the report links are offered: ${links}`);
  const csv = await api.get(`${base}/api/games/${game.id}/report.csv?part=players`);
  assert.equal(csv.status(), 200, 'the report downloads after the restart');
  const csvText = await csv.text();
  assert.ok(csvText.includes('Hà My') && csvText.includes('Trò chơi bị gián đoạn'), 'the report names the player and says the game was interrupted');
  await shot(host, 'host-interrupted');

  // The phone's saved session belonged to the stopped server's room.
  await phone.page.waitForSelector('#join:not([hidden])', { timeout: 30_000 });
  assert.equal(await text(phone.page, '#join-error'), 'Phiên chơi cũ không còn hiệu lực. Hãy vào phòng lại.');
  assert.equal(await phone.page.isVisible('#status'), false, 'no reconnect banner over the join form');
  assert.equal(await phone.page.inputValue('#pin'), game.pin, 'the join form keeps the PIN');

  // Failed reconnects while the server was down are console errors of the browser's own; any
  // other script error is a fault.
  const faults = pageErrors.filter((e) => !/WebSocket connection to .* failed/.test(e));
  assert.deepEqual(faults, [], 'no script errors on either page');
});
