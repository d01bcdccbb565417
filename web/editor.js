// The quiz editor of admin.html: a teacher writes questions of every kind (kept in the
// teacher's own class bank, GET/POST/PUT/DELETE /api/questions), with an image the server
// re-encodes (POST /api/images); picks them into a quiz beside bank questions; and edits,
// reorders, shares, duplicates and deletes quizzes (/api/quizzes/{id}). Deleting asks on the
// page itself (no window.confirm: it blocks the page and a clicker cannot answer it).
import { t, h, fill, num } from './common.js';

const $ = (id) => document.getElementById(id);

const KINDS = ['single', 'multiple', 'true_false', 'ordering', 'numeric'];
// The time limits Kahoot offers, which teachers know; the server takes any 5–240 s.
const TIMES = [5, 10, 20, 30, 60, 90, 120, 240];
const POINTS = ['standard', 'double', 'none'];
const MAX_OPTIONS = 6;
// The largest image the server takes (docs/protocol.md); it scales it down itself.
const MAX_IMAGE = 5 * 1024 * 1024;

let ctx = null; // what admin.js lends: api, send, fail, picked, changed()
let own = { bank: '', questions: [] };
let editing = null; // the id of the own question in the form, or null for a new one
let image = null; // { name, url } of the form's image

/** Wires the editor; `context` is admin.js's: `{ api, send, fail, picked, changed,
 *  reloadQuizzes, questionText }`. */
export function initEditor(context) {
  ctx = context;
  fill($('q-kind'), KINDS.map((k) => h('option', { value: k, text: t(`kind.${k}`) })));
  fill($('q-time'), TIMES.map((s) => h('option', { value: s, text: t('admin.time', { s }), selected: s === 20 })));
  fill($('q-points'), POINTS.map((p) => h('option', { value: p, text: t(`points.${p}`) })));
  $('q-kind').addEventListener('change', () => showKind());
  $('q-add-option').addEventListener('click', () => { addOption(''); focusLastOption(); });
  $('q-form').addEventListener('submit', saveQuestion);
  $('q-cancel').addEventListener('click', () => resetForm());
  $('q-image').addEventListener('change', uploadImage);
  $('q-image-remove').addEventListener('click', () => setImage(null));
  resetForm();
}

// ---- The question form ----

function resetForm() {
  editing = null;
  $('q-form').reset();
  $('q-kind').value = 'single';
  $('q-time').value = '20';
  fill($('q-options'));
  for (let i = 0; i < 4; i += 1) addOption('');
  setImage(null);
  $('q-save').textContent = t('editor.save');
  $('q-cancel').hidden = true;
  $('q-error').textContent = '';
  showKind();
}

/** Shows the fields the chosen kind uses, and the right marker beside each option. */
function showKind() {
  const kind = $('q-kind').value;
  const usesOptions = ['single', 'multiple', 'ordering'].includes(kind);
  $('q-options-box').hidden = !usesOptions;
  $('q-truth-box').hidden = kind !== 'true_false';
  $('q-number-box').hidden = kind !== 'numeric';
  $('q-options-legend').textContent = t(kind === 'ordering' ? 'editor.orderLegend' : 'editor.optionsLegend');
  $('q-options-hint').textContent = t(`editor.optionsHint.${kind === 'ordering' ? 'ordering' : kind === 'multiple' ? 'multiple' : 'single'}`);
  for (const li of $('q-options').children) {
    const mark = li.querySelector('.correct');
    mark.type = kind === 'multiple' ? 'checkbox' : 'radio';
    mark.closest('label').hidden = kind === 'ordering';
  }
  $('q-add-option').disabled = $('q-options').children.length >= MAX_OPTIONS;
}

function addOption(text, correct = false) {
  const list = $('q-options');
  if (list.children.length >= MAX_OPTIONS) return;
  const n = list.children.length + 1;
  const li = h('li', { class: 'q-option' },
    h('input', { class: 'option-text', maxlength: 120, value: text, 'aria-label': t('option.n', { n }) }),
    h('label', { class: 'check' },
      h('input', { class: 'correct', type: 'radio', name: 'q-correct', checked: correct }),
      h('span', { text: t('editor.correct') })),
    h('button', {
      type: 'button', class: 'remove-option', 'aria-label': t('editor.removeOption', { n }), text: '✕',
      onclick: () => { li.remove(); renumber(); showKind(); },
    }));
  list.append(li);
  showKind();
}

function focusLastOption() {
  $('q-options').lastElementChild?.querySelector('.option-text').focus();
}

function renumber() {
  [...$('q-options').children].forEach((li, i) => {
    li.querySelector('.option-text').setAttribute('aria-label', t('option.n', { n: i + 1 }));
    li.querySelector('.remove-option').setAttribute('aria-label', t('editor.removeOption', { n: i + 1 }));
  });
}

/** The draft the server checks (docs/protocol.md, POST /api/questions). */
function draft() {
  const kind = $('q-kind').value;
  const d = {
    kind,
    text: $('q-text').value,
    time_limit: Number($('q-time').value),
    points: $('q-points').value,
    explanation: $('q-explanation').value,
  };
  if (image) d.image = image.name;
  if (['single', 'multiple', 'ordering'].includes(kind)) {
    const rows = [...$('q-options').children];
    d.options = rows.map((li) => li.querySelector('.option-text').value);
    if (kind !== 'ordering') {
      d.correct = rows.flatMap((li, i) => (li.querySelector('.correct').checked ? [i + 1] : []));
    }
  }
  if (kind === 'true_false') d.truth = document.querySelector('input[name="q-truth"]:checked')?.value === 'true';
  if (kind === 'numeric') {
    const value = $('q-value').value.trim().replace(',', '.');
    d.value = value === '' ? null : Number(value);
    d.tolerance = Number($('q-tolerance').value.replace(',', '.') || 0);
  }
  return d;
}

async function saveQuestion(ev) {
  ev.preventDefault();
  $('q-error').textContent = '';
  $('q-done').textContent = '';
  $('q-save').disabled = true;
  try {
    const path = editing ? `/api/questions/${encodeURIComponent(editing)}` : '/api/questions';
    const saved = await ctx.api(editing ? 'PUT' : 'POST', path, draft());
    // A new question is picked for the quiz being made: written to be used.
    if (!editing) ctx.picked.set(`${saved.bank}/${saved.id}`, { bank: saved.bank, id: saved.id });
    $('q-done').textContent = t(editing ? 'editor.updated' : 'editor.saved');
    resetForm();
    await loadOwnQuestions();
    ctx.changed(own.bank);
  } catch (err) {
    ctx.fail(err, $('q-error'));
  } finally {
    $('q-save').disabled = false;
  }
}

function editQuestion(q) {
  resetForm();
  editing = q.id;
  $('q-kind').value = q.kind;
  $('q-text').value = q.text;
  $('q-time').value = String(q.time_limit);
  $('q-points').value = q.points ?? 'standard';
  $('q-explanation').value = q.explanation ?? '';
  fill($('q-options'));
  const ids = q.key?.ids ?? [];
  if (['single', 'multiple', 'ordering'].includes(q.kind)) {
    q.options.forEach((o, i) => addOption(o, ids.includes(i + 1)));
  } else {
    for (let i = 0; i < 4; i += 1) addOption('');
  }
  if (q.kind === 'true_false') {
    document.querySelector(`input[name="q-truth"][value="${ids[0] === 1}"]`).checked = true;
  }
  if (q.kind === 'numeric') {
    $('q-value').value = q.key.value;
    $('q-tolerance').value = q.key.tolerance;
  }
  setImage(q.image ? { name: q.image, url: `/bank-images/${encodeURIComponent(own.bank)}/${encodeURIComponent(q.image)}` } : null);
  $('q-save').textContent = t('editor.update');
  $('q-cancel').hidden = false;
  showKind();
  $('q-form').scrollIntoView({ behavior: 'smooth', block: 'start' });
  $('q-text').focus();
}

// ---- The image ----

function setImage(img) {
  image = img;
  $('q-image-preview').hidden = !img;
  if (img) $('q-image-preview').src = img.url;
  else $('q-image-preview').removeAttribute('src');
  $('q-image-name').textContent = img ? t('editor.imageReady') : t('editor.noImage');
  $('q-image-remove').hidden = !img;
  $('q-image').value = '';
}

async function uploadImage() {
  const file = $('q-image').files[0];
  if (!file) return;
  $('q-error').textContent = '';
  if (file.size > MAX_IMAGE) {
    $('q-error').textContent = t('editor.imageTooBig');
    $('q-image').value = '';
    return;
  }
  $('q-image-name').textContent = t('editor.imageUploading', { name: file.name });
  try {
    // Raw bytes: the server reads the format from the file itself, never from its name.
    const up = await ctx.send('/api/images', {
      method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file,
    });
    setImage(up);
  } catch (err) {
    setImage(image);
    if (err.code === 'too_large') $('q-error').textContent = t('editor.imageTooBig');
    else ctx.fail(err, $('q-error'));
  }
}

// ---- The teacher's own questions ----

export async function loadOwnQuestions() {
  try { own = await ctx.api('GET', '/api/questions'); } catch (err) { return ctx.fail(err, $('q-error')); }
  renderOwnQuestions();
}

export function renderOwnQuestions() {
  const qs = own.questions ?? [];
  fill($('own-questions'), qs.length ? qs.map((q) => {
    const key = `${own.bank}/${q.id}`;
    return h('li', { class: 'own-question', dataset: { qid: q.id } },
      h('label', { class: 'check' },
        h('input', {
          type: 'checkbox', class: 'pick-own', checked: ctx.picked.has(key),
          'aria-label': t('editor.pickLabel', { text: q.text }),
          onchange: (ev) => {
            if (ev.target.checked) ctx.picked.set(key, { bank: own.bank, id: q.id }); else ctx.picked.delete(key);
            ctx.changed();
          },
        }),
        h('span', {},
          h('span', { class: 'qtext-admin', text: q.text }),
          h('span', { class: 'meta', text: [t(`kind.${q.kind}`), t('admin.time', { s: q.time_limit }), q.image && t('editor.hasImage')].filter(Boolean).join(' · ') }))),
      h('p', { class: 'row actions' },
        h('button', { type: 'button', class: 'edit-question', onclick: () => editQuestion(q), text: t('editor.edit') }),
        confirmButton('delete-question', t('editor.delete'), t('editor.deleteAsk'), async () => {
          await ctx.api('DELETE', `/api/questions/${encodeURIComponent(q.id)}`);
          ctx.picked.delete(key);
          if (editing === q.id) resetForm();
          await loadOwnQuestions();
          ctx.changed(own.bank);
        }, $('q-error'))));
  }) : h('li', { class: 'hint', text: t('editor.none') }));
}

/**
 * A button that asks on the page before it acts: the first press shows «…? Có / Không» in its
 * place, with «Không» focused so a stray Enter changes nothing.
 */
export function confirmButton(cls, label, question, act, errorEl) {
  const wrap = h('span', { class: 'confirm' });
  const button = h('button', { type: 'button', class: cls, text: label, onclick: ask });
  wrap.append(button);
  function ask() {
    const no = h('button', { type: 'button', class: 'confirm-no', text: t('editor.no'), onclick: back });
    const yes = h('button', {
      type: 'button', class: 'confirm-yes danger', text: t('editor.yes'),
      onclick: async () => {
        yes.disabled = true;
        try { await act(); } catch (err) { ctx.fail(err, errorEl); back(); }
      },
    });
    fill(wrap, h('span', { class: 'ask', role: 'alert', text: question }), yes, no);
    no.focus();
  }
  function back() {
    fill(wrap, button);
    button.focus();
  }
  return wrap;
}

// ---- Quizzes: edit, reorder, share, duplicate, delete ----

/** The buttons of a quiz in the list: edit and delete its owner's; duplicate anyone's. */
export function quizActions(quiz, errorEl) {
  return [
    quiz.editable && h('button', { type: 'button', class: 'edit-quiz', onclick: (ev) => editQuiz(quiz, ev.currentTarget), text: t('editor.edit') }),
    h('button', {
      type: 'button', class: 'duplicate-quiz', text: t('editor.duplicate'),
      onclick: async () => {
        try {
          await ctx.api('POST', `/api/quizzes/${quiz.id}/duplicate`);
          await ctx.reloadQuizzes();
        } catch (err) { ctx.fail(err, errorEl); }
      },
    }),
    quiz.editable && confirmButton('delete-quiz', t('editor.delete'), t('editor.deleteQuizAsk', { title: quiz.title }), async () => {
      await ctx.api('DELETE', `/api/quizzes/${quiz.id}`);
      await ctx.reloadQuizzes();
    }, errorEl),
  ];
}

/** Opens the edit form of a quiz under its row: title, sharing, its questions in order. */
async function editQuiz(quiz, button) {
  let detail;
  try { detail = await ctx.api('GET', `/api/quizzes/${quiz.id}`); } catch (err) { return ctx.fail(err, $('quiz-error')); }
  // Items: kept questions by their place in the quiz, added ones by bank and id.
  let items = detail.questions.map((q, i) => ({ keep: i, text: q.text, kind: q.kind }));
  const form = h('form', { id: 'quiz-edit', class: 'settings quiz-edit' });
  const title = h('input', { id: 'edit-title', maxlength: 120, value: detail.title });
  const shared = h('input', { id: 'edit-shared', type: 'checkbox', checked: detail.shared });
  const list = h('ol', { id: 'edit-questions', class: 'order' });
  const error = h('p', { class: 'error', role: 'alert' });
  const render = () => fill(list, items.map((it, i) => h('li', { class: 'row', dataset: { kind: it.kind } },
    h('span', { class: 'grow', text: it.text }),
    h('button', { type: 'button', class: 'up', disabled: i === 0, 'aria-label': t('editor.up', { n: i + 1 }), text: '▲', onclick: () => move(i, -1) }),
    h('button', { type: 'button', class: 'down', disabled: i === items.length - 1, 'aria-label': t('editor.down', { n: i + 1 }), text: '▼', onclick: () => move(i, 1) }),
    h('button', { type: 'button', class: 'remove', 'aria-label': t('editor.removeFromQuiz', { n: i + 1 }), text: '✕', onclick: () => { items.splice(i, 1); render(); } }))));
  const move = (i, by) => {
    const [it] = items.splice(i, 1);
    items.splice(i + by, 0, it);
    render();
    list.children[i + by]?.querySelector(by < 0 ? '.up' : '.down')?.focus();
  };
  const addPicked = h('button', {
    type: 'button', class: 'add-picked',
    onclick: async () => {
      for (const p of ctx.picked.values()) {
        const mine = p.bank === own.bank && own.questions.find((q) => q.id === p.id);
        items.push({ bank: p.bank, id: p.id, text: mine ? mine.text : ctx.questionText(p) });
      }
      render();
    },
    text: t('editor.addPicked', { n: num(ctx.picked.size) }),
  });
  fill(form,
    h('h3', { text: t('editor.editQuiz', { title: detail.title }) }),
    h('label', { for: 'edit-title', text: t('admin.quizTitle') }), title,
    h('label', { class: 'check' }, shared, h('span', { text: t('editor.share') })),
    h('small', { text: t('editor.shareHint') }),
    list, h('p', { class: 'row' }, addPicked), error,
    h('p', { class: 'row' },
      h('button', { class: 'primary', type: 'submit', text: t('editor.saveQuiz') }),
      h('button', { type: 'button', text: t('admin.cancel'), onclick: () => { form.remove(); button.focus(); } })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const questions = items.map((it) => (it.keep != null ? { keep: it.keep } : { bank: it.bank, id: it.id }));
    try {
      await ctx.api('PUT', `/api/quizzes/${quiz.id}`, { title: title.value, shared: shared.checked, questions });
      await ctx.reloadQuizzes();
    } catch (err) { ctx.fail(err, error); }
  });
  $('quiz-edit')?.remove();
  render();
  button.closest('li').after(form);
  title.focus();
}
