// Helpers shared by the player, host and admin pages: the message catalogue, safe DOM
// building, option shapes and the WebSocket connection with reconnect (docs/protocol.md).
import vi from './i18n/vi.js';

// One catalogue for now; adding a language means importing its file and choosing it here.
const catalogue = vi;

/** Room events, ordered by the room's seq (docs/protocol.md, "Sequence numbers"). */
const ROOM_EVENTS = new Set(['question', 'reveal', 'leaderboard', 'podium', 'locked', 'lobby', 'answered', 'kicked', 'bye']);

/** The text for `key`, with {name} placeholders filled from `params`. */
export function t(key, params) {
  const text = catalogue[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Fills elements marked data-i18n (text), data-i18n-placeholder and data-i18n-label. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }
}

/** The message for an error code, from the catalogue, else the server's own text. */
export function errorText(code, serverMessage, retryAfterMs) {
  const key = `err.${code}`;
  if (key in catalogue) return t(key, { s: Math.ceil((retryAfterMs ?? 1000) / 1000) });
  return serverMessage || t('err.unknown', { code });
}

/**
 * A refused or failed API request: the HTTP `status` (0 without a connection), the `code` of
 * docs/protocol.md (`network` without a connection), the `message` a person reads (the
 * catalogue's, else the server's Vietnamese text) and `retryMs` when the server said when.
 */
export class ApiError extends Error {
  constructor(status, code, message, retryMs) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryMs = retryMs;
  }
}

/**
 * A JSON request to the API with the page's cookies; the parsed answer, or an ApiError.
 * State-changing requests always carry a JSON body, even an empty one (the server checks it).
 */
export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', errorText('network'));
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    throw new ApiError(resp.status, data.code, errorText(data.code, data.message, data.retry_after_ms), data.retry_after_ms);
  }
  return data;
}

/**
 * Builds an element. Strings among `children` become text nodes, so user text (nicknames,
 * question text) is never parsed as HTML. `attrs`: `class`, `text`, `on<event>`, `dataset`,
 * anything else as an attribute (skipped when null/false).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c != null && c !== false) el.append(c);
  }
  return el;
}

/**
 * Asks on the page before a step that cannot be undone, and resolves `true` for yes. Not
 * `window.confirm`: a browser's own box shows the site's address over the question, cannot be
 * read aloud in our words, and some phones' browsers suppress it after a few. «Không» has the
 * focus, so a stray Enter changes nothing; Esc answers no. Needs /confirm.css on the page.
 */
export function confirmOnPage(text, yes = t('confirm.yes')) {
  return new Promise((resolve) => {
    const returnTo = document.activeElement;
    const question = h('p', { id: 'confirm-text', text });
    const ok = h('button', { type: 'button', class: 'danger', text: yes });
    const no = h('button', { type: 'button', text: t('confirm.no') });
    const dialog = h('dialog', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'confirm-text' },
      question, h('p', { class: 'confirm-buttons' }, ok, no));
    const answer = (yesNo) => {
      dialog.close();
      dialog.remove();
      if (returnTo?.isConnected) returnTo.focus();
      resolve(yesNo);
    };
    ok.addEventListener('click', () => answer(true));
    no.addEventListener('click', () => answer(false));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); answer(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/**
 * The download links of a game's report (docs/protocol.md, reports): the CSVs as Excel with
 * Vietnamese settings reads them, and the workbook. `attrs` are added to each link.
 */
export function reportLinks(gameId, attrs = {}) {
  const base = `/api/games/${encodeURIComponent(gameId)}`;
  const link = (href, key) => h('a', { ...attrs, href, download: true, text: t(key) });
  return [
    link(`${base}/report.csv?part=players&format=excel-vi`, 'host.reportPlayers'),
    link(`${base}/report.csv?part=questions&format=excel-vi`, 'host.reportQuestions'),
    link(`${base}/report.csv?part=answers&format=excel-vi`, 'host.reportAnswers'),
    link(`${base}/report.xlsx`, 'host.reportXlsx'),
  ];
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

// Option shapes in display order: red ▲, blue ◆, yellow ●, green ■, purple ★, teal ⬟.
const SHAPE_PATHS = [
  'M12 2.5 22.5 21h-21z',
  'M12 1.5 22.5 12 12 22.5 1.5 12z',
  'M12 2a10 10 0 1 0 0.01 0z',
  'M3 3h18v18H3z',
  'M12 1.5l3.1 6.6 7.2.9-5.3 5 1.4 7.1L12 17.6l-6.4 3.5L7 14l-5.3-5 7.2-.9z',
  'M12 1.5 22.5 9.2 18.5 21.5h-13L1.5 9.2z',
];

/** The inline SVG shape of the option at display position `i`, labelled for screen readers. */
export function shape(i) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'shape');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t(`shape.${i % 6}`));
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', SHAPE_PATHS[i % 6]);
  svg.append(path);
  return svg;
}

/** Options of a question as shown: true/false questions may come without texts. */
export function optionsOf(question) {
  if (question.kind === 'true_false' && !(question.options?.length)) {
    return [{ id: 1, text: t('tf.true') }, { id: 2, text: t('tf.false') }];
  }
  return question.options ?? [];
}

/** Formats a number the Vietnamese way (1.000, 3,5). */
export function num(n) {
  return typeof n === 'number' ? n.toLocaleString('vi-VN') : String(n ?? '');
}

/** An answer value as typed, without grouping (a year reads 2026, not 2.026); comma decimals. */
export function plain(n) {
  return String(n ?? '').replace('.', ',');
}

/** Retries (1 + 2 + 4 + 8 s of backoff) during which a server that said `bye: shutdown` is
 *  reported as restarting rather than down. */
const RESTART_RETRIES = 4;

/**
 * A WebSocket to /ws that says who it is on every (re)connection and comes back by itself
 * with backoff 1, 2, 4 … 10 s plus jitter, as docs/protocol.md asks. Messages whose `seq`
 * is below the last one seen are dropped; a `welcome` (a fresh snapshot) resets the count.
 */
export class Live {
  /**
   * @param {() => object} hello the first message of each connection (join/resume/host)
   * @param {(msg: object) => void} onMessage
   * @param {(state: string, info?: number) => void} onStatus 'open' | 'down' | 'restarting'
   *   (with the ms until the retry)
   * @param {string} path the endpoint: `/ws`, or `/ws/bell` for Rung chuông vàng
   */
  constructor(hello, onMessage, onStatus = () => {}, path = '/ws') {
    this.hello = hello;
    this.path = path;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.ws = null;
    this.lastSeq = -1;
    this.failures = 0;
    this.timer = 0;
    this.stopped = false;
    this.serverRestart = false; // the server said `bye: shutdown`: it is coming back
    // Phones come back online before the backoff timer fires: try again at once.
    this.onOnline = () => { if (this.timer) this.reconnectNow(); };
    addEventListener('online', this.onOnline);
  }

  start() {
    this.stopped = false;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${this.path}`);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify(this.hello()));
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.stopped) this.retry();
    };
  }

  receive(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    if (msg.type === 'welcome' || msg.type === 'bell_welcome') {
      this.lastSeq = msg.seq ?? -1;
      this.failures = 0;
      this.serverRestart = false;
      this.onStatus('open');
    } else if (typeof msg.seq === 'number' && ROOM_EVENTS.has(msg.type)) {
      // Only room events are ordered by seq; a receipt, result or final carries the seq of the
      // event it belongs to and may arrive after a later event (a lock, say): never drop it.
      if (msg.seq < this.lastSeq) return;
      this.lastSeq = msg.seq;
    }
    this.onMessage(msg);
  }

  retry() {
    const base = Math.min(10000, 1000 * 2 ** this.failures);
    this.failures += 1;
    // ±25 % jitter so a classroom whose Wi-Fi comes back does not reconnect in one burst.
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.timer = setTimeout(() => { this.timer = 0; this.start(); }, delay);
    // 'restarting' keeps «the server is restarting» up while we wait, not «connection lost»;
    // after RESTART_RETRIES failed tries (about 15 s) a server that has not come back is down.
    const restarting = this.serverRestart && this.failures <= RESTART_RETRIES;
    this.onStatus(restarting ? 'restarting' : 'down', delay); // may call stop()
  }

  reconnectNow() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.start();
  }

  /** Sends a message; false when there is no open connection. */
  send(msg) {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** The server is shutting down (`bye: shutdown`): reconnect after the usual backoff, and
   *  report 'restarting' rather than 'down' until a welcome. */
  restarting() {
    this.serverRestart = true;
    this.drop();
  }

  /** Drops the current connection and reconnects (after the usual backoff). */
  drop() {
    this.ws?.close();
  }

  /** Closes for good: no reconnect. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = 0;
    removeEventListener('online', this.onOnline);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }
}

/** The status banner of a page: `show(text)` keeps it up, `show(text, ms)` for `ms` only. */
export function banner(el) {
  let timer = 0;
  return (text, ms) => {
    clearTimeout(timer);
    el.textContent = text;
    el.hidden = !text;
    if (ms) timer = setTimeout(() => { el.hidden = true; }, ms);
  };
}

/** Milliseconds left until a deadline set from the server's `remaining_ms`. */
export function countdown(remainingMs) {
  const end = performance.now() + remainingMs;
  return () => Math.max(0, end - performance.now());
}
