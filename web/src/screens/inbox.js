// inbox.js - the caller's notifications (/inbox; GET /api/v1/inbox, POST .../{id}/read,
// .../read-all, GET|PUT /api/v1/me/notification-settings). Each is said in the reader's
// language from its kind and parameters (never a server sentence) and links to its record;
// opening one marks it read. All or unread, one kind or all (each with its unread count), in
// pages; and the kinds received.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, has } from '../i18n/index.js';
import { navigate, route } from '../app-context.js';
import { date, dateTime } from '../format.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Pager, Banner } from '../components/ui.js';
import { refreshInboxCount } from '../components/inbox-bell.js';
import { useLive } from '../live.js';
import { alertMessage } from '../components/alerts.js';
import '../styles/comments.css';

export const KINDS = ['mention', 'assigned', 'due', 'overdue', 'stage', 'sla', 'alert', 'review'];
const PAGE = 20;

const stage = (code) => (has('ent.deal.stage.' + code) ? t('ent.deal.stage.' + code) : code);
const due = (v) => (!v ? '—' : v.length > 10 ? dateTime(v) : date(v));

// The sentence of a notification, in the reader's language.
export function message(n) {
  const p = n.params || {};
  if (n.kind === 'alert') return t('inbox.msg.alert', { alert: alertMessage(p.alert, p.title, p.figures) });
  return t('inbox.msg.' + n.kind, {
    by: n.by ? n.by.name || n.by.login : t('inbox.someone'),
    what: has('inbox.what.' + n.on_kind) ? t('inbox.what.' + n.on_kind) : n.on_kind,
    title: p.title || '#' + n.on_id,
    due: due(p.due), from: stage(p.from || ''), to: stage(p.to || ''),
  });
}

// Where a notification's record is shown; a mention opens the record's comments.
export function recordHref(n) {
  const pb = n.project ? '/p/' + enc(n.project) : '';
  const on = n.on_kind + ':' + n.on_id;
  const withComments = (path) => route(path, n.kind === 'mention' ? { comments: on } : {});
  switch (n.on_kind) {
    case 'deal': return route(pb + '/deals', { comments: on });
    case 'goal': return route(pb, { comments: on });
    case 'customer': return '/customers/' + enc(n.on_id);
    case 'task': return withComments(pb + '/tasks');
    case 'problem': return withComments(pb + '/problems');
    case 'risk': return withComments(pb + '/risks');
    case 'meeting': return withComments(pb + '/meetings');
    case 'activity': return pb + '/activities';
    case 'collection': return pb + '/collections';
    case 'promotion': return pb + '/strategy';
    case 'budget_line': return pb + '/budget';
    case 'project': return n.kind === 'review' ? pb + '/reviews' : pb;
    default: return '/inbox';
  }
}

function Settings() {
  const { data, error, reload } = useLoad(() => api.get('/me/notification-settings'), []);
  const [saveError, setSaveError] = useState(null);
  const [saved, setSaved] = useState(false);
  const toggle = async (kind, on) => {
    setSaveError(null); setSaved(false);
    try { await api.put('/me/notification-settings', { [kind]: on }); setSaved(true); reload(); }
    catch (e) { setSaveError(e); }
  };
  const s = data && data.settings;
  return html`<section class="card inbox-settings" id="inbox-settings">
    <h2>${t('inbox.settings')}</h2>
    ${error ? html`<${ErrorBanner} error=${error} onRetry=${reload} />` : null}
    ${saveError ? html`<${ErrorBanner} error=${saveError} onDismiss=${() => setSaveError(null)} />` : null}
    ${saved ? html`<p class="muted" role="status">${t('inbox.settings_saved')}</p>` : null}
    ${s ? KINDS.map((k) => html`<label key=${k}><input type="checkbox" id=${'notify-' + k} checked=${s[k]}
      onChange=${(e) => toggle(k, e.currentTarget.checked)} /> ${t('inbox.kind.' + k)}</label>`) : html`<${Skeleton} rows=${3} />`}
  </section>`;
}

export function Inbox() {
  const [unread, setUnread] = useState(false);
  const [kind, setKind] = useState('');
  const [offset, setOffset] = useState(0);
  const [actionError, setActionError] = useState(null);
  const { data, error, loading, reload } = useLoad(() => api.get('/inbox', { unread: unread ? '1' : '', kind, limit: PAGE, offset }),
    [unread, kind, offset]);
  const counts = useLoad(() => api.get('/inbox/count'), [data]);
  const unreadOf = (k) => (counts.data && counts.data.by_kind[k]) || 0;
  const items = (data && data.notifications) || [];
  const done = () => { reload(); refreshInboxCount(); };
  // an open inbox reads itself again when something that may notify its reader is recorded
  // (a comment, a deal moved, a task or problem given) in any of their projects
  useLive('', ['comment', 'deal', 'task', 'problem'], done, 500);
  const open = async (e, n) => {
    e.preventDefault();
    setActionError(null);
    try { if (!n.read) await api.post('/inbox/' + enc(n.id) + '/read'); } catch (err) { setActionError(err); return; }
    refreshInboxCount();
    navigate(recordHref(n));
  };
  const markRead = async (n) => {
    setActionError(null);
    try { await api.post('/inbox/' + enc(n.id) + '/read'); done(); } catch (err) { setActionError(err); }
  };
  const readAll = async () => {
    setActionError(null);
    try { await api.post('/inbox/read-all'); done(); } catch (err) { setActionError(err); }
  };
  return html`<section class="inbox-screen">
    <${PageHead} title=${t('inbox.title')} subtitle=${t('inbox.subtitle')}
      actions=${html`<button type="button" class="btn" id="inbox-read-all" disabled=${!data || !data.unread} onClick=${readAll}>${t('inbox.read_all')}</button>`} />
    <div class="inbox-toolbar">
      <div class="segmented" role="group">
        <button type="button" id="inbox-all" class=${'btn btn-small' + (!unread ? ' btn-primary' : '')} aria-pressed=${!unread ? 'true' : 'false'}
          onClick=${() => { setUnread(false); setOffset(0); }}>${t('inbox.all')}</button>
        <button type="button" id="inbox-unread" class=${'btn btn-small' + (unread ? ' btn-primary' : '')} aria-pressed=${unread ? 'true' : 'false'}
          onClick=${() => { setUnread(true); setOffset(0); }}>${t('inbox.unread')}${data ? ' (' + data.unread + ')' : ''}</button>
      </div>
      <label><span class="sr-only">${t('field.kind')}</span>
        <select id="inbox-kind" value=${kind} onChange=${(e) => { setKind(e.currentTarget.value); setOffset(0); }}>
          <option value="">${t('inbox.kind_all')}</option>
          ${KINDS.map((k) => html`<option value=${k}>${t('inbox.kind.' + k)}${unreadOf(k) ? ' (' + unreadOf(k) + ')' : ''}</option>`)}
        </select></label>
    </div>
    ${error ? html`<${ErrorBanner} error=${error} onRetry=${reload} />` : null}
    ${actionError ? html`<${ErrorBanner} error=${actionError} onDismiss=${() => setActionError(null)} />` : null}
    ${loading && !data ? html`<div class="card"><${Skeleton} rows=${4} /></div>` : null}
    ${data && !items.length ? html`<${Empty} title=${unread ? t('inbox.empty_unread') : t('inbox.empty')} />` : null}
    ${items.length ? html`<ul class="inbox-list" id="inbox-list">${items.map((n) => html`<li key=${n.id}
        class=${'inbox-item' + (n.read ? '' : ' unread')} data-id=${n.id} data-kind=${n.kind} data-read=${n.read ? '1' : '0'}>
        <div class="inbox-main">
          <a class="inbox-link" href=${'#' + recordHref(n)} onClick=${(e) => open(e, n)}>${message(n)}</a>
          ${n.kind === 'mention' && n.params && n.params.excerpt ? html`<div class="inbox-excerpt">${n.params.excerpt}</div>` : null}
          <div class="inbox-meta">${t('inbox.kind.' + n.kind)} · ${n.project || t('inbox.what.customer')} · ${dateTime(n.created_at)}
            ${n.read ? null : html` · <strong>${t('inbox.new')}</strong>`}</div>
        </div>
        ${n.read ? null : html`<button type="button" class="btn btn-ghost btn-small inbox-mark" onClick=${() => markRead(n)}>${t('inbox.mark_read')}</button>`}
      </li>`)}</ul>
      <${Pager} total=${data.total} limit=${PAGE} offset=${offset} onChange=${setOffset} />` : null}
    <${Settings} />
  </section>`;
}
