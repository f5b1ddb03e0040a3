// admin.js - the admin's screens: users (add, change role, deactivate), workspace settings
// (name, currency, time zone) and the audit log of every write.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { dateTime } from '../format.js';
import { useApp } from '../app-context.js';
import { EntityPage } from '../components/entity-page.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Banner, Chip } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { wsAtLeast } from '../components/access.js';

// Only an admin manages users and the workspace; others who open these pages by address
// are told so (the server refuses their writes anyway).
function AdminOnly({ title }) {
  return html`<section><${PageHead} title=${title} />
    <${Empty} title=${t('access.admin_only')} hint=${t('access.admin_only_hint')} /></section>`;
}

// Users are the user noun's generic screen (its fields as the server describes them), with
// what only this screen does: an admin sets another user's password on edit (its own route),
// never their own here (that asks for the current one).
export function Users() {
  const app = useApp();
  if (!wsAtLeast(app.me, 'admin')) return html`<${AdminOnly} title=${t('nav.users')} />`;
  const self = app.me.user.login;
  const extras = {
    title: t('nav.users'),
    subtitle: t('users.subtitle'),
    fields: {
      role: (fd) => ({ ...fd, default: 'rep' }),
      password: (fd) => ({ ...fd, createOnly: false, hint: t('users.password_hint12'),
        skip: (f, isNew, rec) => !isNew && rec && rec.login === self }),
    },
    // PATCH /users/{login} takes name, email, role and active; a new password has its own route
    update: async (rec, body) => {
      const { password, ...rest } = body;
      await api.patch('/users/' + enc(rec.login), { ...rest, version: rec.version });
      if (password) await api.post('/users/' + enc(rec.login) + '/password', { password });
    },
  };
  return html`<${EntityPage} name="user" extras=${extras} />`;
}

export function WorkspaceSettings() {
  const app = useApp();
  const { data, error, loading, reload } = useLoad(() => api.get('/workspace'), []);
  if (!wsAtLeast(app.me, 'admin')) return html`<${AdminOnly} title=${t('nav.workspace')} />`;
  if (loading && !data) return html`<section><${PageHead} title=${t('nav.workspace')} /><div class="card"><${Skeleton} rows=${4} /></div></section>`;
  if (error) return html`<section><${PageHead} title=${t('nav.workspace')} /><${ErrorBanner} error=${error} onRetry=${reload} /></section>`;
  return html`<${WorkspaceForm} ws=${(data && data.workspace) || data} onSaved=${() => { reload(); app.reloadMe(); }} />`;
}

const WS_FIELDS = ['name', 'currency', 'timezone'];

function WorkspaceForm({ ws, onSaved }) {
  const [f, setF] = useState({ name: ws.name || '', currency: ws.currency || 'CNY', timezone: ws.timezone || '' });
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const set = (k) => (e) => { setSaved(false); setF({ ...f, [k]: e.currentTarget.value }); };
  const submit = async (e) => {
    e.preventDefault(); setError(null); setSaved(false);
    try {
      await api.patch('/workspace', { name: f.name, currency: f.currency.trim().toUpperCase(), timezone: f.timezone.trim() });
      setSaved(true); onSaved();
    } catch (err) { setError(err); }
  };
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const labels = { name: t('workspace.name'), currency: t('workspace.currency'), timezone: t('workspace.timezone') };
  return html`<section>
    <${PageHead} title=${t('nav.workspace')} subtitle=${t('workspace.subtitle')} />
    <form class="card form-grid narrow-form" id="workspace-form" onSubmit=${submit} novalidate>
      ${errorIsAt(error, WS_FIELDS) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      ${saved ? html`<${Banner} kind="success">${t('workspace.saved')}<//>` : null}
      <${FormField} wide name="name" label=${labels.name} error=${errorAt(error, 'name', labels)}>
        <input name="name" required value=${f.name} onInput=${set('name')} /><//>
      <${FormField} name="currency" label=${labels.currency} hint=${t('workspace.currency_hint')} error=${errorAt(error, 'currency', labels)}>
        <input name="currency" required maxlength="3" value=${f.currency} onInput=${set('currency')} /><//>
      <${FormField} name="timezone" label=${labels.timezone} error=${errorAt(error, 'timezone', labels)}>
        <input name="timezone" list="tz-list" required value=${f.timezone} onInput=${set('timezone')} /><//>
      <datalist id="tz-list">${zones.map((z) => html`<option value=${z} />`)}</datalist>
      <div class="form-actions"><button class="btn btn-primary" type="submit">${t('action.save')}</button></div>
    </form>
  </section>`;
}

const LIMIT = 50;
const ENTITIES = ['project', 'member', 'goal', 'sale', 'segment', 'channel', 'product', 'promotion', 'user', 'workspace', 'session'];

// What changed between an entry's before and after, as "field: old → new" lines.
function changes(a) {
  const b = a.before && typeof a.before === 'object' ? a.before : {};
  const f = a.after && typeof a.after === 'object' ? a.after : {};
  const short = (v) => { const x = v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v); return x.length > 40 ? x.slice(0, 39) + '…' : x; };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(f)])].filter((k) =>
    !['version', 'updated_at', 'created_at', 'id'].includes(k) && JSON.stringify(b[k]) !== JSON.stringify(f[k]));
  if (!a.before) return keys.slice(0, 4).map((k) => `${k}: ${short(f[k])}`);
  return keys.slice(0, 4).map((k) => `${k}: ${short(b[k])} → ${short(f[k])}`);
}

export function Audit() {
  const app = useApp();
  if (!wsAtLeast(app.me, 'admin')) return html`<${AdminOnly} title=${t('nav.audit')} />`;
  return html`<${AuditLog} />`;
}

function AuditLog() {
  const [cursor, setCursor] = useState([]); // stack of "before" ids: [] = newest page
  const [entity, setEntity] = useState('');
  const before = cursor.length ? cursor[cursor.length - 1] : undefined;
  const { data, error, loading, reload } = useLoad(() => api.get('/audit', { limit: LIMIT, before, entity }), [before, entity]);
  const items = (data && (data.audit || data.items)) || [];
  const next = data && data.next_before;
  return html`<section>
    <${PageHead} title=${t('nav.audit')} subtitle=${t('audit.subtitle')}
      actions=${html`<label class="field field-inline"><span class="field-label">${t('audit.object')}</span>
        <select value=${entity} onChange=${(e) => { setEntity(e.currentTarget.value); setCursor([]); }}>
          <option value="">${t('common.all')}</option>${ENTITIES.map((x) => html`<option value=${x}>${x}</option>`)}</select></label>`} />
    <${ErrorBanner} error=${error} onRetry=${reload} />
    ${loading ? html`<div class="card"><${Skeleton} rows=${8} /></div>`
      : items.length === 0 && !error ? html`<${Empty} title=${t('audit.empty')} />`
      : html`<div class="table-wrap card"><table class="table">
        <thead><tr><th>${t('audit.when')}</th><th>${t('audit.who')}</th><th>${t('audit.action')}</th><th>${t('audit.object')}</th><th>${t('audit.detail')}</th></tr></thead>
        <tbody>${items.map((a) => html`<tr key=${a.id}>
          <td class="muted nowrap">${dateTime(a.at)}</td>
          <td>${a.actor || html`<span class="muted">${t('audit.system')}</span>`}</td>
          <td><${Chip} kind=${a.action === 'delete' ? 'off_track' : a.action === 'create' ? 'on_track' : ''}>${a.action || ''}<//></td>
          <td class="code">${[a.entity, a.entity_id].filter((x) => x !== null && x !== undefined && x !== '').join(' #')}</td>
          <td class="wrap small">${changes(a).map((c) => html`<div>${c}</div>`)}</td>
        </tr>`)}</tbody></table></div>
        <div class="pager"><span class="muted">${t('audit.page', { n: cursor.length + 1 })}</span>
          <div class="pager-buttons">
            <button class="btn btn-small" disabled=${!cursor.length} onClick=${() => setCursor([])}>${t('audit.newest')}</button>
            <button class="btn btn-small" disabled=${!next} onClick=${() => setCursor([...cursor, next])}>${t('audit.older')}</button>
          </div></div>`}
  </section>`;
}
