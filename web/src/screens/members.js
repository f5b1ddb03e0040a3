// members.js - a project's team: add a user with a project role, change roles, set what each
// can carry (capacity, a percent of a full-time seller's load) and where they sell
// (territory), remove. Only the project's managers and owners (and admins) see the controls;
// only an owner may make or unmake an owner, as the server rules.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { dateTime, pct } from '../format.js';
import { useApp } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Banner, Chip, Modal, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { permissions, projectRole, useClosed } from '../components/access.js';
import '../styles/forms.css';

const PROLES = ['owner', 'manager', 'member', 'viewer'];

// A member's capacity and territory, edited in a dialog; the capacity is typed as a percent.
function LoadForm({ code, m, onClose, onSaved }) {
  const [capacity, setCapacity] = useState(String(Math.round(m.capacity * 1000) / 10));
  const [territory, setTerritory] = useState(m.territory || '');
  const [error, setError] = useState(null);
  const labels = { capacity: t('members.capacity'), territory: t('members.territory') };
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const v = Number(capacity.trim().replace(/%$/, ''));
    if (capacity.trim() === '' || !Number.isFinite(v) || v < 0 || v > 100) {
      setError({ code: 'invalid', field: 'capacity', reason: 'local', message: t('members.capacity_range') });
      return;
    }
    try {
      await api.patch('/projects/' + enc(code) + '/members/' + enc(m.login),
        { capacity: Math.round(v * 100) / 10000, territory: territory.trim(), version: m.version });
      onSaved(m);
    } catch (err) { setError(err); }
  };
  return html`<${Modal} title=${t('members.edit_title', { name: m.name || m.login })} onClose=${onClose}>
    <form id="member-load" onSubmit=${save} novalidate>
      ${errorIsAt(error, ['capacity', 'territory']) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="capacity" label=${labels.capacity} hint=${t('members.capacity_hint')}
          error=${error && error.reason === 'local' ? error.message : errorAt(error, 'capacity', labels)}>
        <input name="capacity" inputmode="decimal" value=${capacity} onInput=${(e) => setCapacity(e.currentTarget.value)} /><//>
      <${FormField} name="territory" label=${labels.territory} hint=${t('members.territory_hint')} error=${errorAt(error, 'territory', labels)}>
        <input name="territory" value=${territory} onInput=${(e) => setTerritory(e.currentTarget.value)} /><//>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary">${t('action.save')}</button></div>
    </form>
  <//>`;
}

export function Members({ code }) {
  const app = useApp();
  const list = useLoad(() => api.get('/projects/' + enc(code) + '/members'), [code]);
  const users = useLoad(() => api.get('/users').catch(() => null), []);
  const [error, setError] = useState(null);
  const [addError, setAddError] = useState(null);
  const [notice, setNotice] = useState('');
  const [login, setLogin] = useState('');
  const [role, setRole] = useState('member');
  const [editing, setEditing] = useState(null);
  const members = (list.data && list.data.members) || [];
  const closed = useClosed(code);
  const can = permissions(app.me, list.data ? projectRole(app.me, members) : 'none', closed);
  const inProject = new Set(members.map((m) => m.login));
  const candidates = ((users.data && users.data.users) || []).filter((u) => !inProject.has(u.login) && u.active !== false);
  const roles = can.grantOwner ? PROLES : PROLES.filter((r) => r !== 'owner');
  const labels = { login: t('members.user'), role: t('members.role') };

  const add = async (e) => {
    e.preventDefault();
    setAddError(null); setError(null); setNotice('');
    try {
      await api.post('/projects/' + enc(code) + '/members', { login: login.trim(), role });
      setNotice(t('members.added', { login: login.trim() })); setLogin(''); list.reload();
    } catch (err) { setAddError(err); }
  };
  const change = async (m, r) => {
    setError(null); setNotice('');
    try {
      await api.patch('/projects/' + enc(code) + '/members/' + enc(m.login), { role: r, version: m.version });
      setNotice(t('members.changed', { name: m.name || m.login, role: tv('prole', r) }));
      list.reload();
    } catch (err) { setError(err); list.reload(); }
  };
  const remove = async (m) => {
    if (!confirmed(t('members.confirm_remove', { login: m.name || m.login }))) return;
    setError(null); setNotice('');
    try { await api.del('/projects/' + enc(code) + '/members/' + enc(m.login), m.version); list.reload(); }
    catch (err) { setError(err); }
  };
  // an owner's row is changed only by an owner; nobody demotes themself from here
  const mayChange = (m) => can.manageMembers && (m.role !== 'owner' || can.grantOwner);

  return html`<section>
    <${PageHead} title=${t('members.title')} subtitle=${code} />
    <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice('')}>${notice}<//>` : null}
    ${can.manageMembers ? html`<form class="card inline-form" onSubmit=${add} id="member-add" novalidate>
      ${errorIsAt(addError, ['login', 'role']) ? null : html`<${ErrorBanner} error=${addError} labels=${labels} />`}
      <${FormField} name="login" label=${labels.login} error=${errorAt(addError, ['login', 'user'], labels)}>
        ${candidates.length ? html`<select name="login" value=${login} onChange=${(e) => setLogin(e.currentTarget.value)}>
            <option value="">${t('members.pick')}</option>
            ${candidates.map((u) => html`<option value=${u.login}>${u.name ? u.name + ' (' + u.login + ')' : u.login}</option>`)}</select>`
          : html`<input name="login" placeholder=${t('members.login_placeholder')} value=${login} onInput=${(e) => setLogin(e.currentTarget.value)} />`}
      <//>
      <${FormField} name="role" label=${labels.role} error=${errorAt(addError, 'role', labels)}>
        <select name="role" value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
          ${roles.map((r) => html`<option value=${r}>${tv('prole', r)}</option>`)}</select><//>
      <button class="btn btn-primary" type="submit" disabled=${!login.trim()}>${t('members.add')}</button>
    </form>` : null}
    ${list.loading ? html`<div class="card"><${Skeleton} rows=${4} /></div>`
      : members.length === 0 && !list.error ? html`<${Empty} title=${t('members.empty')} />`
      : html`<div class="table-wrap card"><table class="table" id="members-table">
        <thead><tr><th>${t('members.name')}</th><th>${t('members.login')}</th><th>${t('members.role')}</th>
          <th class="num">${t('members.capacity')}</th><th>${t('members.territory')}</th><th>${t('members.since')}</th>
          ${can.manageMembers ? html`<th class="col-actions"><span class="sr-only">${t('crud.actions')}</span></th>` : null}</tr></thead>
        <tbody>${members.map((m) => html`<tr key=${m.login} data-login=${m.login}>
          <td><span class="avatar avatar-small" aria-hidden="true">${(m.name || m.login).slice(0, 1).toUpperCase()}</span> ${m.name}</td>
          <td class="code">${m.login}</td>
          <td>${mayChange(m) ? html`<select name="member-role" aria-label=${t('members.role_of', { name: m.name || m.login })} value=${m.role}
              onChange=${(e) => change(m, e.currentTarget.value)}>
              ${(m.role === 'owner' ? PROLES : roles).map((r) => html`<option value=${r}>${tv('prole', r)}</option>`)}</select>`
            : html`<${Chip} kind=${m.role === 'owner' || m.role === 'manager' ? 'on_track' : ''}>${tv('prole', m.role)}<//>`}</td>
          <td class="num" data-col="capacity">${pct(m.capacity)}</td>
          <td data-col="territory">${m.territory || html`<span class="muted">—</span>`}</td>
          <td class="muted">${dateTime(m.created_at)}</td>
          ${can.manageMembers ? html`<td class="row-actions col-actions">
            <button class="btn btn-small" name="member-edit" onClick=${() => { setError(null); setNotice(''); setEditing(m); }}>${t('action.edit')}</button>
            ${mayChange(m) ? html`<button class="btn btn-small btn-danger-ghost" onClick=${() => remove(m)}>${t('members.remove')}</button>` : null}</td>` : null}
        </tr>`)}</tbody></table></div>`}
    ${editing ? html`<${LoadForm} code=${code} m=${editing} onClose=${() => setEditing(null)}
      onSaved=${(m) => { setEditing(null); setNotice(t('members.load_saved', { name: m.name || m.login })); list.reload(); }} />` : null}
  </section>`;
}
