// The organizer's dashboard (docs/protocol.md, "Dashboard"): /dashboard.html?unit=province
// &from=…&to=…&below=100. A commune officer or school admin opens its own unit
// (unit=commune/…, school/…); the charts are SVG pictures the server draws, each with its data
// as CSV beside it.
import { t, applyI18n, api, h, fill, num } from './common.js';
import { levelsTable } from './levels.js';

const $ = (id) => document.getElementById(id);
const pct = (permille) => `${(permille / 10).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
const dmy = (iso) => iso.split('-').reverse().join('/');

function query(extra = {}) {
  const q = new URLSearchParams({ unit: $('unit').value.trim() || 'province' });
  if ($('from').value && $('to').value) { q.set('from', $('from').value); q.set('to', $('to').value); }
  q.set('below', String(Math.round(Number($('below').value || 100) * 10)));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

async function show() {
  $('error').hidden = true;
  $('loading').hidden = false;
  const q = query();
  try {
    const d = await api('GET', `/api/dashboard?${q}`);
    $('from').value = d.from;
    $('to').value = d.to;
    const fixed = query({ from: d.from, to: d.to });
    if (d.round) fixed.set('round', d.round);
    history.replaceState(null, '', `?${fixed}`);
    $('name').textContent = d.name;
    $('period').textContent = t('dash.period', { from: dmy(d.from), to: dmy(d.to) });
    const tot = d.total;
    const hosted = tot.schools ? Math.floor((tot.schools_with_games * 1000) / tot.schools) : 0;
    $('schools-rate').textContent = pct(hosted);
    $('schools-rate').classList.toggle('low', hosted < 1000);
    $('schools-of').textContent = t('dash.of', { n: num(tot.schools_with_games), of: num(tot.schools) });
    const round = tot.rounds.find((r) => r.context === d.round);
    $('pupils-rate').textContent = round ? pct(round.rate_permille) : '—';
    $('pupils-rate').classList.toggle('low', !round || round.rate_permille < 1000);
    $('pupils-label').textContent = round ? t('dash.pupils', { round: round.title }) : t('dash.noRound');
    $('pupils-of').textContent = round ? t('dash.of', { n: num(round.participants), of: num(round.enrolment) }) : '';
    $('levels-title').hidden = !round;
    $('levels-box').hidden = !round;
    if (round) {
      $('levels-title').textContent = t('dash.byLevel', { round: round.title });
      fill($('levels'), levelsTable([round], false));
    }
    $('games').textContent = num(tot.games);
    $('players').textContent = t('dash.players', { n: num(tot.game_players) });
    $('winners').textContent = num(d.winners.length);
    const report = new URLSearchParams({ unit: fixed.get('unit'), from: d.from, to: d.to });
    $('report-link').href = `/report.html?${report}`;
    $('xlsx').href = `/api/reports/${fixed.get('unit')}?${new URLSearchParams({ from: d.from, to: d.to, format: 'xlsx' })}`;
    // Shown first, so each chart is drawn by the server for the width it gets here (its
    // labels keep their size on a 360 px phone).
    $('view').hidden = false;
    for (const [key, file, label] of [['time', 'over-time', 'dash.chartTime'], ['rates', 'rates', 'dash.chartRates'], ['scores', 'scores', 'dash.chartScores']]) {
      const width = Math.round($(`chart-${key}`).parentElement.clientWidth) || 640;
      $(`chart-${key}`).src = `/api/dashboard/${file}.svg?${fixed}&w=${Math.min(980, Math.max(300, width))}`;
      $(`chart-${key}`).alt = t(label);
      $(`csv-${key}`).href = `/api/dashboard/${file}.csv?${fixed}`;
    }
    $('below-title').textContent = t('dash.belowTitle', { rate: pct(d.below_permille), n: num(d.below.length) });
    $('csv-below').href = `/api/dashboard/below.csv?${fixed}`;
    fill($('below-list'), d.below.map((b) => h('li', {},
      `${b.name} (${b.code}) — `, h('span', { class: 'rate', text: pct(b.rate_permille) }),
      ` · ${t('dash.of', { n: num(b.participants), of: num(b.enrolment) })}`)));
    $('view').hidden = false;
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  } finally {
    $('loading').hidden = true;
  }
}

// The live panel: players connected and answers per second over every node, the event's
// first schools and communes (GET /api/dashboard/live, a few hundred bytes), every 5 s while
// the page is in view. Hidden when nothing runs.
const LIVE_EVERY = 5000;
let liveTimer = 0;

function ranked(title, lines) {
  return h('div', { class: 'top' }, h('h3', { text: title }),
    h('ol', {}, lines.map((l) => h('li', {},
      h('span', { text: l.label }),
      h('small', { text: t('dash.avgOf', { avg: (l.keys[0] / 1000).toLocaleString('vi-VN', { maximumFractionDigits: 1 }), n: num(l.keys[2]) }) })))));
}

async function pollLive() {
  clearTimeout(liveTimer);
  if (!document.hidden) {
    try {
      const unitNow = $('unit').value.trim() || 'province';
      const d = await api('GET', `/api/dashboard/live?${new URLSearchParams({ unit: unitNow })}`);
      const perSecond = d.answers_per_second;
      const minute = perSecond.reduce((a, b) => a + b, 0);
      $('live').hidden = d.events.length === 0 && d.online === 0 && minute === 0;
      $('live-online').textContent = num(d.online);
      $('live-rate').textContent = num(perSecond[perSecond.length - 1] ?? 0);
      $('live-minute').textContent = t('dash.lastMinute', { n: num(minute) });
      const top = Math.max(1, ...perSecond);
      // Heights through the CSSOM: the pages' CSP allows no style attributes.
      fill($('live-spark'), perSecond.map((n) => {
        const bar = h('i');
        bar.style.height = `${Math.round((n * 100) / top)}%`;
        return bar;
      }));
      fill($('live-events'), d.events.map((e) => h('div', { class: 'event' },
        h('h3', { text: t('dash.event', { title: e.title, n: num(e.players) }) }),
        h('div', { class: 'tops' },
          ranked(t('dash.topSchools'), e.top_schools),
          ranked(t('dash.topCommunes'), e.top_communes)))));
    } catch {
      $('live').hidden = true; // no right to this unit's figures, or the server is away
    }
  }
  liveTimer = setTimeout(pollLive, LIVE_EVERY);
}

applyI18n();
document.title = t('dash.title');
const params = new URLSearchParams(location.search);
// Without a unit in the address: the signed-in account's own (the province for an organizer).
let unit = params.get('unit');
if (!unit) {
  const me = await api('GET', '/api/me').catch(() => null);
  unit = me?.role === 'commune_officer' ? `commune/${me.unit}`
    : me?.role === 'school_admin' ? `school/${me.unit}` : 'province';
}
$('unit').value = unit;
$('from').value = params.get('from') ?? '';
$('to').value = params.get('to') ?? '';
if (params.get('below')) $('below').value = String(Number(params.get('below')) / 10);
$('choose').addEventListener('submit', (ev) => { ev.preventDefault(); show(); pollLive(); });
document.addEventListener('visibilitychange', () => { if (!document.hidden) pollLive(); });
show();
pollLive();
