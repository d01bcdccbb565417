// Certificates of a published version for the signed-in account's units (docs/protocol.md,
// "Certificates"): ?context=dot-1&version=1. The organizer sees every winner, a commune
// officer its commune's, a school admin its school's; each school's file and each winner's.
import { t, applyI18n, api, h, fill } from './common.js';

const $ = (id) => document.getElementById(id);

async function show(context, version) {
  $('error').hidden = true;
  $('list').hidden = true;
  const base = `/api/rankings/${encodeURIComponent(context)}/versions/${encodeURIComponent(version)}`;
  try {
    const data = await api('GET', `${base}/certificates`);
    $('title').textContent = `${data.contest} — ${data.title} (${t('certs.version').toLowerCase()} ${data.version})`;
    $('count').textContent = data.certificates.length
      ? t('certs.count', { n: data.certificates.length }) : t('certs.none');
    $('all').hidden = !data.certificates.length;
    $('all').href = `${base}/certificates.pdf`;
    $('all-a5').hidden = !data.certificates.length;
    $('all-a5').href = `${base}/certificates.pdf?paper=a5`;
    // Grouped by the unit printed under the name: a school's pupils together.
    const groups = new Map();
    for (const c of data.certificates) {
      const key = c.holder === 'individual' ? c.unit : (c.holder === 'school' ? c.name : '');
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(c);
    }
    fill($('schools'), [...groups].map(([unit, list]) => h('section', {},
      h('h3', { text: unit || t('certs.heading') }),
      h('ul', { class: 'certs' }, list.map((c) => h('li', {},
        h('span', { class: 'who', text: c.name }),
        h('span', { text: t('certs.code', { code: c.code }) }),
        h('a', { href: `${base}/certificates.pdf?code=${encodeURIComponent(c.code)}`, download: true, text: t('certs.one') }),
        h('span', { class: 'what', text: c.detail ? `${c.award} · ${c.detail}` : c.award })))))));
    $('list').hidden = false;
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  }
}

applyI18n();
document.title = t('certs.title');
const params = new URLSearchParams(location.search);
$('context').value = params.get('context') ?? '';
$('version').value = params.get('version') ?? '1';
$('form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const context = $('context').value.trim();
  const version = $('version').value;
  history.replaceState(null, '', `?context=${encodeURIComponent(context)}&version=${encodeURIComponent(version)}`);
  show(context, version);
});
if ($('context').value) show($('context').value, $('version').value);
