// overview.js - a project's overview: its facts and time elapsed, and one card per goal with
// target vs actual, a progress bar, the progress-vs-time chart, status and SMART lint.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { money, date, dateTime, pct, pctClass, valueOf } from '../format.js';
import { navigate } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, StatusChip, Chip, Modal, PageHead, confirmed } from '../components/ui.js';
import { GoalChart } from '../components/goal-chart.js';
import { SmartChips } from '../components/smart.js';
import { ProjectForm, elapsedOf } from './projects.js';

// A headline figure: large amounts of money in compact form (¥55.2亿, CN¥5.5B) so
// they fit the card; the exact amount is in the title.
function figure(unit, v) {
  const big = unit === 'money' && v !== null && v !== undefined && Math.abs(Number(v)) >= 1e8;
  return valueOf(unit, v, big ? { compact: true } : undefined);
}

async function loadAll(code) {
  // The project must load; its goals and their series may fail on their own (shown in place).
  const [p, g] = await Promise.all([api.get('/projects/' + enc(code)),
    api.get('/projects/' + enc(code) + '/goals').catch((e) => ({ error: e }))]);
  const project = (p && p.project) || p;
  const goals = (g && g.goals) || [];
  const series = await Promise.all(goals.map((x) =>
    api.get('/projects/' + enc(code) + '/goals/' + x.id + '/series').then((r) => (r && r.points) || [], () => null)));
  return { project, goals, series, goalsError: g && g.error };
}

export function Overview({ code }) {
  const { data, error, loading, reload } = useLoad(() => loadAll(code), [code]);
  const [editing, setEditing] = useState(false);
  const [actionError, setActionError] = useState(null);
  const [history, setHistory] = useState(null);

  if (loading && !data) return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} kind="cards" rows=${2} /></section>`;
  if (error) return html`<section><${PageHead} title=${code} /><${ErrorBanner} error=${error} onRetry=${reload} /></section>`;
  const { project: p, goals, series, goalsError } = data;
  const elapsed = elapsedOf(p);
  const counts = goals.reduce((m, g) => ({ ...m, [g.status]: (m[g.status] || 0) + 1 }), {});

  const remove = async (g) => {
    if (!confirmed(t('goal.confirm_delete', { name: g.name || tv('metric', g.metric) }))) return;
    try { await api.del('/projects/' + enc(code) + '/goals/' + g.id, g.version); reload(); } catch (e) { setActionError(e); }
  };

  return html`<section>
    <${PageHead} title=${p.name} subtitle=${html`<span class="code">${p.code}</span> · ${date(p.start)} – ${date(p.end)}`}
      actions=${html`<button class="btn" onClick=${() => setEditing(true)}>${t('projects.edit')}</button>
        <a class="btn btn-primary" id="new-goal" href=${'#/p/' + enc(code) + '/goals/new'}>${t('goal.new')}</a>`} />
    <${ErrorBanner} error=${actionError} onDismiss=${() => setActionError(null)} />
    <div class="stat-strip stat-strip-4">
      <div class="stat"><span class="stat-label">${t('project.status')}</span><${StatusChip} status=${p.status} prefix="pstatus" /></div>
      <div class="stat"><span class="stat-label">${t('project.budget')}</span><span class="stat-value num">${money(p.budget)}</span></div>
      <div class="stat stat-grow"><span class="stat-label">${t('project.elapsed')} · ${pct(elapsed)}</span>
        <div class="mini-progress"><div class=${'mini-progress-bar ' + pctClass(elapsed)}></div></div></div>
      <div class="stat"><span class="stat-label">${t('goal.title_plural')}</span>
        <span class="stat-value">${goalsError ? '—' : goals.length}</span>
        <span class="stat-sub">${['on_track', 'at_risk', 'off_track', 'achieved'].filter((s) => counts[s]).map((s) =>
          html`<${Chip} kind=${s}>${counts[s]} ${tv('status', s)}<//> `)}</span></div>
    </div>
    ${p.objective ? html`<p class="objective"><strong>${t('project.objective')}:</strong> ${p.objective}</p>` : null}
    <h2 class="section-title">${t('goal.title_plural')}</h2>
    ${goalsError ? html`<${ErrorBanner} error=${goalsError} onRetry=${reload} />`
      : goals.length === 0 ? html`<${Empty} title=${t('goal.empty')} hint=${t('goal.empty_hint')}
        action=${html`<a class="btn btn-primary" href=${'#/p/' + enc(code) + '/goals/new'}>${t('goal.new')}</a>`} />`
      : html`<div class="goal-grid">${goals.map((g, i) => html`<${GoalCard} key=${g.id} code=${code} goal=${g} points=${series[i]}
          onEdit=${() => navigate('/p/' + enc(code) + '/goals/' + g.id + '/edit')} onDelete=${() => remove(g)}
          onHistory=${() => setHistory(g)} />`)}</div>`}
    ${editing ? html`<${ProjectForm} project=${p} onClose=${() => setEditing(false)} onSaved=${() => { setEditing(false); reload(); }} />` : null}
    ${history ? html`<${Revisions} code=${code} goal=${history} onClose=${() => setHistory(null)} />` : null}
  </section>`;
}

function scopeChips(scope) {
  if (!scope) return [];
  return ['segment', 'channel', 'product', 'rep'].filter((k) => scope[k]).map((k) =>
    html`<${Chip}>${t('goal.scope_' + k)}: ${scope[k]}<//>`);
}

export function GoalCard({ goal: g, points, onEdit, onDelete, onHistory }) {
  const progress = Math.max(0, Number(g.progress) || 0);
  const expected = Math.max(0, Math.min(1, Number(g.elapsed ?? 0)));
  return html`<article class="card goal-card" data-goal-id=${g.id} data-status=${g.status}>
    <header class="goal-head">
      <div>
        <h3>${g.name || tv('metric', g.metric)}</h3>
        <div class="goal-meta">${tv('metric', g.metric)} · ${date(g.start)} – ${date(g.due)}${g.owner ? ' · ' + g.owner : ''}</div>
      </div>
      <${StatusChip} status=${g.status} />
    </header>
    ${scopeChips(g.scope).length ? html`<div class="chip-row">${scopeChips(g.scope)}</div>` : null}
    <div class="goal-figures">
      <div><span class="fig-label">${t('goal.actual')}</span><span class="fig-value goal-actual num" title=${valueOf(g.unit, g.actual)}>${figure(g.unit, g.actual)}</span></div>
      <div><span class="fig-label">${t('goal.target')}</span><span class="fig-value num" title=${valueOf(g.unit, g.target)}>${figure(g.unit, g.target)}</span></div>
      <div><span class="fig-label">${t('goal.projected')}</span><span class="fig-value num muted-strong" title=${valueOf(g.unit, g.projected)}>${figure(g.unit, g.projected)}</span></div>
    </div>
    <div class="progress" title=${t('goal.progress_title', { progress: pct(progress), elapsed: pct(expected) })}>
      <div class=${'progress-bar status-' + g.status + ' ' + pctClass(progress)}></div>
      <div class=${'progress-marker at-' + pctClass(expected).slice(4)}></div>
    </div>
    <div class="progress-legend"><span>${t('goal.progress')} <strong>${pct(progress)}</strong></span>
      <span class="muted">${t('goal.elapsed')} ${pct(expected)}</span></div>
    <${GoalChart} goal=${g} points=${points} />
    <${SmartChips} smart=${g.smart} />
    <footer class="card-actions">
      <button class="btn btn-small" onClick=${onEdit}>${t('action.edit')}</button>
      <button class="btn btn-small" onClick=${onHistory}>${t('goal.history')}</button>
      <button class="btn btn-small btn-danger-ghost" onClick=${onDelete}>${t('action.delete')}</button>
    </footer>
  </article>`;
}

function Revisions({ code, goal, onClose }) {
  const { data, error, loading } = useLoad(() => api.get('/projects/' + enc(code) + '/goals/' + goal.id + '/revisions'), [goal.id]);
  const items = (data && (data.revisions || data.items)) || [];
  return html`<${Modal} title=${t('goal.history') + ' · ' + (goal.name || tv('metric', goal.metric))} onClose=${onClose} wide>
    <${ErrorBanner} error=${error} />
    ${loading ? html`<${Skeleton} />` : items.length === 0 && !error ? html`<p class="muted">${t('goal.no_history')}</p>`
      : html`<table class="table"><thead><tr><th class="num">${t('goal.version')}</th><th>${t('audit.when')}</th><th>${t('audit.who')}</th><th>${t('goal.change')}</th></tr></thead>
        <tbody>${items.slice().reverse().map((r) => html`<tr><td class="num">${r.version ?? ''}</td><td class="nowrap">${dateTime(r.changed_at || r.at || r.created_at)}</td>
          <td>${r.changed_by_login || r.by || r.actor || r.changed_by || ''}</td>
          <td class="wrap">${r.reason || r.summary || ''}</td></tr>`)}</tbody></table>`}
  <//>`;
}
