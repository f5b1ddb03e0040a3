// inbox-bell.js - the header's bell: a link to /inbox with the unread count (GET
// /api/v1/inbox/count) on a badge, read again every minute, after each navigation and when a
// screen says the count changed (refreshInboxCount()).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n/index.js';

const listeners = new Set();
export function refreshInboxCount() { listeners.forEach((fn) => fn()); }

export function InboxBell({ path }) {
  const [n, setN] = useState(0);
  useEffect(() => {
    let gone = false;
    const load = () => api.get('/inbox/count').then((d) => { if (!gone) setN(d.unread); }).catch(() => {});
    listeners.add(load);
    const timer = setInterval(load, 60000);
    return () => { gone = true; listeners.delete(load); clearInterval(timer); };
  }, []);
  useEffect(() => { refreshInboxCount(); }, [path]);
  const label = t('inbox.bell', { n });
  return html`<a class="inbox-bell" id="inbox-bell" href="#/inbox" aria-label=${label} title=${label}>
    <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
      stroke-linejoin="round"><path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" /><path d="M13.7 21a2 2 0 0 1-3.4 0" /></svg>
    ${n > 0 ? html`<span class="inbox-badge" id="inbox-badge">${n > 99 ? '99+' : n}</span>` : null}
  </a>`;
}
