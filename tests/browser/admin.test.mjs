// The organizer's tools on admin.html in a real browser: upload a question bank written as a
// CSV in hoithi's template layout, see the new draft, approve it; upload a file with a bad row
// and see that row's number and reason, with nothing stored; create a teacher account, and
// sign in as that teacher, who sees the approved bank but none of the organizer's tools, and
// imports a plain Kahoot sheet (no explanation column) into a private bank of their own,
// skipping its bad row with «Bỏ qua các dòng lỗi».
// How to run it: tests/browser/support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, USER, PASSWORD, SHOTS, launch, pages, signIn, text } from './support.mjs';

let browser;
let newPage;
const pageErrors = [];

before(async () => {
  browser = await launch();
  // A rejected upload and a refused account are 422 answers the page shows: expected here.
  newPage = pages(browser, pageErrors, [401, 422]);
});

after(async () => {
  await browser?.close();
});

// ---- CSV in the template layout ----

/** The cells of one CSV line (no line breaks inside cells: this test writes none). */
function cells(line) {
  const out = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cell); cell = ''; } else cell += c;
  }
  out.push(cell);
  return out;
}

const quote = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
/** The key of a template cell: `Câu hỏi (text)` → `text`; a bare key is its own key. */
const keyOf = (label) => (label.match(/\(([a-z_0-9]+)\)\s*$/)?.[1] ?? label.trim());

/**
 * The template's layout as the server writes it: the bank rows (label and key) and the header
 * line, taken from the CSV export of a bundled bank.
 */
async function templateLayout(request, bankId) {
  const res = await request.get(`${BASE}/api/banks/${encodeURIComponent(bankId)}/export?format=csv`);
  assert.equal(res.status(), 200, 'a bundled bank exports as CSV');
  const lines = (await res.text()).replace(/^\uFEFF/, '').split(/\r?\n/);
  const at = lines.findIndex((l) => cells(l).map(keyOf).includes('kind'));
  assert.ok(at > 0, 'the export has bank rows and then a header row with a kind column');
  const bankRows = lines.slice(0, at).filter((l) => l.trim()).map((l) => cells(l)[0]);
  return { bankRows, header: lines[at], columns: cells(lines[at]).map(keyOf) };
}

/**
 * A CSV file in the template layout; `questions` are objects by column key. Returns the text
 * and the spreadsheet row number of each question (its line, counted from 1).
 */
function templateCsv(layout, bank, questions) {
  const lines = layout.bankRows.map((label) => [label, bank[keyOf(label)] ?? ''].map(quote).join(','));
  lines.push('', layout.header);
  const rows = [];
  for (const q of questions) {
    lines.push(layout.columns.map((key) => quote(q[key] ?? '')).join(','));
    rows.push(lines.length);
  }
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows };
}

const common = (stamp) => ({
  time_limit: 20, points: 'standard', difficulty: 1,
  source: `Khuyến cáo của Công an tỉnh Đắk Lắk (câu kiểm thử ${stamp})`,
});

test('an organizer imports a bank from a CSV, approves it, and creates a teacher account', {
  timeout: 180_000,
}, async () => {
  const stamp = Date.now().toString(36);
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, USER, PASSWORD);
  assert.ok(await page.isVisible('#import'), 'the organizer sees «Nhập ngân hàng câu hỏi»');
  assert.ok(await page.isVisible('#accounts-panel'), 'the organizer sees «Tài khoản giáo viên»');
  assert.equal(await text(page, '#import-h'), 'Nhập ngân hàng câu hỏi');
  // The page describes the template's columns.
  await page.click('#import details.columns summary');
  const described = await page.locator('#import-columns dt').allInnerTexts();
  for (const key of ['kind', 'text', 'correct', 'time_limit', 'explanation', 'source']) {
    assert.ok(described.includes(key), `the column ${key} is described`);
  }
  assert.match(await page.locator('#import-columns dt:has-text("kind") + dd').innerText(), /true_false \(đúng\/sai\)/);

  // Bundled banks are approved, can be downloaded, and the page offers one as an example file.
  const before = await (await context.request.get(`${BASE}/api/banks`)).json();
  const bundled = before.find((b) => b.origin === 'bundled');
  assert.ok(bundled, 'the server lists bundled banks');
  const bundledItem = page.locator(`#banks li[data-bank="${bundled.id}"]`);
  assert.equal(await bundledItem.locator('.bank-status').innerText(), 'Đã duyệt');
  assert.equal(await bundledItem.locator('button.approve').count(), 0, 'an approved bank has no «Duyệt» button');
  const csvHref = await bundledItem.locator('a.export-csv').getAttribute('href');
  assert.equal(csvHref, `/api/banks/${bundled.id}/export?format=csv`);
  const example = await context.request.get(`${BASE}${await page.getAttribute('#import-example', 'href')}`);
  assert.equal(example.status(), 200, 'the example file downloads');
  assert.match(example.headers()['content-type'], /spreadsheetml/, 'the example file is a workbook');

  // ---- A good file: three new questions. ----
  const layout = await templateLayout(context.request, bundled.id);
  const goodId = `kiem-thu-${stamp}`;
  const goodTitle = `Kiểm thử nhập tệp ${stamp}`;
  const good = templateCsv(layout, { bank: goodId, title: goodTitle, topic: 'an-toan', levels: 'thcs, thpt' }, [
    {
      ...common(stamp), id: `${goodId}-1`, kind: 'single',
      text: `Bạn Hà (mã kiểm thử ${stamp}) nhận tin nhắn báo tài khoản ngân hàng bị khoá, kèm một đường link lạ. Hà nên làm gì?`,
      option_1: 'Bấm vào đường link để mở khoá', option_2: 'Không bấm, gọi tổng đài chính thức của ngân hàng',
      option_3: 'Gửi mã OTP để xác minh', correct: 2,
      explanation: 'Ngân hàng không gửi đường link mở khoá qua tin nhắn; hãy hỏi tổng đài chính thức.',
    },
    {
      ...common(stamp), id: `${goodId}-2`, kind: 'true_false',
      text: `Trong buổi tập huấn ${stamp}, cô giáo nói: nên dùng chung một mật khẩu cho mọi tài khoản để dễ nhớ. Đúng hay sai?`,
      correct: 'Sai',
      explanation: 'Một mật khẩu bị lộ sẽ mở được mọi tài khoản dùng chung nó.',
    },
    {
      ...common(stamp), id: `${goodId}-3`, kind: 'multiple',
      text: `Câu kiểm thử ${stamp}: những việc nào giúp giữ an toàn cho tài khoản mạng xã hội?`,
      option_1: 'Bật xác thực hai lớp', option_2: 'Đăng xuất khỏi máy tính dùng chung',
      option_3: 'Cho bạn cùng lớp mượn mật khẩu', correct: '1,2',
      explanation: 'Xác thực hai lớp và đăng xuất khỏi máy dùng chung ngăn người khác vào tài khoản.',
    },
  ]);

  // The upload is held back a moment so the progress indicator can be seen.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/banks/import?**', async (route) => { await held; await route.continue(); });
  await page.setInputFiles('#import-file', { name: 'kiem-thu.csv', mimeType: 'text/csv', buffer: Buffer.from(good.csv) });
  assert.match(await text(page, '#import-file-name'), /^kiem-thu\.csv \(\d+ KB\)$/, 'the chosen file is named');
  await page.click('#import-button');
  await page.waitForSelector('#import-progress', { state: 'visible' });
  assert.match(await text(page, '#import-progress'), /Đang tải lên và kiểm tra «kiem-thu\.csv»/);
  assert.ok(await page.isDisabled('#import-button'), 'the button waits while the file uploads');
  release();
  await page.waitForSelector('#import-result .import-done');
  await page.unroute('**/api/banks/import?**');
  assert.equal(await page.isVisible('#import-progress'), false, 'the progress indicator goes away');
  assert.equal(await text(page, '#import-file-name'), 'Chưa chọn tệp. Có thể kéo thả tệp vào đây.', 'the form is ready for the next file');
  assert.equal(await text(page, '#import-result .import-done strong'),
    `Đã nhập ngân hàng «${goodTitle}»: 3 câu hỏi, đang là bản nháp.`);

  // The draft is in the bank list with its badge; approving it turns the badge green.
  const item = page.locator(`#banks li[data-bank="${goodId}"]`);
  assert.equal(await item.locator('.bank-status').innerText(), 'Bản nháp');
  assert.match(await item.locator('.meta').first().innerText(), /3 câu/);
  await page.click('#import-result .import-done button');
  await page.waitForSelector(`#banks li[data-bank="${goodId}"] .questions`);
  const shown = await item.locator('.qtext-admin').allInnerTexts();
  assert.equal(shown.length, 3, 'the draft\'s questions can be reviewed');
  assert.ok(shown[0].includes(`mã kiểm thử ${stamp}`));
  await item.locator('button.approve').click();
  await page.waitForFunction((id) => document.querySelector(`#banks li[data-bank="${id}"] .bank-status`)?.textContent === 'Đã duyệt', goodId);
  assert.equal(await item.locator('button.approve').count(), 0, 'an approved bank has no «Duyệt» button');
  assert.equal(await text(page, '#banks-status'), `Đã duyệt ngân hàng «${goodTitle}».`);
  const afterApprove = await (await context.request.get(`${BASE}/api/banks`)).json();
  const stored = afterApprove.find((b) => b.id === goodId);
  assert.equal(stored?.status, 'approved', 'the server has the bank as approved');
  assert.equal(stored?.origin, 'imported');

  // ---- A file with a bad row: nothing is stored, the row is named with its reason. ----
  const badId = `kiem-thu-loi-${stamp}`;
  const badTitle = `Tệp có lỗi ${stamp}`;
  const badFile = (correct) => templateCsv(layout, { bank: badId, title: badTitle, topic: 'an-toan', levels: 'thcs' }, [
    {
      ...common(stamp), kind: 'true_false', correct: 'Đúng',
      text: `Câu đầu của tệp kiểm thử ${stamp}: nên bật xác thực hai lớp cho tài khoản thư điện tử.`,
      explanation: 'Xác thực hai lớp bảo vệ tài khoản kể cả khi lộ mật khẩu.',
    },
    {
      ...common(stamp), kind: 'single', correct,
      text: `Câu thứ hai của tệp kiểm thử ${stamp}: trong ba số 1, 2 và 3, số nào lớn nhất?`,
      option_1: '1', option_2: '2', option_3: '3',
      explanation: 'Ba lớn hơn một và hai.',
    },
  ]);
  // The answer is option 5 of 3: that row is rejected.
  const bad = badFile(5);
  const badRow = bad.rows[1];
  const banksBefore = await page.locator('#banks li.bank').count();
  const answer = page.waitForResponse((r) => r.url().includes('/api/banks/import?'));
  await page.setInputFiles('#import-file', { name: 'tep-loi.csv', mimeType: 'text/csv', buffer: Buffer.from(bad.csv) });
  await page.click('#import-button');
  const res = await answer;
  assert.equal(res.status(), 422);
  const { code, problems } = await res.json();
  assert.equal(code, 'rejected_rows');
  assert.deepEqual(problems.map((p) => p.row), [badRow], `the server rejects row ${badRow} only`);

  await page.waitForSelector('#import-result .import-rejected');
  assert.equal(await page.locator('#import-result .import-done').count(), 0, 'the earlier success is gone');
  assert.equal(await text(page, '#import-result .import-rejected p'),
    'Chưa nhập câu hỏi nào: tệp có 1 lỗi. Hãy sửa các dòng dưới đây rồi tải lên lại.');
  const tableRows = page.locator('#import-result table.problems tbody tr');
  assert.equal(await tableRows.count(), 1);
  assert.equal(await tableRows.locator('th').innerText(), `Dòng ${badRow}`);
  const reason = await tableRows.locator('td').innerText();
  assert.ok(reason.trim().length > 0, 'the reason is shown');
  assert.equal(reason, problems[0].message, 'the reason is the server\'s');
  assert.deepEqual(await page.locator('#import-result th').allInnerTexts(), ['Dòng', 'Lý do', `Dòng ${badRow}`]);
  assert.equal(await page.locator('#banks li.bank').count(), banksBefore, 'the bank list did not change');
  assert.equal(await page.locator(`#banks li[data-bank="${badId}"]`).count(), 0);
  const afterBad = await (await context.request.get(`${BASE}/api/banks`)).json();
  assert.ok(!afterBad.some((b) => b.id === badId), 'nothing was stored from the bad file');

  // ---- A teacher account. ----
  const username = `gv-${stamp}`;
  const password = `mat-khau-${stamp}`;
  const fullName = 'Nguyễn Thị Hoa';
  const createAccount = async (user, name, pass) => {
    await page.fill('#account-username', user);
    await page.fill('#account-name', name);
    await page.fill('#account-password', pass);
    await page.click('#account-create');
  };
  await createAccount(username, fullName, 'ngan');
  await page.waitForFunction(() => document.querySelector('#account-error').textContent !== '');
  assert.equal(await text(page, '#account-error'), 'Mật khẩu phải có ít nhất 8 ký tự.');
  await createAccount(USER, fullName, password);
  await page.waitForFunction(() => /đã có người dùng/.test(document.querySelector('#account-error').textContent));
  assert.equal(await text(page, '#account-error'), 'Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.');
  await createAccount(username, fullName, password);
  await page.waitForFunction(() => document.querySelector('#account-done').textContent !== '');
  assert.equal(await text(page, '#account-done'), `Đã tạo tài khoản «${username}» cho ${fullName}.`);
  assert.equal(await text(page, '#account-error'), '');
  const account = page.locator(`#accounts li[data-username="${username}"]`);
  await account.waitFor();
  assert.equal(await account.locator('strong').innerText(), fullName);
  assert.equal(await account.locator('.tag').innerText(), 'Giáo viên');
  assert.equal(await page.inputValue('#account-password'), '', 'the form is cleared');

  await page.locator('#org').scrollIntoViewIfNeeded();
  await page.locator('#org').screenshot({ path: `${SHOTS}admin-import.png` });

  // The organizer fixes the row and uploads again: a second draft, left unapproved.
  await page.setInputFiles('#import-file', { name: 'tep-loi.csv', mimeType: 'text/csv', buffer: Buffer.from(badFile(3).csv) });
  await page.click('#import-button');
  await page.waitForSelector('#import-result .import-done');
  assert.equal(await page.locator('#import-result table.problems').count(), 0, 'the rejected rows are gone');
  assert.equal(await text(page, '#import-result .import-done strong'),
    `Đã nhập ngân hàng «${badTitle}»: 2 câu hỏi, đang là bản nháp.`);
  const fixed = page.locator(`#banks li[data-bank="${badId}"]`);
  assert.equal(await fixed.locator('.bank-status').innerText(), 'Bản nháp');
  assert.equal(await fixed.locator('button.approve').innerText(), 'Duyệt');

  // ---- The teacher signs in: the approved bank is there, the organizer's tools are not. ----
  const teacher = await newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(teacher.page, username, password);
  assert.equal(await text(teacher.page, '#who'), `Xin chào, ${fullName}`);
  assert.equal(await teacher.page.isVisible('#accounts-panel'), false, 'a teacher does not see the accounts');
  const theirs = teacher.page.locator(`#banks li[data-bank="${goodId}"]`);
  assert.equal(await theirs.locator('.bank-status').innerText(), 'Đã duyệt');
  const draft = teacher.page.locator(`#banks li[data-bank="${badId}"]`);
  assert.equal(await draft.locator('.bank-status').innerText(), 'Bản nháp', 'a teacher sees which banks are drafts');
  assert.equal(await teacher.page.locator('#banks button.approve').count(), 0, 'a teacher approves nothing');
  const exported = await teacher.context.request.get(`${BASE}${await theirs.locator('a.export-csv').getAttribute('href')}`);
  assert.equal(exported.status(), 200);
  assert.ok((await exported.text()).includes(`mã kiểm thử ${stamp}`), 'the teacher downloads the imported questions');

  // ---- The teacher imports a Kahoot sheet into a private bank, skipping its bad row. ----
  const tp = teacher.page;
  assert.equal(await text(tp, '#import-h'), 'Nhập câu hỏi vào ngân hàng riêng');
  assert.match(await text(tp, '#import-intro'), /Không bắt buộc giải thích và nguồn/);
  assert.ok(!(await text(tp, '#import')).includes('--'), 'the upload page quotes no command-line flag');
  const kahootId = `kahoot-${stamp}`;
  const kahoot = [
    'Quiz template,,,,,,,',
    ',Question - max 120 characters,Answer 1 - max 75 characters,Answer 2 - max 75 characters,Answer 3 - max 75 characters,Answer 4 - max 75 characters,Time limit (sec) – 5; 10; 20; 30; 60; 90; 120; or 240 secs,Correct answer(s) - choose at least one',
    `1,Câu Kahoot ${stamp}: ai được biết mã OTP của em?,Chỉ em,Bạn thân,Người lạ,,20,1`,
    `2,Câu Kahoot ${stamp}: số nào lớn nhất?,1,2,3,,20,7`,
    `3,Câu Kahoot ${stamp}: mật khẩu nào mạnh?,123456,Lan@Dak-Lak#2026,,,30,2`,
  ].join('\r\n');
  await tp.click('.import-options summary');
  await tp.selectOption('#import-topic', 'an-toan');
  await tp.check('#import-levels input[value="thcs"]');
  await tp.setInputFiles('#import-file', { name: `${kahootId}.csv`, mimeType: 'text/csv', buffer: Buffer.from(kahoot) });
  await tp.click('#import-button');
  await tp.waitForSelector('#import-result .import-rejected');
  assert.deepEqual(await tp.locator('#import-result table.problems tbody th').allInnerTexts(), ['Dòng 4'],
    'only the row whose answer is 7 of 3 is wrong: no row needs an explanation');
  const retry = tp.locator('#import-result button.skip-retry');
  assert.equal(await retry.innerText(), 'Bỏ qua các dòng lỗi và nhập các dòng còn lại');
  await retry.click();
  await tp.waitForSelector('#import-result .import-done');
  assert.equal(await text(tp, '#import-result .import-done strong'),
    `Đã nhập «${kahootId}» vào ngân hàng riêng của bạn: 2 câu hỏi.`);
  assert.equal(await text(tp, '#import-result .import-skipped p'), 'Đã bỏ qua 1 dòng lỗi:');
  assert.deepEqual(await tp.locator('#import-result .import-skipped tbody th').allInnerTexts(), ['Dòng 4']);
  assert.equal(await tp.isChecked('#import-skip'), false, 'the next file starts without skipping');
  const mine = tp.locator(`#banks li[data-bank="${kahootId}"]`);
  await mine.waitFor();
  assert.equal(await mine.locator('.bank-private').innerText(), 'Riêng');
  await tp.screenshot({ path: `${SHOTS}admin-teacher-kahoot.png`, fullPage: true });
  // The organizer's page shows it too, as a draft it cannot approve unexplained.
  await page.reload();
  const theirsToReview = page.locator(`#banks li[data-bank="${kahootId}"]`);
  await theirsToReview.waitFor();
  assert.equal(await theirsToReview.locator('.bank-private').innerText(), 'Riêng');

  assert.deepEqual(pageErrors, [], 'no script errors on any page');
});
