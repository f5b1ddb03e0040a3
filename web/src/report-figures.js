// report-figures.js - the evaluation report's arithmetic that the screen does itself, kept
// apart from the DOM so tests/web/test_report_figures.mjs runs it in Node: two projects'
// figures side by side (the difference and the change in percent from the first to the
// second, as the server's files read), the report's links and file names (each format in a
// language and as of a day) and the goals' attainment and segments' share bars.
// Money stays integer minor units; a difference of two amounts is exact.

// The formats the report downloads in, in the order of its buttons.
export const FORMATS = ['pdf', 'xlsx', 'html', 'csv', 'json'];

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// From one project's figure to the other's, as the server's comparison reads them
// (report/evaluation_doc.c: the second less the first): to - from, and to / from - 1 (null
// when from is not a positive number: no change in percent from nothing). Either side
// missing: both null.
export function diffOf(from, to) {
  if (!isNum(from) || !isNum(to)) return { diff: null, change: null };
  return { diff: to - from, change: from > 0 ? to / from - 1 : null };
}

// The totals compared, each with its unit (money: minor units; ratio: 0..1; count).
export const TOTALS = [
  ['revenue', 'money'], ['margin', 'money'], ['units', 'count'], ['deals_won', 'count'],
  ['win_rate', 'ratio'], ['new_customers', 'count'], ['goals_met', 'count'],
];

// The totals of two evaluations side by side: [{key, unit, left, right, diff, change}], the
// difference from the left one (the project asked about) to the right one (compared with).
// A ratio's difference is in points of the ratio (0.05 = 5 points).
export function compareTotals(left, right) {
  const a = (left && left.totals) || {}, b = (right && right.totals) || {};
  return TOTALS.map(([key, unit]) => {
    const l = a[key] ?? null, r = b[key] ?? null;
    return { key, unit, left: l, right: r, ...diffOf(l, r) };
  });
}

// The channels of two evaluations side by side, one row per channel of either (by code): the
// left project's order first (by its revenue, largest first), then those only the right has.
// [{code, name, left: row|null, right: row|null, revenue: {diff, change}, roi: {diff}}]
export function compareChannels(left, right) {
  const a = (left && left.channels) || [], b = (right && right.channels) || [];
  const byRev = (x, y) => (y.revenue || 0) - (x.revenue || 0) || String(x.code).localeCompare(String(y.code));
  const rb = new Map(b.map((c) => [c.code, c]));
  const rows = a.slice().sort(byRev).map((c) => ({ code: c.code, name: c.name || c.code, left: c, right: rb.get(c.code) || null }));
  const seen = new Set(a.map((c) => c.code));
  for (const c of b.slice().sort(byRev)) if (!seen.has(c.code)) rows.push({ code: c.code, name: c.name || c.code, left: null, right: c });
  // a channel one project did not use had no revenue there: the difference is all of it
  return rows.map((r) => ({
    ...r,
    revenue: diffOf(r.left ? r.left.revenue : 0, r.right ? r.right.revenue : 0),
    margin: diffOf(r.left ? r.left.margin : 0, r.right ? r.right.margin : 0),
    roi: diffOf(r.left && r.left.roi, r.right && r.right.roi),
  }));
}

// The two evaluations of a compare answer (GET .../report/compare: {"projects": [the project
// asked about, the one it is compared with], ...}): {left, right}, null when absent.
export function compareSides(answer) {
  const p = answer && Array.isArray(answer.projects) ? answer.projects : [];
  return { left: p[0] || null, right: p[1] || null };
}

// The report's URL under /api/v1 for a format: the language the file is written in, and the
// day it is as of (an interim report's, when one was chosen). with: the compare route's.
export function reportHref(code, { format, lang, asOf, withCode } = {}) {
  const q = new URLSearchParams();
  if (withCode) q.set('with', withCode);
  q.set('format', format || 'json');
  if (lang) q.set('lang', lang);
  if (asOf) q.set('as_of', asOf);
  return '/api/v1/projects/' + encodeURIComponent(code) + '/report' + (withCode ? '/compare' : '') + '?' + q.toString();
}

// The name a downloaded file is saved under, as the server names it in its
// Content-Disposition (report/evaluation_doc.c): CODE-evaluation[-interim]-DAY.ext, or
// CODE-vs-CODE2-DAY.ext for a comparison. The browser takes the server's name when it gives
// one; this one serves the answers without it (the JSON).
export function reportFileName(code, { format, interim, asOf, withCode } = {}) {
  // byte by byte as the server does: a character past ASCII is as many '_' as its UTF-8 bytes
  const safe = (c) => Array.from(new TextEncoder().encode(String(c)),
    (b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '_')).join('');
  const ext = format || 'json';
  if (withCode) return `${safe(code)}-vs-${safe(withCode)}-${asOf}.${ext}`;
  return `${safe(code)}-evaluation${interim ? '-interim' : ''}-${asOf}.${ext}`;
}

// The goals as bars: attainment in percent (one decimal), met or missed; a goal without an
// attainment (no target) has no bar (null) but keeps its place.
export function attainmentBars(goals) {
  return (goals || []).map((g) => ({
    id: g.id,
    value: isNum(g.attainment) ? Math.round(g.attainment * 1000) / 10 : null,
    met: !!g.met,
  }));
}

// A segment's planned and actual share as bars in percent (one decimal).
export function shareBars(segments) {
  const p = (v) => (isNum(v) ? Math.round(v * 1000) / 10 : null);
  return (segments || []).map((s) => ({ code: s.code, planned: p(s.planned_share), actual: p(s.actual_share) }));
}
