// overview.js - a project's overview: its facts and time elapsed, and one card per goal with
// target vs actual, a progress bar, the progress-vs-time chart, status and SMART lint.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { money, date, dateTime, pct, pctClass, valueOf, num, today } from '../format.js';
import { navigate, useApp, route } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, StatusChip, Chip, Modal, PageHead, Banner, confirmed } from '../components/ui.js';
import { useLive } from '../live.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { permissions, projectRole, isClosed } from '../components/access.js';
import { CloseDialog } from '../components/closing.js';
import { useNames, Named } from '../components/names.js';
import '../styles/forms.css';
import { GoalChart } from '../components/goal-chart.js';
import { SmartChips } from '../components/smart.js';
import { ProjectForm, elapsedOf } from './projects.js';
import { CommentsButton } from '../components/comments.js';
import { QuotaProgress } from './quotas.js';
import { ForecastPanel } from '../components/forecast.js';
import { AlertsPanel } from '../components/alerts.js';

// A goal's value as a reader sees it: money, a percent for ratios, a count with the custom
// goal's own unit ("18 家").
export function goalValue(g, v, opts) {
  if (v === null || v === undefined) return '—';
  if (g.metric === 'custom' && g.custom_unit) return num(v) + ' ' + g.custom_unit;
  return valueOf(g.unit, v, opts);
}

// A headline figure: large amounts of money in compact form (¥55.2亿, CN¥5.5B) so
// they fit the card; the exact amount is in the title.
function figure(g, v) {
  const big = g.unit === 'money' && v !== null && v !== undefined && Math.abs(Number(v)) >= 1e8;
  return goalValue(g, v, big ? { compact: true } : undefined);
}

async function loadAll(code) {
  // The project must load; its goals and their series may fail on their own (shown in place).
  const [p, g, m, a] = await Promise.all([api.get('/projects/' + enc(code)),
    api.get('/projects/' + enc(code) + '/goals').catch((e) => ({ error: e })),
    api.get('/projects/' + enc(code) + '/members').catch(() => null),
    api.get('/projects/' + enc(code) + '/adjustments').catch(() => null)]);
  const project = (p && p.project) || p;
  const goals = (g && g.goals) || [];
  const series = await Promise.all(goals.map((x) =>
    api.get('/projects/' + enc(code) + '/goals/' + x.id + '/series').then((r) => (r && r.points) || [], () => null)));
  return { project, goals, series, goalsError: g && g.error, members: (m && m.members) || [],
    adjustments: (a && a.adjustments) || [] };
}

// One project's overview; a new project starts afresh (no dialog of the last one left open).
export function Overview({ code }) {
  return html`<${ProjectOverview} key=${code} code=${code} />`;
}

function ProjectOverview({ code }) {
  const app = useApp();
  const { data, error, loading, reload } = useLoad(() => loadAll(code), [code]);
  // the goals' progress moves with every sale, check-in or goal written anywhere
  useLive(code, ['sale', 'goal', 'goal_checkin', 'deal', 'feedback', 'project', 'member', 'adjustment'], reload);
  const names = useNames(['users', 'segments', 'channels', 'products']);
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [history, setHistory] = useState(null);
  const [checkins, setCheckins] = useState(null);

  if (loading && !data) return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} kind="cards" rows=${2} /></section>`;
  if (error) return html`<section><${PageHead} title=${code} /><${ErrorBanner} error=${error} onRetry=${reload} /></section>`;
  const { project: p, goals, series, goalsError, members } = data;
  const can = permissions(app.me, projectRole(app.me, members), isClosed(p));
  const elapsed = elapsedOf(p);
  const counts = goals.reduce((m, g) => ({ ...m, [g.status]: (m[g.status] || 0) + 1 }), {});

  const remove = async (g) => {
    if (!confirmed(t('goal.confirm_delete', { name: g.name || tv('metric', g.metric) }))) return;
    try { await api.del('/projects/' + enc(code) + '/goals/' + g.id, g.version); reload(); } catch (e) { setActionError(e); }
  };

  return html`<section>
    <${PageHead} title=${p.name} subtitle=${html`<span class="code">${p.code}</span> · ${date(p.start)} – ${date(p.end)}`}
      actions=${html`${can.editProject ? html`<button class="btn" id="edit-project" onClick=${() => setEditing(true)}>${t('projects.edit')}</button>` : null}
        ${can.closeProject && p.status !== 'closed' ? html`<button class="btn" id="close-project" onClick=${() => setClosing('close')}>${t('closing.close')}</button>` : null}
        ${can.closeProject && p.status === 'closed' ? html`<button class="btn" id="reopen-project" onClick=${() => setClosing('reopen')}>${t('closing.reopen')}</button>` : null}
        ${can.manageGoals ? html`<a class="btn btn-primary" id="new-goal" href=${'#/p/' + enc(code) + '/goals/new'}>${t('goal.new')}</a>` : null}`} />
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
    <${AlertsPanel} code=${code} manage=${can.editProject} />
    ${goals.length ? html`<${ForecastPanel} code=${code} />` : null}
    <h2 class="section-title">${t('goal.title_plural')}</h2>
    ${goalsError ? html`<${ErrorBanner} error=${goalsError} onRetry=${reload} />`
      : goals.length === 0 ? html`<${Empty} title=${t('goal.empty')} hint=${t('goal.empty_hint')}
        action=${can.manageGoals ? html`<a class="btn btn-primary" href=${'#/p/' + enc(code) + '/goals/new'}>${t('goal.new')}</a>` : null} />`
      : html`<div class="goal-grid">${goals.map((g, i) => html`<${GoalCard} key=${g.id} code=${code} goal=${g} points=${series[i]} adjustments=${data.adjustments}
          names=${names} me=${can.login}
          onEdit=${can.manageGoals ? () => navigate('/p/' + enc(code) + '/goals/' + g.id + '/edit') : null}
          onDelete=${can.manageGoals ? () => remove(g) : null}
          onHistory=${() => setHistory(g)}
          onCheckins=${g.metric === 'custom' ? () => setCheckins(g) : null} />`)}</div>`}
    ${closing ? html`<${CloseDialog} project=${p} reopen=${closing === 'reopen'} onClose=${() => setClosing(null)}
      onDone=${() => { setClosing(null); reload(); }} />` : null}
    ${editing ? html`<${ProjectForm} project=${p} onClose=${() => setEditing(false)} onSaved=${() => { setEditing(false); reload(); }} />` : null}
    ${history ? html`<${Revisions} code=${code} goal=${history} names=${names} onClose=${() => setHistory(null)} />` : null}
    ${checkins ? html`<${Checkins} code=${code} goal=${checkins} names=${names} canWrite=${can.checkin(checkins)}
        onClose=${() => setCheckins(null)} onSaved=${reload} />` : null}
  </section>`;
}

const SCOPE_KIND = { segment: 'segments', channel: 'channels', product: 'products', rep: 'users' };

function scopeChips(scope, names) {
  if (!scope) return [];
  return ['segment', 'channel', 'product', 'rep'].filter((k) => scope[k]).map((k) =>
    html`<span class="chip chip-neutral scope-chip" data-scope=${k}>${t('goal.scope_' + k)}: <${Named} names=${names} kind=${SCOPE_KIND[k]} code=${scope[k]} /></span>`);
}

// The metrics counted from the sales lines: a goal's actual opens the sales of its scope and
// window so far (the sales list takes them from the link).
const SALE_METRICS = new Set(['revenue', 'gross_margin', 'units', 'avg_deal_size']);
function salesOfGoal(code, g) {
  if (!code || !SALE_METRICS.has(g.metric) || !g.start || !g.due) return null;
  const now = today(), sc = g.scope || {};
  return route('/p/' + enc(code) + '/sales', { from: g.start, to: g.due < now ? g.due : now,
    segment: sc.segment, channel: sc.channel, product: sc.product, rep: sc.rep });
}

export function GoalCard({ code, goal: g, points, adjustments, names, me, onEdit, onDelete, onHistory, onCheckins }) {
  const progress = Math.max(0, Number(g.progress) || 0);
  const sales = salesOfGoal(code, g);
  const expected = Math.max(0, Math.min(1, Number(g.elapsed ?? 0)));
  return html`<article class="card goal-card" data-goal-id=${g.id} data-status=${g.status}>
    <header class="goal-head">
      <div>
        <h3>${g.name || tv('metric', g.metric)}</h3>
        <div class="goal-meta">${tv('metric', g.metric)} · ${date(g.start)} – ${date(g.due)}${g.owner
          ? html` · <span class="goal-owner">${t('goal.owner')}: <${Named} names=${names} kind="users" code=${g.owner} /></span>` : null}</div>
      </div>
      <${StatusChip} status=${g.status} />
    </header>
    ${scopeChips(g.scope, names).length ? html`<div class="chip-row">${scopeChips(g.scope, names)}</div>` : null}
    <div class="goal-figures">
      <div><span class="fig-label">${t('goal.actual')}</span>${sales
        ? html`<a class="fig-value goal-actual num" href=${'#' + sales} title=${t('goal.open_sales', { value: goalValue(g, g.actual) })}>${figure(g, g.actual)}</a>`
        : html`<span class="fig-value goal-actual num" title=${goalValue(g, g.actual)}>${figure(g, g.actual)}</span>`}</div>
      <div><span class="fig-label">${t('goal.target')}</span><span class="fig-value goal-target num" title=${goalValue(g, g.target)}>${figure(g, g.target)}</span></div>
      <div><span class="fig-label">${t('goal.projected')}</span><span class="fig-value goal-projected num muted-strong" title=${goalValue(g, g.projected)}>${figure(g, g.projected)}</span></div>
    </div>
    <div class="goal-projection small" data-value=${g.projection ? String(g.projection.value) : ''}>${g.projection
      ? t('goal.projection', { value: figure(g, g.projection.value), low: figure(g, g.projection.low), high: figure(g, g.projection.high) })
      : t('goal.projection_none', { why: t('forecast.reason.' + (g.projection_reason || 'none')) })}</div>
    <div class="progress" title=${t('goal.progress_title', { progress: pct(progress), elapsed: pct(expected) })}>
      <div class=${'progress-bar status-' + g.status + ' ' + pctClass(progress)}></div>
      <div class=${'progress-marker at-' + pctClass(expected).slice(4)}></div>
    </div>
    <div class="progress-legend"><span>${t('goal.progress')} <strong>${pct(progress)}</strong></span>
      <span class="muted">${t('goal.elapsed')} ${pct(expected)}</span></div>
    <${GoalChart} goal=${g} points=${points} adjustments=${adjustments} code=${code} />
    <${GoalQuotas} goal=${g} names=${names} me=${me} />
    <${SmartChips} smart=${g.smart} />
    <footer class="card-actions">
      ${onCheckins ? html`<button class="btn btn-small goal-checkins" onClick=${onCheckins}>${t('checkin.open')}</button>` : null}
      ${onEdit ? html`<button class="btn btn-small goal-edit" onClick=${onEdit}>${t('action.edit')}</button>` : null}
      <button class="btn btn-small goal-history" onClick=${onHistory}>${t('goal.history')}</button>
      <${CommentsButton} on=${'goal:' + g.id} title=${g.name || tv('metric', g.metric)} />
      ${onDelete ? html`<button class="btn btn-small btn-danger-ghost goal-delete" onClick=${onDelete}>${t('action.delete')}</button>` : null}
    </footer>
  </article>`;
}

// A goal's quotas on its card: each member's share of the target and progress on their quota
// (the caller's own line first); nothing for a goal without quotas.
function GoalQuotas({ goal: g, names, me }) {
  const lines = (g.quotas && g.quotas.lines) || [];
  if (!lines.length) return null;
  const sorted = [...lines.filter((l) => l.person === me), ...lines.filter((l) => l.person !== me)];
  return html`<div class="goal-quotas" data-balanced=${String(g.quotas.balanced)}>
    <div class="fig-label">${t('quota.title_card', { n: lines.length })}</div>
    ${sorted.map((l) => html`<div key=${l.person} class=${'quota-line' + (l.person === me ? ' quota-mine' : '')} data-person=${l.person}>
      <span class="quota-line-name"><${Named} names=${names} kind="users" code=${l.person} /></span>
      <span class="num quota-line-share" title=${t('quota.share')}>${pct(l.share)}</span>
      <${QuotaProgress} value=${l.progress} />
    </div>`)}
  </div>`;
}

function Revisions({ code, goal, names, onClose }) {
  const { data, error, loading } = useLoad(() => api.get('/projects/' + enc(code) + '/goals/' + goal.id + '/revisions'), [goal.id]);
  const items = (data && (data.revisions || data.items)) || [];
  return html`<${Modal} title=${t('goal.history') + ' · ' + (goal.name || tv('metric', goal.metric))} onClose=${onClose} wide>
    <${ErrorBanner} error=${error} />
    ${loading ? html`<${Skeleton} />` : items.length === 0 && !error ? html`<p class="muted">${t('goal.no_history')}</p>`
      : html`<table class="table"><thead><tr><th class="num">${t('goal.version')}</th><th>${t('audit.when')}</th><th>${t('audit.who')}</th><th>${t('goal.change')}</th></tr></thead>
        <tbody>${items.slice().reverse().map((r) => html`<tr><td class="num">${r.version ?? ''}</td><td class="nowrap">${dateTime(r.changed_at || r.at || r.created_at)}</td>
          <td><${Named} names=${names} kind="users" code=${r.changed_by_login || r.by || r.actor || r.changed_by || ''} /></td>
          <td class="wrap">${r.reason || r.summary || ''}</td></tr>`)}</tbody></table>`}
  <//>`;
}

// A custom goal's check-ins: the history (newest first) and, for its owner or a project
// manager, a form to record the value as of a date with a note.
function Checkins({ code, goal, names, canWrite, onClose, onSaved }) {
  const url = '/projects/' + enc(code) + '/goals/' + goal.id + '/checkins';
  const list = useLoad(() => api.get(url), [url]);
  const [f, setF] = useState({ value: '', date: today(), note: '' });
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const items = (list.data && list.data.checkins) || [];
  const c = (v) => goalValue(goal, v);
  const value = /^\d+$/.test(f.value.trim().replace(/,/g, '')) ? Number(f.value.trim().replace(/,/g, '')) : null;
  const labels = { value: t('checkin.value'), date: t('checkin.date'), note: t('checkin.note') };
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    if (value === null) { setError({ message: t('checkin.bad_value'), field: 'value' }); setNotice(''); return; }
    setBusy(true); setError(null); setNotice('');
    try {
      await api.post(url, { value, date: f.date, note: f.note.trim() });
      setNotice(t('checkin.saved', { value: c(value), date: date(f.date) }));
      setF({ value: '', date: f.date, note: '' });
      list.reload(); onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<${Modal} title=${t('checkin.title') + ' · ' + (goal.name || tv('metric', goal.metric))} onClose=${onClose} wide>
    <div id="checkins">
      <p class="muted small">${goal.checkin_rule ? t('checkin.rule', { rule: goal.checkin_rule }) : t('checkin.no_rule')}
        · ${t('goal.target')} ${c(goal.target)}</p>
      ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice('')}>${notice}<//>` : null}
      ${canWrite ? html`<form class="form-grid form-grid-3 checkin-form" id="checkin-form" onSubmit=${submit} novalidate>
        ${errorIsAt(error, ['value', 'date', 'note']) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
        <${FormField} name="value" label=${labels.value} hint=${goal.custom_unit ? t('goal.hint_count_unit', { unit: goal.custom_unit }) : t('goal.hint_count')}
            error=${errorAt(error, 'value', labels)}>
          <input name="value" inputmode="numeric" value=${f.value} onInput=${set('value')} /><//>
        <${FormField} name="date" label=${labels.date} error=${errorAt(error, 'date', labels)}>
          <input name="date" type="date" value=${f.date} onInput=${set('date')} /><//>
        <${FormField} wide name="note" label=${labels.note} error=${errorAt(error, 'note', labels)}>
          <input name="note" maxlength="299" value=${f.note} onInput=${set('note')} /><//>
        <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('checkin.add')}</button></div>
      </form>` : null}
      <h3 class="section-title">${t('checkin.past')}</h3>
      <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
      ${list.loading ? html`<${Skeleton} rows=${3} />` : items.length === 0 ? html`<p class="muted">${t('checkin.none')}</p>`
        : html`<div class="table-wrap"><table class="table" id="checkin-list"><thead><tr><th>${t('checkin.date')}</th><th class="num">${t('checkin.value')}</th>
          <th>${t('checkin.note')}</th><th>${t('checkin.by')}</th></tr></thead>
          <tbody>${items.map((k) => html`<tr key=${k.id} data-date=${k.date} data-value=${k.value}><td class="nowrap">${date(k.date)}</td>
            <td class="num">${c(k.value)}</td><td class="wrap">${k.note}</td>
            <td><${Named} names=${names} kind="users" code=${k.by} /></td></tr>`)}</tbody></table></div>`}
    </div>
  <//>`;
}
