// dashboard.js - a project's sales analysis (GET /projects/{code}/dashboard, built from the
// rollups): headline figures against the same dates last year and the project's targets, the
// weekly and monthly trend, and revenue and margin by channel, segment, product and rep as bar
// charts and sortable tables with each one's share. Every figure opens the sales behind it
// (the sales list filtered by its URL). Names are shown, codes
// on hover. Below the breakdowns (loaded after them: nothing above moves), the forecast panel and the funnel (components/forecast.js),
// loaded apart from the dashboard's own answer, then the monitoring panels (components/monitor.js).
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money, num, pct, pctChange, date, shortDate, monthName, monthEnd, dayMs, dayOf, valueOf } from '../format.js';
import { navigate, route } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead } from '../components/ui.js';
import { useLive } from '../live.js';
import { EChart, COLORS } from '../components/charts.js';
import { useAdjustments, adjustMarks, adjustLine, clickedAdjustment, adjustLink } from '../components/adjust-marks.js';
import { ForecastPanel } from '../components/forecast.js';
import { MonitorPanel } from '../components/monitor.js';

// --- figures ------------------------------------------------------------------------------

const ratio = (a, b) => (b > 0 ? a / b : null);
const margin = (s) => (s && s.revenue > 0 ? (s.revenue - s.cost) / s.revenue : null);
const avgSale = (s) => (s && s.lines > 0 ? Math.round(s.revenue / s.lines) : null);
// Large amounts in compact form (¥48.9亿, CN¥4.9B) so a card holds them; the exact one on hover.
const big = (minor) => money(minor, Math.abs(Number(minor)) >= 1e8 ? { compact: true } : undefined);
const compact = (minor) => money(minor, { compact: true });

// The project's own target for a metric: an unscoped goal of that metric inside the project's
// window, the one spanning the most of it.
function targetGoal(goals, metric, project) {
  const fits = (goals || []).filter((g) => g.metric === metric && g.target != null
    && !(g.scope && Object.values(g.scope).some(Boolean)) && g.start >= project.start && g.due <= project.end);
  fits.sort((a, b) => (dayMs(b.due) - dayMs(b.start)) - (dayMs(a.due) - dayMs(a.start)));
  return fits[0] || null;
}

// The sales list of the project, filtered by query.
const salesLink = (code, query) => route('/p/' + enc(code) + '/sales', query);

// --- the screen -----------------------------------------------------------------------------

export function Dashboard({ code }) {
  const { data, error, loading, reload } = useLoad(() => api.get('/projects/' + enc(code) + '/dashboard'), [code], [code]);
  // a sale (or a goal, a deal) recorded anywhere: the figures are read again
  useLive(code, ['sale', 'goal', 'goal_checkin', 'deal', 'feedback', 'project'], reload);
  if (loading && !data) {
    return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} kind="cards" rows=${3} /></section>`;
  }
  if (error) return html`<section><${PageHead} title=${t('dash.title')} subtitle=${code} /><${ErrorBanner} error=${error} onRetry=${reload} /></section>`;
  const d = data;
  const p = d.project;
  const span = { from: p.start, to: p.end };
  const hasSales = d.totals.lines > 0;
  return html`<section class="dashboard" data-as-of=${d.as_of}>
    <${PageHead} title=${t('dash.title')}
      subtitle=${html`${p.name} · <span class="code">${p.code}</span> · ${date(p.start)} – ${date(p.end)} · ${t('dash.as_of', { date: date(d.as_of) })}`}
      actions=${html`<a class="btn btn-primary" id="dash-sales" href=${'#' + salesLink(code, span)}>${t('dash.open_sales')}</a>`} />
    <${Headline} d=${d} code=${code} />
    ${!hasSales ? html`<${Empty} title=${t('dash.empty')} hint=${t('dash.empty_hint')}
        action=${html`<a class="btn btn-primary" href=${'#/p/' + enc(code) + '/import'}>${t('nav.import')}</a>`} />`
      : html`<${Trend} d=${d} code=${code} />
        <h2 class="section-title">${t('dash.breakdowns')}</h2>
        <div class="breakdown-grid">
          ${['channel', 'segment', 'product', 'rep'].map((dim) => html`<${Breakdown} key=${dim} dim=${dim}
            rows=${d.breakdowns[dim] || []} total=${d.totals} code=${code} span=${span} />`)}
        </div>`}
    ${d.goals && d.goals.length ? html`<${ForecastPanel} code=${code} />` : null}
    <${MonitorPanel} code=${code} />
  </section>`;
}

// --- headline -------------------------------------------------------------------------------

function Change({ now, before, points }) {
  if (now === null || before === null || now === undefined || before === undefined) return null;
  let text, dir;
  if (points) { // a rate: the difference in percentage points
    const diff = (now - before) * 100;
    dir = Math.abs(diff) < 0.05 ? 0 : Math.sign(diff);
    text = t('dash.points', { n: (diff > 0 ? '+' : diff < 0 ? '−' : '') + Math.abs(diff).toFixed(1) });
  } else {
    if (!(before > 0)) return null;
    const r = now / before - 1;
    dir = Math.abs(r) < 0.0005 ? 0 : Math.sign(r);
    text = pctChange(r);
  }
  return html`<span class=${'delta ' + (dir > 0 ? 'delta-up' : dir < 0 ? 'delta-down' : 'delta-flat')}>${text}</span>`;
}

function Headline({ d, code }) {
  const p = d.project, tot = d.totals, ya = d.year_ago;
  const cur = ya && ya.current, ly = ya && ya.last_year;
  const lyOk = ly && ly.lines > 0;
  const href = '#' + salesLink(code, { from: p.start, to: p.end });
  const target = (metric) => targetGoal(d.goals, metric, p);
  const cards = [
    { key: 'revenue', label: t('dash.revenue'), value: big(tot.revenue), exact: money(tot.revenue),
      change: lyOk && html`<${Change} now=${cur.revenue} before=${ly.revenue} />`, goal: target('revenue') },
    { key: 'gross_profit', label: t('dash.gross_profit'), value: big(tot.gross_profit), exact: money(tot.gross_profit),
      change: lyOk && html`<${Change} now=${cur.gross_profit} before=${ly.gross_profit} />` },
    { key: 'gross_margin', label: t('dash.gross_margin'), value: pct(margin(tot)), exact: pct(margin(tot)),
      change: lyOk && html`<${Change} points now=${margin(cur)} before=${margin(ly)} />`, goal: target('gross_margin') },
    { key: 'units', label: t('dash.units'), value: num(tot.units), exact: num(tot.units),
      change: lyOk && html`<${Change} now=${cur.units} before=${ly.units} />`, goal: target('units') },
    { key: 'lines', label: t('dash.lines'), value: num(tot.lines), exact: num(tot.lines),
      change: lyOk && html`<${Change} now=${cur.lines} before=${ly.lines} />` },
    { key: 'avg_sale', label: t('dash.avg_sale'), value: big(avgSale(tot)), exact: money(avgSale(tot)),
      change: lyOk && html`<${Change} now=${avgSale(cur)} before=${avgSale(ly)} />`, goal: target('avg_deal_size') },
  ];
  const vsTitle = ya ? t('dash.vs_last_year_title', { from: date(ya.from), to: date(ya.to),
    lfrom: date(ya.last_year_from), lto: date(ya.last_year_to) }) : '';
  return html`<div class="kpi-grid" id="kpis">
    ${cards.map((c) => html`<a class="kpi" href=${href} data-kpi=${c.key} title=${c.label + ': ' + c.exact}>
      <span class="kpi-label">${c.label}</span>
      <span class="kpi-value num">${c.value}</span>
      ${ya ? html`<span class="kpi-sub" title=${vsTitle}>${t('dash.vs_last_year')}
          ${lyOk ? c.change || '—' : html`<span class="muted">${t('dash.no_last_year')}</span>`}</span>` : null}
      ${c.goal ? html`<span class="kpi-sub kpi-target" title=${c.goal.name || ''}>${t('dash.target') + ' '
          + valueOf(c.goal.unit, c.goal.target, { compact: c.goal.unit === 'money' && Math.abs(c.goal.target) >= 1e8 })
          + ' · ' + t('dash.reached', { pct: pct(c.goal.progress) })}</span>` : null}
    </a>`)}
  </div>`;
}

// --- trend ----------------------------------------------------------------------------------

function periods(d, kind) {
  const p = d.project;
  const clamp = (from, to) => ({ from: from < p.start ? p.start : from, to: to > p.end ? p.end : to });
  if (kind === 'month') {
    return d.months.map((m) => ({ ...m, ...clamp(m.month + '-01', monthEnd(m.month)), label: monthName(m.month, true), long: monthName(m.month) }));
  }
  return d.weeks.map((w) => {
    const sunday = dayOf(dayMs(w.week) + 6 * 86400000);
    const r = clamp(w.week, sunday);
    // a week's bar is named by its first day in the window: the first one by the project's start
    return { ...w, ...r, label: shortDate(r.from), long: date(r.from) + ' – ' + date(r.to) };
  });
}

function Trend({ d, code }) {
  const [kind, setKind] = useState('week');
  const rows = useMemo(() => periods(d, kind), [d, kind]);
  // each adjustment marked on the week or month it took effect in
  const adjustments = useAdjustments(code);
  const marks = useMemo(() => adjustMarks(adjustments, (day) => {
    const i = rows.findIndex((r) => r.from <= day && day <= r.to);
    return i < 0 ? null : i;
  }), [adjustments, rows]);
  const option = useMemo(() => ({
    grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: COLORS.muted },
      data: [t('dash.revenue'), t('dash.gross_margin')] },
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const r = rows[ps[0].dataIndex];
        return `${r.long}\n${t('dash.revenue')}: ${money(r.revenue)}\n${t('dash.gross_margin')}: ${pct(r.gross_margin)}\n${t('dash.lines')}: ${num(r.lines)}`;
      } },
    xAxis: { type: 'category', data: rows.map((r) => r.label), axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: 10, color: COLORS.muted, hideOverlap: true }, axisLine: { lineStyle: { color: COLORS.line } } },
    yAxis: [
      { type: 'value', min: 0, axisLabel: { fontSize: 10, color: COLORS.muted, formatter: (v) => compact(v) },
        splitLine: { lineStyle: { color: COLORS.split } } },
      { type: 'value', min: 0, max: 1, show: false },
    ],
    series: [
      { name: t('dash.revenue'), type: 'bar', data: rows.map((r) => r.revenue), itemStyle: { color: COLORS.revenue, borderRadius: [3, 3, 0, 0] },
        barMaxWidth: 28, cursor: 'pointer', markLine: adjustLine(marks) },
      { name: t('dash.gross_margin'), type: 'line', yAxisIndex: 1, data: rows.map((r) => r.gross_margin), symbol: 'circle', symbolSize: 4,
        showSymbol: rows.length <= 24, lineStyle: { width: 2, color: COLORS.margin }, itemStyle: { color: COLORS.margin }, connectNulls: false },
    ],
  }), [rows, marks]);
  const open = (r) => navigate(salesLink(code, { from: r.from, to: r.to }));
  const click = (e) => {
    const id = clickedAdjustment(e, marks);
    if (id) navigate(adjustLink(code, id));
    else if (e.componentType === 'series' && rows[e.dataIndex]) open(rows[e.dataIndex]);
  };
  const first = rows[0];
  return html`<div class="card trend-card">
    <div class="card-head">
      <h2>${t('dash.trend')}</h2>
      <div class="segmented" role="group" aria-label=${t('dash.trend')}>
        ${['week', 'month'].map((k) => html`<button class=${'seg-btn' + (kind === k ? ' active' : '')} id=${'trend-' + k}
          aria-pressed=${kind === k ? 'true' : 'false'} onClick=${() => setKind(k)}>${t('dash.by_' + k)}</button>`)}
      </div>
    </div>
    <${EChart} className="trend-chart" option=${option} onClick=${click}
      label=${t('dash.trend_aria', { from: first ? date(first.from) : '', n: rows.length })}
      data=${{ 'data-kind': kind, 'data-first': first ? first.from : '', 'data-bars': String(rows.length),
        'data-marks': marks.map((m) => m.adjustment).join(',') }} />
    <details class="data-table">
      <summary>${t('dash.show_table')}</summary>
      <div class="table-wrap">
        <table class="table table-compact" id=${'trend-table-' + kind}>
          <thead><tr><th>${kind === 'month' ? t('dash.month') : t('dash.week')}</th><th class="num">${t('dash.revenue')}</th>
            <th class="num">${t('dash.gross_profit')}</th><th class="num">${t('dash.gross_margin')}</th>
            <th class="num">${t('dash.units')}</th><th class="num">${t('dash.lines')}</th></tr></thead>
          <tbody>${rows.map((r) => html`<tr>
            <td><a href=${'#' + salesLink(code, { from: r.from, to: r.to })}>${r.long}</a></td>
            <td class="num">${money(r.revenue)}</td><td class="num">${money(r.gross_profit)}</td>
            <td class="num">${pct(r.gross_margin)}</td><td class="num">${num(r.units)}</td><td class="num">${num(r.lines)}</td>
          </tr>`)}</tbody>
        </table>
      </div>
    </details>
  </div>`;
}

// --- breakdowns -----------------------------------------------------------------------------

const NONE = '(none)';
const COLS = [
  ['name', 'dash.name'], ['revenue', 'dash.revenue', 'num'], ['share', 'dash.share', 'num'],
  ['gross_profit', 'dash.gross_profit', 'num'], ['gross_margin', 'dash.gross_margin', 'num'],
  ['units', 'dash.units', 'num'], ['lines', 'dash.lines', 'num'],
];
const TOP = 8;

// Where a row leads: the project's sales of that channel / segment / product / rep.
function rowLink(dim, row, code, span) {
  if (row.code === NONE) return null;
  return salesLink(code, { ...span, [dim]: row.code });
}

function Breakdown({ dim, rows, total, code, span }) {
  const [sort, setSort] = useState({ key: 'revenue', desc: true });
  const [all, setAll] = useState(false);
  const named = useMemo(() => rows.map((r) => ({ ...r, label: r.code === NONE ? t('dash.unassigned') : r.name || r.code,
    share: ratio(r.revenue, total.revenue) })), [rows, total]);
  const sorted = useMemo(() => {
    const k = sort.key, s = named.slice();
    s.sort((a, b) => {
      const x = k === 'name' ? a.label : a[k], y = k === 'name' ? b.label : b[k];
      const c = k === 'name' ? String(x).localeCompare(String(y)) : (x ?? -Infinity) - (y ?? -Infinity);
      return sort.desc ? -c : c;
    });
    return s;
  }, [named, sort]);
  const chartRows = useMemo(() => named.slice(0, 10).reverse(), [named]); // the top ten by revenue, largest on top
  const option = useMemo(() => ({
    grid: { left: 4, right: 12, top: 26, bottom: 0, containLabel: true },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: COLORS.muted },
      data: [t('dash.revenue'), t('dash.gross_profit')] },
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const r = chartRows[ps[0].dataIndex];
        return `${r.label}${r.code !== NONE ? ' (' + r.code + ')' : ''}\n${t('dash.revenue')}: ${money(r.revenue)} · ${pct(r.share)}\n`
          + `${t('dash.gross_profit')}: ${money(r.gross_profit)} · ${pct(r.gross_margin)}`;
      } },
    xAxis: { type: 'value', axisLabel: { fontSize: 10, color: COLORS.muted, formatter: (v) => compact(v), hideOverlap: true },
      splitLine: { lineStyle: { color: COLORS.split } } },
    yAxis: { type: 'category', data: chartRows.map((r) => r.label),
      axisLabel: { fontSize: 11, color: '#334155', width: 120, overflow: 'truncate' }, axisTick: { show: false },
      axisLine: { lineStyle: { color: COLORS.line } } },
    series: [
      { name: t('dash.revenue'), type: 'bar', data: chartRows.map((r) => r.revenue), itemStyle: { color: COLORS.revenue, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 14, cursor: 'pointer' },
      { name: t('dash.gross_profit'), type: 'bar', data: chartRows.map((r) => r.gross_profit), itemStyle: { color: COLORS.profit, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 14, cursor: 'pointer' },
    ],
  }), [chartRows]);
  const toggle = (key) => setSort(sort.key === key ? { key, desc: !sort.desc } : { key, desc: key !== 'name' });
  const shown = all ? sorted : sorted.slice(0, TOP);
  const title = t('dash.by.' + dim);
  return html`<div class="card breakdown" id=${'breakdown-' + dim} data-rows=${String(rows.length)}>
    <div class="card-head"><h3>${title}</h3><span class="muted small">${t('dash.n_items', { n: rows.length })}</span></div>
    ${rows.length === 0 ? html`<p class="muted">${t('dash.no_rows')}</p>` : html`<div class="breakdown-body">
      <${EChart} className=${'breakdown-chart bars-' + Math.min(10, chartRows.length)} option=${option}
        label=${t('dash.breakdown_aria', { title })}
        onClick=${(e) => { const r = chartRows[e.dataIndex]; const to = r && rowLink(dim, r, code, span); if (to) navigate(to); }} />
      <div class="breakdown-side"><div class="table-wrap">
        <table class="table table-compact breakdown-table">
          <thead><tr>${COLS.map(([k, label, cls]) => html`<th class=${cls || ''}
              aria-sort=${sort.key === k ? (sort.desc ? 'descending' : 'ascending') : undefined}>
            <button class="th-sort" data-sort=${k} onClick=${() => toggle(k)}>${t(label)}<span class="sort-ind">${sort.key === k ? (sort.desc ? '▼' : '▲') : ''}</span></button></th>`)}</tr></thead>
          <tbody>${shown.map((r) => {
            const to = rowLink(dim, r, code, span);
            return html`<tr data-code=${r.code}>
              <td class="name-cell">${to ? html`<a href=${'#' + to} title=${r.code}>${r.label}</a>` : html`<span title=${r.code}>${r.label}</span>`}</td>
              <td class="num">${money(r.revenue)}</td>
              <td class="num share-cell"><span class="share-bar"><span class=${'share-fill pct-' + Math.round((r.share || 0) * 100)}></span></span>${pct(r.share)}</td>
              <td class="num">${money(r.gross_profit)}</td><td class="num">${pct(r.gross_margin)}</td>
              <td class="num">${num(r.units)}</td><td class="num">${num(r.lines)}</td>
            </tr>`;
          })}</tbody>
        </table>
      </div>
      ${sorted.length > TOP ? html`<button class="link-btn more-btn" onClick=${() => setAll(!all)}>
        ${all ? t('dash.show_top', { n: TOP }) : t('dash.show_all', { n: sorted.length })}</button>` : null}</div></div>`}
  </div>`;
}
