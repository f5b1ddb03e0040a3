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
