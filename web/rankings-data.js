// What the public rankings page and its print page share: reading the latest published version
// of a context over the public API (docs/protocol.md, "Published rankings"), which boards a
// level has, their names, and how a line's numbers read in Vietnamese.
import { t, num } from './common.js';

/** Lines per request; the server allows up to 500. */
export const PAGE_MAX = 500;

/** GET a JSON document; throws an Error whose `code` is the API's error code. */
export async function getJson(path) {
  let res;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' } });
  } catch {
    throw Object.assign(new Error(t('err.network')), { code: 'network' });
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.message ?? res.statusText), { code: body.code, status: res.status });
  return body;
}

const api = (context) => `/api/published/${encodeURIComponent(context)}`;

export const latest = (context) => getJson(api(context));
export const contexts = () => getJson('/api/published');

/** One page of a board of the latest version. */
export const board = (context, scope, offset = 0, limit = 50) =>
  getJson(`${api(context)}/board/${scope}?offset=${offset}&limit=${limit}`);

/** Up to `max` lines of a board, in pages of PAGE_MAX; resolves to `{ total, lines }`. */
export async function boardLines(context, scope, max) {
  const first = await board(context, scope, 0, Math.min(max, PAGE_MAX));
  const lines = [...first.lines];
  while (lines.length < Math.min(max, first.total)) {
    const next = await board(context, scope, lines.length, Math.min(PAGE_MAX, max - lines.length));
    if (!next.lines.length) break;
    lines.push(...next.lines);
  }
  return { total: first.total, lines };
}

export const csvUrl = (context, scope) => `${api(context)}/csv/${scope}`;
export const xlsxUrl = (context, scope) => `${api(context)}/xlsx/${scope}`;

// Organizers: every version, and any version's boards and files (with student codes).
const organizerApi = (context) => `/api/rankings/${encodeURIComponent(context)}`;
export const versions = (context) => getJson(`${organizerApi(context)}/versions`);
export const versionBoard = (context, version, scope, offset = 0, limit = 50) =>
  getJson(`${organizerApi(context)}/versions/${version}/board/${scope}?offset=${offset}&limit=${limit}`);
export const versionFile = (context, version, format, scope) =>
  `${organizerApi(context)}/versions/${version}/${format}/${scope}`;

/** POSTs JSON; throws like getJson. */
export async function postJson(path, body) {
  let res;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw Object.assign(new Error(t('err.network')), { code: 'network' });
  }
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(answer.message ?? res.statusText), { code: answer.code, status: res.status });
  return answer;
}

/** The date of a Unix-millisecond time in Vietnam: 10/10/2025. */
export function dateVn(ms) {
  return new Date(ms).toLocaleDateString('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric',
  });
}

/** «Phiên bản 2 · công bố ngày 10/10/2025». */
export const versionLine = (v) => t('rank.version', { n: v.version, date: dateVn(v.published_at) });

/**
 * The tabs of a level, each with its board's scope path. `commune` and `school` are codes;
 * a level whose unit is not chosen yet has no tabs.
 */
export function tabsOf(level, commune, school) {
  if (level === 'province') {
    return [
      { id: 'individual', scope: 'province' },
      { id: 'schools', scope: 'schools' },
      { id: 'communes', scope: 'communes' },
    ];
  }
  if (level === 'commune' && commune) {
    return [
      { id: 'individual', scope: `commune/${encodeURIComponent(commune)}` },
      { id: 'schools', scope: `schools/commune/${encodeURIComponent(commune)}` },
    ];
  }
  if (level === 'school' && school) {
    return [
      { id: 'individual', scope: `school/${encodeURIComponent(school)}` },
      { id: 'classes', scope: `classes/${encodeURIComponent(school)}` },
    ];
  }
  return [];
}

/** Whether a scope path ranks people. */
export const isIndividual = (scope) => /^(province|commune\/|school\/|class\/)/.test(scope);

/** A board's title; `names` holds the commune's and school's names when known. */
export function boardTitle(scope, names = {}) {
  const [kind, a, b] = scope.split('/').map(decodeURIComponent);
  const name = (code) => names[code] ?? code;
  switch (kind) {
    case 'province': return t('rank.board.province');
    case 'commune': return t('rank.board.commune', { name: name(a) });
    case 'school': return t('rank.board.school', { name: name(a) });
    case 'class': return t('rank.board.class', { class: b, name: name(a) });
    case 'schools': return a === 'commune' ? t('rank.board.schoolsOfCommune', { name: name(b) }) : t('rank.board.schools');
    case 'communes': return t('rank.board.communes');
    case 'classes': return t('rank.board.classes', { name: name(a) });
    default: return scope;
  }
}

const fixed = (n, digits) => n.toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** An individual's keys as read: score, and time in seconds. */
export function individualFigures(line) {
  const [score, timeMs] = line.keys;
  return { score: num(score), time: t('rank.seconds', { s: fixed(timeMs / 1000, 1) }) };
}

/** A collective's keys as read: participation rate, participants of enrolment, average, total. */
export function collectiveFigures(line) {
  const [ppm, averageMilli, total, participants] = line.keys;
  return {
    rate: t('rank.rate', { rate: fixed(ppm / 10000, 1) }),
    enrolled: t('rank.ofEnrolled', { n: num(participants), of: num(line.enrolment ?? 0) }),
    average: t('rank.average', { avg: fixed(averageMilli / 1000, 2) }),
    total: num(total),
    participants: num(participants),
  };
}
