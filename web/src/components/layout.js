// layout.js - the frame around every signed-in screen: a left navigation and a header
// with the workspace, the language switch and the user's menu.
import { html } from '../html.js';
import { t, tv, LANGS } from '../i18n/index.js';
import { useApp } from '../app-context.js';

function NavLink({ href, active, children, sub }) {
  return html`<a href=${'#' + href} class=${'nav-link' + (active ? ' active' : '') + (sub ? ' nav-sub' : '')}
    aria-current=${active ? 'page' : undefined}>${children}</a>`;
}

export function Layout({ path, project, children }) {
  const app = useApp();
  const admin = app.me.user.role === 'admin';
  const is = (p) => path === p || path.startsWith(p + '/');
  const pcode = project;
  const pbase = pcode ? '/p/' + encodeURIComponent(pcode) : '';
  return html`<div class="shell">
    <aside class="sidebar">
      <a class="brand" href="#/projects">
        <span class="brand-mark" aria-hidden="true">S</span>
        <span class="brand-text"><strong>salespm</strong><small>${t('app.tagline')}</small></span>
      </a>
      <nav aria-label=${t('nav.main')}>
        <div class="nav-section">${t('nav.work')}</div>
        <${NavLink} href="/projects" active=${path === '/projects'}>${t('nav.projects')}<//>
        ${pcode ? html`<div class="nav-project" title=${pcode}>${pcode}</div>
          <${NavLink} sub href=${pbase} active=${path === pbase || is(pbase + '/goals')}>${t('nav.overview')}<//>
          <${NavLink} sub href=${pbase + '/sales'} active=${is(pbase + '/sales')}>${t('nav.sales')}<//>
          <${NavLink} sub href=${pbase + '/import'} active=${is(pbase + '/import')}>${t('nav.import')}<//>
          <${NavLink} sub href=${pbase + '/members'} active=${is(pbase + '/members')}>${t('nav.members')}<//>` : null}
        <div class="nav-section">${t('nav.strategy')}</div>
        <${NavLink} href="/catalog/segments" active=${is('/catalog/segments')}>${t('nav.segments')}<//>
        <${NavLink} href="/catalog/channels" active=${is('/catalog/channels')}>${t('nav.channels')}<//>
        <${NavLink} href="/catalog/products" active=${is('/catalog/products')}>${t('nav.products')}<//>
        <${NavLink} href="/catalog/promotions" active=${is('/catalog/promotions')}>${t('nav.promotions')}<//>
        ${admin ? html`<div class="nav-section">${t('nav.admin')}</div>
          <${NavLink} href="/admin/users" active=${is('/admin/users')}>${t('nav.users')}<//>
          <${NavLink} href="/admin/workspace" active=${is('/admin/workspace')}>${t('nav.workspace')}<//>
          <${NavLink} href="/admin/audit" active=${is('/admin/audit')}>${t('nav.audit')}<//>` : null}
      </nav>
    </aside>
    <div class="main">
      <header class="topbar">
        <div class="topbar-title">${app.workspace.name || t('app.name')}</div>
        <div class="topbar-right">
          <label class="lang-switch">
            <span class="sr-only">${t('header.language')}</span>
            <select id="lang-select" value=${app.lang} onChange=${(e) => app.setLang(e.currentTarget.value)}>
              ${LANGS.map((l) => html`<option value=${l.code}>${l.label}</option>`)}
            </select>
          </label>
          <div class="user-badge" title=${app.me.user.login}>
            <span class="avatar" aria-hidden="true">${(app.me.user.name || app.me.user.login || '?').slice(0, 1).toUpperCase()}</span>
            <span class="user-text"><strong>${app.me.user.name || app.me.user.login}</strong>
              <small>${tv('role', app.me.user.role)}</small></span>
          </div>
          <button class="btn btn-ghost" id="logout" onClick=${app.logout}>${t('header.logout')}</button>
        </div>
      </header>
      <main class="content">${children}</main>
    </div>
  </div>`;
}
