// problems.js - a project's problems (/p/:code/problems): the generic list and forms of the
// problem noun (components/entity-page.js) with what a problem adds: its status moves as row
// buttons (start, resolve with a resolution, close, reopen: POST .../problems/{id}/status), an
// overdue problem's row and due time marked, the owner among the filters; above the list the
// per-owner summary (overdue problems count against their owner) and the project's SLA table,
// which its managers edit (PUT .../sla). The server judges every move; a refused one is said in
// the reader's language.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { dateTime, pct } from '../format.js';
import { useApp } from '../app-context.js';
import { EntityPage } from '../components/entity-page.js';
import { CLEAR } from '../components/crud.js';
import { useProjectAccess, wsAtLeast, projectAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Banner, Modal, Chip, Skeleton } from '../components/ui.js';
import { useLive } from '../live.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { optionLabel } from '../components/names.js';
import { CommentsButton } from '../components/comments.js';
import '../styles/forms.css';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const statusLabel = (s) => t('ent.problem.status.' + s);

// The moves a problem's status allows, as the server's rules do.
const MOVES = {
  open: [['in_progress', 'start'], ['resolved', 'resolve']],
  in_progress: [['resolved', 'resolve']],
  resolved: [['closed', 'close'], ['open', 'reopen']],
  closed: [['open', 'reopen']],
};

// A number typed for a deal or sales line: the id, none, or null for a bad value.
const idFromForm = (s) => {
  const v = String(s).trim();
  if (v === '') return CLEAR;
  return /^[1-9][0-9]{0,17}$/.test(v) ? Number(v) : null;
};

// Asks how the problem was resolved (and a note), then moves it to resolved.
function ResolveDialog({ rec, base, onClose, onDone }) {
  const [form, setForm] = useState({ resolution: '', note: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const labels = { resolution: t('ent.problem.resolution'), note: t('problem.note') };
  const save = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { status: 'resolved', version: rec.version, resolution: form.resolution };
    if (form.note.trim()) body.note = form.note;
    try { await api.post(base + '/' + enc(rec.id) + '/status', body); onDone(); } catch (err) { setError(err); }
    setBusy(false);
  };
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  return html`<${Modal} title=${t('problem.resolve_title', { title: rec.title })} onClose=${onClose}>
    <form id="resolve-form" class="form-grid" onSubmit=${save} novalidate>
      ${errorIsAt(error, Object.keys(labels)) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} wide name="resolution" label=${labels.resolution} error=${errorAt(error, 'resolution', labels)}>
        <textarea name="resolution" rows="3" value=${form.resolution} onInput=${set('resolution')}></textarea><//>
      <${FormField} wide name="note" label=${labels.note} error=${errorAt(error, 'note', labels)}>
        <input name="note" value=${form.note} onInput=${set('note')} /><//>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('problem.resolve')}</button></div>
    </form>
  <//>`;
}

// The per-owner summary: open, overdue, resolved, resolved within the SLA.
function Summary({ data }) {
  const rows = [...data.owners.map((o) => ({ ...o, label: o.name || o.owner })),
    { ...data.total, owner: '', label: t('problem.total') }];
  return html`<div class="card problem-summary" id="problem-summary">
    <h2>${t('problem.summary_title')}</h2><p class="muted">${t('problem.summary_sub')}</p>
    <div class="table-wrap"><table class="table">
      <thead><tr><th>${t('problem.col_owner')}</th><th class="num">${t('problem.col_open')}</th>
        <th class="num">${t('problem.col_overdue')}</th><th class="num">${t('problem.col_resolved')}</th>
        <th class="num">${t('problem.col_in_sla')}</th></tr></thead>
      <tbody>${rows.map((o) => html`<tr key=${o.owner || '*'} data-owner=${o.owner} class=${o.owner ? '' : 'row-total'}>
        <th scope="row">${o.label}</th><td class="num" data-col="open">${o.open}</td>
        <td class=${'num' + (o.overdue ? ' text-danger' : '')} data-col="overdue">${o.overdue}</td>
        <td class="num" data-col="resolved">${o.resolved}</td>
        <td class="num" data-col="in_sla">${o.resolved_in_sla}${o.sla_rate === null ? '' : ' · ' + pct(o.sla_rate)}</td></tr>`)}</tbody>
    </table></div>
  </div>`;
}

// The SLA table: hours per severity; its managers change them.
function SlaTable({ code, data, canEdit, onSaved }) {
  const hours = Object.fromEntries(data.sla.map((s) => [s.severity, String(s.hours)]));
  const [form, setForm] = useState(hours);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const labels = Object.fromEntries(SEVERITIES.map((s) => [s, t('ent.problem.severity.' + s)]));
  const save = async (e) => {
    e.preventDefault();
    setError(null); setSaved(false);
    const body = {};
    for (const s of SEVERITIES) if (form[s] !== hours[s]) body[s] = /^\d+$/.test(form[s].trim()) ? Number(form[s]) : form[s];
    try { await api.put('/projects/' + enc(code) + '/sla', body); setSaved(true); onSaved(); } catch (err) { setError(err); }
  };
  return html`<form class="card problem-sla" id="sla-form" onSubmit=${save} novalidate>
    <h2>${t('problem.sla_title')}</h2><p class="muted">${t('problem.sla_sub')}</p>
    ${errorIsAt(error, SEVERITIES) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
    ${saved ? html`<${Banner} kind="success" onDismiss=${() => setSaved(false)}>${t('problem.sla_saved')}<//>` : null}
    <div class="sla-grid">${data.sla.slice().reverse().map((s) => html`<${FormField} key=${s.severity} name=${'sla-' + s.severity}
        label=${labels[s.severity]} hint=${t('problem.sla_standard', { n: s.standard_hours })} error=${errorAt(error, s.severity, labels)}>
      ${canEdit ? html`<input name=${'sla-' + s.severity} inputmode="numeric" value=${form[s.severity]}
          onInput=${(e) => setForm({ ...form, [s.severity]: e.currentTarget.value })} />`
        : html`<span class="sla-hours" data-severity=${s.severity}>${s.hours} ${t('problem.sla_hours')}</span>`}<//>`)}</div>
    ${canEdit ? html`<div class="form-actions"><button type="submit" class="btn btn-primary" id="sla-save">${t('problem.sla_save')}</button></div>` : null}
  </form>`;
}

export function Problems({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const [tick, setTick] = useState(0);
  const [resolving, setResolving] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const base = '/projects/' + enc(code) + '/problems';
  const summary = useLoad(() => api.get(base + '/summary'), [code, tick]);
  const sla = useLoad(() => api.get('/projects/' + enc(code) + '/sla'), [code, tick]);
  const customers = useLoad(() => api.get('/customers?limit=1000'), []);
  const writer = wsAtLeast(app.me, 'rep');
  const manage = writer && projectAtLeast(access.can.prole, 'manager');
  const mayMove = (rec) => manage || (writer && projectAtLeast(access.can.prole, 'member') && rec.owner === app.me.user.login);
  const refresh = () => setTick(tick + 1);
  // a problem written by anyone: the list and its summary are read again
  useLive(code, ['problem'], () => setTick((n) => n + 1));

  const move = async (rec, to, reload) => {
    setError(null); setNotice(null);
    if (to === 'resolved') { setResolving({ rec, reload }); return; }
    try {
      await api.post(base + '/' + enc(rec.id) + '/status', { status: to, version: rec.version });
      setNotice(t('problem.moved', { title: rec.title, status: statusLabel(to) }));
    } catch (err) { setError(err); }
    reload(); refresh();
  };
  const custOptions = ((customers.data && customers.data.customers) || [])
    .map((c) => ({ value: String(c.id), label: optionLabel(c.name, String(c.id)) }));
  const extras = {
    notice: html`${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}><span id="problem-notice">${notice}</span><//>` : null}
      <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} labels=${{ status: t('ent.problem.status') }} />
      <div class="problem-panels">
        ${summary.data ? html`<${Summary} data=${summary.data} />` : summary.loading ? html`<div class="card"><${Skeleton} rows=${3} /></div>` : null}
        ${sla.data ? html`<${SlaTable} key=${tick} code=${code} data=${sla.data} canEdit=${manage} onSaved=${refresh} />` : null}
      </div>`,
    hide: ['description', 'owner_name', 'customer_name', 'deal_title', 'sale', 'opened_at', 'resolution'],
    refFilters: ['owner'],
    // the list is read again with the summary (a problem written here or anywhere)
    reloadKey: tick,
    rowClass: (rec) => (rec.overdue ? 'row-overdue' : ''),
    recName: (rec) => rec.title,
    cells: {
      title: (rec) => html`<span>${rec.title}</span> <${CommentsButton} on=${'problem:' + rec.id} title=${rec.title} />`,
      owner: (rec) => html`<span title=${rec.owner}>${rec.owner_name || rec.owner}</span>`,
      customer: (rec) => rec.customer_name,
      deal: (rec) => (rec.deal ? html`<span title=${'#' + rec.deal}>${rec.deal_title || '#' + rec.deal}</span>` : '—'),
      // its status, with when it is due and whether it is overdue or was resolved within the SLA
      status: (rec) => html`<${Chip}>${statusLabel(rec.status)}<//>
        ${rec.overdue ? html` <${Chip} kind="off_track">${t('problem.overdue')}<//>` : null}
        ${rec.sla_met === true ? html` <${Chip} kind="on_track">${t('problem.sla_met')}<//>` : null}
        ${rec.sla_met === false ? html` <${Chip} kind="at_risk">${t('problem.sla_missed')}<//>` : null}
        <div class="muted problem-due" title=${t('ent.problem.due_at')}>${t('ent.problem.due_at')} ${dateTime(rec.due_at)}</div>`,
    },
    fields: {
      // a new problem is the writer's own unless they choose another owner (a rep may only own theirs)
      owner: (spec) => ({ ...spec, default: spec.options.some((o) => o.value === app.me.user.login) ? app.me.user.login : spec.default }),
      customer: (spec) => ({ ...spec, options: custOptions, default: custOptions.length ? custOptions[0].value : '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: (s) => (s === '' ? undefined : Number(s)) }),
      deal: (spec) => ({ ...spec, type: 'text', inputmode: 'numeric', options: undefined, default: '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: idFromForm, invalid: t('form.invalid') }),
      sale: (spec) => ({ ...spec, type: 'text', inputmode: 'numeric', options: undefined, default: '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: idFromForm, invalid: t('form.invalid') }),
    },
    extraActions: (rec, reload) => (mayMove(rec) ? (MOVES[rec.status] || []).map(([to, verb]) => html`<button type="button"
        class=${'btn btn-small' + (verb === 'resolve' || verb === 'start' ? ' btn-primary' : '')} name="move" data-to=${to}
        aria-label=${t('problem.move_label', { action: t('problem.' + verb), title: rec.title })}
        onClick=${() => move(rec, to, reload)}>${t('problem.' + verb)}</button>`) : null),
  };
  return html`<div class="problems-screen">
    <${EntityPage} name="problem" project=${code} extras=${extras} />
    ${resolving ? html`<${ResolveDialog} rec=${resolving.rec} base=${base} onClose=${() => setResolving(null)}
      onDone=${() => { setNotice(t('problem.moved', { title: resolving.rec.title, status: statusLabel('resolved') }));
        resolving.reload(); setResolving(null); refresh(); }} />` : null}
  </div>`;
}
