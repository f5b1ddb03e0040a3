// activities.js - a project's activities (/p/:code/activities): the to-do list (planned
// activities, overdue ones first and marked, each with a Done button), the log form (create and
// edit: every kind and phase, today and the caller preselected, a customer typed by name and
// picked from suggestions, or a deal by its number) and the list with its filters, on the generic noun screen
// (components/entity-page.js). A rep logs and edits their own; a manager anyone's; the server
// decides (own_field "member").
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { useApp, route } from '../app-context.js';
import { date, dateTime, today } from '../format.js';
import { EntityPage } from '../components/entity-page.js';
import { CLEAR } from '../components/crud.js';
import { Chip, useLoad, useDebounced, ErrorBanner, Skeleton } from '../components/ui.js';
import { useProjectAccess, projectAtLeast, wsAtLeast } from '../components/access.js';

// Customers by name as the pickers have met them (searches, records edited): name -> id.
const known = new Map();

// A customer typed by name: suggestions of the workspace's customers whose name holds what is
// typed (GET /customers?q=), as the browser's own list, so a phone keyboard stays up.
function CustomerPicker({ value, onValue, id, ...aria }) {
  const q = useDebounced(String(value || '').trim(), 200);
  const r = useLoad(() => (q ? api.get('/customers', { q, limit: 20 }).then((x) => (x && x.customers) || [], () => []) : []), [q]);
  useEffect(() => {
    for (const c of r.data || []) known.set(c.name, c.id);
    // the form judges the value again now that the name is known
    if (r.data && known.has(value)) onValue(value);
  }, [r.data]);
  const list = (id || 'customer') + '-list';
  return html`<input id=${id} name="customer" type="search" list=${list} autocomplete="off" value=${value}
      placeholder=${t('act.customer_search')} onInput=${(e) => onValue(e.currentTarget.value)} ...${aria} />
    <datalist id=${list}>${(r.data || []).map((c) => html`<option value=${c.name}></option>`)}</datalist>`;
}

// A form's customer: typed by name and picked from the suggestions (the record's own kept on edit).
export function customerField(required) {
  return (spec) => ({
    ...spec, type: 'custom',
    render: (value, set) => html`<${CustomerPicker} value=${value} onValue=${set} />`,
    toForm: (v, rec) => {
      if (v === null || v === undefined || !rec) return '';
      known.set(rec.customer_name, v);
      return rec.customer_name;
    },
    fromForm: (s) => {
      const v = String(s || '').trim();
      if (v === '') return required ? undefined : CLEAR;
      if (known.has(v)) return known.get(v);
      return /^#?\d+$/.test(v) ? Number(v.replace('#', '')) : null;
    },
    invalid: t('act.pick_customer'),
  });
}

// A customer named on a record: a link to their page.
export const customerCell = (rec) => (rec.customer === null || rec.customer === undefined ? '—'
  : html`<a class="customer-link" href=${'#/customers/' + enc(rec.customer)}>${rec.customer_name || '#' + rec.customer}</a>`);

const markDone = (code, rec) => api.patch('/projects/' + enc(code) + '/activities/' + enc(rec.id), { status: 'done', version: rec.version });

// One to-do: when it is due (overdue marked), what, with whom, and Done for whoever may.
function Todo({ code, rec, canDone, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const done = async () => {
    setBusy(true); setError(null);
    try { await markDone(code, rec); onDone(); } catch (e) { setError(e); setBusy(false); }
  };
  return html`<li class=${'todo' + (rec.overdue ? ' todo-overdue' : '')} data-id=${rec.id}>
    <div class="todo-main">
      <div class="todo-what"><${Chip}>${t('ent.activity.kind.' + rec.kind)}<//>
        ${rec.overdue ? html`<${Chip} kind="off_track">${t('act.overdue')}<//>` : null}
        <span class="todo-customer">${customerCell(rec)}</span>
        ${rec.deal ? html`<span class="muted">${t('act.deal_no', { id: rec.deal })}</span>` : null}</div>
      <div class="todo-when muted">${t('act.due', { when: rec.time ? dateTime(rec.due_at) : date(rec.date) })
        + ' · ' + (rec.member_name || rec.member) + ' · ' + t('ent.activity.phase.' + rec.phase)}</div>
      ${rec.notes ? html`<div class="todo-notes">${rec.notes}</div>` : null}
      ${error ? html`<${ErrorBanner} error=${error} />` : null}
    </div>
    ${canDone ? html`<button class="btn btn-primary btn-small todo-done" disabled=${busy} onClick=${done}>${t('act.done')}</button>` : null}
  </li>`;
}

// The to-dos: planned activities by due time (so overdue first); a rep's own, or everyone's.
function Todos({ code, me, manager, version, onChange }) {
  const [mine, setMine] = useState(!manager);
  const query = { status: 'planned', sort: 'due_at', limit: 100 };
  if (mine) query.member = me.user.login;
  const r = useLoad(() => api.get(route('/projects/' + enc(code) + '/activities', query)), [code, mine, version]);
  const rows = (r.data && r.data.activities) || [];
  const writer = wsAtLeast(me, 'rep');
  const canDone = (rec) => writer && (manager || rec.member === me.user.login);
  return html`<div class="card todos" id="todos">
    <div class="card-head"><h2>${t('act.todo')}</h2><span class="muted">${t('act.todo_sub')}</span>
      ${manager ? html`<label class="todo-scope"><input type="checkbox" name="todo-mine" checked=${mine}
        onChange=${(e) => setMine(e.currentTarget.checked)} /> ${t('act.mine')}</label>` : null}</div>
    <${ErrorBanner} error=${r.error} onRetry=${r.reload} />
    ${r.loading && !r.data ? html`<${Skeleton} rows=${2} />`
      : rows.length === 0 ? html`<p class="muted todo-empty">${t('act.todo_empty')}</p>`
      : html`<ul class="todo-list">${rows.map((rec) => html`<${Todo} key=${rec.id + ':' + rec.version} code=${code} rec=${rec}
          canDone=${canDone(rec)} onDone=${onChange} />`)}</ul>`}
  </div>`;
}

export function Activities({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const manager = projectAtLeast(access.can.prole, 'manager') && wsAtLeast(app.me, 'rep');
  const login = app.me.user.login;
  const extras = {
    title: t('act.title'),
    notice: html`<${Todos} code=${code} me=${app.me} manager=${manager} version=${version} onChange=${bump} />`,
    onChange: bump,
    reloadKey: version,
    fields: {
      date: (spec) => ({ ...spec, default: today() }),
      time: (spec) => ({ ...spec, type: 'time' }),
      customer: customerField(false),
      // a rep logs their own: the member is theirs (the server's default)
      member: (spec) => ({ ...spec, skip: () => !manager, default: login }),
      deal: (spec) => ({ ...spec, inputmode: 'numeric' }),
      // logged as done unless planned (the server's default, said by the form)
      status: (spec) => ({ ...spec, options: spec.options.filter((o) => o.value !== ''), default: 'done' }),
    },
    cells: {
      customer: customerCell,
      deal: (rec) => (rec.deal ? '#' + rec.deal : '—'),
      overdue: (rec) => (rec.overdue ? html`<${Chip} kind="off_track">${t('act.overdue')}<//>` : ''),
      status: (rec) => html`<${Chip} kind=${rec.status === 'done' ? 'on_track' : rec.overdue ? 'off_track' : 'neutral'}>${t('ent.activity.status.' + rec.status)}<//>`,
    },
    recName: (r) => t('ent.activity.kind.' + r.kind) + ' · ' + date(r.date),
  };
  if (access.loading) return html`<div class="card"><${Skeleton} rows=${4} /></div>`;
  return html`<${EntityPage} name="activity" project=${code} extras=${extras} />`;
}
