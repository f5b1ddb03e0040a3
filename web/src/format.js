// format.js - display formatting. Money arrives as integer minor units and is formatted
// with integer (BigInt) arithmetic into an exact decimal string; no float ever holds it.
import { getLang } from './i18n/index.js';

let currency = 'CNY';
let timeZone = undefined;
export function setWorkspaceFormat(ws) {
  if (ws && ws.currency) currency = ws.currency;
  if (ws && ws.timezone) timeZone = ws.timezone;
}
export function getCurrency() { return currency; }

const cache = new Map();
function nf(key, opts) {
  const k = getLang() + '|' + key;
  if (!cache.has(k)) cache.set(k, new Intl.NumberFormat(getLang(), opts));
  return cache.get(k);
}

// Exact decimal string "1234.56" from minor units (number or string or bigint).
export function minorToDecimal(minor) {
  let v;
  try { v = BigInt(minor); } catch (e) { return null; }
  const neg = v < 0n;
  if (neg) v = -v;
  const whole = v / 100n;
  const frac = (v % 100n).toString().padStart(2, '0');
  return (neg ? '-' : '') + whole.toString() + '.' + frac;
}

// opts.compact: ¥48.9亿 / CN¥4.9B; opts.currency: another currency than the workspace's (a
// report written in its project's).
export function money(minor, opts = {}) {
  if (minor === null || minor === undefined || minor === '') return '—';
  const dec = minorToDecimal(minor);
  if (dec === null) return '—';
  const c = opts.currency || currency;
  const f = nf('money' + c + (opts.compact ? 'c' : ''), {
    style: 'currency', currency: c,
    ...(opts.compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
  });
  // Intl.NumberFormat formats a decimal string exactly (ES2023); older engines coerce it.
  return f.format(dec);
}

// Parse "1,234.5" / "199.00" (major units) into integer minor units, or null when invalid.
export function parseMoney(s) {
  if (s === null || s === undefined) return null;
  const t = String(s).trim().replace(/[,\s]/g, '');
  const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(t);
  if (!m) return null;
  const v = BigInt(m[2]) * 100n + BigInt((m[3] || '').padEnd(2, '0') || '0');
  const r = m[1] ? -v : v;
  if (r > BigInt(Number.MAX_SAFE_INTEGER) || r < -BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(r);
}

export function num(n) {
  if (n === null || n === undefined || n === '') return '—';
  return nf('int', { maximumFractionDigits: 0 }).format(n);
}

// Rates are shown to one decimal place.
export function pct(r) {
  if (r === null || r === undefined || r === '' || Number.isNaN(Number(r))) return '—';
  return nf('pct', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(r));
}

// A change as a signed rate, "+23.1%" / "−4.0%".
export function pctChange(r) {
  if (r === null || r === undefined || !Number.isFinite(Number(r))) return '—';
  return nf('pctc', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(Number(r));
}

// A goal value by its unit.
export function valueOf(unit, v, opts) {
  if (unit === 'money') return money(v, opts);
  if (unit === 'ratio') return pct(v);
  return num(v);
}

// --- calendar dates ----------------------------------------------------------------------
// A date ("2026-03-01") is a day of the workspace's calendar, not an instant: it is held as
// the UTC midnight of that day and always formatted with timeZone 'UTC', so no browser time
// zone (Asia/Shanghai, America/Los_Angeles) moves it by a day. Charts get these UTC numbers
// and run with useUTC. Never pass "YYYY-MM-DD" through new Date() and format it in local time.

function parseDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
}

// The UTC midnight (ms) of a calendar date "YYYY-MM-DD" (or of a month "YYYY-MM"); NaN if none.
export function dayMs(s) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(s || '');
  return m ? Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1) : NaN;
}

// The calendar date "YYYY-MM-DD" of a UTC-midnight number (as dayMs gives and charts hand back).
export function dayOf(ms) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

const asDate = (v) => (typeof v === 'number' ? new Date(v) : parseDay(v));

// A calendar date "2026-03-01" (or a dayMs number), shown in the UI language (no time zone shift).
export function date(s) {
  if (s === null || s === undefined || s === '') return '—';
  const d = asDate(s);
  if (!d || Number.isNaN(d.getTime())) return String(s);
  return dateFmt('d', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}
export function shortDate(s) {
  const d = asDate(s);
  if (!d || Number.isNaN(d.getTime())) return typeof s === 'string' ? s : '';
  return dateFmt('s', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}
// A calendar month "2026-03": "2026年3月" / "Mar 2026"; short: "3月" / "Mar".
export function monthName(s, short) {
  const ms = dayMs(s);
  if (Number.isNaN(ms)) return s || '';
  return dateFmt(short ? 'ms' : 'm', short ? { month: 'short', timeZone: 'UTC' }
    : { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(ms));
}

// The last day "YYYY-MM-DD" of a month "YYYY-MM".
export function monthEnd(s) {
  const m = /^(\d{4})-(\d{2})/.exec(s || '');
  return m ? dayOf(Date.UTC(+m[1], +m[2], 0)) : '';
}

// An instant (ISO timestamp or UTC seconds), in the workspace time zone.
export function dateTime(v) {
  if (v === null || v === undefined || v === '') return '—';
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return dateFmt('t', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }).format(d);
}

const dcache = new Map();
function dateFmt(key, opts) {
  const k = getLang() + '|' + key + '|' + (opts.timeZone || '');
  if (!dcache.has(k)) {
    try { dcache.set(k, new Intl.DateTimeFormat(getLang(), opts)); } catch (e) {
      dcache.set(k, new Intl.DateTimeFormat(getLang(), { ...opts, timeZone: undefined }));
    }
  }
  return dcache.get(k);
}

// Today on the workspace's calendar (its time zone, not the browser's), as "YYYY-MM-DD".
export function today() {
  const parts = {};
  let fmt;
  try { fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }); }
  catch (e) { fmt = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }); }
  for (const p of fmt.formatToParts(new Date())) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export function addDays(s, n) {
  const d = parseDay(s) || new Date();
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// Whole-percent bucket 0..100 for width classes (.pct-N) - CSP forbids inline styles.
export function pctClass(r) {
  const n = Math.max(0, Math.min(100, Math.round((Number(r) || 0) * 100)));
  return 'pct-' + n;
}
