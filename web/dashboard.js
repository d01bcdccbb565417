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
    for (const [key, file, label] of [['time', 'over-time', 'dash.chartTime'], ['rates', 'rates', 'dash.chartRates'], ['scores', 'scores', 'dash.chartScores']]) {
      $(`chart-${key}`).src = `/api/dashboard/${file}.svg?${fixed}`;
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
$('choose').addEventListener('submit', (ev) => { ev.preventDefault(); show(); });
show();
