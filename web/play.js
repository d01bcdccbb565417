// The player's phone: join with PIN and nickname, answer, see the result and the final rank.
// Follows docs/protocol.md; the server owns time, scores and correctness.
import { t, h, fill, applyI18n, errorText, shape, optionsOf, num, plain, Live, countdown, banner } from './common.js';

const $ = (id) => document.getElementById(id);
const form = $('join');
const screen = $('screen');
const statusBar = $('status');
const showStatus = banner(statusBar);

// The token from `welcome` is kept per PIN so a reload or a lost connection resumes the
// same player (same score) instead of joining again.
const saved = {
  key: (pin) => `hoithi.player.${pin}`,
  get(pin) {
    try { return JSON.parse(localStorage.getItem(this.key(pin))); } catch { return null; }
  },
  set(pin, value) {
    try { localStorage.setItem(this.key(pin), JSON.stringify(value)); } catch { /* private mode */ }
  },
  drop(pin) {
    try { localStorage.removeItem(this.key(pin)); } catch { /* private mode */ }
  },
};

let live = null;
let hello = null; // the first message of every connection: join, then resume with the token
let helloPending = false; // the server has not yet answered this connection's hello
let pin = '';
let question = null; // the open (or last) question
let sentQ = -1; // the question we sent an answer for
let sentAnswer = null;
let receiptQ = -1; // the question whose answer the server has stored
let reveal = null;
let lastResult = null;
let podium = null;
let finalMsg = null;
let stopClock = () => {};
// The open question's reading time still to run (ms): answers are locked until it is over.
let readingLeft = () => 0;
// A team game: the host's teams (names, whether players pick) and this player's team, with
// its place once teams are ranked (docs/protocol.md, teams).
let teams = null;
let myTeam = null;
let inLobby = false;

applyI18n();
start();

function start() {
  const urlPin = (new URLSearchParams(location.search).get('pin') || '').replace(/\D/g, '').slice(0, 6);
  $('pin').value = urlPin;
  form.addEventListener('submit', onSubmit);
  const mine = urlPin && saved.get(urlPin);
  if (mine?.token) {
    pin = urlPin;
    showScreen(h('p', { class: 'center big-text', text: t('play.resuming') }));
    connect({ type: 'resume', v: 1, token: mine.token });
  } else {
    (urlPin ? $('nickname') : $('pin')).focus();
  }
}

function onSubmit(ev) {
  ev.preventDefault();
  const pinValue = $('pin').value.replace(/\s/g, '');
  const nickname = $('nickname').value.normalize('NFC').trim();
  if (!/^\d{6}$/.test(pinValue)) return formError(t('play.pinInvalid'), $('pin'));
  const length = [...nickname].length;
  if (length < 1 || length > 20) return formError(t('play.nicknameInvalid'), $('nickname'));
  // A province event asks for the school (the server said `school_required`).
  const school = $('unit').hidden ? '' : $('school').value;
  if (!$('unit').hidden && !school) return formError(t('play.schoolMissing'), $('school'));
  pin = pinValue;
  formError('');
  $('join-button').disabled = true;
  $('join-button').textContent = t('play.joining');
  connect(school ? { type: 'join', v: 1, pin, nickname, school } : { type: 'join', v: 1, pin, nickname });
}

/** The commune and school lists of a province event's join form (public lists). */
async function showUnitPicker() {
  if (!$('unit').hidden) return;
  $('unit').hidden = false;
  const choose = () => h('option', { value: '', text: t('play.choose') });
  const communes = await fetch('/api/units/communes').then((r) => r.json()).catch(() => []);
  fill($('commune'), choose(), communes.map((c) => h('option', { value: c.code, text: c.name })));
  fill($('school'), choose());
  $('commune').onchange = async () => {
    const code = $('commune').value;
    const schools = code
      ? await fetch(`/api/units/communes/${encodeURIComponent(code)}/school-names`).then((r) => r.json()).catch(() => [])
      : [];
    fill($('school'), choose(), schools.map((s) => h('option', { value: s.code, text: s.name })));
  };
  $('commune').focus();
}

function formError(text, field) {
  $('join-error').textContent = text;
  field?.focus();
}

function connect(first) {
  live?.stop();
  hello = first;
  live = new Live(() => { helloPending = true; return hello; }, onMessage, onStatus);
  live.start();
}

/** Back to the join form, with a reason. */
function showForm(text) {
  live?.stop();
  live = null;
  stopClock();
  showStatus(''); // no reconnect banner: nothing reconnects from the form
  $('bar').hidden = true;
  screen.hidden = true;
  form.hidden = false;
  $('join-button').disabled = false;
  $('join-button').textContent = t('play.join');
  if (pin) $('pin').value = pin;
  formError(text || '');
}

function showScreen(...children) {
  inLobby = false;
  form.hidden = true;
  screen.hidden = false;
  fill(screen, ...children);
  scrollTo(0, 0);
}

function onStatus(state, delay) {
  if (state === 'open') {
    if (!statusBar.hidden) showStatus(t('conn.back'), 2000);
  } else if (helloPending && hello.type === 'join') {
    // The join itself could not get through: say so on the form rather than retrying a join.
    showForm(t('err.network'));
  } else if (state === 'restarting') {
    showStatus(t('conn.shutdown'));
  } else {
    showStatus(t('conn.lost', { s: Math.ceil(delay / 1000) }));
  }
}

function onMessage(msg) {
  switch (msg.type) {
    case 'welcome': return onWelcome(msg);
    case 'question': return showQuestion(msg, false);
    case 'receipt':
      if (msg.q === question?.q) {
        receiptQ = msg.q;
        if (sentQ === msg.q && reveal?.q !== msg.q) showSent();
      }
      return;
    case 'reveal':
      reveal = msg;
      stopClock();
      return;
    case 'result':
      lastResult = msg;
      setScore(msg.score);
      return showResult(msg, false);
    case 'leaderboard':
      if (lastResult) showResult(lastResult, true);
      return;
    case 'podium':
      podium = msg.top;
      if (finalMsg) finish(finalMsg);
      return;
    case 'final':
      finalMsg = msg;
      setScore(msg.score);
      if (podium) return finish(msg);
      return showFinal(msg);
    case 'kicked':
      saved.drop(pin);
      return showEnd(t('play.kicked'));
    case 'bye':
      if (msg.reason === 'replaced') return showEnd(t('play.replaced'));
      live.restarting(); // come back with `resume` after the usual backoff
      return;
    case 'teams':
      teams = msg.teams;
      if (!teams) myTeam = null;
      return teamsChanged();
    case 'team':
      myTeam = msg.team == null ? null : { team: msg.team, name: msg.name };
      return teamsChanged();
    case 'error': return onError(msg);
    default: return; // lobby, answered, locked: for the host screen
  }
}

function onWelcome(msg) {
  helloPending = false;
  pin = msg.game.pin;
  // A welcome after `resume` may leave the token out: the one we resumed with stays valid.
  const token = msg.token ?? hello.token;
  saved.set(pin, { token, nickname: msg.player.nickname });
  hello = { type: 'resume', v: 1, token };
  // A reload of this address resumes the same player.
  if (new URLSearchParams(location.search).get('pin') !== pin) {
    history.replaceState(null, '', `/?pin=${pin}`);
  }
  $('me').textContent = msg.player.nickname;
  $('bar').hidden = false;
  setScore(msg.player.score);
  teams = msg.teams ?? null;
  myTeam = msg.team ?? null;
  showTeam();
  const state = msg.state;
  switch (state.phase) {
    case 'lobby': return showLobby();
    case 'question': return showQuestion(state.question, state.answered);
    case 'reveal':
      reveal = state.reveal;
      return showResult(state.you, false);
    case 'leaderboard': return showResult(state.you, true);
    case 'finished':
      podium = state.top;
      return finish(state.you);
    default: return showLobby();
  }
}

function onError(msg) {
  const code = msg.code;
  const text = errorText(code, msg.message, msg.retry_after_ms);
  if (helloPending) {
    if (hello.type === 'resume' && (code === 'server_busy' || code === 'rate_limited')) {
      live.drop(); // try the resume again after a backoff
      return;
    }
    if (hello.type === 'resume') saved.drop(pin);
    if (code === 'school_required' || code === 'unknown_school') showUnitPicker();
    return showForm(text);
  }
  const waiting = question && sentQ === question.q && receiptQ !== question.q;
  switch (code) {
    case 'kicked':
    case 'invalid_token':
      saved.drop(pin);
      return showForm(text);
    case 'not_joined':
      live.drop(); // the server lost who we are: reconnect and resume
      return;
    case 'bad_answer':
    case 'too_early': // the phone's clock ran ahead of the server's: answer again
    case 'rate_limited':
      if (waiting) {
        sentQ = -1;
        return showAnswering(text);
      }
      break;
    case 'too_late':
    case 'question_closed':
      if (waiting) return showTimeUp(text);
      break;
    default:
  }
  showStatus(text, 5000);
}

function setScore(score) {
  $('score').textContent = t('play.score', { n: num(score ?? 0) });
}

function showLobby() {
  showScreen(
    h('div', { class: 'center' },
      h('div', { class: 'icon', 'aria-hidden': 'true', text: '✓' }),
      h('h1', { id: 'lobby', text: t('play.lobby') }),
      h('p', { text: t('play.lobbyHint') }),
      h('p', { class: 'nick', text: $('me').textContent }),
      teamPicker()));
  inLobby = true;
}

/** The player's team in the bar. */
function showTeam() {
  $('team').hidden = !myTeam;
  $('team').textContent = myTeam ? myTeam.name : '';
}

function teamsChanged() {
  showTeam();
  if (inLobby) return showLobby();
  // A late joiner's picker on a result screen: redrawn in place (gone once they have a team).
  document.getElementById('teams')?.replaceWith(teamPicker() ?? '');
}

/** In the lobby of a team game: the player's team and, when the host lets players pick, a
 *  button per team (a late joiner on no team picks too). */
function teamPicker() {
  if (!teams) return null;
  const mayPick = teams.pick && (inLobbyPhase() || !myTeam);
  return h('div', { class: 'teams', id: 'teams' },
    h('p', { class: 'your-team', id: 'your-team', text: myTeam ? t('play.yourTeam', { name: myTeam.name }) : t('play.noTeam') }),
    mayPick && h('p', { class: 'hint', text: t('play.pickTeam') }),
    mayPick && h('div', { class: 'team-buttons' }, teams.names.map((name, team) => h('button', {
      type: 'button',
      class: myTeam?.team === team ? 'big team-pick mine' : 'big team-pick',
      'aria-pressed': String(myTeam?.team === team),
      onclick: () => { if (!live?.send({ type: 'team_pick', team })) showStatus(t('err.network'), 4000); },
      text: name,
    }))));
}

/** Whether the game is still in the lobby (no question seen yet). */
function inLobbyPhase() {
  return question == null;
}

/** «Đội Sao Đỏ: hạng 1/3 · 870 điểm», from a result or a final. */
function teamLine(place) {
  if (!place) return null;
  if (place.rank == null) return h('p', { class: 'team-place', id: 'team-place', text: t('play.yourTeam', { name: place.name }) });
  return h('p', { class: 'team-place', id: 'team-place', text: t('play.teamPlace', { name: place.name, rank: place.rank, of: place.of, score: num(place.score) }) });
}

function showQuestion(q, answered) {
  question = q;
  reveal = null;
  lastResult = null;
  sentAnswer = null;
  sentQ = answered ? q.q : -1;
  receiptQ = answered ? q.q : -1;
  stopClock();
  readingLeft = countdown(q.answers_in_ms ?? 0);
  if (answered) return showSent();
  showAnswering('');
  runClock(q);
}

/** The countdown at the top of the answering screen: first the reading time (the answers
 *  locked), then the time to answer; at zero the buttons lock. */
function runClock(q) {
  const left = countdown(q.remaining_ms);
  const readingTotal = q.answers_in_ms ?? 0;
  let reading = readingLeft() > 0;
  const update = () => {
    const r = readingLeft();
    if (reading && r <= 0) {
      reading = false;
      if (sentQ !== q.q) showAnswering(''); // the answers open
    }
    const ms = r > 0 ? r : left();
    const s = Math.ceil(ms / 1000);
    const clock = $('clock');
    if (clock) {
      clock.textContent = String(s);
      clock.setAttribute('aria-label', t(r > 0 ? 'play.readingLeft' : 'seconds.left', { s }));
      $('time-fill').style.transform = `scaleX(${r > 0 ? r / readingTotal : ms / q.time_limit_ms})`;
      $('time-fill').classList.toggle('reading', r > 0);
      const note = $('reading');
      if (note) note.textContent = t('play.reading', { s });
    }
    if (r > 0) return;
    if (ms <= 0) {
      stopClock();
      if (sentQ !== q.q) showTimeUp('');
    }
  };
  const id = setInterval(update, 250);
  stopClock = () => { clearInterval(id); stopClock = () => {}; };
  update();
}

function questionHead(q) {
  return [
    h('div', { class: 'qhead' },
      h('span', { text: t('question.of', { n: q.number, total: q.total }) }),
      h('span', { id: 'clock', class: 'clock', role: 'timer' })),
    h('div', { class: 'timebar' }, h('div', { id: 'time-fill', class: 'fill' })),
    h('p', { class: 'qtext', id: 'qtext', dataset: { q: q.q }, text: q.text }),
  ];
}

function showAnswering(errorMessage) {
  const q = question;
  const options = optionsOf(q);
  const chosen = [];
  let sendButton = null;
  // During the reading time the options show but take no tap (the server would refuse it).
  const locked = readingLeft() > 0;
  const buttons = options.map((o, i) => h('button', {
    type: 'button',
    class: `opt o${i}`,
    dataset: { id: o.id },
    disabled: locked,
    onclick: () => pick(o.id, i),
  }, shape(i), h('span', { class: 'txt', text: o.text }), h('span', { class: 'badge' })));

  function pick(id, i) {
    if (q.kind === 'single' || q.kind === 'true_false') return send([id]);
    const at = chosen.indexOf(id);
    if (at >= 0) chosen.splice(at, 1); else chosen.push(id);
    if (q.kind === 'multiple') {
      buttons[i].setAttribute('aria-pressed', String(at < 0));
    } else {
      // Ordering: each tapped item shows its place; tapping again takes it out.
      buttons.forEach((b, j) => {
        const place = chosen.indexOf(options[j].id);
        b.querySelector('.badge').textContent = place >= 0 ? String(place + 1) : '';
        b.setAttribute('aria-pressed', String(place >= 0));
      });
    }
    sendButton.disabled = q.kind === 'multiple' ? chosen.length === 0 : chosen.length !== options.length;
  }

  let body;
  let hint = 'play.pickOne';
  if (q.kind === 'numeric') {
    hint = 'play.enterNumber';
    const input = h('input', { id: 'number', inputmode: 'decimal', autocomplete: 'off', disabled: locked, 'aria-label': t('play.numberLabel') });
    body = h('form', {
      class: 'numeric',
      onsubmit: (ev) => {
        ev.preventDefault();
        const text = input.value.replace(/\s/g, '').replace(',', '.');
        if (!/^-?\d+(\.\d+)?$/.test(text)) return input.focus();
        send(Number(text));
      },
    }, input, h('button', { class: 'big primary', type: 'submit', disabled: locked, text: t('play.send') }));
  } else {
    if (q.kind === 'multiple') hint = 'play.pickMany';
    if (q.kind === 'ordering') hint = 'play.pickOrder';
    const grid = h('div', { class: `answers n${options.length} ${q.kind}` }, buttons);
    if (q.kind === 'multiple' || q.kind === 'ordering') {
      sendButton = h('button', { class: 'big primary', type: 'button', disabled: true, onclick: () => send([...chosen]), text: t('play.send') });
      const actions = [sendButton];
      if (q.kind === 'ordering') {
        actions.unshift(h('button', { class: 'big', type: 'button', onclick: () => showAnswering(''), text: t('play.reset') }));
      }
      body = [grid, h('div', { class: 'actions' }, actions)];
    } else {
      body = grid;
    }
  }
  showScreen(...questionHead(q),
    locked ? h('p', { id: 'reading', class: 'reading', role: 'status', text: t('play.reading', { s: Math.ceil(readingLeft() / 1000) }) })
      : h('p', { class: 'hint', text: t(hint) }),
    body,
    h('p', { class: 'error', role: 'alert', text: errorMessage }));
}

function send(answer) {
  if (!live?.send({ type: 'answer', q: question.q, answer })) {
    showStatus(t('err.network'), 4000);
    return;
  }
  sentQ = question.q;
  sentAnswer = answer;
  showSent();
}

/** After answering: the same screen whether right or wrong (nothing leaks before the reveal). */
function showSent() {
  const stored = receiptQ === question?.q;
  showScreen(h('div', { class: 'center' },
    h('div', { class: 'icon wait', 'aria-hidden': 'true', text: '⏳' }),
    h('h1', { id: 'sent', text: t(stored ? 'play.sent' : 'play.sending') }),
    stored && h('p', { text: t('play.sentHint') }),
    sentAnswer != null && h('div', { class: 'mine' }, h('p', { text: t('play.yourAnswer') }), describe(sentAnswer))));
}

function showTimeUp(text) {
  stopClock();
  showScreen(h('div', { class: 'center' },
    h('div', { class: 'icon', 'aria-hidden': 'true', text: '⌛' }),
    h('h1', { text: t('play.timeUp') }),
    text && h('p', { text })));
}

/** A chosen answer as shapes and texts (or the number). */
function describe(answer) {
  if (typeof answer === 'number') return h('p', { class: 'big-text', text: plain(answer) });
  const options = optionsOf(question);
  return h('ol', { class: 'chosen' }, answer.map((id) => {
    const i = options.findIndex((o) => o.id === id);
    return h('li', { class: `o${i}` }, shape(i), h('span', { text: options[i]?.text ?? '' }));
  }));
}

function correctText() {
  if (!reveal || !question || reveal.q !== question.q) return '';
  if (question.kind === 'numeric') return plain(reveal.value);
  const options = optionsOf(question);
  const texts = reveal.correct.map((id) => options.find((o) => o.id === id)?.text ?? '');
  return texts.join(question.kind === 'ordering' ? ' → ' : '; ');
}

function showResult(r, afterBoard) {
  stopClock();
  if (!r) {
    showScreen(h('p', { class: 'center big-text', text: t('play.waitNext') }));
    return;
  }
  const verdict = !r.answered ? 'none' : r.correct ? 'ok' : 'bad';
  const answer = verdict !== 'ok' && correctText();
  showScreen(h('div', { class: `result ${verdict}`, id: 'result', dataset: { verdict } },
    h('div', { class: 'icon', 'aria-hidden': 'true', text: { ok: '✓', bad: '✗', none: '–' }[verdict] }),
    h('h1', { text: t({ ok: 'play.correct', bad: 'play.wrong', none: 'play.noAnswer' }[verdict]) }),
    verdict === 'ok' && h('p', { class: 'points', text: t('play.points', { n: num(r.points) }) }),
    r.bonus > 0 && h('p', { text: t('play.bonus', { n: num(r.bonus) }) }),
    answer && h('p', { class: 'answer', text: t('play.rightAnswer', { a: answer }) })),
  h('div', { class: 'standing' },
    h('p', { class: 'rank', id: 'rank', text: r.rank ? t('play.rank', { n: r.rank }) : '' }),
    h('p', { text: t('play.total', { n: num(r.score) }) }),
    teamLine(r.team),
    // A late joiner on no team picks here, when the host lets players pick.
    teams?.pick && !myTeam && !r.team && teamPicker(),
    h('p', { class: 'hint', text: t(afterBoard ? 'play.lookUp' : 'play.waitNext') })));
}

function showFinal(f) {
  stopClock();
  if (!f) return showScreen(h('p', { class: 'center big-text', text: t('play.finalTitle') }));
  showScreen(h('div', { class: 'center final', id: 'final', dataset: { rank: f.rank } },
    h('h1', { text: t('play.finalTitle') }),
    f.rank != null && h('p', { class: 'rank huge', id: 'final-rank', text: t('play.rank', { n: f.rank }) }),
    h('p', { class: 'big-text', text: t('play.finalScore', { n: num(f.score) }) }),
    f.questions != null && h('p', { text: t('play.finalCorrect', { c: f.correct, q: f.questions }) }),
    teamLine(f.team),
    podium?.length > 0 && h('div', { class: 'top3' },
      h('h2', { text: t('play.top3') }),
      h('ol', {}, podium.slice(0, 3).map((p) => h('li', {}, h('span', { text: p.nickname }), h('b', { text: num(p.score) }))))),
    h('button', { class: 'big', type: 'button', onclick: leave, text: t('play.again') })));
}

/** The game is over: show the final place and hang up, so that the room closing later
 *  (it lingers a while for the podium) does not send this phone reconnecting. */
function finish(f) {
  live?.stop();
  showFinal(f);
}

function showEnd(text) {
  live?.stop();
  stopClock();
  showScreen(h('div', { class: 'center' },
    h('h1', { id: 'ended', text }),
    h('button', { class: 'big primary', type: 'button', onclick: leave, text: t('play.again') })));
}

function leave() {
  live?.stop();
  saved.drop(pin);
  location.href = '/';
}
