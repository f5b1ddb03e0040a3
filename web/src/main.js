// main.js - the web UI's entry: loads the caller (GET /api/v1/me), shows the login screen
// or the routed screen inside the layout, and re-renders when the language changes.
import { render } from 'preact';
import { useEffect, useState, useCallback } from 'preact/hooks';
import { html } from './html.js';
import { api, setCsrf, setUnauthorizedHandler } from './api.js';
import { stopLive } from './live.js';
import { getLang, setLang as storeLang, t } from './i18n/index.js';
import { setWorkspaceFormat } from './format.js';
import { AppCtx, currentPath, match, navigate } from './app-context.js';
import { Layout } from './components/layout.js';
import { ErrorBanner, Skeleton } from './components/ui.js';
import { Login } from './screens/login.js';
import { Projects } from './screens/projects.js';
import { Overview } from './screens/overview.js';
import { GoalForm } from './screens/goal-form.js';
import { Sales } from './screens/sales.js';
import { Import } from './screens/import.js';
import { Members } from './screens/members.js';
import { ProductPrices, EXTRAS } from './screens/catalog.js';
import { EntityPage } from './components/entity-page.js';
import { setEntities, entityAt } from './entities.js';
import { Users, WorkspaceSettings, Audit } from './screens/admin.js';
import { Dashboard } from './screens/dashboard.js';
import { Customers, CustomerPage } from './screens/customers.js';
import { SkillsMatrix } from './screens/skills.js';
import { Recruitment } from './screens/recruitment.js';
import { Strategy } from './screens/strategy.js';
import { Quotas } from './screens/quotas.js';
import { Problems } from './screens/problems.js';
import { Risks } from './screens/risks.js';
import { Budget } from './screens/budget.js';
import { Adjustments } from './screens/adjustments.js';
import { Tasks } from './screens/tasks.js';
import { Collections } from './screens/collections.js';
import { Activities } from './screens/activities.js';
import { Feedback } from './screens/feedback.js';
import { Deals } from './screens/deals.js';
import { Webhooks } from './screens/webhooks.js';
import { Meetings } from './screens/meetings.js';
import { CalendarSettings } from './screens/calendar.js';
import { Inbox } from './screens/inbox.js';
import { Report, Compare } from './screens/report.js';
import { Reviews } from './screens/reviews.js';
import { Lessons } from './screens/lessons.js';
import './styles/app.css';

const routes = [
  ['/projects', (p) => html`<${Projects} />`],
  ['/p/:code', (p) => html`<${Overview} code=${p.code} />`, 'code'],
  ['/p/:code/goals/new', (p) => html`<${GoalForm} code=${p.code} />`, 'code'],
  ['/p/:code/goals/:id/edit', (p) => html`<${GoalForm} code=${p.code} id=${p.id} />`, 'code'],
  ['/p/:code/analysis', (p) => html`<${Dashboard} code=${p.code} />`, 'code'],
  // keyed by the whole path: a link with other filters in its query opens a fresh list
  ['/p/:code/sales', (p, path) => html`<${Sales} key=${path} code=${p.code} />`, 'code'],
  ['/p/:code/import', (p) => html`<${Import} code=${p.code} />`, 'code'],
  ['/p/:code/members', (p) => html`<${Members} code=${p.code} />`, 'code'],
  ['/p/:code/strategy', (p) => html`<${Strategy} code=${p.code} />`, 'code'],
  ['/p/:code/skill-matrix', (p) => html`<${SkillsMatrix} code=${p.code} />`, 'code'],
  ['/p/:code/quotas', (p) => html`<${Quotas} code=${p.code} />`, 'code'],
  ['/p/:code/tasks', (p) => html`<${Tasks} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/problems', (p) => html`<${Problems} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/risks', (p) => html`<${Risks} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/budget', (p) => html`<${Budget} key=${p.code} code=${p.code} />`, 'code'],
  // keyed by the whole path: a chart's marker opens one adjustment (?id=N)
  ['/p/:code/adjustments', (p, path) => html`<${Adjustments} key=${path} code=${p.code} />`, 'code'],
  ['/p/:code/collections', (p) => html`<${Collections} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/activities', (p) => html`<${Activities} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/feedback', (p) => html`<${Feedback} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/deals', (p) => html`<${Deals} code=${p.code} />`, 'code'],
  ['/p/:code/meetings', (p) => html`<${Meetings} key=${p.code} code=${p.code} />`, 'code'],
  // keyed by the whole path: another day (?as_of=) or another project (?with=) reads afresh
  ['/p/:code/report', (p, path) => html`<${Report} key=${path} code=${p.code} />`, 'code'],
  ['/p/:code/report/compare', (p, path) => html`<${Compare} key=${path} code=${p.code} />`, 'code'],
  ['/p/:code/reviews', (p) => html`<${Reviews} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/lessons', (p) => html`<${Lessons} key=${p.code} code=${p.code} />`, 'code'],
  ['/p/:code/robots', (p) => html`<${Webhooks} key=${p.code} code=${p.code} />`, 'code'],
  ['/me/calendar', () => html`<${CalendarSettings} />`],
  ['/customers', (p, path) => html`<${Customers} key=${path} />`],
  ['/customers/:id', (p) => html`<${CustomerPage} id=${p.id} />`],
  ['/products/:sku', (p) => html`<${ProductPrices} sku=${p.sku} />`],
  ['/catalog/products/:sku', (p) => html`<${ProductPrices} sku=${p.sku} />`], // the links of earlier versions
  ['/admin/users', () => html`<${Users} />`],
  ['/admin/workspace', () => html`<${WorkspaceSettings} />`],
  ['/admin/audit', () => html`<${Audit} />`],
  ['/admin/webhooks', () => html`<${Webhooks} />`],
  ['/recruitment', () => html`<${Recruitment} />`],
  ['/inbox', () => html`<${Inbox} />`],
  // every other described noun: its generic screen (GET /api/v1/entities), by its plural
  ['/p/:code/:plural', (p) => generic(p.plural, 'project', p.code), 'code'],
  ['/catalog/:plural', (p) => generic(p.plural, 'workspace')], // the links of earlier versions
  ['/:plural', (p) => generic(p.plural, 'workspace')],
];

// A noun's generic screen, or null when no described noun has that route.
function generic(plural, scope, project) {
  const e = entityAt(plural, scope);
  return e ? html`<${EntityPage} key=${e.name + (project || '')} name=${e.name} project=${project} extras=${EXTRAS[e.name]} />` : null;
}

function NotFound() {
  return html`<div class="empty"><h3>${t('err.not_found_page')}</h3>
    <a class="btn" href="#/projects">${t('nav.projects')}</a></div>`;
}

function App() {
  const [lang, setLangState] = useState(getLang());
  const [path, setPath] = useState(currentPath());
  const [me, setMe] = useState(null);
  const [bootError, setBootError] = useState(null);
  const [booting, setBooting] = useState(true);

  const loadMe = useCallback(async () => {
    setBooting(true);
    try {
      const [m, ents] = await Promise.all([api.get('/me'), api.get('/entities')]);
      setEntities(ents && ents.entities);
      setCsrf(m.csrf_token);
      setWorkspaceFormat(m.workspace);
      setMe(m);
      setBootError(null);
    } catch (e) {
      setMe(null);
      if (e.status !== 401) setBootError(e);
    } finally {
      setBooting(false);
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    const onHash = () => setPath(currentPath());
    window.addEventListener('hashchange', onHash);
    loadMe();
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => { document.title = t('app.title'); }, [lang]);

  const setLang = (l) => { storeLang(l); setLangState(l); };
  const logout = async () => {
    try { await api.del('/session'); } catch (e) { /* already gone */ }
    stopLive();
    setCsrf('');
    setMe(null);
    navigate('/projects');
  };

  if (booting && !me) {
    return html`<div class="boot" key=${lang}><${Skeleton} rows=${4} /></div>`;
  }
  if (!me) {
    return html`<${AppCtx.Provider} value=${{ lang, setLang }}>
      <${Login} key=${lang} onLoggedIn=${loadMe} bootError=${bootError} />
    <//>`;
  }

  let view = null, project = null;
  for (const [pattern, fn, pkey] of routes) {
    const params = match(pattern, path);
    const v = params ? fn(params, path) : null;
    if (v) { view = v; project = pkey ? params[pkey] : null; break; }
  }
  const ctx = { lang, setLang, me, workspace: me.workspace || {}, logout, reloadMe: loadMe };
  return html`<${AppCtx.Provider} value=${ctx}>
    <${Layout} key=${lang} path=${path} project=${project}>
      ${bootError ? html`<${ErrorBanner} error=${bootError} />` : null}
      ${view || html`<${NotFound} />`}
    <//>
  <//>`;
}

render(html`<${App} />`, document.getElementById('app'));
