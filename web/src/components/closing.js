// closing.js - closing a project and reopening it (POST /api/v1/projects/{code}/close and
// /reopen), and the banner a closed project's screens show: its figures are frozen, and
// changed only through an adjustment. Who may close or reopen: components/access.js
// (closeProject); the server judges.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { dateTime } from '../format.js';
import { ErrorBanner, Modal } from './ui.js';
import { FormField, errorAt, errorIsAt } from './fields.js';
import { projectStatusChanged } from './access.js';

// The close dialog (with a note) when !p.closed_at, else the reopen dialog (a reason required).
export function CloseDialog({ project: p, reopen, onClose, onDone }) {
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const key = reopen ? 'reason' : 'note';
  const labels = { reason: t('closing.reason'), note: t('closing.note') };
  const submit = async (e) => {
    e.preventDefault();
    if (reopen && !text.trim()) {
      setError({ field: 'reason', message: t('closing.reason_required') });
      return;
    }
    setBusy(true); setError(null);
    try {
      const r = await api.post('/projects/' + enc(p.code) + (reopen ? '/reopen' : '/close'),
        { version: p.version, [key]: text.trim() });
      projectStatusChanged();
      onDone((r && r.project) || r);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<${Modal} title=${t(reopen ? 'closing.reopen_title' : 'closing.close_title', { name: p.name })} onClose=${onClose}>
    <form class="form-grid" id=${reopen ? 'reopen-form' : 'close-form'} onSubmit=${submit} novalidate>
      <p class="field-wide muted">${t(reopen ? 'closing.reopen_hint' : 'closing.close_hint')}</p>
      ${errorIsAt(error, [key]) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} wide name=${key} label=${labels[key]} error=${errorAt(error, key, labels)}
        hint=${reopen ? t('closing.reason_hint') : t('closing.note_hint')}>
        <textarea name=${key} rows="3" required=${reopen} value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea><//>
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" id=${reopen ? 'reopen-confirm' : 'close-confirm'}
          disabled=${busy}>${t(reopen ? 'closing.reopen' : 'closing.close')}</button>
      </div>
    </form>
  <//>`;
}

// The banner over every screen of a closed project.
export function ClosedBanner({ project: p, code }) {
  return html`<div class="banner banner-closed" id="closed-banner" role="status">
    <span class="banner-icon" aria-hidden="true">!</span>
    <div class="banner-body"><strong>${t('closing.banner')}</strong>
      ${p && p.closed_at ? html`<span class="banner-text">${t('closing.closed_on', { at: dateTime(p.closed_at), by: p.closed_by || '' })}</span>` : null}</div>
    <a class="btn btn-small" href=${'#/p/' + enc(code) + '/adjustments'}>${t('nav.adjustments')}</a>
  </div>`;
}
