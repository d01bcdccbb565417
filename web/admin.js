// The organizer / teacher page: sign in, pick questions from the banks, make a quiz, open a
// game on the projector, find past games' reports. Talks to the HTTP API of docs/protocol.md.
import { t, h, fill, applyI18n, errorText, num, plain } from './common.js';

const $ = (id) => document.getElementById(id);

class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      // State-changing requests carry a JSON body, even an empty one (the server checks it).
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    throw new ApiError(res.status, data?.code ?? (res.status === 401 ? 'unauthorized' : 'unknown'), data?.message);
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

// ---- State ----

let banks = [];
const bankDetails = new Map(); // bank id → bank with questions
const openBanks = new Set();
const picked = new Map(); // "bank/question" → { bank, id }
const wholeBanks = new Set();
let quizzes = [];
let gameQuiz = null; // the quiz whose game settings are open

applyI18n();
wire();
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
  $('cancel-game').addEventListener('click', () => { $('game-form').hidden = true; });
  $('reload-games').addEventListener('click', loadGames);
}

async function load() {
  try {
    const me = await api('GET', '/api/me');
    $('who').textContent = t('admin.hello', { name: me.display_name || me.username });
    $('sign-out').hidden = false;
    $('loading').hidden = true;
    $('sign-in').hidden = true;
    $('dashboard').hidden = false;
    await Promise.all([loadBanks(), loadQuizzes(), loadGames()]);
  } catch (err) {
    if (err.status === 401) return showSignIn();
    $('loading').textContent = errorText(err.code, err.message);
  }
}

function showSignIn() {
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
  fill($('level'), options(levels, 'level'));
  fill($('topic'), options(topics, 'topic'));
  renderBanks();
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
  return h('li', { class: 'bank', dataset: { bank: b.id } },
    h('div', { class: 'row' },
      h('div', { class: 'grow' },
        h('strong', { text: b.title }),
        h('div', { class: 'meta' },
          [named('topic', b.topic), ...(b.levels ?? []).map((l) => named('level', l))].join(' · '),
          ' · ', t('admin.bankMeta', { n: b.questions, d: b.checked ?? '' }))),
      h('button', { type: 'button', class: 'open-bank', 'aria-expanded': String(open), onclick: () => toggleBank(b.id), text: t(open ? 'admin.closeBank' : 'admin.openBank') }),
      h('button', {
        type: 'button', class: whole ? 'take-bank on' : 'take-bank', 'aria-pressed': String(whole),
        onclick: () => { if (whole) wholeBanks.delete(b.id); else wholeBanks.add(b.id); renderBanks(); },
        text: t(whole ? 'admin.takenBank' : 'admin.takeBank'),
      })),
    open && detail && questionList(detail, whole));
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
        if (!bankDetails.has(id)) bankDetails.set(id, await fetchBank(id));
        for (const q of bankDetails.get(id).questions ?? []) questions.push({ bank: id, id: q.id });
      }
      for (const p of picked.values()) if (!wholeBanks.has(p.bank)) questions.push(p);
      body = { title, questions };
    }
    await api('POST', '/api/quizzes', body);
    picked.clear();
    wholeBanks.clear();
    $('quiz-title').value = '';
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
  fill($('quizzes'), quizzes.length ? quizzes.map((q) => h('li', { class: 'row', dataset: { quiz: q.id } },
    h('div', { class: 'grow' },
      h('strong', { text: q.title }),
      h('div', { class: 'meta', text: t('admin.quizMeta', { n: q.questions, d: when(q.created_at) }) })),
    h('button', { type: 'button', class: 'open-game', onclick: (ev) => showGameForm(q, ev.target), text: t('admin.openGame') })))
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
  const settings = {
    late_join: $('late-join').checked,
    auto_advance_ms: $('auto').checked && seconds > 0 ? Math.round(seconds * 1000) : null,
    streak_bonus: $('streak').checked,
  };
  $('start-game').disabled = true;
  try {
    const game = await api('POST', '/api/games', { quiz: gameQuiz.id, settings });
    location.href = `/host.html?game=${encodeURIComponent(game.id)}`;
  } catch (err) {
    fail(err, $('game-error'));
    $('start-game').disabled = false;
  }
}

async function loadGames() {
  let games;
  try { games = await api('GET', '/api/games'); } catch (err) { return fail(err, $('quiz-error')); }
  fill($('games'), games.length ? games.map((g) => {
    const base = `/api/games/${encodeURIComponent(g.id)}`;
    const over = g.status === 'finished' || g.status === 'interrupted';
    return h('li', { dataset: { game: g.id } },
      h('strong', { text: g.title }), ' ',
      h('span', { class: `tag ${g.status}`, text: named('status', g.status) }),
      h('div', { class: 'meta', text: t('admin.gameMeta', { pin: g.pin, n: num(g.players), d: when(g.created_at) }) }),
      h('div', { class: 'links' },
        !over && h('a', { href: `/host.html?game=${encodeURIComponent(g.id)}`, text: t('admin.host') }),
        h('a', { href: `${base}/report.csv?part=players`, download: true, text: t('host.reportPlayers') }),
        h('a', { href: `${base}/report.csv?part=questions`, download: true, text: t('host.reportQuestions') }),
        h('a', { href: `${base}/report.xlsx`, download: true, text: t('host.reportXlsx') })));
  }) : h('li', { class: 'hint', text: t('admin.noGames') }));
}
