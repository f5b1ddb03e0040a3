// webhooks.js - the admin's webhooks (#/admin/webhooks): the list, a form to create and edit
// one (its kind: a signed-JSON webhook or a WeCom / DingTalk / Feishu group robot; URL,
// project, message language, a robot's pasted signing secret, description, the events as
// checkboxes, on/off), a webhook's secret shown once after a creation or a rotation (a
// robot's only masked), a test message, the deliveries log with a redelivery, and the hosts
// allowed past the address guard. Only admins see it. A project's group robots (#/p/P/robots)
// are the same screen for the project's managers: its robots, made and edited for it alone.
// The server judges every call.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { dateTime } from '../format.js';
import { useApp } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Banner, Chip, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { wsAtLeast, useProjectAccess } from '../components/access.js';
import '../styles/webhooks.css';

const FIELDS = ['url', 'description', 'events', 'active', 'format', 'project', 'lang', 'secret'];
const FORMATS = ['salespm', 'wecom', 'dingtalk', 'feishu'];
const LANGS = ['zh-CN', 'en'];
const SIGNED = ['dingtalk', 'feishu']; // the robots that may have a signing secret
// what a group chat wants by default: news, not every edit (alert.raised once it is in the catalogue)
const ROBOT_EVENTS = ['sale.created', 'deal.won', 'deal.lost', 'deal.stage_changed',
  'problem.opened', 'problem.updated', 'problem.resolved', 'task.created', 'task.updated',
  'goal.checked_in', 'alert.raised'];
const labels = () => ({ url: t('webhook.url'), description: t('webhook.description'),
  events: t('webhook.events'), active: t('webhook.active'), hosts: t('webhook.hosts'),
  format: t('webhook.format'), project: t('webhook.project'), lang: t('webhook.lang'),
  secret: t('webhook.secret') });
const isRobot = (h) => h.format && h.format !== 'salespm';
const eventLabel = (name) => t('webhook.event.' + name);

export function Webhooks({ code }) {
  const app = useApp();
  if (code) return html`<${ProjectRobots} code=${code} />`;
  if (!wsAtLeast(app.me, 'admin')) {
    return html`<section><${PageHead} title=${t('nav.webhooks')} />
      <${Empty} title=${t('access.admin_only')} hint=${t('access.admin_only_hint')} /></section>`;
  }
  return html`<${WebhookAdmin} />`;
}

// A project's group robots, for its managers (and admins).
function ProjectRobots({ code }) {
  const app = useApp();
  const { can, loading } = useProjectAccess(app.me, code);
  if (loading) return html`<section><div class="card"><${Skeleton} rows=${3} /></div></section>`;
  if (!can.editProject) {
    return html`<section><${PageHead} title=${t('nav.robots')} />
      <${Empty} title=${t('webhook.robots_managers_only')} hint=${t('webhook.robots_managers_only_hint')} /></section>`;
  }
  return html`<${WebhookAdmin} key=${code} project=${code} />`;
}

function WebhookAdmin({ project = null }) {
  const loaded = useLoad(() => api.get('/webhooks'), []);
  // a project's screen: its robots only (an admin's answer holds every webhook)
  const hooks = project && loaded.data ? { ...loaded, data: { webhooks: loaded.data.webhooks.filter((h) => h.project === project) } } : loaded;
  const projs = useLoad(() => (project ? Promise.resolve([]) : api.get('/projects').then((x) => (x && x.projects) || [], () => [])), [project]);
  const catalogue = useLoad(() => api.get('/webhooks/events'), []);
  const [editing, setEditing] = useState(null); // null, 'new' or a webhook
  const [secret, setSecret] = useState(null); // { id, secret } shown once
  const [open, setOpen] = useState(null); // the webhook whose deliveries are shown
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  const list = (hooks.data && hooks.data.webhooks) || [];
  const events = (catalogue.data && catalogue.data.events) || [];
  const act = async (fn, done) => {
    setError(null); setNote('');
    try { const r = await fn(); if (done) done(r); hooks.reload(); } catch (err) { setError(err); }
  };
  const rotate = (h) => act(() => api.post(`/webhooks/${h.id}/rotate`, { version: h.version }),
    (r) => setSecret({ id: h.id, secret: r.secret }));
  const ping = (h) => act(() => api.post(`/webhooks/${h.id}/ping`), () => { setNote(t('webhook.ping_queued')); setOpen(h.id); });
  const remove = (h) => confirmed(t('webhook.delete_confirm', { url: h.url })) &&
    act(() => api.del(`/webhooks/${h.id}`, h.version), () => { if (open === h.id) setOpen(null); });
  return html`<section id="webhooks">
    <${PageHead} title=${t(project ? 'nav.robots' : 'nav.webhooks')} subtitle=${t(project ? 'webhook.robots_subtitle' : 'webhook.subtitle')}
      actions=${html`<button class="btn btn-primary" id="webhook-new" onClick=${() => { setEditing('new'); setSecret(null); }}>${t(project ? 'webhook.robots_new' : 'webhook.new')}</button>`} />
    <${ErrorBanner} error=${error || hooks.error || catalogue.error} labels=${labels()} onRetry=${hooks.reload} />
    ${note ? html`<${Banner} kind="success" onDismiss=${() => setNote('')}>${note}<//>` : null}
    ${secret ? html`<div id="webhook-secret"><${Banner} kind="warning" onDismiss=${() => setSecret(null)}>
      <div>${t('webhook.secret_once')}</div><code class="secret" data-secret=${secret.secret}>${secret.secret}</code><//></div>` : null}
    ${editing ? html`<${WebhookForm} hook=${editing === 'new' ? null : editing} events=${events}
      projects=${projs.data || []} project=${project} onCancel=${() => setEditing(null)}
      onSaved=${(r, isNew) => { setEditing(null); hooks.reload(); if (isNew && r.secret) setSecret({ id: r.webhook.id, secret: r.secret }); }} />` : null}
    ${hooks.loading && !hooks.data ? html`<div class="card"><${Skeleton} rows=${4} /></div>`
      : list.length === 0 ? html`<${Empty} title=${t(project ? 'webhook.robots_empty' : 'webhook.empty')} hint=${t(project ? 'webhook.robots_empty_hint' : 'webhook.empty_hint')} />`
      : html`<div class="card-list">${list.map((h) => html`<div class="card webhook-card" key=${h.id} data-webhook=${h.id}>
          <div class="card-head"><strong class="wrap code">${h.url}</strong>
            <${Chip} kind=${h.active ? 'on_track' : 'neutral'}>${h.active ? t('webhook.on') : t('webhook.off')}<//></div>
          <p class="small" data-col="format"><${Chip} kind="neutral">${t('webhook.format.' + (h.format || 'salespm'))}<//>
            ${isRobot(h) ? html` <span class="muted">${t('webhook.robot_in', { lang: t('webhook.lang.' + h.lang),
              project: h.project || t('webhook.project_all') })}</span>` : null}
            ${h.key_hint ? html` <span class="muted code" data-col="key_hint">${t('webhook.secret')} ${h.key_hint}</span>` : null}</p>
          ${h.description ? html`<p class="muted">${h.description}</p>` : null}
          <p class="small">${h.events.includes('*') ? t('webhook.all_events') : h.events.map(eventLabel).join(t('webhook.events_sep'))}</p>
          <div class="card-actions">
            <button class="btn btn-small" data-action="edit" onClick=${() => { setEditing(h); setSecret(null); }}>${t('action.edit')}</button>
            <button class="btn btn-small" data-action="ping" onClick=${() => ping(h)}>${t('webhook.ping')}</button>
            <button class="btn btn-small" data-action="deliveries" onClick=${() => setOpen(open === h.id ? null : h.id)}>${t('webhook.deliveries')}</button>
            ${isRobot(h) ? null : html`<button class="btn btn-small" data-action="rotate" onClick=${() => rotate(h)}>${t('webhook.rotate')}</button>`}
            <button class="btn btn-small btn-danger" data-action="delete" onClick=${() => remove(h)}>${t('action.delete')}</button>
          </div>
          ${open === h.id ? html`<${Deliveries} hook=${h} />` : null}
        </div>`)}</div>`}
    ${project ? null : html`<${AllowedHosts} />`}
  </section>`;
}

function WebhookForm({ hook, events, projects, project, onCancel, onSaved }) {
  const all = !hook || hook.events.includes('*');
  const [f, setF] = useState({ url: hook ? hook.url : '', description: hook ? hook.description : '',
    all, picked: all ? [] : hook.events, active: hook ? hook.active : true,
    format: hook ? hook.format || 'salespm' : (project ? 'wecom' : 'salespm'),
    project: hook ? hook.project || '' : (project || ''),
    lang: hook ? hook.lang || 'zh-CN' : 'zh-CN', secret: '', clear: false, touched: !!hook });
  // a new robot starts with the chat's usual events, a webhook with every event, until events are touched
  const robotDefaults = (format) => (format === 'salespm' ? { all: true, picked: [] }
    : { all: false, picked: events.filter((x) => ROBOT_EVENTS.includes(x)) });
  const setFormat = (e) => { const v = e.currentTarget.value; setF((c) => ({ ...c, format: v, ...(c.touched ? {} : robotDefaults(v)) })); };
  if (!hook && !f.touched && f.format !== 'salespm' && f.all && events.length) setF((c) => ({ ...c, ...robotDefaults(c.format) }));
  const set = (k) => (e) => { const v = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value; setF((c) => ({ ...c, [k]: v })); };
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const toggle = (name) => setF((cur) => ({ ...cur, touched: true, picked: cur.picked.includes(name)
    ? cur.picked.filter((x) => x !== name) : [...cur.picked, name] }));
  const submit = async (e) => {
    e.preventDefault(); setError(null); setBusy(true);
    const body = { url: f.url.trim(), description: f.description, active: f.active,
      events: f.all ? ['*'] : events.filter((x) => f.picked.includes(x)) };
    if (!hook) body.format = f.format;
    if (f.format !== 'salespm') {
      // a project's screen makes its robots for it and keeps them there
      if (!project) body.project = f.project || null;
      else if (!hook) body.project = project;
      body.lang = f.lang;
      // a secret typed replaces the one kept; empty keeps it, unless it is to be removed
      if (SIGNED.includes(f.format) && (f.secret.trim() || f.clear)) body.secret = f.clear ? '' : f.secret.trim();
    }
    try {
      const r = hook ? await api.patch('/webhooks/' + hook.id, { ...body, version: hook.version })
        : await api.post('/webhooks', body);
      onSaved(r, !hook);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const L = labels();
  return html`<form class="card form-grid" id="webhook-form" onSubmit=${submit} novalidate>
    <h2 class="field-wide">${hook ? t('webhook.edit') : t('webhook.new')}</h2>
    ${errorIsAt(error, FIELDS) ? null : html`<${ErrorBanner} error=${error} labels=${L} />`}
    <${FormField} name="format" label=${L.format} hint=${hook ? t('webhook.format_fixed') : null} error=${errorAt(error, 'format', L)}>
      <select name="format" value=${f.format} disabled=${!!hook} onChange=${setFormat}>
        ${FORMATS.filter((x) => !project || x !== 'salespm').map((x) => html`<option key=${x} value=${x}>${t('webhook.format.' + x)}</option>`)}
      </select><//>
    ${f.format === 'salespm' ? null : html`
    ${project ? null : html`<${FormField} name="project" label=${L.project} hint=${t('webhook.project_hint')} error=${errorAt(error, 'project', L)}>
      <select name="project" value=${f.project} onChange=${set('project')}>
        <option value="">${t('webhook.project_all')}</option>
        ${projects.map((p) => html`<option key=${p.code} value=${p.code}>${p.code} · ${p.name}</option>`)}
      </select><//>`}
    <${FormField} name="lang" label=${L.lang} error=${errorAt(error, 'lang', L)}>
      <select name="lang" value=${f.lang} onChange=${set('lang')}>
        ${LANGS.map((x) => html`<option key=${x} value=${x}>${t('webhook.lang.' + x)}</option>`)}
      </select><//>`}
    <${FormField} wide name="url" label=${L.url} hint=${t(f.format === 'salespm' ? 'webhook.url_hint' : 'webhook.url_hint.' + f.format)} error=${errorAt(error, 'url', L)}>
      <input name="url" type="url" inputmode="url" required value=${f.url}
        onInput=${(e) => { const v = e.currentTarget.value; setF((c) => ({ ...c, url: v })); }} /><//>
    ${SIGNED.includes(f.format) ? html`<${FormField} wide name="secret" label=${L.secret}
      hint=${hook && hook.key_hint ? t('webhook.secret_set', { hint: hook.key_hint }) : t('webhook.secret_hint.' + f.format)}
      error=${errorAt(error, 'secret', L)}>
      <input name="secret" type="password" autocomplete="off" spellcheck="false" value=${f.secret} disabled=${f.clear}
        onInput=${set('secret')} /><//>
      ${hook && hook.key_hint ? html`<label class="check field-wide"><input type="checkbox" name="clear_secret" checked=${f.clear}
        onChange=${set('clear')} /> ${t('webhook.secret_clear')}</label>` : null}` : null}
    <${FormField} wide name="description" label=${L.description} error=${errorAt(error, 'description', L)}>
      <input name="description" value=${f.description}
        onInput=${(e) => { const v = e.currentTarget.value; setF((c) => ({ ...c, description: v })); }} /><//>
    <fieldset class="field field-wide" data-field="events">
      <legend class="field-label">${L.events}</legend>
      <label class="check"><input type="checkbox" name="all_events" checked=${f.all}
        onChange=${(e) => { const v = e.currentTarget.checked; setF((c) => ({ ...c, all: v, touched: true })); }} /> ${t('webhook.all_events')}</label>
      ${f.all ? null : html`<div class="check-grid">${events.map((name) => html`<label class="check" key=${name}>
        <input type="checkbox" name="event" value=${name} checked=${f.picked.includes(name)} onChange=${() => toggle(name)} />
        ${eventLabel(name)} <span class="muted small code">${name}</span></label>`)}</div>`}
      ${errorAt(error, 'events', L) ? html`<span class="field-error" role="alert">${errorAt(error, 'events', L)}</span>` : null}
    </fieldset>
    <label class="check field-wide"><input type="checkbox" name="active" checked=${f.active}
      onChange=${(e) => { const v = e.currentTarget.checked; setF((c) => ({ ...c, active: v })); }} /> ${L.active}</label>
    <div class="form-actions">
      <button class="btn" type="button" onClick=${onCancel}>${t('action.cancel')}</button>
      <button class="btn btn-primary" type="submit" disabled=${busy}>${t('action.save')}</button>
    </div>
  </form>`;
}

function Deliveries({ hook }) {
  const { data, error, loading, reload } = useLoad(() => api.get(`/webhooks/${hook.id}/deliveries`, { limit: 20 }), [hook.id]);
  const [err2, setErr2] = useState(null);
  const items = (data && data.deliveries) || [];
  const again = async (d) => {
    setErr2(null);
    try { await api.post(`/webhooks/${hook.id}/deliveries/${d.id}/redeliver`); reload(); } catch (e) { setErr2(e); }
  };
  const kind = (s) => (s === 'delivered' ? 'on_track' : s === 'failed' ? 'off_track' : 'at_risk');
  return html`<div class="webhook-deliveries">
    <div class="card-head"><h3>${t('webhook.deliveries')}</h3>
      <button class="btn btn-small" data-action="refresh" onClick=${reload}>${t('webhook.refresh')}</button></div>
    <${ErrorBanner} error=${error || err2} onRetry=${reload} />
    ${loading && !data ? html`<${Skeleton} rows=${3} />`
      : items.length === 0 ? html`<p class="muted">${t('webhook.no_deliveries')}</p>`
      : html`<div class="table-wrap"><table class="table">
        <thead><tr><th>${t('webhook.col.event')}</th><th>${t('webhook.col.state')}</th><th>${t('webhook.col.attempts')}</th>
          <th>${t('webhook.col.status')}</th><th>${t('webhook.col.error')}</th><th>${t('webhook.col.time')}</th><th></th></tr></thead>
        <tbody>${items.map((d) => html`<tr key=${d.id} data-delivery=${d.id}>
          <td class="code">${d.event}</td>
          <td><${Chip} kind=${kind(d.state)}>${t('webhook.state.' + d.state)}<//></td>
          <td class="num">${d.attempts}</td>
          <td class="num" data-col="status">${d.last_status === null ? '—' : d.last_status}</td>
          <td class="wrap small">${d.last_error}</td>
          <td class="muted nowrap">${dateTime(d.delivered_at || d.updated_at)}</td>
          <td><button class="btn btn-small" data-action="redeliver" onClick=${() => again(d)}>${t('webhook.redeliver')}</button></td>
        </tr>`)}</tbody></table></div>`}
  </div>`;
}

function AllowedHosts() {
  const { data, error, reload } = useLoad(() => api.get('/webhooks/allowed-hosts'), []);
  const [text, setText] = useState(null);
  const [err2, setErr2] = useState(null);
  const [saved, setSaved] = useState(false);
  const value = text !== null ? text : ((data && data.hosts) || []).join('\n');
  const submit = async (e) => {
    e.preventDefault(); setErr2(null); setSaved(false);
    const hosts = value.split('\n').map((x) => x.trim()).filter(Boolean);
    try { await api.put('/webhooks/allowed-hosts', { hosts, version: data.version }); setText(null); setSaved(true); reload(); } catch (x) { setErr2(x); }
  };
  const L = labels();
  return html`<form class="card form-grid narrow-form" id="webhook-hosts" onSubmit=${submit} novalidate>
    <h2 class="field-wide">${t('webhook.hosts')}</h2>
    <p class="muted field-wide">${t('webhook.hosts_hint')}</p>
    ${errorIsAt(err2, ['hosts']) ? null : html`<${ErrorBanner} error=${error || err2} labels=${L} />`}
    ${saved ? html`<${Banner} kind="success">${t('webhook.hosts_saved')}<//>` : null}
    <${FormField} wide name="hosts" label=${L.hosts} error=${errorAt(err2, 'hosts', L)}>
      <textarea name="hosts" rows="3" value=${value} placeholder="hooks.internal.example:8443"
        onInput=${(e) => { setSaved(false); setText(e.currentTarget.value); }}></textarea><//>
    <div class="form-actions"><button class="btn btn-primary" type="submit" disabled=${!data}>${t('action.save')}</button></div>
  </form>`;
}
