// members.js - a project's team: add a user with a project role, change roles, remove.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { dateTime } from '../format.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Banner, confirmed } from '../components/ui.js';

const PROLES = ['owner', 'manager', 'member', 'viewer'];

export function Members({ code }) {
  const list = useLoad(() => api.get('/projects/' + enc(code) + '/members'), [code]);
  const users = useLoad(() => api.get('/users').catch(() => null), []);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [login, setLogin] = useState('');
  const [role, setRole] = useState('member');
  const members = (list.data && list.data.members) || [];
  const inProject = new Set(members.map((m) => m.login));
  const candidates = ((users.data && users.data.users) || []).filter((u) => !inProject.has(u.login) && u.active !== false);

  const add = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/projects/' + enc(code) + '/members', { login: login.trim(), role });
      setNotice(t('members.added', { login: login.trim() })); setLogin(''); list.reload();
    } catch (err) { setError(err); }
  };
  const change = async (m, r) => {
    setError(null);
    try { await api.patch('/projects/' + enc(code) + '/members/' + enc(m.login), { role: r, version: m.version }); list.reload(); }
    catch (err) { setError(err); list.reload(); }
  };
  const remove = async (m) => {
    if (!confirmed(t('members.confirm_remove', { login: m.login }))) return;
    setError(null);
    try { await api.del('/projects/' + enc(code) + '/members/' + enc(m.login), m.version); list.reload(); }
    catch (err) { setError(err); }
  };

  return html`<section>
    <${PageHead} title=${t('members.title')} subtitle=${code} />
    <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice('')}>${notice}<//>` : null}
    <form class="card inline-form" onSubmit=${add} id="member-add">
      <label class="field"><span class="field-label">${t('members.user')}</span>
        ${candidates.length ? html`<select name="login" value=${login} onChange=${(e) => setLogin(e.currentTarget.value)} required>
            <option value="">${t('members.pick')}</option>
            ${candidates.map((u) => html`<option value=${u.login}>${u.name ? u.name + ' (' + u.login + ')' : u.login}</option>`)}</select>`
          : html`<input name="login" placeholder=${t('members.login_placeholder')} value=${login} onInput=${(e) => setLogin(e.currentTarget.value)} required />`}
      </label>
      <label class="field"><span class="field-label">${t('members.role')}</span>
        <select name="role" value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
          ${PROLES.map((r) => html`<option value=${r}>${tv('prole', r)}</option>`)}</select></label>
      <button class="btn btn-primary" type="submit" disabled=${!login.trim()}>${t('members.add')}</button>
    </form>
    ${list.loading ? html`<div class="card"><${Skeleton} rows=${4} /></div>`
      : members.length === 0 && !list.error ? html`<${Empty} title=${t('members.empty')} />`
      : html`<div class="table-wrap card"><table class="table">
        <thead><tr><th>${t('members.name')}</th><th>${t('members.login')}</th><th>${t('members.role')}</th><th>${t('members.since')}</th><th></th></tr></thead>
        <tbody>${members.map((m) => html`<tr key=${m.login}>
          <td><span class="avatar avatar-small" aria-hidden="true">${(m.name || m.login).slice(0, 1).toUpperCase()}</span> ${m.name}</td>
          <td class="code">${m.login}</td>
          <td><select aria-label=${t('members.role')} value=${m.role} onChange=${(e) => change(m, e.currentTarget.value)}>
            ${PROLES.map((r) => html`<option value=${r}>${tv('prole', r)}</option>`)}</select></td>
          <td class="muted">${dateTime(m.created_at)}</td>
          <td class="row-actions"><button class="btn btn-small btn-danger-ghost" onClick=${() => remove(m)}>${t('members.remove')}</button></td>
        </tr>`)}</tbody></table></div>`}
  </section>`;
}
