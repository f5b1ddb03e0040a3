// entities.js - the nouns as the server describes them (GET /api/v1/entities, written from
// src/core's entity descriptions): their fields with kind, limits, enum values and who may
// write them. The generic screens (components/entity-page.js), the navigation and the routes
// are built from it, so a field is described once, in core, for the browser too. Labels come
// from the catalogs by name:
//   ent.<noun>             one record ("Segment")          ent.<noun>.plural   the screen, the nav
//   ent.<noun>.sub         the screen's subtitle (optional) ent.<noun>.hint     its empty list's hint (optional)
//   ent.<noun>.<field>     a field's label                  ent.<noun>.<field>.hint  its hint (optional)
//   ent.<noun>.<field>.<value>  an enum's value, or a variant field's label for that value
import { t, has, tv } from './i18n/index.js';

let list = [];

export function setEntities(l) { list = Array.isArray(l) ? l : []; }
export const entities = () => list;
export const entity = (name) => list.find((e) => e.name === name) || null;

// The noun a generic route names: its plural in a scope ('workspace' or 'project'), if it has a screen.
export const entityAt = (plural, scope) => list.find((e) => e.plural === plural && e.scope === scope && e.section) || null;

// Navigation sections in the order of the method (steps 2-7), then any other in name order.
const ORDER = ['strategy', 'team', 'execution', 'plan', 'monitoring', 'adjustment', 'evaluation', 'communication', 'admin'];

// [{section, nouns}] of the nouns with a screen in scope that pass keep(noun).
export function sections(scope, keep = () => true) {
  const by = new Map();
  for (const e of list) {
    if (e.scope !== scope || !e.section || !keep(e)) continue;
    if (!by.has(e.section)) by.set(e.section, []);
    by.get(e.section).push(e);
  }
  const rank = (s) => (ORDER.indexOf(s) < 0 ? ORDER.length : ORDER.indexOf(s));
  return [...by.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))
    .map(([section, nouns]) => ({ section, nouns: nouns.sort((a, b) => a.section_rank - b.section_rank || a.name.localeCompare(b.name)) }));
}

export const nounLabel = (e) => t('ent.' + e.name);
export const pluralLabel = (e) => t('ent.' + e.name + '.plural');
export const optional = (key) => (has(key) ? t(key) : undefined);

// The value of the enum field that a variant field follows, in a form or a record.
const variantOf = (f, rec) => (f.variants && rec ? f.variants.kinds[rec[f.variants.by]] : null);

// The field as it is for rec (its kind and limits follow another field's value).
export function asFor(f, rec) {
  const v = variantOf(f, rec);
  return v ? { ...f, ...v } : f;
}

// A field's label (a variant field's label for the value it follows, when the catalog has one).
export function fieldLabelOf(e, f, rec) {
  if (f.variants && rec) {
    const k = `ent.${e.name}.${f.name}.${rec[f.variants.by]}`;
    if (has(k)) return t(k);
  }
  return t(`ent.${e.name}.${f.name}`);
}

export function fieldHintOf(e, f, rec) {
  if (f.variants && rec) {
    const k = `ent.${e.name}.${f.name}.${rec[f.variants.by]}.hint`;
    if (has(k)) return t(k);
  }
  return optional(`ent.${e.name}.${f.name}.hint`);
}

// An enum value's label: the noun's own (ent.<noun>.<field>.<value>), else the one the UI
// shares for that field (role.<value>, status.<value>), else the value itself.
export const valueLabel = (e, f, v) => (has(`ent.${e.name}.${f.name}.${v}`) ? t(`ent.${e.name}.${f.name}.${v}`) : tv(f.name, v));

// The labels every described noun needs in a catalog, each as the keys any one of which will
// do (tests/web/test_catalogs.mjs checks them).
export function labelKeys(e) {
  const keys = [['ent.' + e.name], ['ent.' + e.name + '.plural']];
  for (const f of e.fields) {
    if (f.kind === 'id' || f.kind === 'version' || (f.readonly && f.kind === 'instant')) continue;
    keys.push([`ent.${e.name}.${f.name}`]);
    for (const v of f.values || []) keys.push([`ent.${e.name}.${f.name}.${v}`, `${f.name}.${v}`]);
  }
  return keys;
}
