// ui.js - the small building blocks every screen shares: banners, skeletons, empty states,
// chips, modal dialogs, form fields and a data-loading hook.
import { useEffect, useState, useCallback, useMemo, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { t, tv, has, getLang } from '../i18n/index.js';

// useLoad(fn, deps) -> {data, error, loading, reload, setData}
// identity: the deps that name what is shown (a project's code). While another one loads, what
// was loaded for the previous one is not shown, nor its error. Other deps (a filter, a page)
// and a reload keep what is shown until the new answer comes. Without identity, always.
export function useLoad(fn, deps, identity = []) {
  const key = useMemo(() => ({}), identity);
  const [state, setState] = useState({ data: null, error: null, loading: true, of: null });
  const seq = useRef(0);
  const run = useCallback(() => {
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(fn)
      .then((data) => { if (n === seq.current) setState({ data, error: null, loading: false, of: key }); })
      .catch((error) => { if (n === seq.current) setState({ data: null, error, loading: false, of: key }); });
  }, deps.concat([key]));
  useEffect(run, [run]);
  const mine = state.of === key;
  return {
    data: mine ? state.data : null,
    error: mine ? state.error : null,
    loading: mine ? state.loading : true,
    reload: run,
    setData: (d) => setState((s) => ({ ...s, data: d, of: key })),
  };
}

// The label of a field the server names: the screen's own label when it gives one, else the
// catalog's field.<name>, else nothing (a field code is never shown to the reader).
export function fieldLabel(field, labels) {
  if (!field) return '';
  if (labels && labels[field]) return labels[field];
  const base = String(field).split('.').pop();
  return has('field.' + base) ? t('field.' + base) : '';
}

// The reasons whose stage is a deal's (the others' a candidate's).
const DEAL_STAGE_REASONS = new Set(['no_stage', 'deal_same_stage', 'deal_starts_open', 'stage_in_use',
  'stage_kind_in_use', 'duplicate_stage']);

// Parameters that are codes read as their labels: a role, a project role, a noun.
const PARAM_LABELS = {
  role: (v, reason) => tv(reason === 'project_role_required' ? 'prole' : 'role', v),
  kind: (v) => (has('ent.' + v) ? t('ent.' + v) : v),
  // recruitment: a candidate's stages and a position's status
  // (a problem's statuses for its moves)
  from: (v, reason) => (reason === 'problem_move' ? t('ent.problem.status.' + v)
    : has('ent.candidate.stage.' + v) ? t('ent.candidate.stage.' + v) : v),
  // a deal's stage (a standard one has a label; a project's own reads as its code)
  stage: (v, reason) => (DEAL_STAGE_REASONS.has(reason) ? (has('ent.deal.stage.' + v) ? t('ent.deal.stage.' + v) : v)
    : has('ent.candidate.stage.' + v) ? t('ent.candidate.stage.' + v) : v),
  // a goal's metric and the scope key it cannot be narrowed by
  metric: (v) => (has('metric.' + v) ? t('metric.' + v) : v),
  key: (v, reason) => (reason === 'scope_not_for_metric' && has('goal.scope_' + v) ? t('goal.scope_' + v) : v),
  status: (v, reason) => (reason === 'position_not_open' ? t('ent.position.status.' + v)
    : reason === 'problem_move' || reason === 'same_status' ? t('ent.problem.status.' + v) : v),
};

// A server error in the reader's language: its reason with its parameters and the field's
// label (reason.<code> in i18n/reasons.*.js); never the server's English sentence in another
// language, and never a field code.
export function errorText(err, labels) {
  if (!err) return '';
  // the UI's own checks carry their text already in the reader's language
  if (err.status === undefined && err.message) return err.message;
  if (err.status === 0) return t('err.network');
  if (err.status === 409 && (!err.reason || err.reason === 'stale_version' || err.reason === 'conflict')) return t('err.conflict');
  if (err.reason && has('reason.' + err.reason)) {
    const vars = { ...(err.params || {}) };
    for (const [k, fn] of Object.entries(PARAM_LABELS)) if (typeof vars[k] === 'string') vars[k] = fn(vars[k], err.reason);
    const label = fieldLabel(err.field, labels);
    vars.field = label;
    let s = t('reason.' + err.reason, vars);
    // parameters the error did not carry read as nothing, and "{field}" alone starts no sentence
    s = s.replace(/\{\w+\}/g, '').replace(/“”|""/g, '').replace(/^\s+/, '');
    if (!label && s) s = s.charAt(0).toUpperCase() + s.slice(1);
    return s;
  }
  if (err.status === 403) return t('err.forbidden');
  if (err.status === 404) return t('err.not_found');
  if (err.status === 429) return t('reason.rate_limited');
  if (getLang() === 'en' && err.message) return err.message;
  return t('err.generic');
}

export function ErrorBanner({ error, onRetry, onDismiss, labels }) {
  if (!error) return null;
  const conflict = error.status === 409 && (!error.reason || error.reason === 'stale_version');
  return html`<div class="banner banner-error" role="alert" data-reason=${error.reason || undefined}
      data-field=${error.field || undefined}>
    <span class="banner-icon" aria-hidden="true">!</span>
    <div class="banner-body">
      <strong>${conflict ? t('err.conflict_title') : t('err.title')}</strong>
      <span class="banner-text">${errorText(error, labels)}</span>
    </div>
    ${conflict ? html`<button class="btn btn-small" onClick=${() => location.reload()}>${t('action.reload')}</button>` : null}
    ${onRetry && !conflict ? html`<button class="btn btn-small" onClick=${onRetry}>${t('action.retry')}</button>` : null}
    ${onDismiss ? html`<button class="btn-icon" aria-label=${t('action.close')} onClick=${onDismiss}>×</button>` : null}
  </div>`;
}

export function Banner({ kind = 'info', children, onDismiss }) {
  return html`<div class=${'banner banner-' + kind} role="status">
    <div class="banner-body">${children}</div>
    ${onDismiss ? html`<button class="btn-icon" aria-label=${t('action.close')} onClick=${onDismiss}>×</button>` : null}
  </div>`;
}

export function Skeleton({ rows = 3, kind = 'lines' }) {
  if (kind === 'cards') {
    return html`<div class="card-grid" aria-busy="true" aria-label=${t('common.loading')}>
      ${Array.from({ length: rows }, () => html`<div class="card skeleton-card">
        <div class="sk sk-title"></div><div class="sk sk-line"></div><div class="sk sk-line short"></div>
        <div class="sk sk-block"></div></div>`)}
    </div>`;
  }
  return html`<div class="skeleton" aria-busy="true" aria-label=${t('common.loading')}>
    ${Array.from({ length: rows }, (_, i) => html`<div class=${'sk sk-line' + (i % 3 === 2 ? ' short' : '')}></div>`)}
  </div>`;
}

export function Empty({ title, hint, action }) {
  return html`<div class="empty">
    <div class="empty-art" aria-hidden="true"></div>
    <h3>${title}</h3>
    ${hint ? html`<p class="muted">${hint}</p>` : null}
    ${action || null}
  </div>`;
}

export function Chip({ kind, children, title }) {
  return html`<span class=${'chip chip-' + (kind || 'neutral')} title=${title || undefined}>${children}</span>`;
}

export function StatusChip({ status, prefix = 'status' }) {
  return html`<${Chip} kind=${status}>${tv(prefix, status)}<//>`;
}

export function Modal({ title, onClose, children, wide }) {
  useEffect(() => {
    const onKey = (e) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return html`<div class="modal-backdrop" onMouseDown=${(e) => { if (e.target === e.currentTarget) onClose(); }}>
    <div class=${'modal' + (wide ? ' modal-wide' : '')} role="dialog" aria-modal="true" aria-label=${title}>
      <div class="modal-head"><h2>${title}</h2>
        <button class="btn-icon" aria-label=${t('action.close')} onClick=${onClose}>×</button></div>
      <div class="modal-body">${children}</div>
    </div>
  </div>`;
}

export function Field({ label, hint, error, children, wide }) {
  return html`<label class=${'field' + (wide ? ' field-wide' : '') + (error ? ' field-invalid' : '')}>
    <span class="field-label">${label}</span>
    ${children}
    ${error ? html`<span class="field-error">${error}</span>` : hint ? html`<span class="field-hint">${hint}</span>` : null}
  </label>`;
}

export function PageHead({ title, subtitle, actions }) {
  return html`<div class="page-head">
    <div><h1>${title}</h1>${subtitle ? html`<p class="muted">${subtitle}</p>` : null}</div>
    <div class="page-actions">${actions || null}</div>
  </div>`;
}

export function Pager({ total, limit, offset, onChange }) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return html`<div class="pager">
    <span class="muted">${t('pager.range', { from, to, total })}</span>
    <div class="pager-buttons">
      <button class="btn btn-small" disabled=${page <= 1} onClick=${() => onChange(Math.max(0, offset - limit))}>${t('pager.prev')}</button>
      <span class="pager-page">${t('pager.page', { page, pages })}</span>
      <button class="btn btn-small" disabled=${page >= pages} onClick=${() => onChange(offset + limit)}>${t('pager.next')}</button>
    </div>
  </div>`;
}

// A debounced value: changes settle for ms before the returned value follows.
export function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

// Confirm with the browser's own dialog (keeps focus handling and accessibility simple).
export function confirmed(message) { return window.confirm(message); }
