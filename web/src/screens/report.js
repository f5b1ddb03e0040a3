// report.js - a project's evaluation report (step 7 of the method), read from
// GET /projects/{code}/report?format=json (analytics/evaluation.c): the header with the dates
// and the day it is as of (an open project's report is interim, and a date control reads it
// as of another day), the goals' attainment (a table and bars against a 100% line), the
// strategy's effectiveness (channels, promotions, price changes, segments planned against
// actual), the team's performance, the adjustments made and the lessons learned (written on
// the lessons screen), and the same report as PDF, Excel, HTML, CSV or JSON in the UI's
// language. /p/:code/report/compare?with=Q sets two projects side by side (report/compare):
// the totals and each channel with the difference and the change in percent. Nothing is
// written here: the reader picks the other project and the day, the server judges the rest.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc, fetchFile, saveBlob } from '../api.js';
import { t, has, getLang } from '../i18n/index.js';
import { money, num, pct, pctChange, date, dateTime, valueOf, today } from '../format.js';
import { navigate, route, currentQuery } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Chip, Banner } from '../components/ui.js';
import { useLive } from '../live.js';
import { EChart, COLORS } from '../components/charts.js';
import { FORMATS, reportHref, reportFileName, compareTotals, compareChannels, compareSides, attainmentBars, shareBars } from '../report-figures.js';
import { LESSON_KINDS } from './lessons.js';
import { valueText } from './adjustments.js';
import '../styles/report.css';

const base = (code) => '/p/' + enc(code) + '/report';
const DASH = '—';

// Money in the report's currency (the project's), exactly as format.js writes it.
const cur = (ev) => (ev && ev.project && ev.project.currency) || undefined;
const m = (v, ev) => money(v, { currency: cur(ev) });
// A number with one decimal (an average rating, a cycle in days); null reads as a dash.
const one = (v) => (v === null || v === undefined ? DASH
  : new Intl.NumberFormat(getLang(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v));
// A label from the catalog when it has one, else the value itself (a project's own code).
const label = (key, v) => (has(key + '.' + v) ? t(key + '.' + v) : String(v ?? ''));
const goalName = (g) => g.name || label('metric', g.metric);

// The download buttons: each format in the UI's language (and as of the chosen day).
// ev: the report shown (its interim flag and day name the files). A click fetches the file:
// saved only on 200; a refusal (503 pdf_unavailable, 413 too_large ...) is said in a banner
// in the reader's language instead of an error body saved as a "damaged" file.
function Downloads({ code, asOf, withCode, ev }) {
  const lang = getLang();
  const [busy, setBusy] = useState('');
  const [error, setError] = useState(null);
  const name = (f) => reportFileName(code, { format: f, interim: ev.interim, asOf: ev.as_of, withCode });
  const get = async (e, f) => {
    e.preventDefault();
    if (busy) return;
    setBusy(f);
    setError(null);
    try {
      const file = await fetchFile(e.currentTarget.getAttribute('href'));
      saveBlob(file.blob, file.name || name(f));
    } catch (err) { setError(err); } finally { setBusy(''); }
  };
  return html`<div class="rep-downloads" role="group" aria-label=${t('report.download')}>
    <span class="muted small">${t('report.download')}</span>
    ${FORMATS.map((f) => html`<a class="btn btn-small rep-dl" id=${'rep-dl-' + f} data-format=${f} download=${name(f)}
      href=${reportHref(code, { format: f, lang, asOf, withCode })} title=${t('report.download_title', { format: t('report.format.' + f) })}
      aria-busy=${busy === f ? 'true' : undefined} onClick=${(e) => get(e, f)}>
      ${t('report.format.' + f)}</a>`)}
    ${error ? html`<div class="rep-dl-error" id="rep-dl-error"><${ErrorBanner} error=${error} onDismiss=${() => setError(null)} /></div>` : null}
  </div>`;
}

// The other projects the reader may see, to compare with; choosing one opens the comparison.
function ComparePick({ code, current }) {
  const projs = useLoad(() => api.get('/projects').then((x) => (x && x.projects) || []), []);
  const others = (projs.data || []).filter((p) => p.code !== code);
  const go = (e) => { const v = e.currentTarget.value; if (v) navigate(route(base(code) + '/compare', { with: v })); };
  return html`<label class="rep-control" id="rep-compare">
    <span class="rep-control-label">${t('report.compare_with')}</span>
    <select name="with" value=${current || ''} onChange=${go} disabled=${!others.length}>
      <option value="">${others.length ? t('report.compare_pick') : t('report.compare_none')}</option>
      ${others.map((p) => html`<option value=${p.code}>${p.name} (${p.code})</option>`)}
    </select>
  </label>`;
}

// The day an interim report is as of: another day re-reads it (kept in the link).
function AsOfPick({ code, asOf }) {
  const set = (e) => navigate(route(base(code), { as_of: e.currentTarget.value }));
  return html`<label class="rep-control" id="rep-as-of">
    <span class="rep-control-label">${t('report.as_of_pick')}</span>
    <input type="date" name="as_of" value=${asOf} max=${today()} onChange=${set} />
  </label>`;
}

export function Report({ code }) {
  const q = currentQuery();
  const asOf = q.as_of || '';
  const { data, error, loading, reload } = useLoad(
    () => api.get('/projects/' + enc(code) + '/report', { format: 'json', lang: getLang(), as_of: asOf || undefined }), [code, asOf]);
  // an interim report follows the figures as they are recorded
  useLive(code, ['sale', 'goal', 'goal_checkin', 'deal', 'activity', 'feedback', 'problem', 'project', 'member', 'adjustment', 'lesson', 'review'], reload);
  if (loading && !data) return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} rows=${6} /></section>`;
  // a day the server refuses (422 on as_of, named in the reader's language) can be changed here
  if (error) {
    return html`<section><${PageHead} title=${t('report.title')} subtitle=${code} /><${ErrorBanner} error=${error} onRetry=${reload} />
      ${asOf ? html`<div class="rep-controls card"><${AsOfPick} code=${code} asOf=${asOf} /></div>` : null}</section>`;
  }
  const ev = data, p = ev.project;
  return html`<section class="report" id="report" data-interim=${ev.interim ? 'true' : 'false'} data-as-of=${ev.as_of}>
    <${PageHead} title=${t('report.title')}
      subtitle=${html`${p.name} · <span class="code">${p.code}</span> · ${date(p.start)} – ${date(p.end)} · <span
        id="rep-as-of-text">${t('report.as_of', { date: date(ev.as_of) })}</span>`}
      actions=${html`<${Downloads} code=${code} asOf=${asOf} ev=${ev} />`} />
    ${ev.interim ? html`<div id="rep-interim"><${Banner} kind="warning">${t('report.interim', { date: date(ev.as_of) })}<//></div>` : null}
    <div class="rep-controls card">
      <div class="rep-meta">
        <${Chip} kind=${p.status}>${label('pstatus', p.status)}<//>
        ${p.closed_at ? html`<span class="muted small">${t('report.closed_at', { date: dateTime(p.closed_at) })}</span>` : null}
        <span class="muted small">${t('report.generated', { date: dateTime(ev.generated_at) })}</span>
      </div>
      ${ev.interim ? html`<${AsOfPick} code=${code} asOf=${asOf || ev.as_of} />` : null}
      <${ComparePick} code=${code} />
    </div>
    <${Totals} ev=${ev} />
    <${Goals} ev=${ev} />
    <h2 class="section-title">${t('report.strategy')}</h2>
    <${Channels} ev=${ev} />
    <${Promotions} ev=${ev} />
    <${Prices} ev=${ev} />
    <${Segments} ev=${ev} />
    <${Team} ev=${ev} />
    <${Adjustments} ev=${ev} code=${code} />
    <${Lessons} ev=${ev} code=${code} />
  </section>`;
}

// --- sections ---------------------------------------------------------------------------

function Card({ id, title, n, sub, children, empty }) {
  return html`<div class="card rep-card" id=${id}>
    <div class="card-head"><h3>${title}</h3>${sub || (n !== undefined ? html`<span class="muted small">${t('dash.n_items', { n })}</span>` : null)}</div>
    ${n === 0 ? html`<p class="muted rep-empty">${empty || t('dash.no_rows')}</p>` : children}
  </div>`;
}

// A table that scrolls sideways inside its card on a narrow screen, never the page.
const Table = ({ id, head, children }) => html`<div class="table-wrap rep-table-wrap">
  <table class="table table-compact rep-table" id=${id}>
    <thead><tr>${head.map(([k, cls]) => html`<th class=${cls || ''}>${t(k)}</th>`)}</tr></thead>
    <tbody>${children}</tbody></table></div>`;

function Totals({ ev }) {
  const x = ev.totals || {};
  // large amounts in compact form (¥48.9亿, CN¥4.9B) so a card holds them; the exact one on hover
  const big = (v) => money(v, { currency: cur(ev), compact: Math.abs(Number(v)) >= 1e8 });
  const cards = [
    ['revenue', big(x.revenue), m(x.revenue, ev)], ['margin', big(x.margin), m(x.margin, ev)], ['units', num(x.units)],
    ['deals_won', num(x.deals_won)], ['win_rate', pct(x.win_rate)], ['new_customers', num(x.new_customers)],
  ];
  return html`<div class="kpi-grid rep-kpis" id="rep-totals">
    ${cards.map(([k, v, exact]) => html`<div class="kpi" data-total=${k} title=${t('report.total.' + k) + ': ' + (exact || v)}>
      <span class="kpi-label">${t('report.total.' + k)}</span><span class="kpi-value num">${v}</span></div>`)}
  </div>`;
}

function Goals({ ev }) {
  const goals = ev.goals || [];
  const bars = useMemo(() => attainmentBars(goals), [goals]);
  const option = useMemo(() => {
    const rows = goals.map((g, i) => ({ g, b: bars[i] })).reverse(); // the first goal on top
    // the axis reaches past 100% and the best goal on round steps, so the 100% line reads
    const top = Math.max(100, Math.ceil(Math.max(0, ...bars.map((b) => b.value || 0)) / 25) * 25);
    return {
      grid: { left: 4, right: 40, top: 22, bottom: 0, containLabel: true },
      tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' },
        formatter: (ps) => { const r = rows[ps[0].dataIndex]; return `${goalName(r.g)}\n${t('report.attainment')}: ${pct(r.g.attainment)}`; } },
      xAxis: { type: 'value', min: 0, max: top, interval: top <= 150 ? 25 : top <= 300 ? 50 : Math.ceil(top / 400) * 100,
        axisLabel: { fontSize: 10, color: COLORS.muted, formatter: '{value}%' }, splitLine: { lineStyle: { color: COLORS.split } } },
      yAxis: { type: 'category', data: rows.map((r) => goalName(r.g)), axisTick: { show: false },
        axisLabel: { fontSize: 11, color: '#334155', width: 120, overflow: 'truncate' }, axisLine: { lineStyle: { color: COLORS.line } } },
      series: [{ type: 'bar', barMaxWidth: 16,
        data: rows.map((r) => ({ value: r.b.value, itemStyle: { color: r.b.met ? COLORS.profit : COLORS.margin, borderRadius: [0, 3, 3, 0] } })),
        label: { show: true, position: 'right', fontSize: 10, color: COLORS.muted, formatter: (e) => (e.value === null ? '' : pct(e.value / 100)) },
        markLine: { silent: true, symbol: 'none', label: { formatter: '100%', fontSize: 10, color: COLORS.muted },
          lineStyle: { color: '#dc2626', type: 'dashed' }, data: [{ xAxis: 100 }] } }],
    };
  }, [goals, bars]);
  const x = ev.totals || {};
  const met = html`<span class="muted small" id="rep-goals-met">${t('report.goals_met_of', { met: num(x.goals_met), n: num(x.goals) })}</span>`;
  return html`<${Card} id="rep-goals" title=${t('report.goals')} n=${goals.length} sub=${met} empty=${t('report.no_goals')}>
    <${EChart} className=${'rep-hbar bars-' + Math.min(10, goals.length)} option=${option}
      label=${t('report.goals_aria', { n: goals.length })} data=${{ 'data-bars': String(goals.length) }} />
    <${Table} id="rep-goal-table" head=${[['report.goal'], ['goal.target', 'num'], ['goal.actual', 'num'], ['report.attainment', 'num'],
      ['report.due'], ['report.result']]}>
      ${goals.map((g) => html`<tr data-goal=${g.id}>
        <td class="name-cell">${goalName(g)}</td>
        <td class="num">${valueOf(g.unit, g.target, { currency: cur(ev) })}</td>
        <td class="num">${valueOf(g.unit, g.actual, { currency: cur(ev) })}</td>
        <td class="num rep-attainment">${pct(g.attainment)}</td>
        <td>${date(g.due)}</td>
        <td><span class=${'rep-badge ' + (g.met ? 'rep-met' : 'rep-missed')} data-met=${g.met ? 'true' : 'false'}>
          ${t(g.met ? 'report.met' : 'report.missed')}</span></td>
      </tr>`)}
    <//>
  <//>`;
}

// Bars side by side for each of labels: one series per {name, color, data}; the axis's values
// written by yFormat, a bar's tooltip by tip(i) (the row's figures in words).
function groupedBars(labels, series, yFormat, tip) {
  return {
    grid: { left: 4, right: 8, top: 30, bottom: 0, containLabel: true },
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: COLORS.muted },
      data: series.map((x) => x.name) },
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' }, formatter: (ps) => tip(ps[0].dataIndex) },
    xAxis: { type: 'category', data: labels, axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: 10, color: COLORS.muted, hideOverlap: true, width: 90, overflow: 'truncate' }, axisLine: { lineStyle: { color: COLORS.line } } },
    yAxis: { type: 'value', axisLabel: { fontSize: 10, color: COLORS.muted, formatter: yFormat }, splitLine: { lineStyle: { color: COLORS.split } } },
    series: series.map((x) => ({ name: x.name, type: 'bar', barMaxWidth: 22, data: x.data, itemStyle: { color: x.color, borderRadius: [3, 3, 0, 0] } })),
  };
}
const compactMoney = (ev) => (v) => money(v, { compact: true, currency: cur(ev) });

function Channels({ ev }) {
  const rows = ev.channels || [];
  const option = useMemo(() => {
    const keys = [['revenue', COLORS.revenue], ['margin', COLORS.profit], ['cost', COLORS.margin]];
    return groupedBars(rows.map((c) => c.name || c.code),
      keys.map(([k, color]) => ({ name: t('report.ch.' + k), color, data: rows.map((c) => c[k]) })), compactMoney(ev),
      (i) => `${rows[i].name || rows[i].code}\n` + keys.map(([k]) => `${t('report.ch.' + k)}: ${m(rows[i][k], ev)}`).join('\n')
        + `\n${t('report.roi')}: ${pct(rows[i].roi)}`);
  }, [rows]);
  return html`<${Card} id="rep-channels" title=${t('report.channels')} n=${rows.length}>
    <${EChart} className="rep-chart" option=${option} label=${t('report.channels_aria', { n: rows.length })}
      data=${{ 'data-bars': String(rows.length) }} />
    <${Table} id="rep-channel-table" head=${[['report.channel'], ['report.ch.revenue', 'num'], ['report.ch.margin', 'num'],
      ['report.ch.cost', 'num'], ['report.roi', 'num']]}>
      ${rows.map((c) => html`<tr data-channel=${c.code}>
        <td class="name-cell" title=${c.code}>${c.name || c.code}</td>
        <td class="num" data-col="revenue">${m(c.revenue, ev)}</td><td class="num" data-col="margin">${m(c.margin, ev)}</td>
        <td class="num" data-col="cost">${m(c.cost, ev)}</td><td class="num" data-col="roi">${pct(c.roi)}</td>
      </tr>`)}
    <//>
    <p class="muted small">${t('report.roi_note')}</p>
  <//>`;
}

function Promotions({ ev }) {
  const rows = ev.promotions || [];
  const daily = (v) => (v === null || v === undefined ? DASH : m(Math.round(v), ev));
  return html`<${Card} id="rep-promotions" title=${t('report.promotions')} n=${rows.length}>
    <${Table} id="rep-promotion-table" head=${[['report.promotion'], ['report.ch.revenue', 'num'], ['report.baseline_daily', 'num'],
      ['report.promo_daily', 'num'], ['report.lift', 'num'], ['report.discount', 'num'], ['report.budget', 'num'], ['report.roi', 'num']]}>
      ${rows.map((x) => html`<tr data-promotion=${x.code}>
        <td class="name-cell" title=${x.code}>${x.name || x.code}</td>
        <td class="num">${m(x.revenue, ev)}</td><td class="num">${daily(x.baseline_daily)}</td><td class="num">${daily(x.promo_daily)}</td>
        <td class="num" data-col="lift">${pctChange(x.lift)}</td><td class="num">${m(x.discount, ev)}</td>
        <td class="num">${m(x.budget, ev)}</td><td class="num" data-col="roi">${pct(x.roi)}</td>
      </tr>`)}
    <//>
    <p class="muted small">${t('report.lift_note')}</p>
  <//>`;
}

function Prices({ ev }) {
  const rows = ev.prices || [];
  return html`<${Card} id="rep-prices" title=${t('report.prices')} n=${rows.length}>
    <${Table} id="rep-price-table" head=${[['report.product'], ['report.changed_on'], ['report.price_before', 'num'], ['report.price_after', 'num'],
      ['report.window', 'num'], ['report.units_before', 'num'], ['report.units_after', 'num'], ['report.revenue_before', 'num'], ['report.revenue_after', 'num']]}>
      ${rows.map((x) => html`<tr data-sku=${x.sku} data-changed=${x.changed_on}>
        <td class="name-cell" title=${x.sku}>${x.name || x.sku}</td><td>${date(x.changed_on)}</td>
        <td class="num" data-col="before">${m(x.before_price, ev)}</td><td class="num" data-col="after">${m(x.after_price, ev)}</td>
        <td class="num">${t('report.days', { n: num(x.window_days) })}</td>
        <td class="num">${num(x.units_before)}</td><td class="num">${num(x.units_after)}</td>
        <td class="num">${m(x.revenue_before, ev)}</td><td class="num">${m(x.revenue_after, ev)}</td>
      </tr>`)}
    <//>
  <//>`;
}

function Segments({ ev }) {
  const rows = ev.segments || [];
  const bars = useMemo(() => shareBars(rows), [rows]);
  const option = useMemo(() => groupedBars(rows.map((x) => x.name || x.code), [
    { name: t('report.planned_share'), color: COLORS.line, data: bars.map((b) => b.planned) },
    { name: t('report.actual_share'), color: COLORS.revenue, data: bars.map((b) => b.actual) },
  ], '{value}%', (i) => `${rows[i].name || rows[i].code}\n${t('report.planned_share')}: ${pct(rows[i].planned_share)}`
    + `\n${t('report.actual_share')}: ${pct(rows[i].actual_share)}`), [rows, bars]);
  return html`<${Card} id="rep-segments" title=${t('report.segments')} n=${rows.length}>
    <${EChart} className="rep-chart" option=${option} label=${t('report.segments_aria', { n: rows.length })}
      data=${{ 'data-bars': String(rows.length) }} />
    <${Table} id="rep-segment-table" head=${[['report.segment'], ['report.planned_share', 'num'], ['report.actual_share', 'num'], ['report.ch.revenue', 'num']]}>
      ${rows.map((s) => html`<tr data-segment=${s.code}>
        <td class="name-cell" title=${s.code}>${s.name || s.code}</td>
        <td class="num" data-col="planned">${pct(s.planned_share)}</td><td class="num" data-col="actual">${pct(s.actual_share)}</td>
        <td class="num">${m(s.revenue, ev)}</td>
      </tr>`)}
    <//>
  <//>`;
}

function Team({ ev }) {
  const rows = ev.team || [];
  return html`<h2 class="section-title">${t('report.team')}</h2>
    <${Card} id="rep-team" title=${t('report.team_table')} n=${rows.length}>
    <${Table} id="rep-team-table" head=${[['report.member'], ['report.quota', 'num'], ['report.ch.revenue', 'num'], ['report.quota_attainment', 'num'],
      ['report.deals_won', 'num'], ['report.win_rate', 'num'], ['report.cycle_days', 'num'], ['report.activities', 'num'],
      ['report.rating', 'num'], ['report.in_sla', 'num'], ['report.teamwork', 'num']]}>
      ${rows.map((x) => html`<tr data-member=${x.login}>
        <td class="name-cell" title=${x.login}>${x.name || x.login}</td>
        <td class="num">${m(x.quota, ev)}</td><td class="num" data-col="revenue">${m(x.revenue, ev)}</td>
        <td class="num" data-col="attainment">${pct(x.attainment)}</td>
        <td class="num" title=${t('report.won_lost', { won: num(x.deals_won), lost: num(x.deals_lost) })}>${num(x.deals_won)}</td>
        <td class="num" data-col="win_rate">${pct(x.win_rate)}</td>
        <td class="num">${one(x.cycle_days)}</td><td class="num">${num(x.activities)}</td>
        <td class="num" title=${x.ratings ? t('report.n_ratings', { n: num(x.ratings) }) : undefined}>${one(x.rating)}</td>
        <td class="num" data-col="in_sla" title=${t('report.in_sla_of', { n: num(x.problems_in_sla), of: num(x.problems_resolved) })}>${pct(x.in_sla_rate)}</td>
        <td class="num" data-col="teamwork" title=${x.reviews ? t('report.n_reviews', { n: num(x.reviews) }) : undefined}>${one(x.teamwork)}</td>
      </tr>`)}
    <//>
    <p class="muted small">${t('report.team_note')}</p>
  <//>`;
}

function Adjustments({ ev, code }) {
  const rows = ev.adjustments || [];
  const rec = (a) => html`${label('adjust.kind', a.kind)} <span class="code">${a.record}</span>`;
  // as the timeline says them: a reopening's status in words (已结束 → 进行中), not its codes
  const said = (a, v) => (v === '' || v === null || v === undefined ? DASH : valueText(a.kind, a.field, v));
  return html`<h2 class="section-title">${t('report.adjustments')}</h2>
    <${Card} id="rep-adjustments" title=${t('report.adjustments_made')} n=${rows.length} empty=${t('report.no_adjustments')}>
    <${Table} id="rep-adjustment-table" head=${[['report.adj_at'], ['report.adj_what'], ['report.adj_change'], ['report.adj_reason'], ['report.adj_by']]}>
      ${rows.map((a) => html`<tr data-adjustment=${a.id}>
        <td class="nowrap"><a href=${'#' + route('/p/' + enc(code) + '/adjustments', { id: a.id })}>${dateTime(a.at)}</a></td>
        <td>${rec(a)} · ${a.kind === 'quota' ? t('adjust.quota_of', { who: a.field }) : label('adjust.field', a.field)}${a.after_close
          ? html` <${Chip} kind="at_risk">${t('report.after_close')}<//>` : null}</td>
        <td class="nowrap" data-col="change">${said(a, a.before)} → ${said(a, a.after)}</td>
        <td class="rep-reason">${a.reason}</td><td>${a.by}</td>
      </tr>`)}
    <//>
  <//>`;
}

function Lessons({ ev, code }) {
  const rows = ev.lessons || [];
  const link = html`<a class="btn btn-small" id="rep-lessons-link" href=${'#/p/' + enc(code) + '/lessons'}>${t('report.lessons_open')}</a>`;
  return html`<h2 class="section-title">${t('report.lessons')}</h2>
    <div class="card rep-card" id="rep-lessons">
      <div class="card-head"><h3>${t('report.lessons_sub')}</h3>${link}</div>
      ${rows.length === 0 ? html`<p class="muted rep-empty">${t('report.no_lessons')}</p>` : html`<div class="rep-lesson-grid">
        ${LESSON_KINDS.map((k) => {
          const of = rows.filter((l) => l.kind === k);
          return html`<div class=${'rep-lesson-col rep-lesson-' + k} data-kind=${k}>
            <h4>${t('ent.lesson.kind.' + k)} <span class="muted small">${num(of.length)}</span></h4>
            ${of.length === 0 ? html`<p class="muted small">${DASH}</p>` : html`<ul class="rep-lesson-list">
              ${of.map((l) => html`<li data-lesson=${l.id}><p>${l.text}</p><span class="muted small">${l.by} · ${dateTime(l.at)}</span></li>`)}</ul>`}
          </div>`;
        })}
      </div>`}
    </div>`;
}

// --- the comparison ---------------------------------------------------------------------

// A difference as the reader reads it: signed, money in the currency, a ratio in points of it.
function signed(unit, v, ev) {
  if (v === null || v === undefined) return DASH;
  const plus = v > 0 ? '+' : '';
  if (unit === 'money') return plus + m(v, ev);
  if (unit === 'ratio') return t('dash.points', { n: plus + one(v * 100) });
  return plus + num(v);
}
const show = (unit, v, ev) => (unit === 'money' ? m(v, ev) : unit === 'ratio' ? pct(v) : num(v));
const deltaClass = (v) => 'num delta ' + (v > 0 ? 'delta-up' : v < 0 ? 'delta-down' : 'delta-flat');

export function Compare({ code }) {
  const other = currentQuery().with || '';
  const { data, error, loading, reload } = useLoad(() => (other
    ? api.get('/projects/' + enc(code) + '/report/compare', { with: other, format: 'json', lang: getLang() })
    : Promise.resolve(null)), [code, other]);
  // the files once the comparison is read (they are named by its day)
  const head = (sub, ev) => html`<${PageHead} title=${t('report.compare_title')} subtitle=${sub}
    actions=${ev ? html`<${Downloads} code=${code} withCode=${other} ev=${ev} />` : null} />`;
  const back = html`<a class="btn btn-small" id="rep-back" href=${'#' + base(code)}>${t('report.back')}</a>`;
  const pick = html`<div class="rep-controls card"><${ComparePick} code=${code} current=${other} />${back}</div>`;
  if (!other) return html`<section class="report">${head(code)}${pick}<${Empty} title=${t('report.compare_pick_hint')} /></section>`;
  if (loading && !data) return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} rows=${6} /></section>`;
  if (error) return html`<section>${head(code)}${pick}<${ErrorBanner} error=${error} onRetry=${reload} /></section>`;
  const { left, right } = compareSides(data);
  if (!left || !right) return html`<section>${head(code)}${pick}<${ErrorBanner} error=${{ message: t('err.generic') }} /></section>`;
  const name = (ev) => `${ev.project.name} (${ev.project.code})`;
  return html`<section class="report rep-compare" id="rep-compare-view" data-left=${left.project.code} data-right=${right.project.code}>
    ${head(html`${name(left)} ${t('report.vs')} ${name(right)}`, left)}
    ${pick}
    <${CompareTotals} left=${left} right=${right} />
    <${CompareChannels} left=${left} right=${right} />
  </section>`;
}

// Two projects' column heads: each project's code, its dates and the day it is as of.
const sideHead = (ev) => html`<th class="num"><span class="code">${ev.project.code}</span>
  <small class="muted rep-side-dates">${date(ev.project.start)} – ${date(ev.project.end)}${ev.interim ? ' · ' + t('report.interim_short') : ''}</small></th>`;

function CompareTotals({ left, right }) {
  const rows = useMemo(() => compareTotals(left, right), [left, right]);
  return html`<div class="card rep-card" id="rep-compare-totals">
    <div class="card-head"><h3>${t('report.compare_totals')}</h3></div>
    <div class="table-wrap rep-table-wrap"><table class="table table-compact rep-table" id="rep-compare-total-table">
      <thead><tr><th>${t('report.figure')}</th>${sideHead(left)}${sideHead(right)}
        <th class="num">${t('report.difference')}</th><th class="num">${t('report.change')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr data-total=${r.key}>
        <td>${t('report.total.' + r.key)}</td>
        <td class="num" data-col="left">${show(r.unit, r.left, left)}</td><td class="num" data-col="right">${show(r.unit, r.right, right)}</td>
        <td class=${deltaClass(r.diff)} data-col="diff">${signed(r.unit, r.diff, left)}</td>
        <td class=${deltaClass(r.change)} data-col="change">${pctChange(r.change)}</td>
      </tr>`)}</tbody></table></div>
  </div>`;
}

function CompareChannels({ left, right }) {
  const rows = useMemo(() => compareChannels(left, right), [left, right]);
  const rev = (r, side) => (r[side] ? r[side].revenue : 0);
  const option = useMemo(() => groupedBars(rows.map((r) => r.name), [
    { name: left.project.code, color: COLORS.revenue, data: rows.map((r) => rev(r, 'left')) },
    { name: right.project.code, color: COLORS.line, data: rows.map((r) => rev(r, 'right')) },
  ], compactMoney(left), (i) => `${rows[i].name}\n${left.project.code}: ${m(rev(rows[i], 'left'), left)}`
    + `\n${right.project.code}: ${m(rev(rows[i], 'right'), right)}`), [rows, left, right]);
  return html`<div class="card rep-card" id="rep-compare-channels">
    <div class="card-head"><h3>${t('report.compare_channels')}</h3><span class="muted small">${t('dash.n_items', { n: rows.length })}</span></div>
    ${rows.length === 0 ? html`<p class="muted rep-empty">${t('dash.no_rows')}</p>` : html`
      <${EChart} className="rep-chart" option=${option} label=${t('report.compare_aria', { n: rows.length })} data=${{ 'data-bars': String(rows.length) }} />
      <div class="table-wrap rep-table-wrap"><table class="table table-compact rep-table" id="rep-compare-channel-table">
        <thead><tr><th>${t('report.channel')}</th>${sideHead(left)}${sideHead(right)}
          <th class="num">${t('report.difference')}</th><th class="num">${t('report.change')}</th>
          <th class="num">ROI ${left.project.code}</th><th class="num">ROI ${right.project.code}</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr data-channel=${r.code}>
          <td class="name-cell" title=${r.code}>${r.name}</td>
          <td class="num" data-col="left">${r.left ? m(r.left.revenue, left) : DASH}</td>
          <td class="num" data-col="right">${r.right ? m(r.right.revenue, right) : DASH}</td>
          <td class=${deltaClass(r.revenue.diff)} data-col="diff">${signed('money', r.revenue.diff, left)}</td>
          <td class=${deltaClass(r.revenue.change)} data-col="change">${pctChange(r.revenue.change)}</td>
          <td class="num">${r.left ? pct(r.left.roi) : DASH}</td><td class="num">${r.right ? pct(r.right.roi) : DASH}</td>
        </tr>`)}</tbody></table></div>`}
    <p class="muted small">${t('report.compare_note', { left: left.project.code, right: right.project.code })}</p>
  </div>`;
}
