// The classroom projector: lobby with PIN and QR, questions with countdown, reveal,
// leaderboard and podium. Every command goes to the server, which owns the game.
import { t, h, fill, applyI18n, errorText, shape, optionsOf, num, plain, Live, countdown, banner } from './common.js';

const $ = (id) => document.getElementById(id);
const main = $('main');
const statusBar = $('status');
const showStatus = banner(statusBar);
const gameId = Number(new URLSearchParams(location.search).get('game'));

let live = null;
let helloPending = false;
let game = null; // from welcome: pin, title, questions, join_url
const players = new Map(); // id → { nickname, connected }, in join order
let playerCount = 0;
let locked = false;
let phase = '';
let question = null; // the open (or last) question, kept for the reveal
let stopClock = () => {};

// The reveal does not repeat the question; a reload in the middle of a reveal finds it here.
const questionCache = `hoithi.host.question.${gameId}`;

applyI18n();
$('end').addEventListener('click', () => {
  if (confirm(t('host.endConfirm'))) command({ type: 'end' });
});
// Presenter clickers send PageDown / →: they press the screen's main button.
addEventListener('keydown', (ev) => {
  if (ev.key === 'PageDown' || ev.key === 'ArrowRight') main.querySelector('[data-primary]:not(:disabled)')?.click();
});

if (!Number.isInteger(gameId) || gameId <= 0) {
  showProblem(t('host.noGame'));
} else {
  live = new Live(() => { helloPending = true; return { type: 'host', v: 1, game: gameId }; }, onMessage, onStatus);
  live.start();
}

function command(msg) {
  if (!live?.send(msg)) showStatus(t('err.network'), 4000);
}

function onStatus(state, delay) {
  if (state === 'open') {
    if (!statusBar.hidden) showStatus(t('conn.back'), 2000);
  } else if (state === 'restarting') {
    showStatus(t('conn.shutdown'));
  } else {
    showStatus(t('conn.lost', { s: Math.ceil(delay / 1000) }));
  }
}

/** A message that ends this screen (no game, not signed in…), with a way out. */
function showProblem(text, signIn) {
  live?.stop();
  // The game is over for this screen: no end button, PIN or progress; no reconnect banner.
  setPhase('closed');
  showStatus('');
  fill(main, h('section', { class: 'problem' },
    h('h1', { id: 'problem', text }),
    h('a', { class: 'button', href: '/admin.html', text: t(signIn ? 'host.signIn' : 'host.toAdmin') })));
}

/** The game has no room: closed, or interrupted by a server restart (games are not resumed
 *  across one). An interrupted game says so, with its report as it stands. */
async function showClosed() {
  // The catalogue's game_not_found speaks of a PIN, which the host never typed.
  showProblem(t('host.gameNotFound'));
  let report;
  try {
    const resp = await fetch(`/api/games/${gameId}/report`);
    if (!resp.ok) return;
    report = await resp.json();
  } catch { return; }
  if (report.status !== 'interrupted') return;
  const base = `/api/games/${gameId}`;
  fill(main, h('section', { class: 'problem', id: 'interrupted' },
    h('h1', { id: 'problem', text: t('host.interrupted') }),
    h('p', { text: t('host.interruptedWhy') }),
    h('div', { class: 'reports' },
      h('h2', { text: t('host.report') }),
      h('a', { class: 'button', href: `${base}/report.csv?part=players`, download: true, text: t('host.reportPlayers') }),
      h('a', { class: 'button', href: `${base}/report.csv?part=questions`, download: true, text: t('host.reportQuestions') }),
      h('a', { class: 'button', href: `${base}/report.xlsx`, download: true, text: t('host.reportXlsx') }),
      h('a', { class: 'button', href: '/admin.html', text: t('host.toAdmin') }))));
}

function onMessage(msg) {
  switch (msg.type) {
    case 'welcome': return onWelcome(msg);
    case 'lobby':
      for (const p of msg.joined ?? []) players.set(p.id, { nickname: p.nickname, connected: true });
      for (const id of msg.removed ?? []) players.delete(id);
      playerCount = msg.count;
      if (phase === 'lobby') updateLobby();
      return;
    case 'locked':
      locked = msg.locked;
      if (phase === 'lobby') updateLobby();
      return;
    case 'question': return showQuestion(msg, 0);
    case 'answered':
      if (question && msg.q === question.q) setAnswered(msg.count, msg.of);
      return;
    case 'reveal': return showReveal(msg);
    case 'leaderboard': return showLeaderboard(msg);
    case 'podium': return showPodium(msg.top);
    case 'bye':
      if (msg.reason === 'shutdown') live.restarting();
      return;
    case 'error': return onError(msg);
    default:
  }
}

function onError(msg) {
  const text = errorText(msg.code, msg.message, msg.retry_after_ms);
  if (helloPending) {
    if (msg.code === 'server_busy' || msg.code === 'rate_limited') return live.drop();
    if (msg.code === 'game_not_found') return showClosed();
    return showProblem(text, msg.code === 'unauthorized');
  }
  showStatus(text, 5000);
}

function onWelcome(msg) {
  helloPending = false;
  game = msg.game;
  players.clear();
  for (const p of msg.players ?? []) players.set(p.id, { nickname: p.nickname, connected: p.connected });
  playerCount = msg.players?.length ?? 0;
  $('game-title').textContent = game.title;
  try { question = JSON.parse(sessionStorage.getItem(questionCache)); } catch { question = null; }
  const s = msg.state;
  locked = Boolean(s.locked);
  switch (s.phase) {
    case 'question': return showQuestion(s.question, s.answered_count ?? 0);
    case 'reveal': return showReveal(s.reveal);
    case 'leaderboard': return showLeaderboard(s);
    case 'finished': return showPodium(s.top);
    default: return showLobby();
  }
}

function setPhase(p) {
  phase = p;
  stopClock();
  document.body.dataset.phase = p;
  const playing = p === 'question' || p === 'reveal' || p === 'leaderboard';
  $('end').hidden = !playing;
  // Late joiners still need the PIN once the lobby screen is gone.
  $('pin-small').textContent = playing ? `${t('host.pin')}: ${game.pin}` : '';
  $('progress').textContent = playing && question ? t('question.of', { n: question.number, total: question.total }) : '';
}

// ---- Lobby ----

function showLobby() {
  setPhase('lobby');
  let where = game.join_url;
  try {
    const u = new URL(game.join_url, location.href);
    where = u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch { /* show it as given */ }
  fill(main, h('section', { class: 'lobby' },
    h('div', { class: 'join-info' },
      h('p', { class: 'how' }, t('host.joinHow'), ' ', h('strong', { text: where }), ' ', t('host.joinPin')),
      h('p', { class: 'pin', id: 'pin', 'aria-label': `${t('host.pin')} ${game.pin}`, text: game.pin }),
      h('img', { class: 'qr', src: `/api/games/${gameId}/qr.svg`, alt: t('host.qrAlt'), width: 260, height: 260 }),
      h('p', { class: 'hint', text: t('host.qrHint') })),
    h('div', { class: 'people' },
      h('div', { class: 'row' },
        h('h2', { id: 'count', 'aria-live': 'polite' }),
        h('button', { id: 'lock', type: 'button', onclick: () => command({ type: 'lock', locked: !locked }) })),
      h('p', { id: 'lobby-note', class: 'hint' }),
      h('ul', { id: 'players', class: 'names' }),
      h('button', { id: 'start', class: 'big primary', type: 'button', 'data-primary': true, onclick: () => command({ type: 'start' }), text: t('host.start') }))));
  updateLobby();
}

// The projector shows the latest names; a crowd of thousands would not fit anyway.
const MAX_NAMES = 120;

function updateLobby() {
  $('count').textContent = t('host.players', { n: num(playerCount) });
  $('lock').textContent = t(locked ? 'host.unlock' : 'host.lock');
  $('lock').setAttribute('aria-pressed', String(locked));
  $('lobby-note').textContent = playerCount === 0 ? t('host.waiting') : t(locked ? 'host.lockedNote' : 'host.kickHint');
  $('start').disabled = playerCount === 0;
  const all = [...players];
  const shown = all.slice(-MAX_NAMES);
  fill($('players'),
    shown.map(([id, p]) => h('li', {},
      h('button', {
        type: 'button',
        class: p.connected === false ? 'name off' : 'name',
        'aria-label': t('host.kick', { name: p.nickname }),
        onclick: () => { if (confirm(t('host.kickConfirm', { name: p.nickname }))) command({ type: 'kick', player: id }); },
      }, p.nickname))),
    all.length > shown.length && h('li', { class: 'more', text: t('host.morePlayers', { n: num(all.length - shown.length) }) }));
}

// ---- Question ----

function showQuestion(q, answeredCount) {
  question = q;
  try { sessionStorage.setItem(questionCache, JSON.stringify(q)); } catch { /* storage off */ }
  setPhase('question');
  const options = optionsOf(q);
  const hint = { multiple: 'host.multipleHint', ordering: 'host.orderingHint', numeric: 'host.numericHint' }[q.kind];
  fill(main, h('section', { class: 'question', dataset: { q: q.q } },
    h('h1', { class: 'qtext', id: 'qtext', text: q.text }),
    q.image && h('img', { class: 'qimage', src: q.image, alt: '' }),
    h('div', { class: 'timer' },
      h('div', { class: 'timebar' }, h('div', { id: 'time-fill', class: 'fill' })),
      h('span', { id: 'clock', class: 'clock', role: 'timer' })),
    hint && h('p', { class: `kind-hint ${q.kind}`, text: t(hint) }),
    options.length > 0 && h('div', { class: `options n${options.length}` },
      options.map((o, i) => h('div', { class: `opt o${i}`, dataset: { id: o.id } }, shape(i), h('span', { class: 'txt', text: o.text })))),
    h('div', { class: 'controls' },
      h('span', { id: 'answered', class: 'answered', 'aria-live': 'polite' }),
      h('button', { id: 'skip', class: 'primary', type: 'button', 'data-primary': true, onclick: () => command({ type: 'next' }), text: t('host.skip') }))));
  setAnswered(answeredCount, playerCount);
  const left = countdown(q.remaining_ms);
  const update = () => {
    const ms = left();
    $('clock').textContent = String(Math.ceil(ms / 1000));
    $('clock').setAttribute('aria-label', t('seconds.left', { s: Math.ceil(ms / 1000) }));
    $('time-fill').style.transform = `scaleX(${ms / q.time_limit_ms})`;
    if (ms <= 0) stopClock();
  };
  const id = setInterval(update, 250);
  stopClock = () => { clearInterval(id); stopClock = () => {}; };
  update();
}

function setAnswered(count, of) {
  const el = $('answered');
  if (el) el.textContent = t('host.answered', { n: num(count), of: num(of) });
}

// ---- Reveal ----

function showReveal(r) {
  const q = question && question.q === r.q ? question : null;
  setPhase('reveal');
  const dist = r.distribution ?? {};
  const options = q ? optionsOf(q)
    : Object.keys(dist).map((id) => ({ id: Number(id), text: t('option.n', { n: id }) }));
  const most = Math.max(1, ...Object.values(dist));
  const correct = new Set(r.correct ?? []);
  const kind = q?.kind;
  let answerView = null;
  if (kind === 'numeric' || (r.value != null && !options.length)) {
    answerView = h('p', { class: 'value', id: 'value', text: t('host.correctValue', { v: plain(r.value) }) });
  } else if (kind === 'ordering') {
    answerView = h('div', { class: 'order' }, h('h2', { text: t('host.correctOrder') }),
      h('ol', {}, r.correct.map((id) => {
        const i = options.findIndex((o) => o.id === id);
        // For ordering, the distribution counts who put this item in its right place.
        return h('li', { class: `o${i}` }, shape(i), h('span', { text: options[i]?.text ?? '' }),
          h('span', { class: 'count', text: t('host.placed', { n: num(dist[String(id)] ?? 0) }) }));
      })));
  }
  // A bar per option, in its colour and shape: how many chose it; ✓ under the right ones.
  const chart = kind !== 'ordering' && options.length > 0 && h('div', { class: 'chart', 'aria-hidden': 'true' },
    options.map((o, i) => {
      const n = dist[String(o.id)] ?? 0;
      const bar = h('div', { class: `col-bar o${i}` });
      bar.style.setProperty('--share', String(n / most));
      const key = h('span', { class: 'key' }, shape(i), correct.has(o.id) && h('b', { class: 'tick', text: '✓' }));
      key.style.color = `var(--o${i})`;
      return h('div', { class: 'col' }, h('span', { class: 'n', text: num(n) }), bar, key);
    }));
  const tiles = kind !== 'ordering' && options.length > 0 && h('div', { class: `options reveal n${options.length}` },
    options.map((o, i) => {
      const isRight = correct.has(o.id);
      return h('div', { class: `opt o${i} ${isRight ? 'right' : 'wrong'}`, dataset: { id: o.id, correct: isRight } },
        shape(i),
        h('span', { class: 'txt', text: o.text }),
        isRight && h('span', { class: 'mark', role: 'img', 'aria-label': t('host.correctMark'), text: '✓' }),
        h('span', { class: 'count', text: t('host.count', { n: num(dist[String(o.id)] ?? 0) }) }));
    }));
  fill(main, h('section', { class: 'reveal-view', id: 'reveal', dataset: { q: r.q } },
    q && h('h1', { class: 'qtext small', text: q.text }),
    answerView,
    chart,
    tiles,
    h('p', { class: 'right-count', text: t('host.right', { right: num(r.right), players: num(r.players) }) }),
    (r.explanation || r.source) && h('div', { class: 'explain' },
      r.explanation && h('p', {}, h('strong', { text: `${t('host.explanation')}: ` }), r.explanation),
      r.source && h('p', { class: 'source' }, h('strong', { text: `${t('host.source')}: ` }), r.source)),
    h('div', { class: 'controls' },
      h('span'),
      h('button', { id: 'next', class: 'primary', type: 'button', 'data-primary': true, onclick: () => command({ type: 'next' }), text: t('host.next') }))));
}

// ---- Leaderboard and podium ----

function showLeaderboard(msg) {
  setPhase('leaderboard');
  const last = msg.q + 1 >= game.questions;
  fill(main, h('section', { class: 'board', id: 'leaderboard' },
    h('h1', { text: t('host.leaderboard') }),
    h('p', { class: 'hint', text: t('host.afterQuestion', { n: msg.q + 1 }) }),
    h('ol', { class: 'ranks' }, (msg.top ?? []).slice(0, 10).map((p) => h('li', { dataset: { rank: p.rank } },
      h('span', { class: 'r', text: String(p.rank) }),
      h('span', { class: 'who', text: p.nickname }),
      h('span', { class: 'pts', text: num(p.score) })))),
    h('div', { class: 'controls' },
      h('span'),
      h('button', { id: 'next', class: 'primary', type: 'button', 'data-primary': true, onclick: () => command({ type: 'next' }), text: t(last ? 'host.showPodium' : 'host.nextQuestion') }))));
}

function showPodium(top = []) {
  // Nothing follows the podium; hanging up keeps the room's later closing from reconnecting us.
  live?.stop();
  setPhase('finished');
  try { sessionStorage.removeItem(questionCache); } catch { /* storage off */ }
  // Second, first, third: the winner stands in the middle, on the tallest block.
  // An empty place keeps its slot, so the winner stays in the middle with two players.
  const stands = [top[1], top[0], top[2]].map((p, i) => !p ? h('div', { class: 'stand empty' }) : h('div', { class: `stand p${[2, 1, 3][i]}`, dataset: { rank: [2, 1, 3][i] } },
    h('span', { class: 'who', text: p.nickname }),
    h('span', { class: 'pts', text: t('host.pointsN', { n: num(p.score) }) }),
    h('div', { class: 'block', 'aria-label': t('host.place', { n: [2, 1, 3][i] }) }, String([2, 1, 3][i]))));
  const report = `/api/games/${gameId}`;
  fill(main, h('section', { class: 'podium', id: 'podium' },
    h('h1', { text: t('host.podium') }),
    h('div', { class: 'stands' }, stands),
    h('div', { class: 'reports' },
      h('h2', { text: t('host.report') }),
      h('a', { class: 'button', href: `${report}/report.csv?part=players`, download: true, text: t('host.reportPlayers') }),
      h('a', { class: 'button', href: `${report}/report.csv?part=questions`, download: true, text: t('host.reportQuestions') }),
      h('a', { class: 'button', href: `${report}/report.xlsx`, download: true, text: t('host.reportXlsx') }),
      h('a', { class: 'button', href: '/admin.html', text: t('host.toAdmin') }))));
}
