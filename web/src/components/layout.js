// layout.js - the frame around every signed-in screen: a left navigation and a header with
// the workspace, the language switch and the user's menu. Below 900 px the navigation is a
// drawer: the header's menu button opens it; it closes on navigation, on Escape and on a tap
// beside it, and keeps the keyboard inside while open.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { t, tv, LANGS, getLang } from '../i18n/index.js';
import { useApp } from '../app-context.js';
import { entities, sections, pluralLabel } from '../entities.js';
import { wsAtLeast, useProjectAccess } from './access.js';
import { InboxBell } from './inbox-bell.js';
import { ClosedBanner } from './closing.js';
import { liveState, watchLive } from '../live.js';

function NavLink({ href, active, children, sub, id }) {
  return html`<a href=${'#' + href} id=${id} class=${'nav-link' + (active ? ' active' : '') + (sub ? ' nav-sub' : '')}
    aria-current=${active ? 'page' : undefined}>${children}</a>`;
}

const focusables = (el) => Array.from(el.querySelectorAll('a[href], button:not([disabled]), select, input'));

// The user guide the binary serves at /docs/ (docs/guide*.md), in the UI's language.
export const helpHref = () => (getLang() === 'zh-CN' ? '/docs/guide.zh-CN.html' : '/docs/guide.html');

// The user's menu: who is signed in, their role, the help pages, and signing out.
function UserMenu({ me, onLogout }) {
  const [open, setOpen] = useState(false);
  const box = useRef(null);
  const button = useRef(null);
  useEffect(() => {
    if (!open) return undefined;
    const onDoc = (e) => { if (box.current && !box.current.contains(e.target)) setOpen(false); };
    const onKey = (e) => { if (e.key === 'Escape') { setOpen(false); button.current && button.current.focus(); } };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('mousedown', onDoc); document.removeEventListener('keydown', onKey); };
  }, [open]);
  const name = me.user.name || me.user.login;
  return html`<div class="user-menu" ref=${box}>
    <button class="user-badge" id="user-menu" ref=${button} aria-haspopup="true" aria-expanded=${open ? 'true' : 'false'}
      aria-controls="user-menu-list" title=${me.user.login} onClick=${() => setOpen(!open)}>
      <span class="avatar" aria-hidden="true">${(name || '?').slice(0, 1).toUpperCase()}</span>
      <span class="user-text"><strong>${name}</strong><small>${tv('role', me.user.role)}</small></span>
      <span class="caret" aria-hidden="true"></span>
    </button>
    ${open ? html`<div class="user-menu-list" id="user-menu-list" role="menu">
      <div class="user-menu-who"><strong>${name}</strong><small>${me.user.login} · ${tv('role', me.user.role)}</small></div>
      <a class="user-menu-item" role="menuitem" id="my-calendar" href="#/me/calendar" onClick=${() => setOpen(false)}>${t('calendar.menu')}</a>
      <a class="user-menu-item" role="menuitem" id="help-docs" href=${helpHref()}
        onClick=${() => setOpen(false)}>${t('header.help')}</a>
      <button class="user-menu-item" role="menuitem" id="logout" onClick=${onLogout}>${t('header.logout')}</button>
    </div>` : null}
  </div>`;
}

// The live stream's state, discreetly: a dot that says the screen follows changes made
// elsewhere, and plainly when it does not (the stream is down and reconnecting).
function LiveIndicator() {
  const [s, setS] = useState(liveState());
  useEffect(() => watchLive(setS), []);
  if (s === 'idle') return null;
  const up = s === 'up';
  return html`<span id="live-indicator" class=${'live ' + (up ? 'live-up' : 'live-down')} data-state=${s}
    role="status" title=${t(up ? 'live.on_title' : 'live.off_title')}>
    <span class="live-mark" aria-hidden="true"></span><span class="live-text">${t(up ? 'live.on' : 'live.off')}</span></span>`;
}

// A project noun's link id: 'nav-' + its plural, or 'nav-project-' + it when a workspace noun
// has the same plural (a project's target markets beside the workspace's segments).
function projectNavId(e) {
  const shared = entities().some((w) => w.scope === 'workspace' && w.section && w.plural === e.plural);
  return (shared ? 'nav-project-' : 'nav-') + e.plural;
}

export function Layout({ path, project, children }) {
  const app = useApp();
  const [navOpen, setNavOpen] = useState(false);
  const sidebar = useRef(null);
  const menuButton = useRef(null);
  const admin = app.me.user.role === 'admin';
  const bare = path.split('?')[0];
  const is = (p) => bare === p || bare.startsWith(p + '/');
  const pcode = project;
  const pbase = pcode ? '/p/' + encodeURIComponent(pcode) : '';
  // the project's managers see its group robots' link
  const { can: pcan, project: pinfo } = useProjectAccess(app.me, pcode, !pcode);

  // a new screen closes the drawer; an open drawer holds the focus from the frame it shows in
  // (layout effects: a key pressed right after it opened already finds the trap)
  useLayoutEffect(() => { setNavOpen(false); }, [path]);
  useLayoutEffect(() => {
    if (!navOpen) return undefined;
    const first = sidebar.current && focusables(sidebar.current)[0];
    if (first) first.focus();
    const onKey = (e) => {
      if (e.key === 'Escape') { setNavOpen(false); if (menuButton.current) menuButton.current.focus(); return; }
      if (e.key !== 'Tab' || !sidebar.current) return;
      const f = focusables(sidebar.current);
      if (!f.length) return;
      if (e.shiftKey && document.activeElement === f[0]) { e.preventDefault(); f[f.length - 1].focus(); }
      else if (!e.shiftKey && document.activeElement === f[f.length - 1]) { e.preventDefault(); f[0].focus(); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return html`<div class=${'shell' + (navOpen ? ' nav-open' : '')}>
    <aside class="sidebar" id="sidebar" ref=${sidebar}>
      <div class="sidebar-head">
        <a class="brand" href="#/projects">
          <span class="brand-mark" aria-hidden="true">S</span>
          <span class="brand-text"><strong>salespm</strong><small>${t('app.tagline')}</small></span>
        </a>
        <button class="btn-icon nav-close" aria-label=${t('nav.close')} onClick=${() => { setNavOpen(false); if (menuButton.current) menuButton.current.focus(); }}>×</button>
      </div>
      <nav aria-label=${t('nav.main')}>
        <div class="nav-section">${t('nav.work')}</div>
        <${NavLink} href="/projects" active=${bare === '/projects'}>${t('nav.projects')}<//>
        ${pcode ? html`<div class="nav-project" title=${pcode}>${pcode}</div>
          <${NavLink} sub href=${pbase} active=${bare === pbase || is(pbase + '/goals')}>${t('nav.overview')}<//>
          <${NavLink} sub id="nav-analysis" href=${pbase + '/analysis'} active=${is(pbase + '/analysis')}>${t('nav.analysis')}<//>
          <${NavLink} sub id="nav-strategy" href=${pbase + '/strategy'} active=${is(pbase + '/strategy')}>${t('nav.strategy')}<//>
          <${NavLink} sub id="nav-deals" href=${pbase + '/deals'} active=${is(pbase + '/deals')}>${t('nav.deals')}<//>
          <${NavLink} sub href=${pbase + '/sales'} active=${is(pbase + '/sales')}>${t('nav.sales')}<//>
          ${pcan.importSales ? html`<${NavLink} sub href=${pbase + '/import'} active=${is(pbase + '/import')}>${t('nav.import')}<//>` : null}
          <${NavLink} sub href=${pbase + '/members'} active=${is(pbase + '/members')}>${t('nav.members')}<//>
          <${NavLink} sub id="nav-skill-matrix" href=${pbase + '/skill-matrix'} active=${is(pbase + '/skill-matrix')}>${t('nav.skill_matrix')}<//>
          <${NavLink} sub id="nav-quotas" href=${pbase + '/quotas'} active=${is(pbase + '/quotas')}>${t('nav.quotas')}<//>
          ${sections('project').map(({ nouns }) => nouns.map((e) => html`<${NavLink} sub id=${projectNavId(e)}
            href=${pbase + '/' + e.plural} active=${is(pbase + '/' + e.plural)}>${pluralLabel(e)}<//>`))}
          <${NavLink} sub id="nav-collections" href=${pbase + '/collections'} active=${is(pbase + '/collections')}>${t('nav.collections')}<//>
          <${NavLink} sub id="nav-budget" href=${pbase + '/budget'} active=${is(pbase + '/budget')}>${t('nav.budget')}<//>
          <${NavLink} sub id="nav-adjustments" href=${pbase + '/adjustments'} active=${is(pbase + '/adjustments')}>${t('nav.adjustments')}<//>
          <${NavLink} sub id="nav-report" href=${pbase + '/report'} active=${is(pbase + '/report')}>${t('nav.report')}<//>
          ${pcan.writeLessons || pcan.seeAllReviews ? html`<${NavLink} sub id="nav-reviews" href=${pbase + '/reviews'} active=${is(pbase + '/reviews')}>${t('nav.reviews')}<//>` : null}
          <${NavLink} sub id="nav-lessons" href=${pbase + '/lessons'} active=${is(pbase + '/lessons')}>${t('nav.lessons')}<//>
          ${pcan.editProject ? html`<${NavLink} sub id="nav-robots" href=${pbase + '/robots'} active=${is(pbase + '/robots')}>${t('nav.robots')}<//>` : null}` : null}
        <${NavLink} id="nav-customers" href="/customers" active=${is('/customers')}>${t('nav.customers')}<//>
        ${sections('workspace', (e) => wsAtLeast(app.me, e.read_role)).map(({ section, nouns }) => html`
          <div class="nav-section">${t('nav.' + section)}</div>
          ${nouns.map((e) => html`<${NavLink} id=${'nav-' + e.plural} href=${'/' + e.plural}
            active=${is('/' + e.plural) || is('/catalog/' + e.plural)}>${pluralLabel(e)}<//>
            ${e.name === 'position' && wsAtLeast(app.me, 'manager') ? html`<${NavLink} id="nav-recruitment"
              href="/recruitment" active=${is('/recruitment')}>${t('nav.recruitment')}<//>` : null}`)}`)}
        ${admin ? html`<div class="nav-section">${t('nav.admin')}</div>
          <${NavLink} href="/admin/users" active=${is('/admin/users')}>${t('nav.users')}<//>
          <${NavLink} href="/admin/workspace" active=${is('/admin/workspace')}>${t('nav.workspace')}<//>
          <${NavLink} href="/admin/audit" active=${is('/admin/audit')}>${t('nav.audit')}<//>
          <${NavLink} id="nav-webhooks" href="/admin/webhooks" active=${is('/admin/webhooks')}>${t('nav.webhooks')}<//>` : null}
      </nav>
    </aside>
    ${navOpen ? html`<div class="nav-backdrop" aria-hidden="true" onClick=${() => setNavOpen(false)}></div>` : null}
    <div class="main">
      <header class="topbar">
        <button class="menu-btn" id="menu-button" ref=${menuButton} aria-controls="sidebar"
          aria-expanded=${navOpen ? 'true' : 'false'} aria-label=${t('nav.open')} onClick=${() => setNavOpen(!navOpen)}>
          <span class="menu-icon" aria-hidden="true"></span></button>
        <div class="topbar-title" title=${app.workspace.name || ''}>${app.workspace.name || t('app.name')}</div>
        <div class="topbar-right">
          <${InboxBell} path=${path} />
          <${LiveIndicator} />
          <label class="lang-switch">
            <span class="sr-only">${t('header.language')}</span>
            <select id="lang-select" value=${app.lang} onChange=${(e) => app.setLang(e.currentTarget.value)}>
              ${LANGS.map((l) => html`<option value=${l.code}>${l.label}</option>`)}
            </select>
          </label>
          <${UserMenu} me=${app.me} onLogout=${app.logout} />
        </div>
      </header>
      <main class="content">${pcode && pcan.closed ? html`<${ClosedBanner} project=${pinfo} code=${pcode} />` : null}${children}</main>
    </div>
  </div>`;
}
