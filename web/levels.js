// Participation per level (docs/protocol.md, "Reports"): one row per round and level of a
// unit's figures — tiểu học, THCS, THPT, then teachers — with the participants, the enrolment
// of that level and the rate against the plan's 100 %. Shared by the A4 report and the
// dashboard.
import { t, h, num } from './common.js';

export const pct = (permille) => `${(permille / 10).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

/** The rate of a level, or a dash where it has nobody enrolled (nothing to be under). */
const rate = (l) => (l.enrolment ? h('td', { class: l.rate_permille < 1000 ? 'n low' : 'n', text: pct(l.rate_permille) })
  : h('td', { class: 'n', text: '—' }));

/**
 * The table's head and body for `rounds` (a report line's `rounds`); `withRound` adds the
 * round's column (the dashboard shows one round, named in its heading, and fits a phone).
 */
export function levelsTable(rounds, withRound = true) {
  const head = h('tr', {},
    withRound ? h('th', { text: t('levels.round') }) : null,
    h('th', { text: t('levels.level') }),
    h('th', { class: 'n', text: t('levels.participants') }),
    h('th', { class: 'n', text: t('levels.enrolment') }),
    h('th', { class: 'n', text: t('levels.rate') }));
  const body = rounds.flatMap((r) => (r.levels ?? []).map((l) => h('tr', {},
    withRound ? h('td', { text: r.title }) : null,
    h('td', { class: 'level', text: t(`level.${l.level}`) }),
    h('td', { class: 'n', text: num(l.participants) }),
    h('td', { class: 'n', text: num(l.enrolment) }),
    rate(l))));
  return [h('thead', {}, head), h('tbody', {}, body)];
}
