// Printing contest login cards (cards.html): a school admin (or an organizer) issues new
// cards for a class or the whole school and prints them, ten to an A4 page. A secret is shown
// only in this answer — the server keeps its hash — so printing again issues new secrets and
// the old cards stop working (docs/protocol.md, "The online contest").
import { t, applyI18n, api, h, fill, confirmOnPage } from './common.js';

const $ = (id) => document.getElementById(id);
const PER_PAGE = 10;

/** The QR code the server drew for a card, as an SVG element (parsed as SVG, never HTML). */
function qr(svgText) {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  return svg.nodeName === 'svg' ? document.importNode(svg, true) : h('span');
}

function card(c, schoolName) {
  return h('article', { class: 'card' },
    h('p', { class: 'head', text: t('cards.cardHead') }),
    h('div', {},
      h('p', { class: 'name', text: c.display_name }),
      h('p', { class: 'where', text: `${t('cards.classLabel')} ${c.class_name} · ${schoolName}` }),
      h('dl', {},
        h('dt', { text: t('contest.code') }), h('dd', { text: c.code }),
        h('dt', { text: t('contest.secret') }), h('dd', { text: c.secret })),
      h('p', { class: 'url', text: `${location.origin}/contest.html` })),
    h('div', { class: 'qr' }, qr(c.qr_svg)));
}

async function loadClasses(school) {
  try {
    const roster = await api('GET', `/api/units/schools/${encodeURIComponent(school)}/students`);
    const classes = [...new Set(roster.students.map((s) => s.class_name))].sort();
    fill($('classes'), classes.map((c) => h('option', { value: c })));
    return roster.school.name;
  } catch {
    return school;
  }
}

let schoolName = '';

$('choose').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('error').textContent = '';
  $('done').textContent = '';
  const school = $('school').value.trim();
  const klass = $('class').value.trim();
  if (!school) return;
  if (!await confirmOnPage(t('cards.confirm'), t('cards.issue'))) return;
  try {
    schoolName = await loadClasses(school);
    const cards = await api('POST', `/api/units/schools/${encodeURIComponent(school)}/login-cards`, klass ? { class: klass } : {});
    const sheets = [];
    for (let i = 0; i < cards.length; i += PER_PAGE) {
      sheets.push(h('section', { class: 'sheet' }, cards.slice(i, i + PER_PAGE).map((c) => card(c, schoolName))));
    }
    fill($('sheets'), sheets);
    $('done').textContent = t('cards.done', { n: cards.length, pages: sheets.length });
    $('print').disabled = cards.length === 0;
  } catch (err) {
    $('error').textContent = err.message;
  }
});

$('print').addEventListener('click', () => window.print());

// A lost card: revoke it (its sessions end too), then print a new one.
$('revoke').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('error').textContent = '';
  const school = $('school').value.trim();
  const codes = $('revoke-codes').value.split(/[\s,;]+/).filter(Boolean);
  if (!school || !codes.length) return;
  try {
    const r = await api('POST', `/api/units/schools/${encodeURIComponent(school)}/login-cards/revoke`, { codes });
    $('revoke-done').textContent = t('cards.revoked', { n: r.revoked, of: codes.length });
  } catch (err) {
    $('error').textContent = err.message;
  }
});
$('school').addEventListener('change', async () => { schoolName = await loadClasses($('school').value.trim()); });

applyI18n();
const params = new URLSearchParams(location.search);
// The class from the address is set before anything is awaited: a press of «Tạo thẻ mới»
// while the roster is still loading must issue that class's cards, not the whole school's.
if (params.get('class')) $('class').value = params.get('class');
(async () => {
  // A school admin's own school, unless the address names one.
  let school = params.get('school');
  if (!school) {
    const me = await api('GET', '/api/me').catch(() => null);
    if (!me) { $('error').textContent = t('cards.signIn'); return; }
    if (me.role === 'school_admin') school = me.unit;
  }
  if (school) {
    $('school').value = school;
    schoolName = await loadClasses(school);
  }
})();
