// The public rankings page: the latest published version of a contest's results, for the
// province, a commune or a school, individuals and collectives, a page at a time. No sign-in.
// The address keeps the choice (?context=…&level=…&commune=…&school=…&tab=…&page=…), so a
// link to a school's board can be shared. User data only ever goes in through textContent.
import { t, applyI18n, h, fill, num, errorText, confirmOnPage } from './common.js';
import {
  latest, contexts, board, csvUrl, xlsxUrl, versionLine, tabsOf, isIndividual, boardTitle,
  individualFigures, collectiveFigures, dateVn, PAGE_MAX, versions, versionBoard, versionFile,
  getJson, postJson,
} from './rankings-data.js';

const PAGE = 50;
const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const state = {
  context: params.get('context') ?? '',
  level: ['province', 'commune', 'school'].includes(params.get('level')) ? params.get('level') : 'province',
  commune: params.get('commune') ?? '',
  school: params.get('school') ?? '',
  tab: params.get('tab') ?? 'individual',
  page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  /** An older version an organizer is looking at; null: the latest, as the public sees it. */
  version: Number.parseInt(params.get('version') ?? '', 10) || null,
};
/** Unit names by code, for board titles. */
const names = {};
/** Which request is the newest, so a slow answer never overwrites a newer one. */
let ticket = 0;

function showError(err) {
  $('error').textContent = err?.message || t('err.unknown', { code: err?.code ?? '?' });
  $('error').hidden = false;
}

function remember() {
  const q = new URLSearchParams({ context: state.context, level: state.level });
  if (state.level !== 'province' && state.commune) q.set('commune', state.commune);
  if (state.level === 'school' && state.school) q.set('school', state.school);
  if (state.tab !== 'individual') q.set('tab', state.tab);
  if (state.page > 1) q.set('page', String(state.page));
  if (state.version) q.set('version', String(state.version));
  history.replaceState(null, '', `?${q}`);
}

/** A page of a board of the version on show. */
function fetchBoard(scope, offset, limit) {
  return state.version
    ? versionBoard(state.context, state.version, scope, offset, limit)
    : board(state.context, scope, offset, limit);
}

/** Options of a picker from a collective board's lines (unit code and name), by name. */
function fillPicker(select, lines, hintKey, chosen) {
  const sorted = [...lines].sort((a, b) => a.label.localeCompare(b.label, 'vi'));
  for (const l of sorted) names[l.member] = l.label;
  fill(select,
    h('option', { value: '', text: t(hintKey) }),
    sorted.map((l) => h('option', { value: l.member, selected: l.member === chosen, text: l.label })));
  select.value = sorted.some((l) => l.member === chosen) ? chosen : '';
}

async function loadCommunes() {
  const communes = await fetchBoard('communes', 0, PAGE_MAX);
  fillPicker($('commune'), communes.lines, 'rank.pickCommune', state.commune);
  if (!$('commune').value) state.commune = '';
}

async function loadSchools() {
  if (!state.commune) {
    fill($('school'), h('option', { value: '', text: t('rank.pickSchool') }));
    state.school = '';
    return;
  }
  const schools = await fetchBoard(`schools/commune/${encodeURIComponent(state.commune)}`, 0, PAGE_MAX);
  fillPicker($('school'), schools.lines, 'rank.pickSchool', state.school);
  if (!$('school').value) state.school = '';
}

function renderLevels() {
  for (const b of document.querySelectorAll('.levels button')) {
    b.setAttribute('aria-pressed', String(b.dataset.level === state.level));
  }
  $('commune-field').hidden = state.level === 'province';
  $('school-field').hidden = state.level !== 'school';
}

function renderTabs(tabs) {
  fill($('tabs'), tabs.map((tab) => h('button', {
    type: 'button',
    role: 'tab',
    'aria-selected': String(tab.id === state.tab),
    'aria-controls': 'board',
    dataset: { tab: tab.id },
    text: t(`rank.tab.${tab.id}`),
    onclick: () => { state.tab = tab.id; state.page = 1; show(); },
  })));
}

function lineItem(line, individual) {
  const podium = line.rank <= 3 ? `r${line.rank}` : null;
  if (individual) {
    const f = individualFigures(line);
    return h('li', { class: ['line', podium].filter(Boolean).join(' ') },
      h('span', { class: 'pos', text: num(line.rank) }),
      h('span', { class: 'who' },
        h('b', { class: 'name', text: line.label }),
        line.detail ? h('small', { class: 'detail', text: line.detail }) : null),
      h('span', { class: 'val' },
        h('b', { class: 'score', text: f.score }),
        h('small', { text: f.time })));
  }
  const f = collectiveFigures(line);
  return h('li', { class: ['line', podium].filter(Boolean).join(' ') },
    h('span', { class: 'pos', text: num(line.rank) }),
    h('span', { class: 'who' },
      h('b', { class: 'name', text: line.label }),
      h('small', { class: 'detail', text: `${f.enrolled} · ${f.average}` })),
    h('span', { class: 'val' },
      h('b', { class: 'score', text: f.rate })));
}

/** Shows the chosen board's page, after the pickers the level needs. */
async function show() {
  const mine = ++ticket;
  remember();
  renderLevels();
  const tabs = tabsOf(state.level, state.commune, state.school);
  if (!tabs.some((tab) => tab.id === state.tab)) state.tab = 'individual';
  renderTabs(tabs);
  $('board').hidden = !tabs.length;
  $('empty').hidden = true;
  if (!tabs.length) {
    $('empty').textContent = t('rank.pickHint');
    $('empty').hidden = false;
    $('board').hidden = false;
    fill($('lines'));
    $('board-title').textContent = '';
    $('range').textContent = '';
    for (const id of ['prev', 'next']) $(id).hidden = true;
    $('board').querySelector('.downloads').hidden = true;
    return;
  }
  const { scope } = tabs.find((tab) => tab.id === state.tab);
  const individual = isIndividual(scope);
  let page;
  try {
    page = await fetchBoard(scope, (state.page - 1) * PAGE, PAGE);
  } catch (err) {
    if (mine === ticket) showError(err);
    return;
  }
  if (mine !== ticket) return;
  $('error').hidden = true;
  const pages = Math.max(1, Math.ceil(page.total / PAGE));
  if (state.page > pages) { state.page = pages; show(); return; }
  $('board-title').textContent = boardTitle(scope, names);
  const from = (state.page - 1) * PAGE + 1;
  $('range').textContent = page.total
    ? t('rank.range', { from: num(from), to: num(from + page.lines.length - 1), total: num(page.total) })
    : '';
  fill($('lines'), page.lines.map((l) => lineItem(l, individual)));
  $('lines').classList.toggle('units', !individual);
  $('empty').textContent = t('rank.empty');
  $('empty').hidden = page.total > 0;
  $('prev').hidden = $('next').hidden = pages <= 1;
  $('prev').disabled = state.page <= 1;
  $('next').disabled = state.page >= pages;
  $('board').querySelector('.downloads').hidden = page.total === 0;
  $('csv').href = state.version ? versionFile(state.context, state.version, 'csv', scope) : csvUrl(state.context, scope);
  $('xlsx').href = state.version ? versionFile(state.context, state.version, 'xlsx', scope) : xlsxUrl(state.context, scope);
  $('print').hidden = Boolean(state.version);
  const print = new URLSearchParams({ context: state.context, level: state.level });
  if (state.commune) print.set('commune', state.commune);
  if (state.school) print.set('school', state.school);
  $('print').href = `/rankings-print.html?${print}`;
}

/** The version on show: the latest, or for an organizer the one chosen. */
async function loadHeader() {
  const version = state.version
    ? (await versions(state.context)).find((v) => v.version === state.version)
    : await latest(state.context);
  if (!version) throw Object.assign(new Error(t('err.not_found')), { code: 'not_found' });
  document.title = `${version.title} — ${t('rank.heading')}`;
  $('title').textContent = version.title;
  fill($('version'),
    versionLine(version),
    version.version > 1 ? h('span', { class: 'tag', text: t('rank.corrected') }) : null,
    h('span', { class: 'count', text: t('rank.participants', { n: num(version.participants) }) }));
  $('old-version').hidden = !state.version;
  $('old-version-text').textContent = t('rank.manage.viewing', { n: version.version });
  return version;
}

let bound = false;
function bindControls() {
  if (bound) return;
  bound = true;
  for (const b of document.querySelectorAll('.levels button')) {
    b.addEventListener('click', () => {
      state.level = b.dataset.level;
      state.tab = 'individual';
      state.page = 1;
      show();
    });
  }
  $('commune').addEventListener('change', async () => {
    state.commune = $('commune').value;
    state.school = '';
    state.page = 1;
    try { await loadSchools(); } catch (err) { showError(err); }
    show();
  });
  $('school').addEventListener('change', () => {
    state.school = $('school').value;
    state.page = 1;
    show();
  });
  $('prev').addEventListener('click', () => { state.page -= 1; show(); });
  $('next').addEventListener('click', () => { state.page += 1; show(); });
  $('old-version-latest').href = `?context=${encodeURIComponent(state.context)}`;
  $('old-version-latest').addEventListener('click', (ev) => { ev.preventDefault(); view(null); });
}

async function openContext() {
  const version = await loadHeader();
  await loadCommunes();
  await loadSchools();
  $('view').hidden = false;
  $('error').hidden = true;
  bindControls();
  await show();
  return version;
}

/** Shows version `n` (null: the latest). */
async function view(n) {
  state.version = n;
  state.page = 1;
  try { await openContext(); } catch (err) { showError(err); }
}

// ---- Organizers: the versions, and publishing a new one. ----

async function loadVersions() {
  const list = await versions(state.context);
  fill($('versions'), list.length
    ? list.map((v, i) => h('li', {},
      h('span', { text: t('rank.manage.version', { n: v.version, date: dateVn(v.published_at), who: v.published_by }) }),
      h('small', { class: 'reason', text: v.reason || t('rank.manage.first') }),
      h('button', {
        type: 'button', class: 'link', dataset: { version: v.version }, text: t('rank.manage.view'),
        onclick: () => view(i === 0 ? null : v.version),
      })))
    : h('li', { class: 'hint', text: t('rank.manage.none') }));
  if (!$('pub-title').value && list.length) $('pub-title').value = list[0].title;
  return list;
}

async function openManage() {
  $('manage').hidden = false;
  $('manage-open').hidden = true;
  let me = null;
  try { me = await getJson('/api/me'); } catch { /* not signed in */ }
  if (me?.role !== 'organizer') {
    $('manage-signin').hidden = false;
    return;
  }
  $('manage-tools').hidden = false;
  let list = await loadVersions();
  $('publish-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('publish-error').textContent = '';
    $('publish-done').textContent = '';
    const next = (list[0]?.version ?? 0) + 1;
    if (!await confirmOnPage(t('rank.manage.confirm', { n: next }), t('rank.manage.publish'))) return;
    try {
      const done = await postJson(`/api/rankings/${encodeURIComponent(state.context)}/publish`, {
        title: $('pub-title').value, reason: $('pub-reason').value,
      });
      $('publish-done').textContent = t('rank.manage.done', { n: done.version });
      $('pub-reason').value = '';
      list = await loadVersions();
      await view(null);
    } catch (err) {
      $('publish-error').textContent = errorText(err.code, err.message);
    }
  });
  $('manage').scrollIntoView();
}

async function listContexts() {
  const list = await contexts();
  fill($('contest-list'), list.length
    ? list.map((v) => h('li', {},
      h('a', { href: `/rankings.html?context=${encodeURIComponent(v.context)}`, text: v.title }),
      h('small', { text: t('rank.version', { n: v.version, date: dateVn(v.published_at) }) })))
    : h('li', { class: 'hint', text: t('rank.none') }));
  $('contests').hidden = false;
}

applyI18n();
$('manage-open').hidden = !state.context;
$('manage-open').addEventListener('click', () => openManage().catch(showError));
(async () => {
  try {
    if (state.context) await openContext();
    else await listContexts();
  } catch (err) {
    showError(err.code === 'not_found' ? { message: t('rank.notPublished') } : err);
  } finally {
    $('loading').hidden = true;
  }
})();
