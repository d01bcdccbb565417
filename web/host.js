// The classroom projector: lobby with PIN and QR, questions with countdown, reveal,
// leaderboard and podium. Every command goes to the server, which owns the game.
import { t, h, fill, applyI18n, errorText, shape, optionsOf, num, plain, Live, countdown, banner, api, reportLinks } from './common.js';
import { clicker } from './host-clicker.js';

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
let armed = null; // { until, timer } while a press to end the question waits for its second
let answered = { n: 0, of: 0 }; // the open question's answered count, for the confirmation
// A team game (docs/protocol.md, teams): the setup with who is on which team (`of`), and the
// last team board (teams in order, each with its members), which comes just before the
// leaderboard or the podium it goes with.
let teams = null;
let teamBoard = null;

// The reveal does not repeat the question; a reload in the middle of a reveal finds it here.
const questionCache = `hoithi.host.question.${gameId}`;

applyI18n();
$('end').addEventListener('click', () => {
  ask(t('host.endConfirm'), t('host.endYes'), () => command({ type: 'end' }));
});
$('ask-no').addEventListener('click', () => closeAsk());
// A presenter clicker (PageDown / →) presses the screen's main button, or «Có» of an open
// question; ◀ / Esc takes back a press that asked to end a question early, or closes the
// question (host-clicker.js).
const press = clicker(main, {
  onCancel: () => { if (!$('ask').hidden) closeAsk(); else disarm(); },
  primary: () => ($('ask').hidden ? null : $('ask-yes')),
});

let askReturn = null; // where the focus goes back to when the question closes

/** Asks on the page before a step that cannot be undone; «Không» has the focus, so a stray
 *  Enter changes nothing, while the clicker's «next» (or a click) answers «Có». */
function ask(text, yes, act) {
  askReturn = document.activeElement;
  $('ask-text').textContent = text;
  $('ask-yes').textContent = yes;
  $('ask-yes').onclick = () => { closeAsk(); act(); };
  $('ask').hidden = false;
  $('ask-no').focus();
}

function closeAsk() {
  $('ask').hidden = true;
  $('ask-yes').onclick = null;
  if (askReturn?.isConnected) askReturn.focus();
  askReturn = null;
}

if (!Number.isInteger(gameId) || gameId <= 0) {
  showProblem(t('host.noGame'));
} else {
  live = new Live(() => { helloPending = true; return { type: 'host', v: 1, game: gameId }; }, onMessage, onStatus);
  live.start();
}

function command(msg) {
  if (!live?.send(msg)) showStatus(t('err.network'), 4000);
}

/** Moves on from the screen shown: the `seq` it showed goes along, so the room refuses a
 *  press meant for a screen it has already left (docs/protocol.md, host commands). */
function next() {
  command({ type: 'next', seq: live.lastSeq });
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
  fill(main, h('section', { class: 'problem', id: 'interrupted' },
    h('h1', { id: 'problem', text: t('host.interrupted') }),
    h('p', { text: t('host.interruptedWhy') }),
    h('div', { class: 'reports' },
      h('h2', { text: t('host.report') }),
      reportLinks(gameId, { class: 'button' }),
      h('a', { class: 'button', href: '/admin.html', text: t('host.toAdmin') }))));
}

function onMessage(msg) {
  switch (msg.type) {
    case 'welcome': return onWelcome(msg);
    case 'lobby':
      for (const p of msg.joined ?? []) players.set(p.id, { nickname: p.nickname, connected: true });
      for (const id of msg.removed ?? []) players.delete(id);
      playerCount = msg.count;
      if (phase === 'lobby') { updateLobby(); updateTeams(); }
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
    case 'teams':
      teams = msg.teams;
      if (phase === 'lobby') updateTeams();
      return;
    case 'team_board':
      teamBoard = msg.teams;
      return;
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
  // A `next` for a screen already gone (pressed twice, or as the question closed): the room
  // kept its screen, which this page shows; nothing to tell.
  if (msg.code === 'wrong_phase') return;
  showStatus(text, 5000);
}

function onWelcome(msg) {
  helloPending = false;
  game = msg.game;
  players.clear();
  for (const p of msg.players ?? []) players.set(p.id, { nickname: p.nickname, connected: p.connected });
  playerCount = msg.players?.length ?? 0;
  teams = msg.teams ?? null;
  teamBoard = msg.team_board ?? null;
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
  disarm();
  press.screenChanged();
  document.body.dataset.phase = p;
  const playing = p === 'question' || p === 'reveal' || p === 'leaderboard';
  $('end').hidden = !playing;
  // A question about a game that has just ended by itself (the podium) answers nothing.
  if (!playing && p !== 'lobby' && !$('ask').hidden) closeAsk();
  // Late joiners still need the PIN once the lobby screen is gone.
  $('pin-small').textContent = playing ? `${t('host.pin')}: ${game.pin}` : '';
  $('progress').textContent = playing && question ? t('question.of', { n: question.number, total: question.total }) : '';
}

// ---- Lobby ----

function showLobby() {
  setPhase('lobby');
  let where = game.join_url;
  let joinHost = '';
  try {
    const u = new URL(game.join_url, location.href);
    joinHost = u.host;
    where = u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch { /* show it as given */ }
  const unreachable = isLoopback(joinHost);
  fill(main, h('section', { class: 'lobby' },
    unreachable && h('div', { id: 'lan-warning', class: 'lan-warning', role: 'alert' },
      h('h2', { text: t('host.lanTitle') }),
      h('p', { text: t('host.lanWhy', { where }) }),
      h('p', { id: 'lan-fix' })),
    h('div', { class: 'left' }, h('div', { class: 'join-info' },
      h('p', { class: 'how' }, t('host.joinHow'), ' ', h('strong', { id: 'join-where', text: where }), ' ', t('host.joinPin')),
      h('p', { class: 'pin', id: 'pin', 'aria-label': `${t('host.pin')} ${game.pin}`, text: game.pin }),
      // A QR code of an address no phone reaches would only send the class astray.
      !unreachable && h('img', { class: 'qr', src: `/api/games/${gameId}/qr.svg`, alt: t('host.qrAlt'), width: 260, height: 260 }),
      !unreachable && h('p', { class: 'hint', text: t('host.qrHint') })),
      // The teacher's team setup sits under the PIN, where the lobby has room.
      teamsSetup()),
    h('div', { class: 'people' },
      h('h2', { id: 'count', 'aria-live': 'polite' }),
      h('p', { id: 'lobby-note', class: 'hint' }),
      h('ul', { id: 'players', class: 'names' }),
      // A team game: who is on which team, each name with a list to move it.
      h('div', { id: 'team-list', class: 'team-list' }),
      // The teacher's own controls: what students need not read stays here, small.
      h('div', { class: 'host-controls' },
        h('p', { id: 'kick-hint', class: 'kick-hint', text: t('host.kickHint') }),
        h('div', { class: 'row' },
          h('button', { id: 'lock', type: 'button', onclick: () => command({ type: 'lock', locked: !locked }) }),
          h('button', { id: 'start', class: 'big primary', type: 'button', 'data-primary': true, onclick: () => command({ type: 'start' }), text: t('host.start') }))))));
  updateLobby();
  updateTeams();
  if (unreachable) explainReach();
}

/** A host name a phone cannot use: the phone itself (loopback) or no address at all. */
function isLoopback(host) {
  const name = host.replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || /^127\./.test(name) || name === '::1' || name === '0.0.0.0';
}

/** Why phones cannot join and what to do, from what the server knows of its network. */
async function explainReach() {
  let net;
  try { net = await api('GET', '/api/network'); } catch { return; }
  const box = $('lan-fix');
  if (!box) return;
  const lanUrl = net.lan.length ? `http://${net.lan[0]}:${net.listen.split(':').pop()}` : '';
  const steps = [];
  if (!net.lan_reachable) {
    steps.push(t('host.lanOnlyHere', { listen: net.listen }), ' ', t('host.lanRestart'), ' ',
      h('code', { id: 'lan-flag', text: `hoithi ${net.lan_flag}` }), ' ', t('host.lanEnv'), ' ',
      h('code', { text: net.lan_env }), lanUrl ? '), ' : '). ');
  }
  if (lanUrl) {
    steps.push(t(net.lan_reachable ? 'host.lanOpenHere' : 'host.lanThen'), ' ',
      h('a', { id: 'lan-url', href: `${lanUrl}${location.pathname}${location.search}`, text: lanUrl }), '.');
  } else {
    steps.push(t('host.lanNone'));
  }
  fill(box, steps);
}

// The projector shows the latest names; a crowd of thousands would not fit anyway.
const MAX_NAMES = 120;

function updateLobby() {
  $('count').textContent = t('host.players', { n: num(playerCount) });
  $('lock').textContent = t(locked ? 'host.unlock' : 'host.lock');
  $('lock').setAttribute('aria-pressed', String(locked));
  // Only what students may read: the teacher's instructions are in the controls below.
  $('lobby-note').textContent = playerCount === 0 ? t('host.waiting') : t(locked ? 'host.lockedNote' : 'host.joinedNote');
  $('kick-hint').hidden = playerCount === 0;
  $('start').disabled = playerCount === 0;
  const all = [...players];
  const shown = all.slice(-MAX_NAMES);
  fill($('players'),
    shown.map(([id, p]) => h('li', {},
      h('button', {
        type: 'button',
        class: p.connected === false ? 'name off' : 'name',
        'aria-label': t('host.kick', { name: p.nickname }),
        'aria-describedby': 'kick-hint',
        onclick: () => ask(t('host.kickConfirm', { name: p.nickname }), t('host.kickYes'), () => command({ type: 'kick', player: id })),
      }, p.nickname))),
    all.length > shown.length && h('li', { class: 'more', text: t('host.morePlayers', { n: num(all.length - shown.length) }) }));
}

// ---- Teams (set up in the lobby) ----

/** The teacher's team controls: how to make teams, how to count them. Folded away until
 *  opened, so a game without teams looks as before. */
function teamsSetup() {
  const field = (id, label, input) => h('label', { id: `${id}-row`, class: 'field' }, h('span', { text: label }), input);
  const option = (value, key) => h('option', { value, text: t(key) });
  return h('details', { class: 'teams-setup', id: 'teams-setup', open: teams != null },
    h('summary', { text: t('host.teams') }),
    h('form', { id: 'teams-form', onsubmit: submitTeams, onchange: howChanged },
      field('teams-how', t('host.teamsHow'), h('select', { id: 'teams-how' },
        option('random', 'host.teamsRandom'), option('class', 'host.teamsClass'),
        option('names', 'host.teamsNames'), option('pick', 'host.teamsPick'))),
      field('teams-count', t('host.teamsCount'), h('input', { id: 'teams-count', type: 'number', min: 2, max: 20, value: 3 })),
      field('teams-names', t('host.teamsNamesLabel'), h('input', { id: 'teams-names', maxlength: 700, placeholder: t('host.teamsNamesHint') })),
      field('teams-max', t('host.teamsMax'), h('input', { id: 'teams-max', type: 'number', min: 0, max: 500, placeholder: t('host.teamsMaxHint') })),
      field('teams-scoring', t('host.teamsScoring'), h('select', { id: 'teams-scoring' },
        option('average', 'host.teamsAverage'), option('sum', 'host.teamsSum'))),
      h('p', { class: 'row' },
        h('button', { id: 'teams-apply', type: 'submit', text: t('host.teamsApply') }),
        h('button', { id: 'teams-off', type: 'button', onclick: () => command({ type: 'set_teams', plan: null }), text: t('host.teamsOff') }))));
}

/** Shows only the fields the chosen way of making teams needs. */
function howChanged() {
  const how = $('teams-how')?.value;
  if (!how) return;
  $('teams-count-row').hidden = how !== 'random';
  $('teams-names-row').hidden = how !== 'names' && how !== 'pick';
  $('teams-max-row').hidden = how !== 'pick';
}

function submitTeams(ev) {
  ev.preventDefault();
  const how = $('teams-how').value;
  let plan = { how };
  if (how === 'random') plan.count = Number($('teams-count').value);
  if (how === 'names' || how === 'pick') {
    // One name per comma or line: «Tổ 1, Tổ 2, Tổ 3».
    const names = $('teams-names').value.split(/[,;\n]/).map((n) => n.trim()).filter(Boolean);
    plan = { how: 'names', names, pick: how === 'pick' };
    const max = Number($('teams-max').value);
    if (how === 'pick' && max > 0) plan.max_size = max;
  }
  command({ type: 'set_teams', plan, scoring: $('teams-scoring').value });
}

/** The teams as they stand: each with its members, then who is on no team yet; every name
 *  has a list to move it to another team. */
function updateTeams() {
  const list = $('team-list');
  if (!list) return;
  $('teams-off').hidden = !teams;
  howChanged();
  if (!teams) return fill(list);
  const of = new Map((teams.of ?? []).map(([p, team]) => [p, team]));
  const place = (id, p) => h('li', { dataset: { player: id } },
    h('span', { text: p.nickname }),
    h('select', {
      'aria-label': t('host.teamMove', { name: p.nickname }),
      onchange: (ev) => command({ type: 'team_place', player: id, team: Number(ev.target.value) }),
    }, !of.has(id) && h('option', { value: '', text: '—' }),
    teams.names.map((name, team) => h('option', { value: team, selected: of.get(id) === team, text: name }))));
  const all = [...players];
  const unplaced = all.filter(([id]) => !of.has(id));
  fill(list,
    h('p', { class: 'hint', id: 'teams-summary', text: t(teams.pick ? 'host.teamsSummaryPick' : 'host.teamsSummary', { n: teams.names.length, scoring: t(teams.scoring === 'sum' ? 'host.teamsSum' : 'host.teamsAverage') }) }),
    h('div', { class: 'teams-grid' },
      teams.names.map((name, team) => {
        const members = all.filter(([id]) => of.get(id) === team);
        return h('section', { class: 'team', dataset: { team } },
          h('h3', {}, h('span', { text: name }), h('small', { text: ` (${num(members.length)})` })),
          h('ul', {}, members.slice(0, MAX_NAMES).map(([id, p]) => place(id, p))));
      }),
      unplaced.length > 0 && h('section', { class: 'team none', id: 'unplaced' },
        h('h3', { text: t('host.teamsNone', { n: num(unplaced.length) }) }),
        h('ul', {}, unplaced.slice(0, MAX_NAMES).map(([id, p]) => place(id, p))))));
}

/** The team board: teams in order with their score, each followed by its members (the
 *  absent, removed by the host, marked). `limit` members a team on the leaderboard. */
function teamRanks(board, limit) {
  return h('ol', { class: 'team-ranks', id: 'team-ranks' }, board.map((line) => h('li', { dataset: { rank: line.rank, team: line.team } },
    h('div', { class: 'team-line' },
      h('span', { class: 'r', text: String(line.rank) }),
      h('span', { class: 'who', text: line.name }),
      h('span', { class: 'pts', text: num(line.score) })),
    h('p', { class: 'members' },
      line.members.slice(0, limit).map((m, i) => h('span', { class: m.present ? 'member' : 'member absent', dataset: { id: m.id, nickname: m.nickname } },
        i > 0 && ' · ', m.nickname, ' ', h('b', { text: m.present ? num(m.score) : t('host.absent') }))),
      line.members.length > limit && h('span', { class: 'more', text: ` ${t('host.morePlayers', { n: num(line.members.length - limit) })}` })))));
}

// ---- Question ----

// Ending a question while players may still answer takes a second press within this long
// (a presenter clicker alone can confirm it); ◀ or Esc takes the first back.
const CONFIRM_MS = 5000;

function disarm() {
  if (!armed) return;
  clearInterval(armed.timer);
  armed = null;
  const section = main.querySelector('section.question');
  if (!section) return;
  section.classList.remove('armed');
  $('confirm').hidden = true;
  $('skip').textContent = t('host.skip');
  $('keep-waiting').hidden = true;
}

/** «Dừng câu hỏi»: the first press asks, the second (within CONFIRM_MS) ends the question. */
function skipPressed() {
  if (armed && performance.now() < armed.until) {
    disarm();
    return next();
  }
  const section = main.querySelector('section.question');
  section.classList.add('armed');
  const until = performance.now() + CONFIRM_MS;
  const say = () => {
    const s = Math.ceil((until - performance.now()) / 1000);
    if (s <= 0) return disarm();
    const missing = Math.max(0, answered.of - answered.n);
    $('confirm').textContent = section.dataset.reading === 'true'
      ? t('host.skipAskReading', { s })
      : t('host.skipAsk', { n: num(missing), s });
  };
  armed = { until, timer: setInterval(say, 250) };
  $('confirm').hidden = false;
  $('skip').textContent = t('host.skipArmed');
  $('keep-waiting').hidden = false;
  say();
}

function showQuestion(q, answeredCount) {
  question = q;
  try { sessionStorage.setItem(questionCache, JSON.stringify(q)); } catch { /* storage off */ }
  setPhase('question');
  const options = optionsOf(q);
  const hint = { multiple: 'host.multipleHint', ordering: 'host.orderingHint', numeric: 'host.numericHint' }[q.kind];
  const section = h('section', { class: 'question', dataset: { q: q.q, reading: String(q.answers_in_ms > 0) } },
    h('h1', { class: 'qtext', id: 'qtext', text: q.text }),
    q.image && h('img', { class: 'qimage', src: q.image, alt: '' }),
    h('div', { class: 'timer' },
      h('span', { id: 'reading', class: 'reading-note' }),
      h('div', { class: 'timebar' }, h('div', { id: 'time-fill', class: 'fill' })),
      h('span', { id: 'clock', class: 'clock', role: 'timer' })),
    hint && h('p', { class: `kind-hint ${q.kind}`, text: t(hint) }),
    options.length > 0 && h('div', { class: `options n${options.length}` },
      options.map((o, i) => h('div', { class: `opt o${i}`, dataset: { id: o.id } }, shape(i), h('span', { class: 'txt', text: o.text })))),
    h('div', { class: 'controls' },
      h('span', { id: 'answered', class: 'answered', 'aria-live': 'polite' }),
      h('p', { id: 'confirm', class: 'confirm', role: 'alert', hidden: true }),
      h('span', { class: 'buttons' },
        h('button', { id: 'keep-waiting', type: 'button', hidden: true, onclick: disarm, text: t('host.keepWaiting') }),
        h('button', { id: 'skip', class: 'primary', type: 'button', 'data-primary': true, onclick: skipPressed, text: t('host.skip') }))));
  fill(main, section);
  setAnswered(answeredCount, playerCount);
  // The reading time first (answers locked on the phones), then the time limit; both count
  // down here from what the server said, as the phones do.
  const readingTotal = q.answers_in_ms ?? 0;
  const reading = countdown(readingTotal);
  const left = countdown(q.remaining_ms);
  const update = () => {
    const r = reading();
    section.dataset.reading = String(r > 0);
    const ms = r > 0 ? r : left();
    const s = Math.ceil(ms / 1000);
    $('clock').textContent = String(s);
    $('clock').setAttribute('aria-label', t(r > 0 ? 'host.readingLeft' : 'seconds.left', { s }));
    $('reading').textContent = r > 0 ? t('host.reading') : '';
    $('time-fill').style.transform = `scaleX(${r > 0 ? r / readingTotal : ms / q.time_limit_ms})`;
    if (r <= 0 && ms <= 0) {
      stopClock();
      // Time is up: the room closes the question by itself in a moment. Nothing to end.
      disarm();
      $('skip').disabled = true;
      $('skip').textContent = t('host.closing');
    }
  };
  const id = setInterval(update, 250);
  stopClock = () => { clearInterval(id); stopClock = () => {}; };
  update();
}

function setAnswered(count, of) {
  answered = { n: count, of };
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
    // A long explanation steps down a little so that the reveal still fits the screen.
    (r.explanation || r.source) && h('div', { class: r.explanation?.length > 220 ? 'explain long' : 'explain' },
      r.explanation && h('p', {}, h('strong', { text: `${t('host.explanation')}: ` }), r.explanation),
      r.source && h('p', { class: 'source' }, h('strong', { text: `${t('host.source')}: ` }), r.source)),
    h('div', { class: 'controls' },
      h('p', { class: 'right-count', text: t('host.right', { right: num(r.right), players: num(r.players) }) }),
      h('button', { id: 'next', class: 'primary', type: 'button', 'data-primary': true, onclick: next, text: t('host.next') }))));
}

// ---- Leaderboard and podium ----

function showLeaderboard(msg) {
  setPhase('leaderboard');
  const last = msg.q + 1 >= game.questions;
  // A team game ranks its teams, each with its best members; the players' own ranks are on
  // their phones.
  const board = msg.team_board ?? teamBoard;
  fill(main, h('section', { class: board ? 'board teams' : 'board', id: 'leaderboard' },
    h('h1', { text: t(board ? 'host.teamLeaderboard' : 'host.leaderboard') }),
    h('p', { class: 'hint', text: t('host.afterQuestion', { n: msg.q + 1 }) }),
    board ? teamRanks(board, board.length > 4 ? 3 : 5)
      : h('ol', { class: 'ranks' }, (msg.top ?? []).slice(0, 10).map((p) => h('li', { dataset: { rank: p.rank } },
        h('span', { class: 'r', text: String(p.rank) }),
        h('span', { class: 'who', text: p.nickname }),
        h('span', { class: 'pts', text: num(p.score) })))),
    h('div', { class: 'controls' },
      h('span'),
      h('button', { id: 'next', class: 'primary', type: 'button', 'data-primary': true, onclick: next, text: t(last ? 'host.showPodium' : 'host.nextQuestion') }))));
}

function showPodium(top = []) {
  // Nothing follows the podium; hanging up keeps the room's later closing from reconnecting us.
  live?.stop();
  setPhase('finished');
  try { sessionStorage.removeItem(questionCache); } catch { /* storage off */ }
  // Second, first, third: the winner stands in the middle, on the tallest block.
  // An empty place keeps its slot, so the winner stays in the middle with two players.
  // A team game puts its best three teams on the podium, then every team with its members.
  const board = teamBoard;
  const onStands = board ? board.slice(0, 3).map((l) => ({ nickname: l.name, score: l.score })) : top;
  const stands = [onStands[1], onStands[0], onStands[2]].map((p, i) => !p ? h('div', { class: 'stand empty' }) : h('div', { class: `stand p${[2, 1, 3][i]}`, dataset: { rank: [2, 1, 3][i] } },
    h('span', { class: 'who', text: p.nickname }),
    h('span', { class: 'pts', text: t('host.pointsN', { n: num(p.score) }) }),
    h('div', { class: 'block', 'aria-label': t('host.place', { n: [2, 1, 3][i] }) }, String([2, 1, 3][i]))));
  fill(main, h('section', { class: board ? 'podium teams' : 'podium', id: 'podium' },
    h('h1', { text: t(board ? 'host.teamPodium' : 'host.podium') }),
    h('div', { class: 'stands' }, stands),
    board && teamRanks(board, 8),
    h('div', { class: 'reports' },
      h('h2', { text: t('host.report') }),
      reportLinks(gameId, { class: 'button' }),
      h('a', { class: 'button', href: '/admin.html', text: t('host.toAdmin') }))));
}
