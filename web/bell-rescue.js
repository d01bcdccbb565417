// The rescue of a Rung chuông vàng on admin.html: the rule (everyone back, or a rescue
// question answered by the eliminated or by the audience), how many come back at most, and the
// rescue questions picked from the banks. admin.js asks `rescueChoice()` when it opens the
// contest (`POST /api/bell`'s `rules.rescue` and `rescue`, docs/protocol.md).
import { t, h, fill } from './common.js';

const $ = (id) => document.getElementById(id);

// The server keeps at most this many rescue questions aside (`POST /api/bell`).
const MAX_RESCUE = 20;

let ctx = null; // what admin.js lends: fetchBank(id) (cached), fail(err, el)
const chosen = new Map(); // "bank/question" → { bank, id }, kept as the bank picker changes
let banks = [];

/** Wires the rescue fields; `context` is admin.js's `{ fetchBank, fail }`. */
export function initBellRescue(context) {
  ctx = context;
  $('bell-rescue-legend').textContent = t('admin.bellRescueQuestions', { max: MAX_RESCUE });
  $('bell-rescue-kind').addEventListener('change', showRule);
  $('bell-rescue-bank').addEventListener('change', showBank);
  $('bell-rescue-clear').addEventListener('click', () => {
    chosen.clear();
    showBank();
    $('bell-rescue-bank').focus();
  });
  showRule();
}

/** The banks to pick from (admin.js's list, read again after an import or an approval). */
export function setRescueBanks(list) {
  banks = list;
  const before = $('bell-rescue-bank').value;
  fill($('bell-rescue-bank'), h('option', { value: '', text: t('admin.bellRescuePickBank') }),
    banks.map((b) => h('option', { value: b.id, text: `${b.title} (${b.questions})` })));
  $('bell-rescue-bank').value = banks.some((b) => b.id === before) ? before : '';
  showBank();
}

/**
 * The chosen rescue as `POST /api/bell` takes it: `{ rule, questions }`; or `{ error, field }`
 * (the page's words, the field to fix) when the rule needs questions and none is picked while
 * rescues are allowed (the server would refuse it too, `invalid_bell`), or when «up to» is not
 * a whole number from 1.
 */
export function rescueChoice(maxRescues) {
  const kind = $('bell-rescue-kind').value;
  if (kind === 'all') return { rule: { kind }, questions: [] };
  if (maxRescues > 0 && chosen.size === 0) return { error: t('admin.bellNeedRescue'), field: 'bell-rescue-bank' };
  const upTo = $('bell-up-to').value.trim();
  // Empty: everyone who is right (or rescued by the audience) comes back. A fraction would
  // reach the server as JSON it cannot read, so it is said here in the page's words.
  const n = Number(upTo);
  if (upTo !== '' && !(Number.isInteger(n) && n >= 1)) return { error: t('admin.bellUpToInvalid'), field: 'bell-up-to' };
  const rule = upTo === '' ? { kind } : { kind, up_to: n };
  return { rule, questions: [...chosen.values()] };
}

/** The hint of the chosen rule, and its fields where the rule needs a question. */
function showRule() {
  const kind = $('bell-rescue-kind').value;
  $('bell-rescue-hint').textContent = t(`admin.bellRescueHint.${kind}`);
  $('bell-rescue-box').hidden = kind === 'all';
}

/** The questions of the bank in the picker, each with a box; none beyond MAX_RESCUE. */
async function showBank() {
  const id = $('bell-rescue-bank').value;
  const list = $('bell-rescue-list');
  showCount();
  if (!id) return fill(list);
  let bank;
  try { bank = await ctx.fetchBank(id); } catch (err) { return ctx.fail(err, $('bell-error')); }
  if ($('bell-rescue-bank').value !== id) return; // another bank was chosen meanwhile
  const qs = bank.questions ?? [];
  if (!qs.length) return fill(list, h('li', { class: 'hint', text: t('admin.bellRescueEmpty') }));
  const full = chosen.size >= MAX_RESCUE;
  fill(list, qs.map((q) => {
    const key = `${id}/${q.id}`;
    return h('li', {}, h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', dataset: { qid: q.id }, checked: chosen.has(key), disabled: full && !chosen.has(key),
        onchange: (ev) => {
          if (ev.target.checked) chosen.set(key, { bank: id, id: q.id }); else chosen.delete(key);
          // Reaching (or leaving) the limit changes which boxes may still be ticked.
          const nowFull = chosen.size >= MAX_RESCUE;
          for (const box of list.querySelectorAll('input[type=checkbox]')) box.disabled = nowFull && !box.checked;
          showCount();
        },
      }),
      h('span', { class: 'qtext-admin', text: q.text })));
  }));
}

function showCount() {
  const n = chosen.size;
  $('bell-rescue-count').textContent = t(n >= MAX_RESCUE ? 'admin.bellRescueFull' : 'admin.bellRescueCount', { n, max: MAX_RESCUE });
  $('bell-rescue-clear').hidden = n === 0;
}
