// The movement's report of a unit for a period, printable on A4 (docs/protocol.md, "Reports"):
// /report.html?unit=school/TH1&from=2026-09-01&to=2026-12-31. The issuing body on the left
// (the province's Department, a commune's People's Committee, a school), the motto on the
// right, then the activities, participation against the plan's 100 % and the winners.
import { t, applyI18n, api, h, fill, num } from './common.js';
import { levelsTable } from './levels.js';

const $ = (id) => document.getElementById(id);

const pct = (permille) => `${(permille / 10).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
const dmy = (iso) => iso.split('-').reverse().join('/');

function issuer(report) {
  const up = (s) => s.toLocaleUpperCase('vi-VN');
  switch (report.unit.kind) {
    case 'province': return ['UBND TỈNH ĐẮK LẮK', 'SỞ GIÁO DỤC VÀ ĐÀO TẠO'];
    case 'commune': return ['UBND TỈNH ĐẮK LẮK', `UBND ${up(report.name)}`];
    default: return [`UBND ${up(report.parent)}`, up(report.name)];
  }
}

function linesTable(report) {
  const rounds = report.total.rounds;
  const head = h('tr', {},
    h('th', { class: 'n', text: t('report.col.no') }),
    h('th', { text: t('report.col.unit') }),
    h('th', { class: 'n', text: t('report.col.enrolment') }),
    h('th', { class: 'n', text: t('report.col.games') }),
    h('th', { class: 'n', text: t('report.col.players') }),
    rounds.flatMap((r) => [
      h('th', { class: 'n', text: t('report.col.pupils', { round: r.title }) }),
      h('th', { class: 'n', text: t('report.col.rate') }),
      h('th', { class: 'n', text: t('report.col.staff') }),
    ]));
  const row = (l, i, total) => h('tr', { class: total ? 'total' : null },
    h('td', { class: 'n', text: total ? '' : String(i + 1) }),
    h('td', { text: total ? t('report.total') : l.name }),
    h('td', { class: 'n', text: num(l.enrolment) }),
    h('td', { class: 'n', text: num(l.games) }),
    h('td', { class: 'n', text: num(l.game_players) }),
    l.rounds.flatMap((r) => [
      h('td', { class: 'n', text: num(r.participants) }),
      h('td', { class: r.rate_permille < 1000 ? 'n low' : 'n', text: pct(r.rate_permille) }),
      h('td', { class: 'n', text: num(r.staff) }),
    ]));
  const body = report.lines.map((l, i) => row(l, i, false));
  if (report.unit.kind !== 'school') body.push(row(report.total, 0, true));
  return [h('thead', {}, head), h('tbody', {}, body)];
}

function winnersTable(report) {
  return [
    h('thead', {}, h('tr', {},
      h('th', { class: 'n', text: t('report.col.no') }),
      h('th', { text: t('report.col.winner') }),
      h('th', { text: t('report.col.school') }),
      h('th', { text: t('report.col.award') }),
      h('th', { text: t('report.col.code') }))),
    h('tbody', {}, report.winners.map((w, i) => h('tr', {},
      h('td', { class: 'n', text: String(i + 1) }),
      h('td', { text: w.name }),
      h('td', { text: w.unit }),
      h('td', { text: w.award }),
      h('td', { text: w.code })))),
  ];
}

async function show(unit, from, to) {
  $('error').hidden = true;
  $('paper').hidden = true;
  $('loading').hidden = false;
  const q = new URLSearchParams();
  if (from && to) { q.set('from', from); q.set('to', to); }
  const path = `/api/reports/${unit.split('/').map(encodeURIComponent).join('/')}`;
  try {
    const r = await api('GET', `${path}?${q}`);
    const [top, body] = issuer(r);
    $('issuer-top').textContent = top;
    $('issuer').textContent = body;
    // Today in Đắk Lắk, whatever the computer's time zone.
    const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()).split('-');
    $('place-date').textContent = t('report.placeDate', { d: Number(d), m: Number(m), y });
    $('period').textContent = t('report.period', { name: r.name, from: dmy(r.from), to: dmy(r.to) });
    const tot = r.total;
    $('activities').textContent = t('report.activitiesText', {
      schools: num(tot.schools), hosted: num(tot.schools_with_games),
      rate: pct(tot.schools ? Math.floor((tot.schools_with_games * 1000) / tot.schools) : 0),
      games: num(tot.games), players: num(tot.game_players), rounds: num(tot.rounds.length),
    });
    fill($('lines'), linesTable(r));
    fill($('levels'), levelsTable(tot.rounds));
    fill($('winners'), winnersTable(r));
    $('winners').hidden = !r.winners.length;
    $('no-winners').hidden = r.winners.length > 0;
    const xq = new URLSearchParams({ from: r.from, to: r.to, format: 'xlsx' });
    $('xlsx').href = `${path}?${xq}`;
    $('xlsx').hidden = false;
    $('from').value = r.from;
    $('to').value = r.to;
    $('paper').hidden = false;
    $('print').disabled = false;
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  } finally {
    $('loading').hidden = true;
  }
}

applyI18n();
document.title = t('report.title');
const params = new URLSearchParams(location.search);
$('unit').value = params.get('unit') ?? 'province';
$('from').value = params.get('from') ?? '';
$('to').value = params.get('to') ?? '';
$('print').addEventListener('click', () => window.print());
$('choose').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams({ unit: $('unit').value.trim() });
  if ($('from').value && $('to').value) { q.set('from', $('from').value); q.set('to', $('to').value); }
  history.replaceState(null, '', `?${q}`);
  show($('unit').value.trim(), $('from').value, $('to').value);
});
show($('unit').value, $('from').value, $('to').value);
