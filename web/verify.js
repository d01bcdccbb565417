// The public check of a certificate's code (docs/protocol.md, "Certificates"): no sign-in.
// /verify.html?code=ABCDE-FGHJK checks at once; the form checks what is typed.
import { t, applyI18n, api } from './common.js';

const $ = (id) => document.getElementById(id);

function day(ms) {
  return new Date(ms).toLocaleDateString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
}

async function check(code) {
  $('error').hidden = true;
  $('result').hidden = true;
  const typed = code.trim();
  if (!typed) return;
  try {
    const c = await api('GET', `/api/certificate-codes/${encodeURIComponent(typed)}`);
    $('name').textContent = c.name;
    $('unit').textContent = c.unit || '—';
    $('award').textContent = c.detail ? `${c.award} (${c.detail})` : c.award;
    $('contest').textContent = c.contest;
    $('version').textContent = t('verify.versionOf', { title: c.title, n: c.version, date: day(c.published_at) });
    const newer = c.superseded_by != null;
    $('superseded').hidden = !newer;
    if (newer) $('superseded').textContent = t('verify.superseded', { n: c.superseded_by });
    $('result').hidden = false;
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  }
}

applyI18n();
document.title = t('verify.title');
const start = new URLSearchParams(location.search).get('code') ?? '';
$('code').value = start;
$('form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const code = $('code').value;
  history.replaceState(null, '', `?code=${encodeURIComponent(code.trim())}`);
  check(code);
});
if (start) check(start);
