// entity-page.js - the generic screen of a described noun (entities.js): a table of its
// records with the columns, filters, sorting and pages its description allows, and forms to
// create, edit and delete them, each field an input of its kind (money in major units, ratios
// as percents, enums as selects with their labels, references as a select of the named noun's
// records). The server stays the judge; the screen shows only what the caller's role may do.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, getLang, has } from '../i18n/index.js';
import { useApp, route, currentQuery } from '../app-context.js';
import { money, pct, date, dateTime, minorToDecimal, parseMoney, getCurrency } from '../format.js';
import { CrudPage, CLEAR } from './crud.js';
import { Chip, useLoad, useDebounced, Empty, ErrorBanner, Skeleton } from './ui.js';
import { wsAtLeast, useProjectAccess, projectAtLeast } from './access.js';
import { optionLabel } from './names.js';
import {
  entity, asFor, fieldLabelOf, fieldHintOf, valueLabel, nounLabel, pluralLabel, optional,
} from '../entities.js';

const PAGE = 50;
const blank = (v) => v === undefined || v === null || v === '';

// Whether a field is a column of the table (what a reader of the list wants to see).
// (a text read through a reference is left out: the reference's cell shows that record's name)
const isColumn = (f) => !f.secret && !f.input && f.kind !== 'id' && f.kind !== 'version'
  && !(f.readonly && f.kind === 'instant') && !(f.via && f.kind === 'text');
// Whether a field is part of the forms.
const isInput = (f) => !f.readonly && f.kind !== 'instant';

// A number typed by a user, checked against the field's kind and limits: the wire value,
// undefined for nothing, null for a bad value.
function numberFromForm(f, s) {
  const v = String(s).trim();
  if (v === '') return undefined;
  if (f.kind === 'money') {
    const m = parseMoney(v);
    return m === null || m === undefined || m < f.min || m > f.max ? null : m;
  }
  if (f.kind === 'ratio') {
    if (!/^\d+(\.\d{1,2})?$/.test(v)) return null;
    const bp = Math.round(Number(v) * 100);
    return bp < f.min || bp > f.max ? null : bp / 10000;
  }
  if (!/^-?\d+$/.test(v)) return null;
  const n = Number(v);
  return n < f.min || n > f.max ? null : n;
}

function numberToForm(f, v) {
  if (blank(v)) return '';
  if (f.kind === 'money') return minorToDecimal(v);
  if (f.kind === 'ratio') return String(Math.round(Number(v) * 10000) / 100);
  return String(v);
}

// What a number field says when its value is refused: the kind's rule with the field's range.
function invalidNumber(f) {
  if (f.kind === 'money') return t('form.bad_money_range', { min: minorToDecimal(f.min), max: minorToDecimal(f.max) });
  if (f.kind === 'ratio') return t('form.bad_percent_range', { min: f.min / 100, max: f.max / 100 });
  return t('form.bad_count_range', { min: f.min, max: f.max });
}

// A yes/no as the noun says it (ent.<noun>.<field>.true: "On sale"), else Yes / No.
const boolLabel = (e, f, v) => optional(`ent.${e.name}.${f.name}.${v}`) || t(v ? 'ent.yes' : 'ent.no');

const isNumber = (f) => f.kind === 'money' || f.kind === 'ratio' || f.kind === 'count';

// A record's value as the table shows it.
function cell(e, f, rec, refs) {
  const as = asFor(f, rec);
  const v = rec[f.name];
  if (blank(v)) return as.kind === 'bool' ? '' : '—';
  switch (as.kind) {
    case 'money': return money(v);
    case 'ratio': return pct(Number(v));
    case 'date': return date(v);
    case 'instant': return dateTime(v);
    case 'bool': return v ? html`<${Chip} kind="on_track">${boolLabel(e, f, true)}<//>` : html`<${Chip} kind="closed">${boolLabel(e, f, false)}<//>`;
    case 'enum': return html`<${Chip}>${valueLabel(e, f, v)}<//>`;
    case 'code': return html`<span class="code">${v}</span>`;
    case 'ref': {
      const name = refs.name(f.ref, v);
      return name ? html`<span title=${v}>${name}</span>` : html`<span class="code">${v}</span>`;
    }
    default: return String(v);
  }
}

// The records of the nouns e's references name (for their names and the forms' selects). In a
// project noun (a RACI line) a person is one of the project's members: those are offered.
// A noun with faces of its own that a reference may name (a position's project): its list.
const OWN_FACES = { project: { name: 'project', plural: 'projects', key: 'code', scope: 'workspace', verbs: ['list'] } };
const target = (noun) => entity(noun) || OWN_FACES[noun] || null;
// What names a record in a select and a cell: its name, or its title (a position).
const recName = (r) => r.name || r.title || '';

function useRefs(e, project) {
  const targets = [...new Set(e.fields.filter((f) => f.kind === 'ref' && !f.readonly && f.ref).map((f) => f.ref))]
    .map(target).filter((x) => x && x.scope === 'workspace' && x.verbs.includes('list'));
  const listOf = (x) => (x.name === 'user' && e.scope === 'project' && project
    ? api.get('/projects/' + enc(project) + '/members').then((r) => (r && r.members) || [], () => [])
    : api.get('/' + x.plural).then((r) => (r && r[x.plural]) || [], () => []));
  const { data } = useLoad(async () => {
    const lists = await Promise.all(targets.map(listOf));
    return Object.fromEntries(targets.map((x, i) => [x.name, lists[i]]));
  }, [e.name, project]);
  const lists = data || {};
  return {
    lists,
    key: (noun) => (target(noun) ? target(noun).key : 'code'),
    name: (noun, key) => {
      const k = target(noun) ? target(noun).key : 'code';
      // a noun named by its id (a training session) is referred to by the id's text
      const r = (lists[noun] || []).find((x) => String(x[k]) === String(key));
      return r ? recName(r) : '';
    },
  };
}

// The form's spec of one field (components/crud.js), from its description.
function formField(e, f, refs) {
  const spec = {
    key: f.name,
    label: (form) => fieldLabelOf(e, f, form),
    hint: (form) => fieldHintOf(e, f, form) || (asFor(f, form).kind === 'money' ? getCurrency() : undefined),
    required: f.required,
    createOnly: f.create_only,
  };
  // a checkbox that was not required is left to the server's default on create (a new product is active)
  if (f.kind === 'bool') return { ...spec, type: 'checkbox', editOnly: !f.required, toForm: (v) => !!v };
  if (f.kind === 'note') return { ...spec, type: 'textarea', wide: true };
  if (f.kind === 'date') return { ...spec, type: 'date', fromForm: (s) => (s ? s : f.nullable ? CLEAR : undefined) };
  if (f.secret) return { ...spec, type: 'password', fromForm: (s) => (s ? s : undefined) };
  if (f.kind === 'enum' || f.kind === 'ref') {
    const options = f.kind === 'enum'
      ? (f.values || []).map((v) => ({ value: v, label: valueLabel(e, f, v) }))
      : (refs.lists[f.ref] || []).map((r) => ({ value: r[refs.key(f.ref)], label: optionLabel(recName(r), r[refs.key(f.ref)]) }));
    const none = !f.required ? [{ value: '', label: t('ent.none') }] : [];
    return {
      ...spec, type: 'select', options: [...none, ...options],
      default: f.required && options.length ? options[0].value : '',
      // a noun named by its id (a training session) is referred to by the id, a number
      fromForm: (s) => (s === '' ? (f.nullable ? CLEAR : undefined)
        : f.kind === 'ref' && refs.key(f.ref) === 'id' ? Number(s) : s),
    };
  }
  if (isNumber(f) || f.variants) {
    return {
      ...spec, inputmode: 'decimal',
      toForm: (v, rec) => numberToForm(asFor(f, rec), v),
      fromForm: (s, form) => {
        const v = numberFromForm(asFor(f, form), s);
        return v === undefined && f.nullable ? CLEAR : v;
      },
      invalid: (form) => invalidNumber(asFor(f, form)),
      placeholder: f.kind === 'money' ? '0.00' : undefined,
    };
  }
  // an optional text emptied on edit is sent empty (a segment's region taken away); a required
  // one left empty is not sent, for the server to say it is required
  if (f.kind === 'text' && !f.required) return { ...spec, type: 'text' };
  return { ...spec, type: f.kind === 'email' ? 'email' : 'text', fromForm: (s) => (s === '' ? undefined : s) };
}

// The list's filter bar: a search on the first text filter, a select for each enum and bool filter,
// and one for each reference the screen names (refFilters: a problem's owner among the members).
// The list filters a link names in its query (#/p/FY/activities?member=x&phase=pre_sale, a
// dashboard figure's drill-down): the list opens with them, so it shows exactly the records the
// figure counts. The server judges them (a filter it does not know is a 422 naming it).
const NOT_FILTERS = new Set(['comments', 'offset', 'limit']);
export function linkFilters() {
  const q = {};
  for (const [k, v] of Object.entries(currentQuery())) if (!NOT_FILTERS.has(k) && v !== '') q[k] = v;
  return q;
}

// A filter the toolbar does not show (a range, a flag only a link sets), as "label: value".
function linkedText(e, k, v) {
  const f = e.fields.find((x) => x.name === k);
  const label = f ? fieldLabelOf(e, f) : has('filter.' + k) ? t('filter.' + k) : k;
  const value = v === 'true' ? t('ent.yes') : v === 'false' ? t('ent.no')
    : f && (f.kind === 'enum') ? valueLabel(e, f, v) : v.replace('..', ' – ');
  return label + ': ' + value;
}

function Filters({ e, q, setQ, refs, refFilters = [] }) {
  // one search box: on the name when the noun has one, else its first text filter
  const texts = e.fields.filter((f) => f.filter && (f.kind === 'text' || f.kind === 'code'));
  const text = texts.find((f) => f.name === 'name') || texts[0];
  const selects = e.fields.filter((f) => f.filter && (f.kind === 'enum' || f.kind === 'bool'
    || (f.kind === 'ref' && refFilters.includes(f.name))));
  const shown = new Set([text, ...selects].filter(Boolean).map((f) => f.name));
  const linked = Object.entries(q).filter(([k, v]) => !shown.has(k) && !['offset', 'sort', 'order'].includes(k) && v !== '');
  if (!text && !selects.length && !linked.length) return null;
  const set = (k) => (ev) => setQ({ ...q, [k]: ev.currentTarget.value, offset: 0 });
  const filtered = [text, ...selects].some((f) => f && q[f.name]) || linked.length > 0;
  const clear = () => setQ({ sort: q.sort, order: q.order, offset: 0 });
  return html`<div class="filters card entity-filters" role="search">
    ${linked.length ? html`<div class="filters-linked" id="linked-filters" data-n=${String(linked.length)}>
      <span class="muted small">${t('filter.linked')}</span>
      ${linked.map(([k, v]) => html`<span class="chip chip-neutral" data-filter=${k}>${linkedText(e, k, String(v))}</span>`)}</div>` : null}
    ${text ? html`<label class="field"><span class="field-label">${t('ent.search', { field: fieldLabelOf(e, text) })}</span>
      <input type="search" name=${'filter-' + text.name} value=${q[text.name] || ''} onInput=${set(text.name)} /></label>` : null}
    ${selects.map((f) => html`<label class="field"><span class="field-label">${fieldLabelOf(e, f)}</span>
      <select name=${'filter-' + f.name} value=${q[f.name] || ''} onChange=${set(f.name)}>
        <option value="">${t('ent.all')}</option>
        ${f.kind === 'bool' ? html`<option value="true">${boolLabel(e, f, true)}</option><option value="false">${boolLabel(e, f, false)}</option>`
          : f.kind === 'ref' ? (refs.lists[f.ref] || []).map((r) => html`<option value=${r[refs.key(f.ref)]}>${optionLabel(recName(r), r[refs.key(f.ref)])}</option>`)
          : (f.values || []).map((v) => html`<option value=${v}>${valueLabel(e, f, v)}</option>`)}
      </select></label>`)}
    ${filtered ? html`<button class="btn btn-ghost filters-clear" onClick=${clear}>${t('action.clear')}</button>` : null}
  </div>`;
}

// extras: what a screen adds to a noun's generic one: {extraActions(rec, reload), title, subtitle,
// notice: drawn under the title (a list of to-dos), onChange(): after a record is saved or
// deleted, reloadKey: the list is read again when it changes, rowClass(rec), cells: {name:
// (rec, reload) => cell} to draw a column its own way, hide: [names] of columns left out,
// refFilters: [names] of references to filter on,
// query: {name: value} filters the screen sets beyond the toolbar's (a risk matrix's cell),
// fields: {name: (spec) => spec'} to change a field's form spec, update(rec, body),
// summary(items): drawn above the table from the rows listed, recName(rec): how the edit
// dialog and the delete confirmation name a record}.
export function EntityPage({ name, project, extras = {} }) {
  const app = useApp();
  const e = entity(name);
  const access = useProjectAccess(app.me, project || '', !project);
  const refs = useRefs(e || { fields: [], name: '' }, project);
  const [q, setQ] = useState(() => ({ offset: 0, ...linkFilters() }));
  const search = useDebounced(q, 250);
  if (!e) return html`<${Empty} title=${t('err.not_found_page')} />`;
  if (project && access.loading) return html`<div class="card"><${Skeleton} rows=${4} /></div>`;
  if (project && access.error) return html`<${ErrorBanner} error=${access.error} onRetry=${access.reload} />`;

  const writer = wsAtLeast(app.me, 'rep');
  const login = app.me.user.login;
  let canWrite, canEditRec;
  if (e.scope === 'workspace') {
    canWrite = wsAtLeast(app.me, e.write_role);
    canEditRec = () => canWrite;
  } else {
    const full = writer && projectAtLeast(access.can.prole, e.write_role);
    const own = writer && e.own_field && projectAtLeast(access.can.prole, 'member');
    canWrite = full || own;
    canEditRec = (rec) => full || (own && rec[e.own_field] === login);
  }
  const base = e.scope === 'project' ? '/projects/' + enc(project) + '/' + e.plural : '/' + e.plural;
  const query = {};
  for (const [k, v] of Object.entries(search)) if (k !== 'offset' && v !== '') query[k] = v;
  for (const [k, v] of Object.entries(extras.query || {})) query[k] = v;
  query.limit = PAGE;
  query.offset = search.offset || 0;
  const columns = e.fields.filter(isColumn).filter((f) => !(extras.hide || []).includes(f.name)).map((f) => ({
    key: f.name,
    label: fieldLabelOf(e, f),
    cls: (isNumber(f) || f.variants ? 'num' : '') + (f.kind === 'note' ? ' wrap' : ''),
    sort: f.sort ? f.name : undefined,
    render: (rec, reload) => (extras.cells && extras.cells[f.name] ? extras.cells[f.name](rec, reload) : cell(e, f, rec, refs)),
  }));
  const fields = e.fields.filter(isInput)
    .filter((f) => !f.write_role || wsAtLeast(app.me, f.write_role))
    .map((f) => formField(e, f, refs))
    .map((fd) => (extras.fields && extras.fields[fd.key] ? extras.fields[fd.key](fd) : fd));
  const sub = optional('ent.' + e.name + '.sub');
  const spec = {
    title: extras.title || pluralLabel(e), subtitle: extras.subtitle || sub, update: extras.update, path: route(base, query), itemPath: base, listKey: e.plural, key: e.key,
    newLabel: t('ent.new', { noun: nounLabel(e) }),
    emptyTitle: t('ent.empty', { plural: pluralLabel(e).toLocaleLowerCase(getLang()) }), emptyHint: optional('ent.' + e.name + '.hint'),
    canWrite,
    canCreate: canWrite && e.verbs.includes('create'),
    canEdit: (rec) => e.verbs.includes('update') && canEditRec(rec),
    canDelete: (rec) => e.verbs.includes('delete') && canEditRec(rec),
    columns, fields, extraActions: extras.extraActions, summary: extras.summary, notice: extras.notice,
    rowClass: extras.rowClass, onChange: extras.onChange, reloadKey: extras.reloadKey,
    // a record named by its id reads by its name or title
    recName: extras.recName || ((r) => (e.key === 'id' ? r.name || r.title || '#' + r.id : r[e.key])),
    toolbar: html`<${Filters} e=${e} q=${q} setQ=${setQ} refs=${refs} refFilters=${extras.refFilters} />`,
    sortState: { sort: q.sort, order: q.order, onSort: (k) => setQ({ ...q, sort: k, order: q.sort === k && q.order !== 'desc' ? 'desc' : 'asc', offset: 0 }) },
    pager: { limit: PAGE, offset: q.offset || 0, onChange: (o) => setQ({ ...q, offset: o }) },
  };
  return html`<${CrudPage} key=${e.name + (project || '')} spec=${spec} />`;
}
