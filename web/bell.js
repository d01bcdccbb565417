// The contestant's phone in Rung chuông vàng (docs/protocol.md, «Rung chuông vàng»): take a
// seat with the PIN, answer each question, read «Bạn đã bị loại» / «Bạn được cứu», keep
// answering for fun once out. The seat's token is kept so a dropped phone gets its seat back.
import { t, h, fill, applyI18n, Live, banner, countdown } from './common.js';
import { picker, roundName, answerWords, clock } from './bell-view.js';

const $ = (id) => document.getElementById(id);
const show = banner($('status'));
const TOKEN = 'hoithi-bell-token';

let live = null;
let me = null; // {seat, name}
let audience = false; // following from the hall: answers only a rescue put to the audience
let status = 'standing';
let question = null;
let stopClock = () => {};
let left = () => 0; // ms left on the current question's countdown

/** The first message of each connection: the seat's token once there is one, so a
 *  reconnect is `bell_resume`; else the seat asked for. */
function hello(sit) {
  return () => {
    const token = localStorage.getItem(TOKEN);
    return token ? { type: 'bell_resume', v: 1, token } : sit;
  };
}

function start(first) {
  live?.stop();
  live = new Live(first, receive, (state) => {
    if (state === 'open') show('');
    else show(t('bell.reconnecting'));
  }, '/ws/bell');
  live.start();
}

function youCard(s) {
  const el = $('you');
  el.className = `you ${s}`;
  const words = {
    eliminated: 'Bạn đã bị loại', rescued: 'Bạn được cứu', winner: 'Bạn rung chuông vàng!',
    reinstated: 'Ban tổ chức đã hủy lượt loại: bạn thi tiếp.',
  };
  if (!words[s]) { el.hidden = true; return; }
  fill(el, words[s], s === 'eliminated' && h('small', { text: t('bell.forFunShort') }));
  el.hidden = false;
}

function setStatus(s) {
  // «Bạn được cứu» and a withdrawn elimination read as standing from here on.
  status = s === 'eliminated' ? 'eliminated' : s === 'winner' ? 'winner' : 'standing';
  youCard(s);
}

function screen(...children) {
  fill($('screen'), ...children);
  $('screen').hidden = false;
}

function showQuestion(q) {
  question = q;
  stopClock();
  const clockEl = h('span', { class: 'clock', 'aria-label': 'giây' });
  const area = h('div');
  const note = h('p', { class: 'note' });
  const receipt = h('p', { class: 'receipt', hidden: true });
  screen(
    h('div', { class: 'qhead' }, h('span', { text: roundName(q) }), clockEl),
    h('p', { class: 'qtext', text: q.text }),
    note, area, receipt,
  );
  stopClock = clock(clockEl, q.remaining_ms);
  left = countdown(q.remaining_ms);
  if (audience && q.stage !== 'rescue') { note.textContent = t('bell.audienceWatch'); return; }
  const outOfRescue = !audience && q.stage === 'rescue' && status !== 'eliminated';
  if (outOfRescue) { note.textContent = t('bell.rescueOnlyOut'); return; }
  if (status === 'eliminated' && q.stage !== 'rescue') note.textContent = t('bell.forFun');
  const disable = picker(area, q, (answer) => {
    disable();
    receipt.hidden = false;
    receipt.textContent = t('bell.sending');
    live.send({ type: 'bell_answer', round: q.round, answer });
  });
}

function receive(msg) {
  switch (msg.type) {
    case 'bell_welcome':
      $('sit').hidden = true;
      $('bar').hidden = false;
      if (msg.role === 'audience') {
        audience = true;
        me = { seat: 0, name: '' };
        $('me').textContent = t('bell.audience');
      } else {
        if (msg.token) localStorage.setItem(TOKEN, msg.token);
        me = msg.you;
        $('me').textContent = t('bell.seatOf', { seat: String(me.seat).padStart(3, '0'), name: me.name });
      }
      setStatus(msg.status ?? 'standing');
      if (msg.question && (msg.phase === 'open' || msg.phase === 'paused')) showQuestion(msg.question);
      else if (msg.phase === 'finished') screen(h('p', { class: 'big-text center', text: t('bell.end') }));
      else screen(h('p', { class: 'big-text center', text: t('bell.lobby') }));
      break;
    case 'bell_question': showQuestion(msg); break;
    case 'bell_receipt': {
      const r = document.querySelector('.receipt');
      if (r) { r.hidden = false; r.textContent = msg.counted ? t('bell.taken') : t('bell.takenForFun'); }
      break;
    }
    case 'bell_paused': stopClock(); show(t('bell.paused')); break;
    case 'bell_resumed': show(''); if (question) { question.remaining_ms = msg.remaining_ms; showQuestion(question); } break;
    case 'bell_closed': stopClock(); for (const b of document.querySelectorAll('#screen button, #screen input')) b.disabled = true; break;
    case 'bell_reveal':
      stopClock();
      if (question) {
        screen(h('p', { class: 'qtext', text: question.text }),
          h('p', { class: 'big-text', text: t('bell.correct', { answer: answerWords(question, msg) }) }),
          msg.explanation && h('p', { class: 'note', text: msg.explanation }),
          h('p', { text: t('bell.standing', { n: msg.standing }) }));
      }
      break;
    case 'bell_you': setStatus(msg.status); break;
    case 'bell_skipped': screen(h('p', { class: 'big-text center', text: t('bell.skipped') })); break;
    case 'bell_end':
      stopClock();
      // Its own `bell_you` follows, but the contest is over: read the winners here and close.
      if (msg.winners.some((w) => w.seat === me?.seat)) setStatus('winner');
      screen(h('p', { class: 'big-text center', text: t('bell.end') }),
        h('p', { class: 'center', text: msg.winners.map((w) => `${String(w.seat).padStart(3, '0')} ${w.name}`).join(', ') }));
      live.stop();
      break;
    case 'error':
      if (!me) {
        if (msg.code === 'invalid_token' || msg.code === 'game_not_found') localStorage.removeItem(TOKEN);
        $('sit-error').textContent = msg.message;
        $('sit-button').disabled = false;
        live.stop();
      } else if (msg.code === 'server_busy' && question && left() > 0) {
        // The answer was not stored, so it does not count: the question comes back to answer.
        showQuestion({ ...question, remaining_ms: left() });
        show(msg.message, 5000);
      } else {
        const r = document.querySelector('.receipt');
        if (r) { r.hidden = false; r.textContent = msg.message; } else show(msg.message, 4000);
      }
      break;
    default: break;
  }
}

applyI18n();
const params = new URLSearchParams(location.search);
if (params.get('pin')) $('pin').value = params.get('pin');
$('watch').addEventListener('click', () => {
  $('sit-error').textContent = '';
  const pin = $('pin').value.trim();
  if (!/^\d{6}$/.test(pin)) { $('sit-error').textContent = t('err.game_not_found'); return; }
  start(() => ({ type: 'bell_audience', v: 1, pin }));
});
$('sit').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('sit-error').textContent = '';
  const pin = $('pin').value.trim();
  const seat = Number($('seat').value.trim());
  const name = $('name').value.trim();
  if (!/^\d{6}$/.test(pin)) { $('sit-error').textContent = t('err.game_not_found'); return; }
  if (!Number.isInteger(seat) || seat < 1 || seat > 999) { $('sit-error').textContent = t('bell.seatHint'); return; }
  $('sit-button').disabled = true;
  localStorage.removeItem(TOKEN);
  start(hello({ type: 'bell_sit', v: 1, pin, seat, name }));
});
// A phone that sat before comes back to its seat at once.
if (localStorage.getItem(TOKEN)) start(hello(null));
