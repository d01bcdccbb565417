// The organizer's screens of Rung chuông vàng (docs/protocol.md, «Rung chuông vàng»), one
// page with three roles: `?role=hall` (the big screen: question, countdown, how many stand,
// the bell at the end with a sound the hall can switch off), `host` (the console: pause,
// reveal, skip, undo with a reason, rescue) and `judge` (the tablet: whiteboards by seat,
// seating contestants without a phone). `?game=ID&pin=PIN`; the account's session decides.
import { t, h, fill, applyI18n, Live, banner, num, api } from './common.js';
import { picker, shownOptions, roundName, answerWords, clock } from './bell-view.js';

const $ = (id) => document.getElementById(id);
const show = banner($('status'));
const params = new URLSearchParams(location.search);
const game = Number(params.get('game'));
const pin = params.get('pin') ?? '';
// The contest's stage key: a judge's tablet or the hall screen opens with it, no password.
const key = params.get('key') ?? '';
const role = ['host', 'judge', 'hall'].includes(params.get('role')) ? params.get('role') : 'hall';
const SOUND = 'hoithi-bell-sound';

let question = null;
let standing = 0;
let stopClock = () => {};
let live = null;

document.body.classList.add(role);

function count(text) { $('count').textContent = text; }

// ---- The bell's sound: a struck bell made of decaying partials, no audio file. ----
let audio = null;
function soundOn() { return localStorage.getItem(SOUND) !== 'off'; }
function soundButton() {
  $('sound').textContent = soundOn() ? t('bell.soundOff') : t('bell.soundOn');
  $('sound').setAttribute('aria-pressed', String(soundOn()));
}
function ring() {
  if (!soundOn()) return;
  audio = audio ?? new AudioContext();
  audio.resume?.();
  const strike = (at) => {
    for (const [ratio, gain] of [[1, 0.5], [2.76, 0.25], [5.4, 0.12], [8.93, 0.06]]) {
      const osc = audio.createOscillator();
      const amp = audio.createGain();
      osc.frequency.value = 523.25 * ratio;
      amp.gain.setValueAtTime(gain, at);
      amp.gain.exponentialRampToValueAtTime(0.0001, at + 2.5 / ratio ** 0.3);
      osc.connect(amp).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 3);
    }
  };
  const now = audio.currentTime + 0.05;
  for (let i = 0; i < 4; i += 1) strike(now + i * 0.9);
}

// ---- What every role shows. ----
function showQuestion(q) {
  question = q;
  stopClock();
  const clockEl = h('span', { class: 'clock' });
  const body = role === 'judge' ? judgePanel(q) : shownOptions(q);
  fill($('question'),
    h('div', { class: 'qhead' }, h('span', { text: roundName(q) }), clockEl),
    h('p', { class: 'qtext', text: q.text }),
    body,
    h('p', { class: 'big-count', id: 'outcome' }));
  stopClock = clock(clockEl, q.remaining_ms);
  count(t('bell.standing', { n: q.standing ?? standing }));
}

function outcome(text) {
  const el = $('outcome');
  if (el) el.textContent = text;
}

function judgePanel(q) {
  const seat = h('input', { class: 'seatinput', inputmode: 'numeric', maxlength: 3, 'aria-label': t('bell.recordSeat'), placeholder: t('bell.recordSeat') });
  const area = h('div');
  const done = h('p', { class: 'note', role: 'status' });
  const draw = () => picker(area, q, (answer) => {
    const n = Number(seat.value.trim());
    if (!Number.isInteger(n) || n < 1) { seat.focus(); return; }
    live.send({ type: 'bell_record', seat: n, round: q.round, answer });
    done.textContent = t('bell.recorded', { seat: String(n).padStart(3, '0') });
    seat.value = '';
    seat.focus();
    draw();
  });
  draw();
  return h('div', { class: 'judge' }, h('h2', { text: t('bell.record') }), seat, area, done);
}

function showWinners(winners) {
  stopClock();
  const names = winners.map((w) => `${String(w.seat).padStart(3, '0')} ${w.name}`).join(' · ');
  fill($('question'), h('div', { class: 'ring ringing' },
    h('span', { class: 'bellicon', 'aria-hidden': 'true', text: '🔔' }),
    h('h1', { text: winners.length ? t('bell.winners') : t('bell.noWinner') }),
    h('p', { class: 'names', text: names })));
  if (role === 'hall') ring();
}

function lobby(contestants) {
  const url = `${location.origin}/bell.html`;
  fill($('question'), h('p', { class: 'join-line', text: t('bell.join', { url, pin }) }),
    h('p', { class: 'big-count', text: t('bell.contestants', { n: contestants }) }));
  count('');
}

// ---- The act log (host and judge). ----
const ACTS = {
  paused: 'Tạm dừng', resumed: 'Tiếp tục', closed_early: 'Hết giờ sớm', recorded: 'Ghi bảng',
  not_stored: 'Chưa lưu được bảng, hãy ghi lại',
  revealed: 'Công bố đáp án', decided: 'Câu phụ', skipped: 'Bỏ câu hỏi lỗi', undone: 'Hủy loại',
  rescue_started: 'Bắt đầu cứu trợ', rescued: 'Cứu trợ', ended: 'Kết thúc',
};
function logAct(msg) {
  const seats = msg.seats ?? msg.eliminated ?? msg.winners ?? msg.reinstated ?? (msg.seat ? [msg.seat] : []);
  const secs = Math.floor(msg.at_ms / 1000);
  const when = `${String(Math.floor(secs / 60)).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
  const parts = [when, ACTS[msg.act] ?? msg.act];
  if (seats.length) parts.push(`ghế ${seats.map((s) => String(s).padStart(3, '0')).join(', ')}`);
  if (msg.reason) parts.push(`lý do: ${msg.reason}`);
  $('log').prepend(h('li', { text: parts.join(' · ') }));
}

/** The address of another stage screen of this contest, with the key (no password needed). */
function stageUrl(other) {
  const q = new URLSearchParams({ role: other, game: String(game), pin, key });
  return `${location.origin}/bell-stage.html?${q}`;
}

// ---- The host's console. ----
function hostControls() {
  const act = (name) => h('button', { type: 'button', class: name === 'reveal' || name === 'next' ? 'primary' : '',
    text: t(`bell.${name === 'end' ? 'finish' : name}`), onclick: () => live.send({ type: 'bell_host', act: name }) });
  const reason = h('input', { id: 'reason', maxlength: 200, autocomplete: 'off' });
  const seat = h('input', { id: 'undo-seat', inputmode: 'numeric', maxlength: 3, autocomplete: 'off' });
  const withReason = (type) => () => {
    const msg = { type, reason: reason.value.trim() };
    const n = Number(seat.value.trim());
    if (type === 'bell_undo' && seat.value.trim() && Number.isInteger(n)) msg.seat = n;
    live.send(msg);
  };
  fill($('controls'),
    h('div', { class: 'controls' }, ...['start', 'pause', 'resume', 'close', 'reveal', 'next', 'rescue', 'end'].map(act)),
    h('div', { class: 'reasoned' },
      h('label', { for: 'reason', text: t('bell.reason') }), reason,
      h('label', { for: 'undo-seat', text: t('bell.undoSeat') }), seat,
      h('div', { class: 'controls' },
        h('button', { type: 'button', text: t('bell.skip'), onclick: withReason('bell_skip') }),
        h('button', { type: 'button', text: t('bell.undo'), onclick: withReason('bell_undo') }))),
    h('p', { class: 'error', id: 'host-error', role: 'alert' }),
    key && h('p', { class: 'links' }, t('bell.openOn'), ' ',
      h('a', { href: stageUrl('judge'), target: '_blank', text: t('bell.roleJudge') }), ' · ',
      h('a', { href: stageUrl('hall'), target: '_blank', text: t('bell.roleHall') })));
  $('controls').hidden = false;
}

// ---- The judge's seating of contestants without a phone. ----
function judgeSeating() {
  const seat = h('input', { id: 'reg-seat', inputmode: 'numeric', maxlength: 3, autocomplete: 'off' });
  const name = h('input', { id: 'reg-name', maxlength: 40, autocomplete: 'off' });
  fill($('judge'), h('div', { class: 'reasoned' },
    h('h2', { text: t('bell.register') }),
    h('label', { for: 'reg-seat', text: t('bell.seat') }), seat,
    h('label', { for: 'reg-name', text: t('bell.name') }), name,
    h('button', { type: 'button', text: t('bell.registerDo'), onclick: () => {
      live.send({ type: 'bell_register', seat: Number(seat.value.trim()), name: name.value.trim() });
      seat.value = ''; name.value = '';
    } })));
  $('judge').hidden = false;
}

/** The contest's report on the host's console at the end: places, rounds, the act log. */
async function showReport() {
  let report;
  try { report = await api('GET', `/api/bell/${game}/report`); } catch (err) { show(err.message, 5000); return; }
  const seat = (n) => String(n).padStart(3, '0');
  fill($('report'),
    h('h2', { text: t('bell.report') }),
    h('table', { class: 'places' },
      h('thead', {}, h('tr', {}, ...['Hạng', 'Ghế', 'Họ tên', ''].map((c) => h('th', { text: c })))),
      h('tbody', {}, ...report.places.map((p) => h('tr', {},
        h('td', { text: String(p.place) }), h('td', { text: seat(p.seat) }), h('td', { text: p.name }),
        h('td', { text: p.rang_the_bell ? '🔔' : '' }))))),
    h('ul', { class: 'log' }, ...report.rounds.map((r) => h('li', {
      text: `${r.name}: ${r.answered} trả lời, ${r.right} đúng — ${r.outcome}` }))),
    h('ul', { class: 'log acts' }, ...report.acts.map((a) => h('li', { text: a }))));
  $('report').hidden = false;
}

function receive(msg) {
  switch (msg.type) {
    case 'bell_welcome':
      $('title').textContent = msg.title;
      standing = msg.standing;
      if (msg.question) showQuestion({ ...msg.question, standing: msg.standing });
      else if (msg.phase === 'lobby') lobby(msg.contestants);
      else count(t('bell.standing', { n: msg.standing }));
      break;
    case 'bell_seated': if (!question) lobby(msg.contestants); break;
    case 'bell_question': showQuestion(msg); break;
    case 'bell_paused': stopClock(); outcome(t('bell.paused')); break;
    case 'bell_resumed': if (question) showQuestion({ ...question, remaining_ms: msg.remaining_ms }); break;
    case 'bell_closed': stopClock(); outcome(t('bell.closed')); break;
    case 'bell_reveal':
      stopClock();
      standing = msg.standing;
      if (question && role !== 'judge') {
        fill($('question'),
          h('div', { class: 'qhead' }, h('span', { text: roundName(question) })),
          h('p', { class: 'qtext', text: question.text }),
          shownOptions(question, msg.correct),
          h('p', { class: 'big-count', id: 'outcome' }));
      }
      outcome([t('bell.correct', { answer: answerWords(question ?? {}, msg) }),
        msg.spared_all_wrong ? t('bell.sparedAll') : t('bell.out', { n: num(msg.eliminated) })].join(' · '));
      count(t('bell.standing', { n: msg.standing }));
      break;
    case 'bell_back':
      standing = msg.standing;
      outcome(t('bell.back', { n: msg.seats.length }));
      count(t('bell.standing', { n: msg.standing }));
      break;
    case 'bell_skipped': outcome(t('bell.skipped')); break;
    case 'bell_decided':
      outcome(t('bell.correct', { answer: answerWords(question ?? {}, msg) }));
      break;
    case 'bell_end':
      showWinners(msg.winners);
      if (role === 'host') showReport();
      break;
    case 'bell_act': logAct(msg); break;
    case 'error':
      if (role === 'host' && $('host-error')) $('host-error').textContent = msg.message;
      else show(msg.message, 5000);
      break;
    default: break;
  }
}

applyI18n();
$('role').textContent = t({ hall: 'bell.roleHall', host: 'bell.roleHost', judge: 'bell.roleJudge' }[role]);
$('pin').textContent = pin ? `PIN ${pin}` : '';
if (role === 'hall') {
  $('sound').hidden = false;
  soundButton();
  $('sound').addEventListener('click', () => {
    localStorage.setItem(SOUND, soundOn() ? 'off' : 'on');
    soundButton();
    if (soundOn()) { audio = audio ?? new AudioContext(); audio.resume?.(); }
  });
}
if (role === 'host') hostControls();
if (role === 'judge') judgeSeating();
if (role !== 'hall') $('logbox').hidden = false;
live = new Live(() => ({ type: 'bell_stage', v: 1, game, role, ...(key && role !== 'host' ? { key } : {}) }), receive,
  (state) => show(state === 'open' ? '' : t('bell.reconnecting')), '/ws/bell');
live.start();
