// calendar.js - the caller's calendar feed (/me/calendar, from the user menu; core/calendar.c):
// whether a link exists, a button that makes one (or a new one, the old one then stops working)
// and one that revokes it. The link is shown once, in the answer that made it, with a copy
// button, and how to subscribe to it in Google Calendar, Outlook and Apple Calendar.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { dateTime } from '../format.js';
import { useLoad, ErrorBanner, Banner, Skeleton, PageHead, confirmed } from '../components/ui.js';
import '../styles/meetings.css';

export function CalendarSettings() {
  const status = useLoad(() => api.get('/me/calendar'), []);
  const [url, setUrl] = useState('');
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const exists = status.data && status.data.exists;

  const make = async () => {
    if (exists && !confirmed(t('calendar.rotate_confirm'))) return;
    setError(null); setNotice(null);
    try {
      const r = await api.post('/me/calendar', {});
      setUrl(window.location.origin + r.path);
      status.setData(r);
    } catch (err) { setError(err); }
  };
  const revoke = async () => {
    if (!confirmed(t('calendar.revoke_confirm'))) return;
    setError(null); setNotice(null);
    try {
      status.setData(await api.del('/me/calendar'));
      setUrl(''); setNotice(t('calendar.revoked'));
    } catch (err) { setError(err); }
  };
  const copy = async () => {
    try { await navigator.clipboard.writeText(url); setNotice(t('calendar.copied')); } catch (e) {
      const input = document.getElementById('calendar-url');
      if (input) { input.select(); document.execCommand('copy'); setNotice(t('calendar.copied')); }
    }
  };
  return html`<div class="calendar-screen">
    <${PageHead} title=${t('calendar.title')} subtitle=${t('calendar.sub')} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}><span id="calendar-notice">${notice}</span><//>` : null}
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} />
    ${status.error ? html`<${ErrorBanner} error=${status.error} onRetry=${status.reload} />` : null}
    <div class="card calendar-card" id="calendar-card">
      ${status.loading && !status.data ? html`<${Skeleton} rows=${2} />` : html`
        <p id="calendar-status">${exists ? t('calendar.exists', { date: dateTime(status.data.created_at) }) : t('calendar.none')}</p>
        ${url ? html`<div class="field field-wide"><label class="field-label" for="calendar-url">${t('calendar.url_label')}</label>
          <div class="calendar-url-row"><input id="calendar-url" readonly value=${url} onFocus=${(e) => e.currentTarget.select()} />
            <button type="button" class="btn" id="calendar-copy" onClick=${copy}>${t('calendar.copy')}</button></div>
          <span class="field-hint">${t('calendar.once')}</span></div>`
          : exists ? html`<p class="muted">${t('calendar.lost')}</p>` : null}
        <div class="form-actions">
          <button type="button" class="btn btn-primary" id="calendar-make" onClick=${make}>${exists ? t('calendar.rotate') : t('calendar.make')}</button>
          ${exists ? html`<button type="button" class="btn btn-danger-ghost" id="calendar-revoke" onClick=${revoke}>${t('calendar.revoke')}</button>` : null}
        </div>`}
    </div>
    <div class="card" id="calendar-how"><h2>${t('calendar.how')}</h2>
      <ul><li>${t('calendar.how_google')}</li><li>${t('calendar.how_outlook')}</li><li>${t('calendar.how_apple')}</li></ul>
      <p class="muted">${t('calendar.scope')}</p></div>
  </div>`;
}
