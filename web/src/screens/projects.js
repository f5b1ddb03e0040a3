// projects.js - the project list (status, dates, budget, time elapsed) and the create form.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { money, date, today, addDays, parseMoney, pctClass, pct, minorToDecimal, valueOf } from '../format.js';
import { QuotaProgress } from './quotas.js';
import { navigate, useApp } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, StatusChip, Modal, PageHead } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { permissions } from '../components/access.js';
import '../styles/forms.css';

const PROJECT_FIELDS = ['code', 'name', 'start', 'end', 'status', 'budget', 'objective', 'description'];

export function elapsedOf(p) {
  const s = Date.parse(p.start), e = Date.parse(p.end), n = Date.parse(today());
  if (!(e > s)) return 0;
  return Math.max(0, Math.min(1, (n - s) / (e - s)));
}

export function Projects() {
  const app = useApp();
  const { data, error, loading, reload } = useLoad(() => api.get('/projects'), []);
  const [creating, setCreating] = useState(false);
  const canCreate = permissions(app.me).createProject;
  const projects = (data && data.projects) || [];

  return html`<section>
    <${PageHead} title=${t('projects.title')} subtitle=${t('projects.subtitle')}
      actions=${canCreate ? html`<button class="btn btn-primary" id="new-project" onClick=${() => setCreating(true)}>${t('projects.new')}</button>` : null} />
    <${MyQuotas} projects=${projects} me=${app.me && app.me.user ? app.me.user.login : ''} />
    <${ErrorBanner} error=${error} onRetry=${reload} />
    ${loading ? html`<${Skeleton} kind="cards" rows=${3} />`
      : !error && projects.length === 0 ? html`<${Empty} title=${t('projects.empty')} hint=${t('projects.empty_hint')}
          action=${canCreate ? html`<button class="btn btn-primary" onClick=${() => setCreating(true)}>${t('projects.new')}</button>` : null} />`
      : html`<div class="card-grid">
          ${projects.map((p) => html`<a class="card card-link project-card" href=${'#/p/' + encodeURIComponent(p.code)} data-code=${p.code}>
            <div class="card-top"><span class="code">${p.code}</span><${StatusChip} status=${p.status} prefix="pstatus" /></div>
            <h3>${p.name}</h3>
            ${p.objective ? html`<p class="muted clamp">${p.objective}</p>` : null}
            <dl class="facts">
              <div><dt>${t('project.dates')}</dt><dd>${date(p.start)} – ${date(p.end)}</dd></div>
              <div><dt>${t('project.budget')}</dt><dd class="num">${money(p.budget)}</dd></div>
            </dl>
            <div class="mini-progress" title=${t('project.elapsed') + ' ' + pct(elapsedOf(p))}>
              <div class=${'mini-progress-bar ' + pctClass(elapsedOf(p))}></div></div>
            <div class="muted small">${t('project.elapsed')} ${pct(elapsedOf(p))}</div>
          </a>`)}
        </div>`}
    ${creating ? html`<${ProjectForm} onClose=${() => setCreating(false)}
        onSaved=${(p) => { setCreating(false); navigate('/p/' + encodeURIComponent(p.code)); }} />` : null}
  </section>`;
}

// The caller's own quotas in every project they see, first on the home screen (a rep's goals
// come before the projects); nothing when they have none.
function MyQuotas({ projects, me }) {
  const codes = projects.map((p) => p.code);
  const { data } = useLoad(async () => {
    const boards = await Promise.all(codes.map((c) => api.get('/projects/' + encodeURIComponent(c) + '/quotas').catch(() => null)));
    const out = [];
    boards.forEach((b, i) => (b ? b.goals : []).forEach((g) => {
      const l = g.quotas.lines.find((x) => x.person === me);
      if (l) out.push({ project: codes[i], goal: g, line: l });
    }));
    return out;
  }, [codes.join(','), me]);
  if (!data || !data.length) return null;
  return html`<div class="card quota-mine-card" id="my-quotas"><h2 class="section-title">${t('quota.mine_title')}</h2>
    ${data.map(({ project, goal: g, line: l }) => html`<a class="quota-mine-line quota-mine-link" key=${project + g.goal}
        href=${'#/p/' + encodeURIComponent(project) + '/quotas'} data-project=${project} data-goal-id=${g.goal}>
      <span class="quota-mine-name">${t('quota.mine_line', { goal: g.name || tv('metric', g.metric), project })}</span>
      <span class="num quota-mine-figures">${valueOf(g.unit, l.actual)} / ${valueOf(g.unit, l.target)}</span>
      <${QuotaProgress} value=${l.progress} /></a>`)}
  </div>`;
}

export function ProjectForm({ project, onClose, onSaved }) {
  const editing = !!project;
  const [f, setF] = useState(project ? {
    code: project.code, name: project.name, start: project.start, end: project.end, status: project.status,
    budget: project.budget != null ? minorToDecimal(project.budget) : '', objective: project.objective || '',
    description: project.description || '',
  } : { code: '', name: '', start: today(), end: addDays(today(), 90), status: 'active', budget: '', objective: '', description: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });

  const budget = f.budget.trim() === '' ? 0 : parseMoney(f.budget);
  const submit = async (e) => {
    e.preventDefault();
    if (budget === null) return;
    setBusy(true); setError(null);
    const body = { name: f.name, start: f.start, end: f.end, status: f.status, budget,
      objective: f.objective, description: f.description };
    try {
      const r = editing
        ? await api.patch('/projects/' + encodeURIComponent(project.code), { ...body, version: project.version })
        : await api.post('/projects', { code: f.code, ...body });
      onSaved((r && r.project) || r || { code: f.code });
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const labels = { code: t('project.code'), name: t('project.name'), start: t('project.start'), end: t('project.end'),
    status: t('project.status'), budget: t('project.budget'), objective: t('project.objective'), description: t('project.description') };
  const at = (k) => errorAt(error, k, labels);
  return html`<${Modal} title=${editing ? t('projects.edit') : t('projects.new')} onClose=${onClose}>
    <form class="form-grid" onSubmit=${submit} id="project-form" novalidate>
      ${errorIsAt(error, PROJECT_FIELDS) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="code" label=${labels.code} hint=${t('project.code_hint')} error=${at('code')}>
        <input name="code" required disabled=${editing} value=${f.code} onInput=${set('code')} /><//>
      <${FormField} name="name" label=${labels.name} error=${at('name')}><input name="name" required value=${f.name} onInput=${set('name')} /><//>
      <${FormField} name="start" label=${labels.start} error=${at('start')}><input name="start" type="date" required value=${f.start} onInput=${set('start')} /><//>
      <${FormField} name="end" label=${labels.end} error=${at('end')}><input name="end" type="date" required value=${f.end} onInput=${set('end')} /><//>
      <${FormField} name="status" label=${labels.status} error=${at('status')}>
        <select name="status" value=${f.status} onChange=${set('status')}>
          ${['draft', 'active', 'closed'].map((s) => html`<option value=${s}>${t('pstatus.' + s)}</option>`)}
        </select><//>
      <${FormField} name="budget" label=${labels.budget} error=${budget === null ? t('form.bad_money') : at('budget')}>
        <input name="budget" inputmode="decimal" placeholder="0.00" value=${f.budget} onInput=${set('budget')} /><//>
      <${FormField} wide name="objective" label=${labels.objective} hint=${t('project.objective_hint')} error=${at('objective')}>
        <input name="objective" value=${f.objective} onInput=${set('objective')} /><//>
      <${FormField} wide name="description" label=${labels.description} error=${at('description')}>
        <textarea name="description" rows="3" value=${f.description} onInput=${set('description')}></textarea><//>
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${editing ? t('action.save') : t('action.create')}</button>
      </div>
    </form>
  <//>`;
}
