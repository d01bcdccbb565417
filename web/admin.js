// The organizer / teacher page: sign in, pick questions from the banks, make a quiz, open a
// game on the projector, find past games' reports; organizers also import banks from
// spreadsheets, approve them and create accounts of every role; a school admin creates its
// school's teachers. What each role may do is the server's rule (docs/security.md); this page
// only hides what would be refused. Talks to the HTTP API of
// docs/protocol.md.
import { t, h, fill, applyI18n, errorText, num, plain, reportLinks } from './common.js';
import { initEditor, loadOwnQuestions, renderOwnQuestions, quizActions } from './editor.js';
import { initBellRescue, setRescueBanks, rescueChoice } from './bell-rescue.js';

const $ = (id) => document.getElementById(id);

class ApiError extends Error {
  constructor(status, code, message, data) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.data = data; // the whole error body (an upload's rejected rows are in `problems`)
  }
}

async function api(method, path, body) {
  return send(path, {
    method,
    // State-changing requests carry a JSON body, even an empty one (the server checks it).
    headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
}

/** A request to the API; the parsed JSON answer, or an ApiError. */
async function send(path, init) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'network');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const code = data?.code ?? (res.status === 401 ? 'unauthorized' : res.status === 413 ? 'too_large' : 'unknown');
    throw new ApiError(res.status, code, data?.message, data);
  }
  return data;
}

/** Shows an API failure in `el`; an expired session goes back to the sign-in form. */
function fail(err, el) {
  if (err.status === 401) return showSignIn();
  el.textContent = errorText(err.code, err.message === err.code ? '' : err.message);
}

/** The catalogue's name for a value the server sent (topic, level, status), else the value. */
function named(prefix, value) {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

function when(value) {
  if (value == null || value === '') return '';
  const d = new Date(typeof value === 'number' && value < 1e12 ? value * 1000 : value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString('vi-VN', { dateStyle: 'short', timeStyle: 'short' });
}

// ---- Constants ----

// The largest spreadsheet the server takes (docs/protocol.md).
const MAX_UPLOAD = 4 * 1024 * 1024;
// Ids the server knows (question-banks/README.md); their names come from the catalogue.
const TOPICS = ['khai-thac-du-lieu', 'giao-tiep-hop-tac', 'sang-tao-noi-dung', 'an-toan',
  'giai-quyet-van-de', 'tri-tue-nhan-tao', 'chinh-phu-so', 'chuyen-doi-so'];
const LEVELS = ['tieu-hoc', 'thcs', 'thpt', 'giao-vien', 'cong-dong'];
// The template's columns, described in the import section: [key shown, catalogue key].
const COLUMNS = [['id', 'id'], ['kind', 'kind'], ['text', 'text'], ['option_1 … option_6', 'options'],
  ['correct', 'correct'], ['tolerance', 'tolerance'], ['time_limit', 'time_limit'], ['points', 'points'],
  ['difficulty', 'difficulty'], ['explanation', 'explanation'], ['source', 'source'], ['image', 'image']];

// ---- State ----

let me = null; // the signed-in account
let banks = [];
const bankDetails = new Map(); // bank id → bank with questions
const openBanks = new Set();
const picked = new Map(); // "bank/question" → { bank, id }
const wholeBanks = new Set();
let quizzes = [];
let gameQuiz = null; // the quiz whose game settings are open

applyI18n();
wire();
initEditor({
  api, send, fail, picked,
  // The selection changed in the editor (a question ticked there); `written`: the id of the
  // own bank when it changed too (a question saved or deleted): its copy here is dropped and
  // the bank list read again.
  changed: (written) => {
    if (!written) return renderBanks();
    bankDetails.delete(written);
    openBanks.delete(written);
    loadBanks().catch(() => {});
  },
  reloadQuizzes: () => loadQuizzes(),
  questionText: (p) => bankDetails.get(p.bank)?.questions?.find((q) => q.id === p.id)?.text ?? p.id,
});
initBellRescue({ fetchBank: cachedBank, fail });
load();

function wire() {
  $('sign-in').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', async () => {
    try { await api('DELETE', '/api/session'); } catch { /* signed out anyway */ }
    showSignIn();
  });
  $('level').addEventListener('change', renderBanks);
  $('topic').addEventListener('change', renderBanks);
  $('clear').addEventListener('click', () => { picked.clear(); wholeBanks.clear(); renderBanks(); });
  $('quiz-form').addEventListener('submit', createQuiz);
  $('game-form').addEventListener('submit', openGame);
  $('open-bell').addEventListener('click', openBell);
  // A refusal stays until the rules change: then it may no longer hold.
  $('bell-form').addEventListener('change', () => { $('bell-error').textContent = ''; });
  // Enter in a field of the Rung chuông vàng rules opens the contest, not the class game of
  // the form around them.
  $('bell-form').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target.matches('input')) { ev.preventDefault(); openBell(); }
  });
  $('cancel-game').addEventListener('click', () => { $('game-form').hidden = true; });
  $('reload-games').addEventListener('click', loadGames);
  $('import-form').addEventListener('submit', importBank);
  $('import-file').addEventListener('change', showFileName);
  // A file dropped anywhere on the picker is taken as if chosen.
  $('import-drop').addEventListener('dragover', (ev) => { ev.preventDefault(); $('import-drop').classList.add('over'); });
  $('import-drop').addEventListener('dragleave', () => $('import-drop').classList.remove('over'));
  $('import-drop').addEventListener('drop', (ev) => {
    ev.preventDefault();
    $('import-drop').classList.remove('over');
    if (!ev.dataTransfer?.files.length || $('import-file').disabled) return;
    $('import-file').files = ev.dataTransfer.files;
    showFileName();
  });
  $('account-form').addEventListener('submit', createAccount);
  $('commune-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadCommuneSchools($('commune-context').value.trim());
  });
  $('account-role').addEventListener('change', showUnitPicker);
  fillImportForm();
}

const isOrganizer = () => me?.role === 'organizer';
const isSchoolAdmin = () => me?.role === 'school_admin';
const isCommuneOfficer = () => me?.role === 'commune_officer';
// Commune officers build no quizzes (the banks and games routes refuse them): they see their
// commune's schools instead.
const buildsQuizzes = () => !isCommuneOfficer();

async function load() {
  try {
    me = await api('GET', '/api/me');
    $('who').textContent = t('admin.hello', { name: me.display_name || me.username });
    $('sign-out').hidden = false;
    $('loading').hidden = true;
    $('sign-in').hidden = true;
    $('dashboard').hidden = false;
    // An organizer imports banks for the province; whoever builds quizzes imports into a
    // private bank of their own. Accounts are the organizer's and a school admin's (the
    // server checks both too).
    const managesAccounts = isOrganizer() || isSchoolAdmin();
    $('org').hidden = !managesAccounts && !buildsQuizzes();
    $('import').hidden = !buildsQuizzes();
    $('accounts-panel').hidden = !managesAccounts;
    if (!isOrganizer()) {
      $('import-h').textContent = t('import.headingPrivate');
      $('import-intro').textContent = t('import.introPrivate');
    }
    if (managesAccounts) fillRolePicker();
    for (const id of ['editor-panel', 'quiz-builder', 'quizzes-panel', 'games-panel']) $(id).hidden = !buildsQuizzes();
    $('commune-panel').hidden = !isCommuneOfficer();
    // Teachers and managers take part with their accounts; cards are printed by a school.
    $('contest-panel').hidden = isCommuneOfficer();
    $('cards-link').hidden = !managesAccounts;
    $('contest-admin-link').hidden = !isOrganizer();
    await Promise.all([
      buildsQuizzes() && loadBanks(), buildsQuizzes() && loadQuizzes(), buildsQuizzes() && loadGames(),
      buildsQuizzes() && loadOwnQuestions(),
      managesAccounts && loadAccounts(), isCommuneOfficer() && showCommune(),
    ]);
  } catch (err) {
    if (err.status === 401) return showSignIn();
    $('loading').textContent = errorText(err.code, err.message);
  }
}

function showSignIn() {
  me = null;
  $('org').hidden = true;
  fill($('import-result'));
  fill($('accounts'));
  $('loading').hidden = true;
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  $('sign-in').hidden = false;
  $('username').focus();
}

async function signIn(ev) {
  ev.preventDefault();
  $('sign-in-error').textContent = '';
  try {
    await api('POST', '/api/session', { username: $('username').value.trim(), password: $('password').value });
    $('password').value = '';
    await load();
  } catch (err) {
    $('sign-in-error').textContent = errorText(err.code, err.message === err.code ? '' : err.message);
  }
}

// ---- Banks and picking questions ----

async function loadBanks() {
  banks = await api('GET', '/api/banks');
  const levels = [...new Set(banks.flatMap((b) => b.levels ?? []))];
  const topics = [...new Set(banks.map((b) => b.topic))];
  const options = (values, prefix) => [h('option', { value: '', text: t('admin.all') }),
    ...values.map((v) => h('option', { value: v, text: named(prefix, v) }))];
  // A reload (after an import or an approval) keeps the filters as they were.
  for (const [id, values, prefix] of [['level', levels, 'level'], ['topic', topics, 'topic']]) {
    const before = $(id).value;
    fill($(id), options(values, prefix));
    $(id).value = values.includes(before) ? before : '';
  }
  // The example file offered for import: any bundled bank, exported in the template layout.
  const example = banks.find((b) => b.origin === 'bundled') ?? banks[0];
  $('import-example').hidden = !example;
  if (example) $('import-example').href = exportHref(example.id, 'xlsx');
  renderBanks();
  setRescueBanks(banks);
}

function exportHref(id, format) {
  return `/api/banks/${encodeURIComponent(id)}/export?format=${format}`;
}

function renderBanks() {
  const level = $('level').value;
  const topic = $('topic').value;
  const shown = banks.filter((b) => (!level || b.levels?.includes(level)) && (!topic || b.topic === topic));
  fill($('banks'), shown.length ? shown.map(bankItem) : h('li', { class: 'hint', text: t('admin.noBanks') }));
  renderSelection();
}

function bankItem(b) {
  const whole = wholeBanks.has(b.id);
  const open = openBanks.has(b.id);
  const detail = bankDetails.get(b.id);
  const draft = b.status === 'draft';
  return h('li', { class: 'bank', dataset: { bank: b.id, status: b.status ?? '' } },
    h('div', { class: 'row' },
      h('div', { class: 'grow' },
        h('strong', { text: b.title }), ' ',
        b.status && h('span', { class: `tag bank-status ${b.status}`, text: named('bankStatus', b.status) }),
        b.private && ' ',
        b.private && h('span', { class: 'tag bank-private', title: t('bank.privateOf', { name: b.owner_name ?? '' }), text: t('bank.private') }),
        h('div', { class: 'meta' },
          [named('topic', b.topic), ...(b.levels ?? []).map((l) => named('level', l))].join(' · '),
          ' · ', t('admin.bankMeta', { n: b.questions, d: b.checked ?? '' }),
          b.origin === 'imported' ? ` · ${t('bank.imported')}` : ''),
        h('div', { class: 'links' },
          h('span', { class: 'meta', text: t('bank.download') }),
          h('a', { class: 'export-xlsx', href: exportHref(b.id, 'xlsx'), download: true, 'aria-label': t('bank.xlsxLabel', { title: b.title }), text: t('bank.xlsx') }),
          h('a', { class: 'export-csv', href: exportHref(b.id, 'csv'), download: true, 'aria-label': t('bank.csvLabel', { title: b.title }), text: t('bank.csv') }))),
      draft && isOrganizer() && h('button', {
        type: 'button', class: 'approve', 'aria-label': t('bank.approveLabel', { title: b.title }),
        onclick: (ev) => approveBank(b, ev.currentTarget), text: t('bank.approve'),
      }),
      h('button', { type: 'button', class: 'open-bank', 'aria-expanded': String(open), onclick: () => toggleBank(b.id), text: t(open ? 'admin.closeBank' : 'admin.openBank') }),
      h('button', {
        type: 'button', class: whole ? 'take-bank on' : 'take-bank', 'aria-pressed': String(whole),
        onclick: () => { if (whole) wholeBanks.delete(b.id); else wholeBanks.add(b.id); renderBanks(); },
        text: t(whole ? 'admin.takenBank' : 'admin.takeBank'),
      })),
    open && detail && questionList(detail, whole));
}

async function approveBank(bank, button) {
  button.disabled = true;
  try {
    await api('POST', `/api/banks/${encodeURIComponent(bank.id)}/approve`);
    await loadBanks();
    $('banks-status').textContent = t('bank.approved', { title: bank.title });
  } catch (err) {
    button.disabled = false;
    fail(err, $('quiz-error'));
  }
}

async function toggleBank(id) {
  if (openBanks.has(id)) {
    openBanks.delete(id);
  } else {
    if (!bankDetails.has(id)) {
      try { bankDetails.set(id, await fetchBank(id)); } catch (err) { return fail(err, $('quiz-error')); }
    }
    openBanks.add(id);
  }
  renderBanks();
}

/** A bank with its questions, read once. */
async function cachedBank(id) {
  if (!bankDetails.has(id)) bankDetails.set(id, await fetchBank(id));
  return bankDetails.get(id);
}

/** One bank with its questions, as `{ id, title, …, questions }`. */
async function fetchBank(id) {
  const data = await api('GET', `/api/banks/${encodeURIComponent(id)}`);
  // The server answers `{ bank: {summary}, questions }`; accept a flat bank too.
  return { id, ...(data.bank ?? data), questions: data.questions ?? [] };
}

function questionList(bank, whole) {
  const qs = bank.questions ?? [];
  const all = qs.length > 0 && qs.every((q) => picked.has(`${bank.id}/${q.id}`));
  return h('div', { class: 'questions' },
    h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', class: 'select-all', checked: all || whole, disabled: whole,
        onchange: (ev) => {
          for (const q of qs) {
            if (ev.target.checked) picked.set(`${bank.id}/${q.id}`, { bank: bank.id, id: q.id });
            else picked.delete(`${bank.id}/${q.id}`);
          }
          renderBanks();
        },
      }),
      t('admin.selectAll')),
    h('ol', {}, qs.map((q) => {
      const key = `${bank.id}/${q.id}`;
      return h('li', {},
        h('label', { class: 'check' },
          h('input', {
            type: 'checkbox', dataset: { qid: q.id }, checked: whole || picked.has(key), disabled: whole,
            onchange: (ev) => {
              if (ev.target.checked) picked.set(key, { bank: bank.id, id: q.id }); else picked.delete(key);
              renderSelection();
            },
          }),
          h('span', {},
            h('span', { class: 'qtext-admin', text: q.text }),
            h('span', { class: 'meta' }, [
              named('kind', q.kind),
              q.time_limit && t('admin.time', { s: q.time_limit }),
              q.points && named('points', q.points),
              answerText(q) && t('admin.answerKey', { a: answerText(q) }),
            ].filter(Boolean).join(' · ')))));
    })));
}

/** The answer key of a bank question, for the teacher (the bank API includes it for them). */
function answerText(q) {
  const opts = (q.options ?? []).map((o) => (typeof o === 'string' ? o : o.text));
  const key = q.key ?? {};
  const ids = key.ids ?? (Array.isArray(q.correct) ? q.correct : typeof q.correct === 'number' && q.kind !== 'numeric' ? [q.correct] : null);
  if (q.kind === 'numeric') return plain(key.value ?? q.correct);
  if (q.kind === 'true_false') {
    const truth = typeof q.correct === 'boolean' ? q.correct : ids?.[0] === 1;
    return t(truth ? 'tf.true' : 'tf.false');
  }
  if (q.kind === 'ordering') return opts.join(' → ');
  return ids ? ids.map((id) => opts[id - 1] ?? id).join('; ') : '';
}

function renderSelection() {
  $('selection').textContent = t('admin.selected', { n: picked.size, b: wholeBanks.size });
  renderOwnQuestions();
}

async function createQuiz(ev) {
  ev.preventDefault();
  const error = $('quiz-error');
  error.textContent = '';
  const title = $('quiz-title').value.trim();
  if (!title) return (error.textContent = t('admin.needTitle'));
  if (!picked.size && !wholeBanks.size) return (error.textContent = t('admin.needQuestions'));
  $('create').disabled = true;
  try {
    let body;
    if (!picked.size) {
      body = { title, banks: [...wholeBanks] };
    } else {
      // Whole banks plus single questions: list every question, whole banks expanded.
      const questions = [];
      for (const id of wholeBanks) {
        for (const q of (await cachedBank(id)).questions ?? []) questions.push({ bank: id, id: q.id });
      }
      for (const p of picked.values()) if (!wholeBanks.has(p.bank)) questions.push(p);
      body = { title, questions };
    }
    body.shared = $('quiz-shared').checked;
    await api('POST', '/api/quizzes', body);
    picked.clear();
    wholeBanks.clear();
    $('quiz-title').value = '';
    $('quiz-shared').checked = false;
    renderBanks();
    await loadQuizzes();
    $('selection').textContent = t('admin.created', { title });
  } catch (err) {
    fail(err, error);
  } finally {
    $('create').disabled = false;
  }
}

// ---- Quizzes and games ----

async function loadQuizzes() {
  quizzes = await api('GET', '/api/quizzes');
  // The game form lives in the list: keep it out of the rows about to be replaced.
  $('quizzes-panel').append($('game-form'));
  $('game-form').hidden = true;
  fill($('quizzes'), quizzes.length ? quizzes.map((q) => h('li', { class: 'row', dataset: { quiz: q.id } },
    h('div', { class: 'grow' },
      h('strong', { text: q.title }), ' ',
      q.shared && h('span', { class: 'tag shared', text: t('editor.sharedTag') }),
      h('div', { class: 'meta', text: [t('admin.quizMeta', { n: q.questions, d: when(q.created_at) }),
        !q.editable && t('editor.ownerOf', { name: q.owner_name })].filter(Boolean).join(' · ') })),
    h('button', { type: 'button', class: 'open-game primary', onclick: (ev) => showGameForm(q, ev.target), text: t('admin.openGame') }),
    quizActions(q, $('quizzes-error'))))
    : h('li', { class: 'hint', text: t('admin.noQuizzes') }));
}

function showGameForm(quiz, button) {
  gameQuiz = quiz;
  const form = $('game-form');
  $('settings-title').textContent = t('admin.settings', { title: quiz.title });
  $('game-error').textContent = '';
  button.closest('li').after(form);
  form.hidden = false;
  $('start-game').focus();
}

async function openGame(ev) {
  ev.preventDefault();
  const seconds = Number($('auto-seconds').value);
  const reading = Number($('reading-seconds').value);
  const settings = {
    late_join: $('late-join').checked,
    auto_advance_ms: $('auto').checked && seconds > 0 ? Math.round(seconds * 1000) : null,
    streak_bonus: $('streak').checked,
    // Off unless ticked; the server says if the seconds are out of range.
    reading_ms: $('reading').checked ? Math.round(reading * 1000) : null,
  };
  $('start-game').disabled = true;
  try {
    const klass = $('game-class').value.trim();
    const game = await api('POST', '/api/games', { quiz: gameQuiz.id, settings, ...(klass ? { class: klass } : {}) });
    location.href = `/host.html?game=${encodeURIComponent(game.id)}`;
  } catch (err) {
    fail(err, $('game-error'));
    $('start-game').disabled = false;
  }
}

/** Opens a Rung chuông vàng of the chosen quiz with the day's rules and the rescue questions
 *  picked (bell-rescue.js), and goes to its host console. */
async function openBell() {
  if ($('open-bell').disabled) return; // Enter pressed again while it opens
  $('bell-error').textContent = '';
  const maxRescues = Number($('bell-rescues').value);
  const rescue = rescueChoice(maxRescues);
  if (rescue.error) {
    $('bell-error').textContent = rescue.error;
    $(rescue.field).focus();
    return;
  }
  $('open-bell').disabled = true;
  try {
    const rules = {
      all_wrong: $('bell-all-wrong').value,
      rescue: rescue.rule,
      max_rescues: maxRescues,
      max_contestants: Number($('bell-cap').value),
    };
    const bell = await api('POST', '/api/bell', { quiz: gameQuiz.id, rules, rescue: rescue.questions });
    location.href = `/bell-stage.html?role=host&game=${encodeURIComponent(bell.id)}&pin=${encodeURIComponent(bell.pin)}&key=${encodeURIComponent(bell.stage_key)}`;
  } catch (err) {
    fail(err, $('bell-error'));
    $('open-bell').disabled = false;
  }
}

async function loadGames() {
  let games;
  try { games = await api('GET', '/api/games'); } catch (err) { return fail(err, $('quiz-error')); }
  fill($('games'), games.length ? games.map((g) => {
    const over = g.status === 'finished' || g.status === 'interrupted';
    return h('li', { dataset: { game: g.id } },
      h('strong', { text: g.title }), ' ',
      g.class && h('span', { class: 'tag class', text: t('admin.classTag', { c: g.class }) }), ' ',
      h('span', { class: `tag ${g.status}`, text: named('status', g.status) }),
      h('div', { class: 'meta', text: t('admin.gameMeta', { pin: g.pin, n: num(g.players), d: when(g.created_at) }) }),
      h('div', { class: 'links' },
        !over && h('a', { href: `/host.html?game=${encodeURIComponent(g.id)}`, text: t('admin.host') }),
        reportLinks(g.id)));
  }) : h('li', { class: 'hint', text: t('admin.noGames') }));
}

// ---- Organizer: importing a bank from a spreadsheet ----

function fillImportForm() {
  fill($('import-columns'), COLUMNS.flatMap(([key, what]) => [
    h('dt', {}, h('code', { text: key })),
    h('dd', { text: t(`import.col.${what}`) }),
  ]));
  fill($('import-topic'), h('option', { value: '', text: t('import.fromFile') }),
    TOPICS.map((id) => h('option', { value: id, text: named('topic', id) })));
  fill($('import-levels'), LEVELS.map((id) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: id }), named('level', id))));
}

function showFileName() {
  const file = $('import-file').files[0];
  $('import-file-name').textContent = file ? `${file.name} (${size(file.size)})` : t('import.noFile');
  $('import-error').textContent = '';
}

/** A file size for people: 850 KB, 1,2 MB. */
function size(bytes) {
  return bytes < 1024 * 1024 ? `${num(Math.max(1, Math.round(bytes / 1024)))} KB`
    : `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}

async function importBank(ev) {
  ev.preventDefault();
  const error = $('import-error');
  error.textContent = '';
  const file = $('import-file').files[0];
  if (!file) return (error.textContent = t('import.needFile'));
  if (!/\.(xlsx|csv)$/i.test(file.name)) return (error.textContent = t('import.wrongType'));
  if (file.size > MAX_UPLOAD) return (error.textContent = t('import.tooBig'));

  const query = new URLSearchParams({ file: file.name });
  const levels = [...$('import-levels').querySelectorAll('input:checked')].map((i) => i.value);
  for (const [key, value] of [['title', $('import-title').value.trim()], ['topic', $('import-topic').value],
    ['level', levels.join(',')], ['source', $('import-source').value.trim()]]) {
    if (value) query.set(key, value);
  }
  if ($('import-skip').checked) query.set('skip_errors', 'true');

  // fetch reports no upload progress: the indicator runs until the server has checked the file.
  fill($('import-result'));
  $('import-progress-text').textContent = t('import.uploading', { name: file.name });
  $('import-progress').hidden = false;
  $('import-button').disabled = true;
  $('import-file').disabled = true;
  try {
    const report = await send(`/api/banks/import?${query}`, {
      method: 'POST',
      // Always raw bytes: a browser may label a .csv as text/plain, a type the server refuses
      // on state-changing requests (cross-site forms can send it).
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
    });
    $('import-form').reset();
    showFileName();
    fill($('import-result'), importedView(report));
    await loadBanks();
  } catch (err) {
    if (err.code === 'rejected_rows') fill($('import-result'), rejectedView(err.data?.problems ?? []));
    else if (err.code === 'too_large') error.textContent = t('import.tooBig');
    else fail(err, error);
  } finally {
    $('import-progress').hidden = true;
    $('import-button').disabled = false;
    $('import-file').disabled = false;
  }
}

function importedView({ bank, layout, problems }) {
  const mine = bank.private;
  const skipped = (problems ?? []).filter((p) => p.row != null);
  return h('div', { class: 'import-done', dataset: { bank: bank.id } },
    h('p', {},
      h('strong', { text: t(mine ? 'import.donePrivate' : 'import.done', { title: bank.title, n: num(bank.questions) }) }), ' ',
      !mine && h('span', { class: 'tag bank-status draft', text: named('bankStatus', bank.status ?? 'draft') })),
    layout === 'kahoot' && h('p', { class: 'meta', text: t('import.kahoot') }),
    h('p', { class: 'hint', text: t(mine ? 'import.doneHintPrivate' : 'import.doneHint') }),
    skipped.length > 0 && h('div', { class: 'import-skipped' },
      h('p', { text: t('import.skipped', { n: num(skipped.length) }) }),
      problemsTable(skipped)),
    h('button', { type: 'button', onclick: () => showBank(bank.id), text: t('import.show') }));
}

/** The rejected rows, one table row each: «Dòng 12» and the reason the server gave. When
 * only rows are wrong (not the file as a whole), one press imports the others. */
function rejectedView(problems) {
  const rowsOnly = problems.length > 0 && problems.every((p) => p.row != null);
  return h('div', { class: 'import-rejected' },
    h('p', { class: 'error', text: t('import.rejected', { n: num(problems.length) }) }),
    rowsOnly && !$('import-skip').checked && h('p', {}, h('button', {
      type: 'button', class: 'skip-retry',
      onclick: () => { $('import-skip').checked = true; $('import-form').requestSubmit(); },
      text: t('import.skipRetry'),
    })),
    problemsTable(problems));
}

function problemsTable(problems) {
  return h('table', { class: 'problems' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('import.row') }), h('th', { scope: 'col', text: t('import.reason') }))),
    h('tbody', {}, problems.map((p) => h('tr', { dataset: { row: p.row ?? '' } },
      h('th', { scope: 'row', text: p.row == null ? t('import.wholeFile') : t('import.rowN', { n: p.row }) }),
      h('td', { text: p.message })))));
}

/** Scrolls to a bank in the list (clearing filters that hide it) and opens its questions. */
async function showBank(id) {
  const bank = banks.find((b) => b.id === id);
  if (!bank) return;
  if ($('level').value && !bank.levels?.includes($('level').value)) $('level').value = '';
  if ($('topic').value && bank.topic !== $('topic').value) $('topic').value = '';
  if (!openBanks.has(id)) await toggleBank(id);
  else renderBanks();
  document.querySelector(`#banks li[data-bank="${CSS.escape(id)}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ---- Accounts: the organizer's (every role) and a school admin's (its teachers) ----

/** Roles this account may create: the server refuses any other. */
function creatableRoles() {
  return isOrganizer() ? ['teacher', 'school_admin', 'commune_officer', 'organizer'] : ['teacher'];
}

function fillRolePicker() {
  fill($('account-role'), ...creatableRoles().map((r) => h('option', { value: r, text: named('role', r) })));
  showUnitPicker();
}

let communes = null; // [{code, name, kind}], loaded once for the commune picker

/** The unit field for the chosen role: a commune, a school code, or none. */
async function showUnitPicker() {
  const role = $('account-role').value;
  const unit = $('account-unit');
  const kind = role === 'commune_officer' ? 'commune' : role === 'organizer' ? 'none' : 'school';
  const fixed = isSchoolAdmin(); // its teachers are of its school
  for (const id of ['account-unit-label', 'account-unit', 'account-unit-hint']) $(id).hidden = kind === 'none';
  $('account-unit-label').textContent = t(`accounts.unit.${kind === 'commune' ? 'commune' : 'school'}`);
  $('account-unit-hint').textContent = t(`accounts.unitHint.${kind === 'commune' ? 'commune' : role}`);
  unit.readOnly = fixed;
  if (fixed) unit.value = me.unit ?? '';
  else if (kind === 'none') unit.value = '';
  fill($('account-units'));
  if (kind === 'commune') {
    try { communes ??= await api('GET', '/api/units/communes'); } catch { communes = []; }
    fill($('account-units'), ...communes.map((c) => h('option', { value: c.code, text: c.name })));
  }
}

async function loadAccounts() {
  let accounts;
  try { accounts = await api('GET', '/api/accounts'); } catch (err) { return fail(err, $('account-error')); }
  fill($('accounts'), accounts.length ? accounts.map((a) => h('li', { dataset: { username: a.username } },
    h('strong', { text: a.display_name }), ' ',
    h('span', { class: `tag role ${a.role}`, text: named('role', a.role) }),
    h('div', { class: 'meta', text: a.unit ? `${a.username} · ${a.unit}` : a.username })))
    : h('li', { class: 'hint', text: t('accounts.none') }));
}

async function createAccount(ev) {
  ev.preventDefault();
  $('account-error').textContent = '';
  $('account-done').textContent = '';
  const body = {
    username: $('account-username').value.trim(),
    display_name: $('account-name').value.trim(),
    password: $('account-password').value,
    role: $('account-role').value || 'teacher',
  };
  const unit = $('account-unit').value.trim();
  if (unit && body.role !== 'organizer') body.unit = unit;
  $('account-create').disabled = true;
  try {
    const created = await api('POST', '/api/accounts', body);
    $('account-form').reset();
    showUnitPicker();
    $('account-done').textContent = t('accounts.created', { username: created.username ?? body.username, name: body.display_name });
    await loadAccounts();
  } catch (err) {
    fail(err, $('account-error'));
  } finally {
    $('account-create').disabled = false;
  }
}

// ---- A commune officer's commune: its schools and their participation in a round ----

/** The heading with the commune's name, the published rounds to pick from, and the newest
 *  of them shown. */
async function showCommune() {
  const code = me.unit ?? '';
  try { communes ??= await api('GET', '/api/units/communes'); } catch { communes = []; }
  const name = communes.find((c) => c.code === code)?.name ?? code;
  $('commune-h').textContent = t('commune.heading', { name });
  // Rounds with results, titled where a version was published; the newest published first.
  let published = [];
  let recorded = [];
  try { published = await api('GET', '/api/published'); } catch { /* the names alone then */ }
  try { recorded = (await api('GET', '/api/rankings')).contexts ?? []; } catch { /* typed by hand then */ }
  const titles = new Map(published.map((r) => [r.context, r.title]));
  const contexts = [...new Set([...published.map((r) => r.context), ...recorded])];
  fill($('commune-contexts'), ...contexts.map((c) => h('option', { value: c, text: titles.get(c) ?? c })));
  const newest = [...published].sort((a, b) => b.published_at - a.published_at)[0]?.context
    ?? (recorded.length === 1 ? recorded[0] : null);
  if (newest) {
    $('commune-context').value = newest;
    await loadCommuneSchools(newest);
  } else {
    $('commune-status').textContent = t('commune.pick');
  }
}

async function loadCommuneSchools(context) {
  $('commune-error').textContent = '';
  $('commune-status').textContent = '';
  const table = $('commune-schools');
  if (!context) {
    table.hidden = true;
    $('commune-status').textContent = t('commune.pick');
    return;
  }
  let data;
  try {
    data = await api('GET', `/api/units/communes/${encodeURIComponent(me.unit ?? '')}/schools?context=${encodeURIComponent(context)}`);
  } catch (err) {
    table.hidden = true;
    return fail(err, $('commune-error'));
  }
  const schools = data.schools ?? [];
  table.hidden = schools.length === 0;
  if (!schools.length) {
    $('commune-status').textContent = t('commune.none');
    return;
  }
  const col = (key) => h('th', { scope: 'col', text: t(`commune.${key}`) });
  // rate_permille: participants per 1,000 enrolled, as the collective boards count it.
  const rate = (permille) => `${(permille / 10).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} %`;
  fill(table,
    h('thead', {}, h('tr', {}, col('school'), col('enrolment'), col('onRoster'), col('participants'), col('rate'), col('total'))),
    h('tbody', {}, schools.map((s) => h('tr', { dataset: { school: s.code } },
      h('th', { scope: 'row' }, s.name, ' ', h('span', { class: 'code', text: s.code })),
      h('td', { text: num(s.enrolment) }),
      h('td', { text: num(s.on_roster) }),
      h('td', { text: num(s.participants) }),
      h('td', { text: rate(s.rate_permille) }),
      h('td', { text: num(s.total_score) })))));
  $('commune-status').textContent = t('commune.summary', {
    n: num(schools.length),
    p: num(schools.reduce((sum, s) => sum + s.participants, 0)),
    context,
  });
}
