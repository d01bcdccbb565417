// The organizer's page of the online contest (contest-admin.html): contests and their rounds,
// a new round with its rules, and a round's live turnout (by commune and school, against
// enrolment, attempts per hour as a chart), its awards, closing it and publishing it
// (docs/protocol.md, "The online contest").
import { t, applyI18n, api, h, fill, num, confirmOnPage } from './common.js';

const $ = (id) => document.getElementById(id);

function say(text) {
  $('done').textContent = text;
  $('error').textContent = '';
}

function fail(err) {
  $('error').textContent = err.message;
  $('done').textContent = '';
}

const pct = (permille) => `${(permille / 10).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
const when = (ms) => new Date(ms).toLocaleString('vi-VN', { dateStyle: 'short', timeStyle: 'short' });

async function load() {
  let contests;
  try {
    contests = await api('GET', '/api/contests');
  } catch (err) {
    if (err.status === 401) { location.href = '/admin.html'; return; }
    return fail(err);
  }
  fill($('round-contest'), contests.map((c) => h('option', { value: c.slug, text: c.title })));
  fill($('contests'), contests.map((c) => h('li', {},
    h('strong', { text: `${c.title} (${c.slug})` }),
    c.rounds.length
      ? h('ul', {}, c.rounds.map((r) => h('li', { class: 'row' },
          h('span', { class: 'grow', text: `${r.title} · ${r.context} · ${when(r.rules.opens_at)} – ${when(r.rules.closes_at)}${r.closed_at ? ` · ${t('cadmin.closed', { n: num(r.participants) })}` : ''}` },
            h('br'), h('small', { class: 'hint', text: t('cadmin.orderOf', { keys: r.rules.order.map((k) => t(`cadmin.key.${k}`)).join(' → ') }) })),
          h('button', { type: 'button', text: t('cadmin.turnout'), onclick: () => turnout(r.context) }),
          h('button', { type: 'button', text: t('cadmin.awards'), onclick: () => awards(r.context) }),
          r.closed_at ? null : h('button', { type: 'button', text: t('cadmin.close'), onclick: () => close(r) }),
          h('a', { class: 'button', href: `/rankings.html?context=${encodeURIComponent(r.context)}`, text: t('cadmin.publish') }))))
      : h('p', { class: 'hint', text: t('cadmin.noRounds') }))));
}

/** A bar chart of attempts per hour, as SVG (no library; works offline). */
function chart(perHour) {
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const W = 640; const H = 180; const pad = 28;
  const max = Math.max(1, ...perHour.map(([, n]) => n));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H + pad}`, class: 'chart', role: 'img', 'aria-label': t('cadmin.perHour') });
  // One bar per hour; a round of a few hours keeps its bars narrow enough to read as bars.
  const bw = Math.min(48, (W - pad) / Math.max(1, perHour.length));
  perHour.forEach(([hour, n], i) => {
    const bh = (n / max) * (H - 10);
    const bar = el('rect', { x: pad + i * bw + 1, y: H - bh, width: Math.max(1, bw - 2), height: bh, fill: '#2c2166' });
    const title = el('title', {});
    title.textContent = `${when(hour)}: ${num(n)}`;
    bar.append(title);
    svg.append(bar);
  });
  const label = (x, y, text, anchor = 'start') => {
    const e = el('text', { x, y, 'font-size': 12, 'text-anchor': anchor, fill: '#14112b' });
    e.textContent = text;
    svg.append(e);
  };
  label(0, 12, num(max));
  label(0, H, '0');
  if (perHour.length) {
    label(pad, H + 18, when(perHour[0][0]));
    label(W, H + 18, when(perHour[perHour.length - 1][0]), 'end');
  }
  return svg;
}

function table(head, rows) {
  return h('div', { class: 'scroll' }, h('table', { class: 'units' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { text: c })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', { text: String(c) })))))));
}

async function turnout(context) {
  try {
    const r = await api('GET', `/api/contest-rounds/${encodeURIComponent(context)}/turnout`);
    $('round-view').hidden = false;
    $('view-h').textContent = t('cadmin.turnoutOf', { title: r.title });
    const units = (list) => list.map((u) => [u.name || u.code, num(u.enrolment), num(u.participants), num(u.attempts), pct(u.rate_permille)]);
    const head = [t('cadmin.unit'), t('cadmin.enrolment'), t('cadmin.participants'), t('cadmin.attemptsCol'), t('cadmin.rate')];
    fill($('view'),
      h('p', { class: 'big-text', text: t('cadmin.summary', { p: num(r.participants), e: num(r.enrolment), rate: pct(r.rate_permille), a: num(r.attempts) }) }),
      h('h3', { text: t('cadmin.perHour') }), chart(r.per_hour),
      h('h3', { text: t('cadmin.byCommune') }), table(head, units(r.communes)),
      h('h3', { text: t('cadmin.bySchool') }), table(head, units(r.schools)));
    $('round-view').scrollIntoView();
  } catch (err) { fail(err); }
}

async function awards(context) {
  try {
    const a = await api('GET', `/api/contest-rounds/${encodeURIComponent(context)}/awards?top=10`);
    $('round-view').hidden = false;
    $('view-h').textContent = t('cadmin.awardsOf', { context });
    const units = (list) => list.map((u, i) => [i + 1, u.name || u.code, num(u.participants), num(u.enrolment), pct(u.rate_permille)]);
    const uhead = ['#', t('cadmin.unit'), t('cadmin.participants'), t('cadmin.enrolment'), t('cadmin.rate')];
    fill($('view'),
      a.individuals.flatMap((lvl) => [h('h3', { text: t(`level.${lvl.level}`) }),
        table(['#', t('cadmin.name'), t('cadmin.class'), t('cadmin.school'), t('cadmin.score'), t('cadmin.time')],
          lvl.winners.map((w) => [w.rank, w.full_name, w.class_name, w.school, num(w.keys[0]), `${num(Math.round(w.keys[1] / 1000))} s`]))]),
      h('h3', { text: t('cadmin.collectiveSchools') }), table(uhead, units(a.schools)),
      h('h3', { text: t('cadmin.collectiveCommunes') }), table(uhead, units(a.communes)),
      h('p', { class: 'hint', text: t('cadmin.bands') }));
    $('round-view').scrollIntoView();
  } catch (err) { fail(err); }
}

async function close(round) {
  if (!await confirmOnPage(t('cadmin.confirmClose', { title: round.title }), t('cadmin.close'))) return;
  try {
    const path = `/api/contest-rounds/${encodeURIComponent(round.context)}`;
    const r = await api('POST', `${path}/close`);
    const closed = t('cadmin.closedNow', { n: num(r.participants) });
    await load();
    // The server records every standing again after answering (minutes for a province's
    // round); the round can be published once it has. Follow it with a bar.
    let standings = r.standings;
    while (standings && !standings.recorded) {
      const p = standings.progress;
      const bar = h('progress', { max: String(p?.total || 1), value: String(p?.done || 0) });
      fill($('done'), [h('span', { class: 'progress' }, bar,
        h('span', { text: p ? t('cadmin.recording', { closed, done: num(p.done), total: num(p.total) }) : t('cadmin.recordingElsewhere', { closed }) }))]);
      $('error').textContent = '';
      await new Promise((resolve) => { setTimeout(resolve, 1000); });
      standings = (await api('GET', `${path}/turnout`)).standings;
    }
    say(`${closed} ${t('cadmin.recorded')}`);
  } catch (err) { fail(err); }
}

$('new-contest').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await api('POST', '/api/contests', { slug: $('contest-slug').value.trim(), title: $('contest-title').value.trim() });
    say(t('cadmin.contestCreated'));
    e.target.reset();
    await load();
  } catch (err) { fail(err); }
});

$('new-round').addEventListener('submit', async (e) => {
  e.preventDefault();
  const levels = [...document.querySelectorAll('input[name="level"]:checked')].map((i) => i.value);
  const ms = (id) => new Date($(id).value).getTime();
  const body = {
    context: $('round-context').value.trim(),
    title: $('round-title').value.trim(),
    levels,
    rules: {
      opens_at: ms('round-opens'),
      closes_at: ms('round-closes'),
      questions: Number($('round-questions').value),
      time_limit_s: Number($('round-minutes').value) * 60,
      attempts_per_round: Number($('round-attempts').value),
      attempts_per_day: Number($('round-per-day').value),
      counts: $('round-counts').value,
      reveal: $('round-reveal').value,
      order: chosenOrder(),
    },
  };
  try {
    await api('POST', `/api/contests/${encodeURIComponent($('round-contest').value)}/rounds`, body);
    say(t('cadmin.roundCreated', { context: body.context }));
    await load();
  } catch (err) { fail(err); }
});

// The ranking order: the keys a round ranks by, most important first. Every key is a row with
// a box (unticked: the round does not rank by it at all) and buttons that move it up or down.
const KEYS = ['score', 'time', 'distance', 'attempts', 'submitted'];

function orderRow(key) {
  const label = t(`cadmin.key.${key}`);
  const move = (up) => (e) => {
    const li = e.target.closest('li');
    const other = up ? li.previousElementSibling : li.nextElementSibling;
    if (!other) return;
    if (up) li.parentNode.insertBefore(li, other); else li.parentNode.insertBefore(other, li);
    e.target.focus();
  };
  return h('li', { class: 'row', 'data-key': key },
    h('label', { class: 'check grow' }, h('input', { type: 'checkbox', checked: true, 'aria-label': label }), ` ${label}`),
    h('button', { type: 'button', text: '▲', 'aria-label': t('cadmin.keyUp', { key: label }), onclick: move(true) }),
    h('button', { type: 'button', text: '▼', 'aria-label': t('cadmin.keyDown', { key: label }), onclick: move(false) }));
}

function chosenOrder() {
  return [...$('round-order').children]
    .filter((li) => li.querySelector('input').checked)
    .map((li) => li.dataset.key);
}

fill($('round-order'), KEYS.map(orderRow));

// Opens now, closes in a week, as datetime-local values in the browser's time zone.
function local(ms) {
  const d = new Date(ms - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
$('round-opens').value = local(Date.now());
$('round-closes').value = local(Date.now() + 7 * 24 * 3600_000);

applyI18n();
load();
