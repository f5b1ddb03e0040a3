// alerts.js - a project's alerts on its overview (GET /projects/{code}/alerts): the open ones,
// critical first, each said in the reader's language from its kind and figures (never a server
// sentence) and linking to its record; and, for managers, the thresholds (GET|PATCH
// /projects/{code}/alert-settings, at their version). Reading the list is what raises a new
// alert on the server (once), so the panel re-reads when something it depends on is written.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv, has } from '../i18n/index.js';
import { money, pct, date, dateTime, valueOf, num } from '../format.js';
import { route } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Chip, Modal } from './ui.js';
import { FormField, errorAt, errorIsAt } from './fields.js';
import { useLive } from '../live.js';
import '../styles/alerts.css';

export const ALERT_KINDS = ['goal_status', 'goal_probability', 'deal_stalled', 'task_overdue',
  'problem_sla', 'promotion_budget', 'collection_overdue', 'budget_overspent'];

const stage = (code) => (has('ent.deal.stage.' + code) ? t('ent.deal.stage.' + code) : code);
const goalValue = (p, v) => (v === null || v === undefined ? '—' : valueOf(p.unit || 'count', v));

// The sentence of an alert of kind about a record titled title, with its figures p.
export function alertMessage(kind, title, p) {
  p = p || {};
  const vars = {
    title: title || '—',
    status: p.status ? tv('status', p.status) : '',
    actual: goalValue(p, p.actual), expected: goalValue(p, p.expected), target: goalValue(p, p.target),
    probability: pct(p.probability), threshold: kind === 'deal_stalled' ? num(p.threshold) : pct(p.threshold),
    stage: stage(p.stage || ''), days: num(p.days), hours: num(p.hours),
    due: !p.due ? '—' : p.due.length > 10 ? dateTime(p.due) : date(p.due),
    budget: money(p.budget), spent: money(p.spent), allocated: money(p.allocated),
    outstanding: money(p.outstanding), amount: money(p.amount),
  };
  return t('alerts.msg.' + kind, vars);
}

// Where an alert's record is shown.
export function alertHref(code, a) {
  const pb = '/p/' + enc(code);
  switch (a.on_kind) {
    case 'goal': return route(pb, { comments: 'goal:' + a.on_id });
    case 'deal': return route(pb + '/deals', { comments: 'deal:' + a.on_id });
    case 'task': return route(pb + '/tasks', { comments: 'task:' + a.on_id });
    case 'problem': return route(pb + '/problems', { comments: 'problem:' + a.on_id });
    case 'collection': return pb + '/collections';
    case 'promotion': return pb + '/strategy';
    case 'budget_line': return pb + '/budget';
    default: return pb;
  }
}

function AlertItem({ code, a }) {
  return html`<li class=${'alert-item alert-' + a.severity} data-kind=${a.kind} data-severity=${a.severity}>
    <${Chip} kind=${a.severity === 'critical' ? 'off_track' : 'at_risk'}>${t('alerts.severity.' + a.severity)}<//>
    <div class="alert-body">
      <a class="alert-link" href=${'#' + alertHref(code, a)}>${alertMessage(a.kind, a.title, a.params)}</a>
      <span class="alert-meta muted">${t('alerts.kind.' + a.kind)} · ${t('alerts.since', { when: dateTime(a.raised_at) })}</span>
    </div>
  </li>`;
}

// The thresholds form (managers): every field is sent, at the version read.
function SettingsDialog({ code, settings, onClose, onSaved }) {
  const [prob, setProb] = useState(String(Math.round(settings.probability * 1000) / 10));
  const [days, setDays] = useState(String(settings.collection_days));
  const [on, setOn] = useState(Object.fromEntries(ALERT_KINDS.map((k) => [k, settings[k]])));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const labels = { probability: t('alerts.settings.probability'), collection_days: t('alerts.settings.collection_days') };
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const p = Number(prob), d = Number(days);
    if (prob.trim() === '' || !Number.isFinite(p)) { setError({ field: 'probability', reason: 'not_number', params: {}, message: t('alerts.bad_number') }); return; }
    if (days.trim() === '' || !Number.isInteger(d)) { setError({ field: 'collection_days', reason: 'not_number', params: {}, message: t('alerts.bad_number') }); return; }
    setBusy(true);
    try {
      await api.patch('/projects/' + enc(code) + '/alert-settings',
        { probability: Math.round(p * 100) / 10000, collection_days: d, ...on, version: settings.version });
      onSaved();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`<${Modal} title=${t('alerts.settings')} onClose=${onClose}>
    <form id="alert-settings-form" class="form" onSubmit=${save} novalidate>
      ${error && !errorIsAt(error, ['probability', 'collection_days']) ? html`<${ErrorBanner} error=${error} labels=${labels} />` : null}
      <${FormField} name="probability" label=${labels.probability} hint=${t('alerts.settings.probability_hint')} error=${errorAt(error, 'probability', labels)}>
        <input name="probability" inputmode="decimal" value=${prob} onInput=${(e) => setProb(e.currentTarget.value)} />
      <//>
      <${FormField} name="collection_days" label=${labels.collection_days} hint=${t('alerts.settings.collection_days_hint')} error=${errorAt(error, 'collection_days', labels)}>
        <input name="collection_days" inputmode="numeric" value=${days} onInput=${(e) => setDays(e.currentTarget.value)} />
      <//>
      <fieldset class="alert-kinds"><legend>${t('alerts.settings.kinds')}</legend>
        ${ALERT_KINDS.map((k) => html`<label key=${k}><input type="checkbox" name=${k} checked=${on[k]}
          onChange=${(e) => setOn({ ...on, [k]: e.currentTarget.checked })} /> ${t('alerts.kind.' + k)}</label>`)}
      </fieldset>
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" id="alert-settings-save" disabled=${busy}>${t('action.save')}</button>
      </div>
    </form>
  <//>`;
}

// <AlertsPanel code manage />: manage shows the thresholds' button (the server judges).
export function AlertsPanel({ code, manage }) {
  const { data, error, loading, reload } = useLoad(() => api.get('/projects/' + enc(code) + '/alerts'), [code]);
  const [settings, setSettings] = useState(null);
  const [loadError, setLoadError] = useState(null);
  useLive(code, ['sale', 'goal', 'deal', 'task', 'problem', 'collection', 'expense', 'budget_line', 'promotion', 'alert_settings', 'alert'], reload, 500);
  const openSettings = async () => {
    setLoadError(null);
    try { setSettings(await api.get('/projects/' + enc(code) + '/alert-settings')); } catch (e) { setLoadError(e); }
  };
  const alerts = (data && data.alerts) || [];
  return html`<section class="card alerts-panel" id="alerts-panel" aria-labelledby="alerts-title">
    <div class="alerts-head">
      <h2 id="alerts-title">${t('alerts.title')}
        ${data ? html` <span class="alerts-counts">${data.counts.critical ? html`<${Chip} kind="off_track">${t('alerts.n_critical', { n: data.counts.critical })}<//> ` : null}
          ${data.counts.warning ? html`<${Chip} kind="at_risk">${t('alerts.n_warning', { n: data.counts.warning })}<//>` : null}</span>` : null}</h2>
      ${manage ? html`<button type="button" class="btn btn-small" id="alert-settings" onClick=${openSettings}>${t('alerts.settings')}</button>` : null}
    </div>
    ${error ? html`<${ErrorBanner} error=${error} onRetry=${reload} />` : null}
    ${loadError ? html`<${ErrorBanner} error=${loadError} onDismiss=${() => setLoadError(null)} />` : null}
    ${loading && !data ? html`<${Skeleton} rows=${2} />`
      : data && !alerts.length ? html`<p class="muted" id="alerts-none">${t('alerts.none')}</p>`
      : html`<ul class="alert-list">${alerts.map((a) => html`<${AlertItem} key=${a.id} code=${code} a=${a} />`)}</ul>`}
    ${settings ? html`<${SettingsDialog} code=${code} settings=${settings} onClose=${() => setSettings(null)}
      onSaved=${() => { setSettings(null); reload(); }} />` : null}
  </section>`;
}
