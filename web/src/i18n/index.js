// i18n/index.js - the UI language: follows navigator.language until the user picks one in
// the header (remembered in localStorage). t(key, vars) looks a string up in the catalog.
import zhMain from './zh-CN.js';
import enMain from './en.js';
import zhReasons from './reasons.zh-CN.js';
import enReasons from './reasons.en.js';

const zh = { ...zhMain, ...zhReasons };
const en = { ...enMain, ...enReasons };
const catalogs = { 'zh-CN': zh, en };
export const LANGS = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
];
const KEY = 'salespm.lang';

function detect() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && catalogs[saved]) return saved;
  } catch (e) { /* storage disabled */ }
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let lang = detect();
document.documentElement.lang = lang;

export function getLang() { return lang; }
export function setLang(l) {
  if (!catalogs[l]) return;
  lang = l;
  document.documentElement.lang = l;
  try { localStorage.setItem(KEY, l); } catch (e) { /* ignore */ }
}

export function t(key, vars) {
  let s = catalogs[lang][key];
  if (s === undefined) s = en[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// Whether the catalog has key (in the current language or English).
export function has(key) { return catalogs[lang][key] !== undefined || en[key] !== undefined; }

// For enum-like values (status, metric, role): the label, or the raw value when unknown.
export function tv(prefix, value) {
  const k = prefix + '.' + value;
  const s = catalogs[lang][k] || en[k];
  return s || String(value ?? '');
}
