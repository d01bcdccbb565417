// What the Rung chuông vàng pages share: a question drawn the same way on the phone, the hall
// screen and the judge's tablet, an answer picker for every kind, and the countdown.
import { t, h, fill, shape, num, plain, countdown } from './common.js';

/** The options of a stage question as {id, text}: ids are the shown positions, 1…n. */
export function bellOptions(q) {
  const texts = q.options?.length ? q.options
    : (q.kind === 'true_false' ? [t('tf.true'), t('tf.false')] : []);
  return texts.map((text, i) => ({ id: i + 1, text }));
}

/** «Câu 3/20», «Câu phụ» or «Câu cứu trợ». */
export function roundName(q) {
  if (q.stage === 'tie_break') return t('bell.tieBreak');
  if (q.stage === 'rescue') return t('bell.rescueQ');
  return t('bell.questionOf', { n: q.number, total: q.total });
}

/** The words of an answer key: option texts, or the number. */
export function answerWords(q, reveal) {
  if (reveal.value != null) return plain(reveal.value);
  const options = bellOptions(q);
  return (reveal.correct ?? []).map((id) => options[id - 1]?.text ?? id).join(', ');
}

/**
 * An answer picker for `q` in `el`: single and true/false send on a tap; multiple and
 * ordering collect taps and send with a button; numeric has a field. `send(answer)` gets the
 * answer in shown ids (or a number). Returns `disable()`.
 */
export function picker(el, q, send, { big = false } = {}) {
  const options = bellOptions(q);
  let chosen = [];
  const buttons = options.map((o, i) => h('button', {
    type: 'button', class: `opt o${i % 6}`, 'aria-pressed': 'false',
    onclick: () => {
      if (q.kind === 'single' || q.kind === 'true_false') { mark([o.id]); send([o.id]); return; }
      chosen = chosen.includes(o.id) ? chosen.filter((x) => x !== o.id) : [...chosen, o.id];
      mark(chosen);
    },
  }, shape(i), h('span', { class: 'txt', text: o.text }),
  h('span', { class: 'badge' })));
  const mark = (ids) => buttons.forEach((b, i) => {
    const at = ids.indexOf(i + 1);
    b.setAttribute('aria-pressed', String(at >= 0));
    if (q.kind === 'ordering') b.querySelector('.badge').textContent = at >= 0 ? String(at + 1) : '';
  });
  const parts = [];
  let field = null;
  let submit = null;
  if (q.kind === 'numeric') {
    field = h('input', { type: 'text', inputmode: 'decimal', 'aria-label': t('bell.numberHint'), placeholder: t('bell.numberHint') });
    submit = h('button', { type: 'button', class: 'big primary', text: t('bell.send'), onclick: () => {
      const n = Number(field.value.trim().replace(/\s/g, '').replace(',', '.'));
      if (field.value.trim() && Number.isFinite(n)) send(n);
    } });
    parts.push(h('div', { class: 'numeric' }, field, submit));
  } else {
    parts.push(h('div', { class: `answers ${q.kind}${big ? ' big' : ''}` }, ...buttons));
    if (q.kind === 'multiple' || q.kind === 'ordering') {
      submit = h('button', { type: 'button', class: 'big primary', text: t('bell.send'),
        onclick: () => { if (chosen.length) send([...chosen]); } });
      parts.push(h('div', { class: 'actions' }, submit));
    }
  }
  fill(el, ...parts);
  return () => {
    for (const b of buttons) b.disabled = true;
    if (field) field.disabled = true;
    if (submit) submit.disabled = true;
  };
}

/** Options as the hall shows them (not buttons to press), the right ones marked after a reveal. */
export function shownOptions(q, correct = []) {
  return h('div', { class: `answers ${q.kind}` }, ...bellOptions(q).map((o, i) => h('div', {
    class: `opt o${i % 6}${correct.includes(o.id) ? ' right' : ''}`,
  }, shape(i), h('span', { class: 'txt', text: o.text }))));
}

/** A ticking clock in `el` for `remainingMs`; returns `stop()`. */
export function clock(el, remainingMs) {
  const left = countdown(remainingMs);
  const tick = () => { el.textContent = num(Math.ceil(left() / 1000)); };
  tick();
  const timer = setInterval(tick, 250);
  return () => clearInterval(timer);
}
