// The printable page of a published ranking (A4): the contest's title, version and date, then
// the boards of the chosen level, each on new pages — the province (individuals, schools,
// communes), a commune (individuals, schools) or a school (individuals, classes, and each
// class for its notice board). ?context=…&level=…&commune=…&school=…[&top=N]
import { t, applyI18n, h, fill, num } from './common.js';
import {
  latest, boardLines, versionLine, tabsOf, isIndividual, boardTitle, individualFigures,
  collectiveFigures, board, PAGE_MAX,
} from './rankings-data.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const context = params.get('context') ?? '';
const level = params.get('level') ?? 'province';
const commune = params.get('commune') ?? '';
const school = params.get('school') ?? '';
/** Lines printed per board: a province-wide list of 700,000 is for the CSV, not for paper. */
const top = Math.min(5000, Math.max(10, Number.parseInt(params.get('top') ?? '2000', 10) || 2000));

const names = {};

function cell(text, numeric) {
  return h('td', { class: numeric ? 'n' : null, text });
}

function table(scope, lines) {
  if (isIndividual(scope)) {
    return h('table', {},
      h('thead', {}, h('tr', {},
        h('th', { class: 'n', text: t('rank.col.rank') }),
        h('th', { text: t('rank.col.student') }),
        h('th', { text: t('rank.col.classSchool') }),
        h('th', { class: 'n', text: t('rank.col.score') }),
        h('th', { class: 'n', text: t('rank.col.time') }))),
      h('tbody', {}, lines.map((l) => {
        const f = individualFigures(l);
        return h('tr', {}, cell(num(l.rank), true), cell(l.label), cell(l.detail ?? ''),
          cell(f.score, true), cell(f.time, true));
      })));
  }
  return h('table', {},
    h('thead', {}, h('tr', {},
      h('th', { class: 'n', text: t('rank.col.rank') }),
      h('th', { text: t('rank.col.unit') }),
      h('th', { class: 'n', text: t('rank.col.participation') }),
      h('th', { class: 'n', text: '%' }),
      h('th', { class: 'n', text: t('rank.col.score') }))),
    h('tbody', {}, lines.map((l) => {
      const f = collectiveFigures(l);
      return h('tr', {}, cell(num(l.rank), true), cell(l.label), cell(f.enrolled, true),
        cell(f.rate, true), cell(f.average, true));
    })));
}

async function section(scope) {
  const { total, lines } = await boardLines(context, scope, top);
  return h('section', { class: 'board' },
    h('h2', { text: boardTitle(scope, names) }),
    total > lines.length ? h('p', { class: 'note', text: t('rank.print.top', { n: num(lines.length), total: num(total) }) }) : null,
    lines.length ? table(scope, lines) : h('p', { class: 'note', text: t('rank.empty') }));
}

/** The boards of the level: its tabs, and for a school each of its classes. */
async function scopes() {
  const list = tabsOf(level, commune, school).map((tab) => tab.scope);
  if (level === 'school' && school) {
    const classes = await board(context, `classes/${encodeURIComponent(school)}`, 0, PAGE_MAX);
    const sorted = classes.lines.map((l) => l.member).sort((a, b) => a.localeCompare(b, 'vi', { numeric: true }));
    for (const c of sorted) list.push(`class/${encodeURIComponent(school)}/${encodeURIComponent(c)}`);
  }
  return list;
}

async function main() {
  applyI18n();
  const version = await latest(context);
  document.title = `${version.title} — ${t('rank.print.title')}`;
  $('title').textContent = version.title;
  $('version').textContent = versionLine(version);
  $('head').hidden = false;
  // Names of the commune and school for the boards' titles.
  if (commune) {
    const communes = await board(context, 'communes', 0, PAGE_MAX);
    for (const l of communes.lines) names[l.member] = l.label;
    const schools = await board(context, `schools/commune/${encodeURIComponent(commune)}`, 0, PAGE_MAX);
    for (const l of schools.lines) names[l.member] = l.label;
  }
  const sections = [];
  for (const scope of await scopes()) sections.push(await section(scope));
  fill($('boards'), sections);
  $('print').disabled = false;
  $('print').addEventListener('click', () => window.print());
}

main().catch((err) => {
  $('error').textContent = err.code === 'not_found' ? t('rank.notPublished') : (err.message || t('err.unknown', { code: err.code }));
  $('error').hidden = false;
}).finally(() => { $('loading').hidden = true; });
