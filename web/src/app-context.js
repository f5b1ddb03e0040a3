// app-context.js - what every screen may need: the signed-in user, the workspace, the
// language (changing it re-renders the tree) and the hash route.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const AppCtx = createContext(null);
export const useApp = () => useContext(AppCtx);

export function navigate(path) {
  if (location.hash !== '#' + path) location.hash = path;
}

export function currentPath() {
  const h = location.hash.replace(/^#/, '');
  return h || '/projects';
}

// The query of the hash route ("#/p/FY/sales?channel=direct" -> {channel: 'direct'}): screens
// that take filters from a link read them here.
export function currentQuery() {
  const h = location.hash.replace(/^#/, '');
  const i = h.indexOf('?');
  return Object.fromEntries(new URLSearchParams(i < 0 ? '' : h.slice(i + 1)));
}

// A hash route with a query: route('/p/FY/sales', {channel: 'direct', rep: ''}) -> "/p/FY/sales?channel=direct".
export function route(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? path + '?' + s : path;
}

// Match "/p/:code/goals/:id" against a path; returns params or null.
export function match(pattern, path) {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('?')[0].split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}
