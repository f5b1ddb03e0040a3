// monitor.js - a project's monitoring panels (GET /projects/{code}/monitor, analytics/monitor.c):
// activity volume per ISO week as bars stacked by phase with a table per member, open problems
// by age and SLA state (and by severity), collections due and overdue with what is outstanding,
// tasks overdue per assignee with the oldest. Every figure and every bar opens the records behind
// it: the answer gives each figure's list filters ("query"), and the link carries them to the
// list screen (activities, problems, tasks: the generic list takes them from its URL;
// collections: its screen lists what the link names), which lists exactly the records counted.
// Read again when an activity, problem, collection or task is written anywhere (useLive).
import { useMemo } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money, num, date, shortDate } from '../format.js';
import { navigate, route } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton } from './ui.js';
import { useLive } from '../live.js';
import { EChart, COLORS } from './charts.js';
import '../styles/monitor.css';

const PHASES = ['pre_sale', 'in_sale', 'after_sale'];
const PHASE_COLORS = { pre_sale: COLORS.revenue, in_sale: COLORS.margin, after_sale: COLORS.profit };
const SLAS = ['within', 'due_soon', 'breached'];
const phaseLabel = (p) => t('ent.activity.phase.' + p);

// The list screen of plural in project code, filtered by query.
const listPath = (code, plural, query) => route('/p/' + enc(code) + '/' + plural, query);

// A figure that opens its records: the count (or text), a link to the list that gives them.
function Drill({ code, plural, query, n, figure, children, cls }) {
  const label = children === undefined ? num(n) : children;
  if (!n) return html`<span class=${'mon-zero ' + (cls || '')} data-figure=${figure} data-count="0">${label}</span>`;
  return html`<a class=${'mon-drill ' + (cls || '')} href=${'#' + listPath(code, plural, query)} data-figure=${figure}
    data-count=${String(n)} title=${t('mon.open_n', { n: num(n) })}>${label}</a>`;
}

export function MonitorPanel({ code }) {
  const { data, error, loading, reload } = useLoad(() => api.get('/projects/' + enc(code) + '/monitor'), [code]);
  useLive(code, ['activity', 'problem', 'collection', 'task', 'member'], reload);
  if (loading && !data) return html`<div class="card"><${Skeleton} rows=${3} /></div>`;
  if (error) return html`<${ErrorBanner} error=${error} onRetry=${reload} />`;
  const m = data;
  return html`<section class="monitor" id="monitor" data-as-of=${m.as_of}>
    <h2 class="section-title">${t('mon.title')} <span class="muted small">${t('mon.as_of', { date: date(m.as_of) })}</span></h2>
    <${Activity} code=${code} a=${m.activity} />
    <div class="monitor-grid">
      <${Problems} code=${code} p=${m.problems} />
      <${Collections} code=${code} c=${m.collections} />
      <${Tasks} code=${code} tk=${m.tasks} />
    </div>
  </section>`;
}

// --- activity -------------------------------------------------------------------------------

function Activity({ code, a }) {
  const weeks = a.weeks;
  const option = useMemo(() => ({
    grid: { left: 4, right: 8, top: 30, bottom: 0, containLabel: true },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: COLORS.muted },
      data: PHASES.map(phaseLabel) },
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const w = weeks[ps[0].dataIndex];
        return `${w.iso} · ${date(w.week)} – ${date(w.to)}\n` + PHASES.map((p) => `${phaseLabel(p)}: ${num(w.counts[p])}`).join('\n')
          + `\n${t('mon.total')}: ${num(w.total)}`;
      } },
    xAxis: { type: 'category', data: weeks.map((w) => shortDate(w.week)), axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: 10, color: COLORS.muted, hideOverlap: true }, axisLine: { lineStyle: { color: COLORS.line } } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10, color: COLORS.muted }, splitLine: { lineStyle: { color: COLORS.split } } },
    series: PHASES.map((p) => ({ name: phaseLabel(p), type: 'bar', stack: 'phase', data: weeks.map((w) => w.counts[p]),
      itemStyle: { color: PHASE_COLORS[p] }, barMaxWidth: 28, cursor: 'pointer' })),
  }), [weeks]);
  // a bar's part: the activities of that week and phase
  const open = (e) => {
    const w = weeks[e.dataIndex], p = PHASES[e.seriesIndex];
    if (e.componentType === 'series' && w && p && w.counts[p] > 0) navigate(listPath(code, 'activities', { ...w.query, phase: p }));
  };
  const allQ = a.query;
  return html`<div class="card mon-activity" id="mon-activity" data-total=${String(a.total)}>
    <div class="card-head"><h3>${t('mon.activity')}</h3>
      <${Drill} code=${code} plural="activities" query=${allQ} n=${a.total} figure="activity.total">${t('mon.n_activities', { n: num(a.total) })}<//></div>
    ${weeks.length === 0 ? html`<p class="muted">${t('mon.no_weeks')}</p>` : html`
      <${EChart} className="mon-activity-chart" option=${option} onClick=${open}
        label=${t('mon.activity_aria', { n: weeks.length })} data=${{ 'data-bars': String(weeks.length) }} />
      <div class="table-wrap">
        <table class="table table-compact mon-table" id="mon-members">
          <thead><tr><th>${t('mon.member')}</th>${PHASES.map((p) => html`<th class="num">${phaseLabel(p)}</th>`)}<th class="num">${t('mon.total')}</th></tr></thead>
          <tbody>${a.members.map((x) => html`<tr data-member=${x.login}>
            <td class="name-cell" title=${x.login}>${x.name || x.login}</td>
            ${PHASES.map((p) => html`<td class="num"><${Drill} code=${code} plural="activities" query=${{ ...x.query, phase: p }}
              n=${x.counts[p]} figure=${'activity.member.' + x.login + '.' + p} /></td>`)}
            <td class="num"><${Drill} code=${code} plural="activities" query=${x.query} n=${x.total} figure=${'activity.member.' + x.login} cls="strong" /></td>
          </tr>`)}
          <tr class="mon-sum"><td>${t('mon.all_weeks', { n: weeks.length })}</td>
            ${PHASES.map((p) => html`<td class="num"><${Drill} code=${code} plural="activities" query=${{ ...allQ, phase: p }} n=${a.counts[p]}
              figure=${'activity.phase.' + p} /></td>`)}
            <td class="num"><${Drill} code=${code} plural="activities" query=${allQ} n=${a.total} figure="activity.all" cls="strong" /></td></tr>
          </tbody>
        </table>
      </div>
      <details class="mon-weeks">
        <summary>${t('mon.by_week')}</summary>
        <div class="table-wrap">
          <table class="table table-compact mon-table" id="mon-weeks">
            <thead><tr><th>${t('mon.week')}</th>${PHASES.map((p) => html`<th class="num">${phaseLabel(p)}</th>`)}<th class="num">${t('mon.total')}</th></tr></thead>
            <tbody>${weeks.map((w) => html`<tr data-week=${w.week}>
              <td>${w.iso} <span class="muted small">${date(w.week)} – ${date(w.to)}</span></td>
              ${PHASES.map((p) => html`<td class="num"><${Drill} code=${code} plural="activities" query=${{ ...w.query, phase: p }}
                n=${w.counts[p]} figure=${'activity.week.' + w.week + '.' + p} /></td>`)}
              <td class="num"><${Drill} code=${code} plural="activities" query=${w.query} n=${w.total} figure=${'activity.week.' + w.week} /></td>
            </tr>`)}</tbody>
          </table>
        </div>
      </details>`}
  </div>`;
}

// --- problems -------------------------------------------------------------------------------

function Problems({ code, p }) {
  const bySla = Object.fromEntries(p.by_sla.map((s) => [s.sla, s]));
  return html`<div class="card mon-problems" id="mon-problems" data-open=${String(p.open)}>
    <div class="card-head"><h3>${t('mon.problems')}</h3>
      <${Drill} code=${code} plural="problems" query=${p.query} n=${p.open} figure="problems.open">${t('mon.open_count', { n: num(p.open) })}<//></div>
    <div class="table-wrap">
      <table class="table table-compact mon-table" id="mon-problem-ages">
        <thead><tr><th>${t('mon.age')}</th>${SLAS.map((s) => html`<th class=${'num mon-sla-' + s}>${t('mon.sla.' + s)}</th>`)}<th class="num">${t('mon.total')}</th></tr></thead>
        <tbody>${p.by_age.map((b) => html`<tr data-age=${b.age}>
          <td>${t('mon.age.' + b.age)}</td>
          ${SLAS.map((s) => html`<td class="num"><${Drill} code=${code} plural="problems" query=${b.sla_queries[s]} n=${b.counts[s]}
            figure=${'problems.age.' + b.age + '.' + s} cls=${'mon-sla-' + s} /></td>`)}
          <td class="num"><${Drill} code=${code} plural="problems" query=${b.query} n=${b.total} figure=${'problems.age.' + b.age} cls="strong" /></td>
        </tr>`)}
        <tr class="mon-sum"><td>${t('mon.total')}</td>
          ${SLAS.map((s) => html`<td class="num"><${Drill} code=${code} plural="problems" query=${bySla[s].query} n=${bySla[s].count}
            figure=${'problems.sla.' + s} cls=${'mon-sla-' + s} /></td>`)}
          <td class="num"><${Drill} code=${code} plural="problems" query=${p.query} n=${p.open} figure="problems.all" cls="strong" /></td></tr>
        </tbody>
      </table>
    </div>
    <div class="table-wrap">
      <table class="table table-compact mon-table" id="mon-problem-severity">
        <thead><tr><th>${t('mon.severity')}</th>${SLAS.map((s) => html`<th class="num">${t('mon.sla.' + s)}</th>`)}<th class="num">${t('mon.total')}</th></tr></thead>
        <tbody>${p.by_severity.slice().reverse().map((v) => html`<tr data-severity=${v.severity}>
          <td>${t('ent.problem.severity.' + v.severity)}</td>
          ${SLAS.map((s) => html`<td class="num"><${Drill} code=${code} plural="problems" query=${{ ...bySla[s].query, severity: v.severity }}
            n=${v.counts[s]} figure=${'problems.severity.' + v.severity + '.' + s} cls=${'mon-sla-' + s} /></td>`)}
          <td class="num"><${Drill} code=${code} plural="problems" query=${v.query} n=${v.total} figure=${'problems.severity.' + v.severity} /></td>
        </tr>`)}</tbody>
      </table>
    </div>
    <p class="muted small">${t('mon.sla_note')}</p>
  </div>`;
}

// --- collections ----------------------------------------------------------------------------

function MoneyFigure({ code, x, figure, label, kind }) {
  return html`<div class=${'stat mon-stat' + (kind ? ' mon-stat-' + kind : '')}>
    <span class="stat-label">${label}</span>
    <span class="stat-value num"><${Drill} code=${code} plural="collections" query=${x.query} n=${x.count} figure=${figure}>${money(x.amount)}<//></span>
    <span class="stat-sub">${t('mon.payments', { n: num(x.count) })}</span>
  </div>`;
}

function Collections({ code, c }) {
  return html`<div class="card mon-collections" id="mon-collections">
    <div class="card-head"><h3>${t('mon.collections')}</h3></div>
    <div class="mon-stats">
      <${MoneyFigure} code=${code} x=${c.due_7} figure="collections.due_7" label=${t('mon.due_7')} />
      <${MoneyFigure} code=${code} x=${c.due_30} figure="collections.due_30" label=${t('mon.due_30')} />
      <${MoneyFigure} code=${code} x=${c.overdue} figure="collections.overdue" label=${t('mon.overdue')} kind=${c.overdue.count ? 'bad' : ''} />
    </div>
    <div class="table-wrap">
      <table class="table table-compact mon-table" id="mon-aging">
        <thead><tr><th>${t('mon.aging')}</th><th class="num">${t('mon.count')}</th><th class="num">${t('mon.amount')}</th></tr></thead>
        <tbody>${c.aging.map((b) => html`<tr data-days=${b.days}>
          <td>${t('mon.aging.' + b.days)}</td>
          <td class="num"><${Drill} code=${code} plural="collections" query=${b.bucket.query} n=${b.bucket.count} figure=${'collections.aging.' + b.days} /></td>
          <td class="num">${money(b.bucket.amount)}</td></tr>`)}</tbody>
      </table>
    </div>
  </div>`;
}

// --- tasks ----------------------------------------------------------------------------------

function Tasks({ code, tk }) {
  const o = tk.oldest;
  return html`<div class="card mon-tasks" id="mon-tasks">
    <div class="card-head"><h3>${t('mon.tasks')}</h3></div>
    <div class="mon-stats">
      <div class=${'stat mon-stat' + (tk.overdue ? ' mon-stat-bad' : '')}><span class="stat-label">${t('mon.tasks_overdue')}</span>
        <span class="stat-value num"><${Drill} code=${code} plural="tasks" query=${tk.query_overdue} n=${tk.overdue} figure="tasks.overdue" /></span>
        ${o ? html`<span class="stat-sub" id="mon-oldest">${t('mon.oldest', { title: o.title, n: num(o.days_late) })}</span>` : null}</div>
      <div class="stat mon-stat"><span class="stat-label">${t('mon.tasks_week', { date: date(tk.week_end) })}</span>
        <span class="stat-value num"><${Drill} code=${code} plural="tasks" query=${tk.query_due_week} n=${tk.due_week} figure="tasks.due_week" /></span></div>
    </div>
    ${tk.assignees.length === 0 ? html`<p class="muted">${t('mon.no_tasks')}</p>` : html`<div class="table-wrap">
      <table class="table table-compact mon-table" id="mon-assignees">
        <thead><tr><th>${t('mon.assignee')}</th><th class="num">${t('mon.overdue_col')}</th><th class="num">${t('mon.week_col')}</th><th>${t('mon.oldest_col')}</th></tr></thead>
        <tbody>${tk.assignees.map((x) => html`<tr data-assignee=${x.login}>
          <td class="name-cell" title=${x.login}>${x.name || x.login}</td>
          <td class="num"><${Drill} code=${code} plural="tasks" query=${x.query_overdue} n=${x.overdue} figure=${'tasks.overdue.' + x.login} /></td>
          <td class="num"><${Drill} code=${code} plural="tasks" query=${x.query_due_week} n=${x.due_week} figure=${'tasks.due_week.' + x.login} /></td>
          <td class="small">${x.oldest ? html`${x.oldest.title} <span class="muted">${t('mon.days_late', { n: num(x.oldest.days_late) })}</span>` : '—'}</td>
        </tr>`)}</tbody>
      </table>
    </div>`}
  </div>`;
}
