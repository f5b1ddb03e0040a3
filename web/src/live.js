// live.js - the live stream of changes (GET /api/v1/events, server-sent events): one
// EventSource per tab, open while some screen listens, reconnected with a growing wait when
// it drops. A screen calls useLive(project, kinds, reread) (or subscribe() outside a
// component): reread runs, debounced, when a change of one of those kinds ('sale', 'deal',
// 'task', 'problem', 'goal'... or '*') is written in that project by anyone, anywhere; and
// after the stream was down (what changed meanwhile is unknown: every listener re-reads).
// The server judges what each reader may see; this only routes what it was sent.
import { useEffect, useRef } from 'preact/hooks';

const listeners = new Set(); // { project, kinds: Set|null, fn }
const watchers = new Set(); // fn(state)
let source = null;
let state = 'idle'; // 'idle' (nobody listens), 'up', 'down' (reconnecting)
let wait = 0; // ms before the next attempt
let timer = null;
let wasDown = false;

const WAIT_FIRST = 1000;
const WAIT_MAX = 30000;

function setState(s) {
  if (s === state) return;
  state = s;
  for (const fn of watchers) fn(s);
}

function tell(change) {
  for (const l of listeners) {
    if (change.project && l.project && l.project !== change.project) continue;
    if (change.kind && l.kinds && !l.kinds.has(change.kind)) continue;
    try { l.fn(change); } catch (e) { /* one screen's failure is not the stream's */ }
  }
}

function open() {
  if (source || !listeners.size || typeof EventSource === 'undefined') return;
  clearTimeout(timer);
  timer = null;
  const es = new EventSource('/api/v1/events', { withCredentials: true });
  source = es;
  es.onopen = () => {
    wait = 0;
    setState('up');
    // what was written while the stream was down is not known: everyone reads again
    if (wasDown) { wasDown = false; tell({}); }
  };
  es.addEventListener('change', (ev) => {
    let c = null;
    try { c = JSON.parse(ev.data); } catch (e) { return; }
    if (c && typeof c === 'object') tell({ project: String(c.project || ''), kind: String(c.kind || ''), id: c.id });
  });
  // the server could not resume from where we were: read everything again
  es.addEventListener('reset', () => tell({}));
  // the session ended, or the server stops: as a drop (the next attempt finds out which)
  es.addEventListener('end', () => drop());
  es.onerror = () => drop();
}

// The stream dropped (or was refused: 401, 429, 503): close it and try again, later each time.
function drop() {
  if (source) { source.close(); source = null; }
  if (!listeners.size) { setState('idle'); return; }
  wasDown = true;
  setState('down');
  wait = wait ? Math.min(wait * 2, WAIT_MAX) : WAIT_FIRST;
  clearTimeout(timer);
  // a little spread, so that the tabs of a restarted server do not all come back at once
  timer = setTimeout(open, wait + Math.floor(Math.random() * 250));
}

function close() {
  clearTimeout(timer);
  timer = null;
  if (source) { source.close(); source = null; }
  wait = 0;
  wasDown = false;
  setState('idle');
}

// Listen to the changes of kinds (an array; null or ['*'] = any) in project (a code; '' = any).
// Returns the function that stops listening.
export function subscribe(project, kinds, fn) {
  const any = !kinds || kinds.includes('*');
  const l = { project: project || '', kinds: any ? null : new Set(kinds), fn };
  listeners.add(l);
  open();
  return () => {
    listeners.delete(l);
    if (!listeners.size) close();
  };
}

// Be told the stream's state ('idle', 'up', 'down') now and whenever it changes.
export function watchLive(fn) {
  watchers.add(fn);
  fn(state);
  return () => watchers.delete(fn);
}

export function liveState() { return state; }

// Signing out: the stream ends and nobody is told again until a screen listens anew.
export function stopLive() {
  listeners.clear();
  close();
}

// A component's subscription: reread() at most once per delay ms, after the changes settle.
export function useLive(project, kinds, reread, delay = 250) {
  const fn = useRef(reread);
  fn.current = reread;
  const key = (kinds || ['*']).join(',');
  useEffect(() => {
    let t = null;
    const off = subscribe(project, kinds, () => {
      clearTimeout(t);
      t = setTimeout(() => fn.current(), delay);
    });
    return () => { clearTimeout(t); off(); };
  }, [project, key, delay]);
}
