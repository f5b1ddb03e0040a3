// names.js - names, not codes: channels, products, segments, promotions and people are
// stored by code ("tmall", "wang.fang"); a screen shows their names and keeps the code on
// hover (or the code, with the name on hover, where space is short). The catalogs and the
// users are loaded once per screen.
import { html } from '../html.js';
import { api } from '../api.js';
import { useLoad } from './ui.js';

const SOURCES = {
  channels: ['/channels', 'channels', 'code'],
  products: ['/products', 'products', 'sku'],
  segments: ['/segments', 'segments', 'code'],
  promotions: ['/promotions', 'promotions', 'code'],
  users: ['/users', 'users', 'login'],
};

async function loadNames(kinds) {
  const lists = await Promise.all(kinds.map((k) =>
    api.get(SOURCES[k][0]).then((r) => (r && r[SOURCES[k][1]]) || [], () => [])));
  const out = {};
  kinds.forEach((k, i) => { out[k] = lists[i]; });
  return out;
}

// useNames(['channels', 'users', ...]) -> {lists, name(kind, code), ready}
export function useNames(kinds) {
  const { data } = useLoad(() => loadNames(kinds), [kinds.join(',')]);
  const maps = {};
  for (const k of kinds) {
    const key = SOURCES[k][2];
    maps[k] = new Map(((data && data[k]) || []).map((x) => [x[key], x.name || '']));
  }
  return {
    ready: !!data,
    lists: data || Object.fromEntries(kinds.map((k) => [k, []])),
    name: (kind, code) => (code && maps[kind] && maps[kind].get(code)) || '',
  };
}

// A coded thing shown by name with its code on hover; short: the code, with its name on hover.
// Unknown codes show as they are.
export function Named({ names, kind, code, short }) {
  if (code === null || code === undefined || code === '') return '';
  const n = names.name(kind, code);
  if (!n || n === code) return html`<span class="named" data-code=${code}>${code}</span>`;
  return short
    ? html`<span class="named code" data-code=${code} title=${n}>${code}</span>`
    : html`<span class="named" data-code=${code} title=${code}>${n}</span>`;
}

// "名称 (code)" for an option in a select.
export const optionLabel = (name, code) => (name && name !== code ? `${name} (${code})` : code);
