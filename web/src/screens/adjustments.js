// adjustments.js - a project's adjustments (/p/:code/adjustments, step 6 of the method): the
// timeline (GET .../adjustments, newest first, filtered by kind), each entry with what changed
// (before → after), the reason, who and when, and its effect (GET .../adjustments/{id}/effect):
// the daily metric before against after with the sample sizes, the 95% interval and the
// verdict in words. A project manager makes an adjustment in a form (POST .../adjustments):
// the kind, the record, the fields to change (a blank one stays as it is) and the reason.
// Values are typed as the server reads them (money 90.00, a percent 12.5, a date); the server
// judges every change. A chart's marker links here with ?id=N: that entry is opened and marked.
import { useState, useEffect } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { date, dateTime, money, num, pctChange } from '../format.js';
import { useApp, currentQuery } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Chip, Modal } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { useProjectAccess } from '../components/access.js';
import '../styles/forms.css';
import '../styles/adjust.css';

// (a project's reopening is kept as kind 'project', made by reopening it, not here)
export const KINDS = ['goal', 'channel', 'price', 'promotion', 'channel_plan', 'plan', 'quota'];
const METRICS = ['revenue', 'units', 'margin'];

// Per kind: where its records are listed, how one is named, and the fields a form offers
// (type: date, yesno, a list to pick from, or text as typed).
const FORMS = {
  goal: { list: (c) => '/projects/' + enc(c) + '/goals', key: 'goals', id: (r) => String(r.id), name: (r) => r.name || ('#' + r.id),
    fields: [['target', 'text'], ['start', 'date'], ['due', 'date'], ['scope_segment', 'seg'], ['scope_channel', 'chan'], ['scope_product', 'prod']] },
  channel: { list: () => '/channels', key: 'channels', id: (r) => r.code, name: (r) => r.name + ' (' + r.code + ')',
    fields: [['active', 'yesno'], ['cost_rate', 'text']] },
  price: { list: () => '/products', key: 'products', id: (r) => r.sku, name: (r) => r.name + ' (' + r.sku + ')',
    fields: [['price', 'text'], ['cost', 'text'], ['effective', 'date']] },
  promotion: { list: () => '/promotions', key: 'promotions', id: (r) => r.code, name: (r) => r.name + ' (' + r.code + ')',
    fields: [['start', 'date'], ['end', 'date'], ['value', 'text'], ['budget', 'text'], ['products', 'text'], ['channels', 'text'], ['segments', 'text']] },
  channel_plan: { list: (c) => '/projects/' + enc(c) + '/channels', key: 'channels', id: (r) => String(r.id), name: (r) => r.channel_name || r.channel,
    fields: [['share', 'text'], ['budget', 'text']] },
  plan: { list: (c) => '/projects/' + enc(c) + '/tasks', key: 'tasks', id: (r) => String(r.id), name: (r) => r.title,
    fields: [['start', 'date'], ['due', 'date'], ['assignee', 'mem']] },
  // a goal's quota split: one field per member who may hold a quota (their login), the
  // split's version, and only the goals that take quotas
  quota: { list: (c) => '/projects/' + enc(c) + '/quotas', key: 'goals', id: (r) => String(r.goal), name: (r) => r.name,
    only: (r) => r.quotas && r.quotas.offered, version: (r) => r.quotas.version, fields: [] },
};

// The quota form's fields: each member but viewers, a text input for their new target.
const quotaFields = (members) => members.filter((m) => m.role !== 'viewer').map((m) => [m.login, 'quota', m.name || m.login]);

const kindLabel = (k) => t('adjust.kind.' + k);
const fieldName = (f) => t('adjust.field.' + f);
// a value as the reader reads it: a project's status in words (a reopening), else as kept
// (the report's adjustments table says them the same way)
export const valueText = (kind, f, v) => (v === '' ? t('common.none') : kind === 'project' && f === 'status' ? t('pstatus.' + v) : v);
// the timeline lists a project's reopenings too (made by reopening it, not by this form)
const FILTER_KINDS = [...KINDS, 'project'];

// A daily value of the metric in words: money in major units, units as a count.
const fmt = (metric, v) => (metric === 'units' ? num(Math.round(v * 100) / 100) : money(Math.round(v)));

function Effect({ code, adj }) {
  const [metric, setMetric] = useState(adj.metric);
  const e = useLoad(() => api.get('/projects/' + enc(code) + '/adjustments/' + adj.id + '/effect', { metric }), [code, adj.id, metric]);
  const d = e.data;
  const verdict = d && d.verdict.code.replace('effect.', '');
  return html`<div class="adj-effect" data-verdict=${verdict || ''}>
    <div class="adj-effect-head"><strong>${t('adjust.effect')}</strong>
      <label class="adj-metric"><span class="sr-only">${t('adjust.metric')}</span>
        <select name="metric" value=${metric} onChange=${(ev) => setMetric(ev.currentTarget.value)}>
          ${METRICS.map((m) => html`<option value=${m}>${t('adjust.metric.' + m)}</option>`)}</select></label></div>
    ${e.error ? html`<${ErrorBanner} error=${e.error} onRetry=${e.reload} />` : !d ? html`<${Skeleton} rows=${2} />` : html`
      <p class=${'adj-verdict verdict-' + verdict}>${t('adjust.verdict.' + verdict, {
        metric: t('adjust.metric.' + d.metric), days: d.days, min: d.verdict.params.min_days,
        diff: fmt(d.metric, Math.abs(d.diff)), pct: d.change === null ? '' : pctChange(d.change) })}</p>
      <dl class="adj-figures">
        <div><dt>${t('adjust.before', { n: d.before.n })}</dt><dd class="adj-before">${fmt(d.metric, d.before.mean)}</dd></div>
        <div><dt>${t('adjust.after', { n: d.after.n })}</dt><dd class="adj-after">${fmt(d.metric, d.after.mean)}</dd></div>
        <div><dt>${t('adjust.diff')}</dt><dd class="adj-diff">${(d.diff >= 0 ? '+' : '−') + fmt(d.metric, Math.abs(d.diff))}</dd></div>
        <div><dt>${t('adjust.ci')}</dt><dd class="adj-ci">${d.ci ? fmt(d.metric, d.ci[0]) + ' … ' + fmt(d.metric, d.ci[1]) : '—'}</dd></div>
      </dl>`}
  </div>`;
}

function Entry({ code, adj, open }) {
  const changes = Object.entries(adj.changes || {});
  return html`<li class=${'card adj-entry' + (open ? ' adj-open' : '')} id=${'adj-' + adj.id} data-id=${adj.id} data-kind=${adj.kind}>
    <div class="adj-head">
      <span class="adj-date">${date(adj.effective)}</span>
      <${Chip} kind="draft">${kindLabel(adj.kind)}<//>
      <span class="adj-record">${adj.record}</span>
    </div>
    <ul class="adj-changes">${changes.map(([f, c]) => html`<li key=${f} data-field=${f}>
      <span class="adj-field">${adj.kind === 'quota' ? t('adjust.quota_of', { who: f }) : fieldName(f)}</span>
      <span class="adj-was">${valueText(adj.kind, f, c.before)}</span> → <span class="adj-now">${valueText(adj.kind, f, c.after)}</span></li>`)}</ul>
    <p class="adj-reason"><span class="muted">${t('adjust.reason')}:</span> ${adj.reason}</p>
    <p class="adj-who muted">${t('adjust.by', { who: adj.by || '—', at: dateTime(adj.at) })}</p>
    <${Effect} code=${code} adj=${adj} />
  </li>`;
}

function AdjustForm({ code, onClose, onSaved }) {
  const [kind, setKind] = useState('goal');
  const [record, setRecord] = useState('');
  const [vals, setVals] = useState({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const form = FORMS[kind];
  const recs = useLoad(() => api.get(form.list(code)), [kind, code]);
  const segs = useLoad(() => (kind === 'goal' ? api.get('/segments') : null), [kind]);
  const chans = useLoad(() => (kind === 'goal' ? api.get('/channels') : null), [kind]);
  const prods = useLoad(() => (kind === 'goal' ? api.get('/products') : null), [kind]);
  const mems = useLoad(() => (kind === 'plan' || kind === 'quota' ? api.get('/projects/' + enc(code) + '/members') : null), [kind, code]);
  const rows = ((recs.data && recs.data[form.key]) || []).filter(form.only || (() => true));
  const members = (mems.data && mems.data.members) || [];
  const fields = kind === 'quota' ? quotaFields(members) : form.fields;
  const options = {
    seg: ((segs.data && segs.data.segments) || []).map((s) => [s.code, s.name]),
    chan: ((chans.data && chans.data.channels) || []).map((c) => [c.code, c.name]),
    prod: ((prods.data && prods.data.products) || []).map((p) => [p.sku, p.name]),
    mem: ((mems.data && mems.data.members) || []).filter((m) => m.role !== 'viewer').map((m) => [m.login, m.name || m.login]),
  };
  const labels = { reason: t('adjust.reason'), record: t('adjust.record'), kind: t('adjust.kind'), changes: t('adjust.changes') };
  for (const [f, type, name] of fields) labels[f] = type === 'quota' ? name : fieldName(f);
  if (kind === 'quota') labels.quotas = t('adjust.kind.quota');
  const chosen = rows.find((r) => form.id(r) === record);
  // a member's quota now in the chosen goal's split, in the goal's unit as typed
  const quotaNow = (login) => {
    const line = chosen && chosen.quotas && (chosen.quotas.lines || []).find((l) => l.person === login);
    if (!line) return t('adjust.unchanged');
    return chosen.unit === 'money' ? (line.target / 100).toFixed(2) : String(line.target);
  };
  const pickKind = (k) => { setKind(k); setRecord(''); setVals({}); setError(null); };
  const save = async (ev) => {
    ev.preventDefault();
    setError(null);
    const rec = rows.find((r) => form.id(r) === record);
    const changes = {};
    for (const [f, type] of fields) {
      const v = vals[f];
      if (v === undefined || v === '') continue;
      changes[f] = type === 'yesno' ? v === 'yes' : v === '-' ? null : v.trim();
    }
    try {
      const version = rec ? (form.version ? form.version(rec) : rec.version) : 0;
      await api.post('/projects/' + enc(code) + '/adjustments', { kind, record, changes, reason: reason.trim(), version });
      onSaved();
    } catch (err) { setError(err); }
  };
  const input = (f, type) => {
    const set = (e) => setVals({ ...vals, [f]: e.currentTarget.value });
    if (type === 'date') return html`<input type="date" name=${f} value=${vals[f] || ''} onInput=${set} />`;
    if (type === 'yesno') return html`<select name=${f} value=${vals[f] || ''} onChange=${set}>
      <option value="">${t('adjust.unchanged')}</option><option value="yes">${t('adjust.yes')}</option><option value="no">${t('adjust.no')}</option></select>`;
    if (type === 'text') return html`<input name=${f} value=${vals[f] || ''} placeholder=${t('adjust.unchanged')} onInput=${set} />`;
    if (type === 'quota') return html`<input name=${'quota-' + f} inputmode="decimal" value=${vals[f] || ''} placeholder=${quotaNow(f)} onInput=${set} />`;
    return html`<select name=${f} value=${vals[f] || ''} onChange=${set}>
      <option value="">${t('adjust.unchanged')}</option>${type !== 'mem' ? html`<option value="-">${t('adjust.clear')}</option>` : null}
      ${options[type].map(([v, n]) => html`<option value=${v}>${n}</option>`)}</select>`;
  };
  return html`<${Modal} title=${t('adjust.new')} onClose=${onClose} wide>
    <form id="adjust-form" class="form-grid" onSubmit=${save} novalidate>
      ${errorIsAt(error, ['reason', 'record', 'kind', ...fields.map(([f]) => f)]) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="kind" label=${labels.kind} error=${errorAt(error, 'kind', labels)}>
        <select name="kind" value=${kind} onChange=${(e) => pickKind(e.currentTarget.value)}>
          ${KINDS.map((k) => html`<option value=${k}>${kindLabel(k)}</option>`)}</select><//>
      <${FormField} name="record" label=${labels.record} error=${errorAt(error, 'record', labels)}>
        <select name="record" value=${record} onChange=${(e) => setRecord(e.currentTarget.value)}>
          <option value="">${t('adjust.pick')}</option>
          ${rows.map((r) => html`<option value=${form.id(r)}>${form.name(r)}</option>`)}</select><//>
      ${kind === 'quota' && record ? html`<p class="muted adj-quota-note">${t('adjust.quota_note')}</p>` : null}
      ${(kind === 'quota' && !record ? [] : fields).map(([f, type]) => html`<${FormField} key=${kind + f} name=${f} label=${labels[f]} hint=${t('adjust.hint.' + (type === 'text' ? f : type))}
        error=${errorAt(error, f, labels)}>${input(f, type)}<//>`)}
      <${FormField} wide name="reason" label=${labels.reason} hint=${t('adjust.reason_hint')} error=${errorAt(error, 'reason', labels)}>
        <textarea name="reason" rows="2" maxlength="900" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}></textarea><//>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" id="adjust-save">${t('adjust.save')}</button></div>
    </form>
  <//>`;
}

export function Adjustments({ code }) {
  const app = useApp();
  const { can } = useProjectAccess(app.me, code);
  const [kind, setKind] = useState('');
  const [form, setForm] = useState(false);
  const openId = Number(currentQuery().id) || null;
  const list = useLoad(() => api.get('/projects/' + enc(code) + '/adjustments', kind ? { kind } : undefined), [code, kind]);
  const items = (list.data && list.data.adjustments) || [];
  useEffect(() => {
    const el = openId && document.getElementById('adj-' + openId);
    if (el && el.scrollIntoView) el.scrollIntoView({ block: 'center' });
  }, [openId, items.length]);
  return html`<section class="adjust-screen">
    <${PageHead} title=${t('adjust.title')} subtitle=${t('adjust.sub')}
      actions=${can.adjust ? html`<button class="btn btn-primary" id="adjust-new" onClick=${() => setForm(true)}>${t('adjust.new')}</button>` : null} />
    <div class="filters"><label class="field"><span class="field-label">${t('adjust.kind')}</span>
      <select name="kind-filter" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
        <option value="">${t('common.all')}</option>${FILTER_KINDS.map((k) => html`<option value=${k}>${kindLabel(k)}</option>`)}</select></label></div>
    ${list.error ? html`<${ErrorBanner} error=${list.error} onRetry=${list.reload} />` : null}
    ${list.loading && !list.data ? html`<${Skeleton} rows=${4} />` : items.length === 0 ? html`<${Empty} title=${t('adjust.empty')} hint=${t('adjust.empty_hint')} />`
      : html`<ol class="adj-timeline" id="adjust-list">${items.map((a) => html`<${Entry} key=${a.id} code=${code} adj=${a} open=${a.id === openId} />`)}</ol>`}
    ${form ? html`<${AdjustForm} code=${code} onClose=${() => setForm(false)} onSaved=${() => { setForm(false); list.reload(); }} />` : null}
  </section>`;
}
