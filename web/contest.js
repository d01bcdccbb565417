// The online contest on a pupil's phone: sign in with the login card, see the rounds of one's
// level, take an attempt one question at a time with the server's clock, submit, see the
// result (and the key once the round allows). Every answer is saved on the server as it is
// given, so a reload or another device carries on where this one stopped (docs/protocol.md,
// "The online contest").
import { t, applyI18n, api, h, fill, shape, optionsOf, num, banner, countdown, confirmOnPage } from './common.js';

const $ = (id) => document.getElementById(id);
const status = banner($('status'));
const screen = $('screen');

/** What a pupil reads of a failed request: offline, the answers already saved are safe. */
const said = (e) => (e.code === 'network' ? t('contest.offline') : e.message);

function fmtTime(ms) {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function fmtDate(ms) {
  return new Date(ms).toLocaleString('vi-VN', { dateStyle: 'short', timeStyle: 'short' });
}

// --- signing in ---

async function signIn(code, secret) {
  const err = $('sign-in-error');
  err.textContent = '';
  try {
    await api('POST', '/api/contest/session', { code: code.trim(), secret });
  } catch (e) {
    // A card's address signs in before the form is shown: show it, with the reason.
    showSignIn();
    err.textContent = said(e);
    return;
  }
  history.replaceState(null, '', location.pathname);
  // Phones are shared in class: the secret does not stay in the form for the next pupil.
  $('secret').value = '';
  await home();
}

function showSignIn() {
  $('bar').hidden = true;
  screen.hidden = true;
  $('sign-in').hidden = false;
}

// --- the rounds of one's level ---

async function home() {
  let me;
  try {
    me = await api('GET', '/api/contest/me');
  } catch (e) {
    if (e.status === 401) return showSignIn();
    status(said(e));
    return;
  }
  $('sign-in').hidden = true;
  $('bar').hidden = false;
  // Staff are signed in with their account (admin.html signs them out).
  $('sign-out').hidden = me.participant.staff;
  $('me').textContent = `${me.participant.display_name} · ${me.participant.class_name} · ${me.participant.school_name}`;
  screen.hidden = false;
  if (!me.rounds.length) {
    fill(screen, h('div', { class: 'card' }, h('h1', { text: t('contest.noRound') }), h('p', { class: 'hint', text: t('contest.noRoundHint') })));
    return;
  }
  fill(screen, me.rounds.map((r) => roundCard(r)));
}

function roundCard(r) {
  const rules = r.rules;
  const submitted = r.attempts.filter((a) => a.submitted_at != null);
  const best = submitted.reduce((b, a) => (b == null || a.score > b.score || (a.score === b.score && a.time_ms < b.time_ms) ? a : b), null);
  const left = rules.attempts_per_round - r.attempts.length;
  // The server says whether a new attempt may start now (the day's cap is by the Vietnamese
  // calendar day, which the phone's clock may not know).
  const action = r.open_attempt
    ? h('button', { class: 'big primary', type: 'button', text: t('contest.resume'), onclick: () => start(r.context) })
    : !r.start_refused
      ? h('button', { class: 'big primary', type: 'button', text: t('contest.start'), onclick: () => start(r.context) })
      : r.open ? h('p', { class: 'error', text: t(`contest.refused.${r.start_refused}`, { n: rules.attempts_per_day }) }) : null;
  return h('section', { class: 'card round' },
    h('h1', { text: r.title }),
    h('ul', { class: 'rules' },
      h('li', { text: t('contest.rule.questions', { n: rules.questions }) }),
      h('li', { text: t('contest.rule.time', { m: Math.round(rules.time_limit_s / 60) }) }),
      h('li', { text: t('contest.rule.attempts', { n: rules.attempts_per_round, d: rules.attempts_per_day }) }),
      h('li', { text: t(`contest.rule.counts.${rules.counts}`) }),
      h('li', { text: t('contest.rule.window', { from: fmtDate(rules.opens_at), to: fmtDate(rules.closes_at) }) })),
    best ? h('p', { class: 'best', text: t('contest.best', { score: num(best.score), time: fmtTime(best.time_ms) }) }) : null,
    h('p', { class: 'hint', text: r.open ? t('contest.attemptsLeft', { n: Math.max(0, left) }) : t('contest.closed') }),
    action,
    submitted.length
      ? h('ol', { class: 'attempts' }, submitted.map((a) => h('li', {},
          h('button', { class: 'link', type: 'button', text: t('contest.attemptLine', { score: num(a.score), time: fmtTime(a.time_ms), at: fmtDate(a.submitted_at) }), onclick: () => open(a.id) }))))
      : null);
}

// --- an attempt ---

let attempt = null; // the server's view
let index = 0;
let shownId = null; // the attempt `index` belongs to
let left = () => 0;
let ticker = 0;

async function start(context) {
  try {
    show(await api('POST', `/api/contest/rounds/${encodeURIComponent(context)}/attempt`));
  } catch (e) {
    status(said(e), 6000);
    await home();
  }
}

async function open(id) {
  try {
    show(await api('GET', `/api/contest/attempts/${id}`));
  } catch (e) {
    status(said(e), 6000);
  }
}

function show(view) {
  attempt = view;
  clearInterval(ticker);
  if (view.submitted) return result();
  left = countdown(view.remaining_ms);
  // Opening (or resuming on another device): the first question not answered yet.
  if (view.id !== shownId) {
    shownId = view.id;
    const first = view.questions.findIndex((q) => q.answer == null);
    index = first < 0 ? view.questions.length : first;
  }
  index = Math.min(index, view.questions.length);
  ticker = setInterval(tick, 250);
  render();
}

function tick() {
  const clock = screen.querySelector('.clock');
  if (clock) clock.textContent = fmtTime(left());
  const fillBar = screen.querySelector('.timebar .fill');
  if (fillBar) fillBar.style.transform = `scaleX(${left() / (attempt.deadline - attempt.started_at)})`;
  if (left() <= 0) {
    clearInterval(ticker);
    // The server submits at the deadline; ask for the result a moment after its grace
    // (unless the pupil has left this attempt by then).
    const id = attempt.id;
    setTimeout(() => { if (attempt?.id === id) open(id); }, 2500);
  }
}

/** Saves an answer (or the prediction); the view changes only once the server has it. */
async function save(path, body, apply) {
  status(t('contest.saving'));
  try {
    await api('PUT', `/api/contest/attempts/${attempt.id}/${path}`, body);
    apply();
    status(t('contest.saved'), 1500);
    render();
  } catch (e) {
    status(said(e), 6000);
    if (e.code === 'time_over' || e.code === 'attempt_submitted') open(attempt.id);
  }
}

function render() {
  const total = attempt.questions.length;
  const dots = h('nav', { class: 'dots', 'aria-label': t('contest.questions') },
    [...attempt.questions.map((q, i) => h('button', {
      type: 'button', class: `dot${i === index ? ' here' : ''}${q.answer != null ? ' done' : ''}`,
      'aria-current': i === index ? 'step' : null, text: String(i + 1), onclick: () => { index = i; render(); },
    })), h('button', { type: 'button', class: `dot${index === total ? ' here' : ''}${attempt.prediction.value != null ? ' done' : ''}`, text: '?', 'aria-label': t('contest.prediction'), onclick: () => { index = total; render(); } })]);
  const head = h('div', { class: 'qhead' },
    h('span', { text: index < total ? t('question.of', { n: index + 1, total }) : t('contest.prediction') }),
    h('span', { class: 'clock', text: fmtTime(left()) }));
  const bar = h('div', { class: 'timebar' }, h('div', { class: 'fill' }));
  const body = index < total ? questionView(attempt.questions[index]) : predictionView();
  const nav = h('div', { class: 'actions' },
    h('button', { type: 'button', text: t('contest.prev'), disabled: index === 0, onclick: () => { index -= 1; render(); } }),
    index < total
      ? h('button', { type: 'button', class: 'primary', text: t('contest.next'), onclick: () => { index += 1; render(); } })
      : h('button', { type: 'button', class: 'primary', text: t('contest.submit'), onclick: submit }));
  fill(screen, h('section', { class: 'attempt' }, head, bar, dots, body, nav));
  tick();
}

function questionView(q) {
  const i = index;
  const chosen = Array.isArray(q.answer) ? q.answer : [];
  const opts = optionsOf(q);
  const put = (answer) => save(`answers/${i}`, { answer }, () => { attempt.questions[i].answer = answer; });
  let answers;
  if (q.kind === 'ordering') {
    const order = chosen.length === opts.length ? chosen.slice() : opts.map((o) => o.id);
    const text = (id) => opts.find((o) => o.id === id)?.text ?? '';
    const move = (from, to) => { const o = order.slice(); [o[from], o[to]] = [o[to], o[from]]; put(o); };
    answers = h('ol', { class: 'ordering' }, order.map((id, k) => h('li', {},
      h('span', { class: 'txt', text: text(id) }),
      h('button', { type: 'button', text: '▲', 'aria-label': t('contest.up'), disabled: k === 0, onclick: () => move(k, k - 1) }),
      h('button', { type: 'button', text: '▼', 'aria-label': t('contest.down'), disabled: k === order.length - 1, onclick: () => move(k, k + 1) }))));
    if (!chosen.length) answers = [answers, h('button', { type: 'button', class: 'big', text: t('contest.keepOrder'), onclick: () => put(order) })];
  } else {
    answers = h('div', { class: `answers ${q.kind}` }, opts.map((o, k) => h('button', {
      type: 'button', class: `opt o${k % 6}`, 'aria-pressed': String(chosen.includes(o.id)),
      onclick: () => {
        if (q.kind === 'multiple') {
          const next = chosen.includes(o.id) ? chosen.filter((c) => c !== o.id) : [...chosen, o.id];
          if (next.length) put(next.sort((a, b) => a - b));
        } else put([o.id]);
      },
    }, shape(k), h('span', { class: 'txt', text: o.text }), h('span', { class: 'badge' }))));
  }
  return h('div', { class: q.kind === 'multiple' ? 'multiple' : '' },
    h('p', { class: 'hint', text: t(`kind.${q.kind}`) + (q.kind === 'multiple' ? ` · ${t('contest.multipleHint')}` : '') }),
    q.image ? h('img', { class: 'qimage', src: q.image, alt: '' }) : null,
    h('p', { class: 'qtext', text: q.text }),
    answers);
}

function predictionView() {
  const input = h('input', { id: 'prediction', inputmode: 'numeric', pattern: '[0-9]*', maxlength: '8', value: attempt.prediction.value ?? '' });
  return h('form', { class: 'numeric', onsubmit: (e) => {
    e.preventDefault();
    const value = Number(input.value.replace(/[^0-9]/g, ''));
    if (!input.value.trim() || !Number.isInteger(value)) return status(t('contest.predictionHint'), 4000);
    save('prediction', { value }, () => { attempt.prediction.value = value; });
  } },
    h('p', { class: 'qtext', text: attempt.prediction.text }),
    h('label', { for: 'prediction', class: 'hint', text: t('contest.predictionHint') }),
    input,
    h('button', { type: 'submit', class: 'big', text: t('contest.savePrediction') }));
}

async function submit() {
  const missing = attempt.questions.filter((q) => q.answer == null).length;
  const ask = missing ? t('contest.confirmMissing', { n: missing }) : t('contest.confirm');
  if (!await confirmOnPage(ask, t('contest.submit'))) return;
  try {
    show(await api('POST', `/api/contest/attempts/${attempt.id}/submit`));
  } catch (e) {
    status(said(e), 6000);
    if (e.code === 'time_over' || e.code === 'attempt_submitted') open(attempt.id);
  }
}

function result() {
  const r = attempt.result;
  const rows = attempt.revealed
    ? attempt.questions.map((q, i) => {
        const opts = optionsOf(q);
        // An order reads with arrows; chosen options are a list, in no order.
        const names = (ids) => (ids ?? []).map((id) => opts.find((o) => o.id === id)?.text ?? id).join(q.kind === 'ordering' ? ' → ' : '; ');
        return h('li', { class: q.key.right ? 'right' : 'wrong' },
          h('p', { class: 'qtext', text: `${i + 1}. ${q.text}` }),
          h('p', { text: `${t('contest.yours')}: ${q.answer == null ? t('contest.none') : names(q.answer)}` }),
          h('p', { text: `${t('contest.key')}: ${names(q.key.correct)}` }),
          q.key.explanation ? h('p', { class: 'hint', text: q.key.explanation }) : null,
          q.key.source ? h('p', { class: 'hint', text: `${t('contest.source')}: ${q.key.source}` }) : null);
      })
    : [];
  fill(screen, h('section', { class: 'card standing' },
    h('h1', { text: t('contest.done') }),
    h('p', { class: 'rank', text: t('contest.score', { score: num(r.score) }) }),
    h('p', { text: t('contest.correct', { n: r.correct, of: r.of, time: fmtTime(r.time_ms) }) }),
    h('p', { class: 'hint', text: attempt.revealed ? '' : t('contest.keyLater') }),
    rows.length ? h('ol', { class: 'review' }, rows) : null,
    h('button', { type: 'button', class: 'big', text: t('contest.back'), onclick: () => { attempt = null; index = 0; home(); } })));
}

// --- start ---

applyI18n();
$('sign-in').addEventListener('submit', (e) => {
  e.preventDefault();
  signIn($('code').value, $('secret').value);
});
$('sign-out').addEventListener('click', async () => {
  await api('DELETE', '/api/contest/session').catch(() => {});
  // Nothing of this pupil stays for the next one: the attempt, its clock, the card.
  clearInterval(ticker);
  attempt = null;
  shownId = null;
  index = 0;
  status('');
  $('sign-in').reset();
  $('sign-in-error').textContent = '';
  showSignIn();
});
// A card's QR code carries the code and secret in the fragment: sign in by itself.
const card = new URLSearchParams(location.hash.slice(1));
if (card.get('code') && card.get('secret')) {
  $('code').value = card.get('code');
  $('secret').value = card.get('secret');
  signIn(card.get('code'), card.get('secret'));
} else {
  home();
}
