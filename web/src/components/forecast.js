// forecast.js - the forecast of a project (GET /projects/{code}/pipeline): a panel with each
// goal's projection band, its probability of reaching the target and the pipeline's coverage,
// said in plain words (why a goal will be missed), and the funnel with its conversion rates,
// median days per stage, win rate and average deal size, for the project or one owner or
// channel. The model is explained under the panel. Loaded on its own, after the page: a
// forecast computed once per write on the server, never in the dashboard's path. Every figure
// of the funnel opens its deals (the deals table filtered by its link: a stage's deals that
// reached it, the won, lost and open ones, of the owner or channel chosen), a goal's coverage
// its open deals.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { navigate, route } from '../app-context.js';
import { t, tv } from '../i18n/index.js';
import { money, pct, num, valueOf } from '../format.js';
import { useLoad, ErrorBanner, Skeleton, Chip } from './ui.js';
import { EChart, COLORS } from './charts.js';
import { useNames } from './names.js';
import '../styles/forecast.css';

// A goal's value by its unit; large money compact (the exact one on hover).
const value = (g, v) => (v === null || v === undefined ? '—'
  : valueOf(g.unit, v, g.unit === 'money' && Math.abs(Number(v)) >= 1e8 ? { compact: true } : undefined));
const exact = (g, v) => (v === null || v === undefined ? '—' : valueOf(g.unit, v));

// Likely (>= 80%), uncertain (>= 50%), unlikely (below): how a probability reads.
export function chance(p) {
  if (p === null || p === undefined) return 'none';
  return p >= 0.8 ? 'likely' : p >= 0.5 ? 'uncertain' : 'unlikely';
}
const CHANCE_CHIP = { likely: 'on_track', uncertain: 'at_risk', unlikely: 'off_track', none: 'closed' };

// The deals table of project code filtered by query (deals.js takes it from the link).
const dealsLink = (code, query) => route('/p/' + enc(code) + '/deals', { view: 'table', ...query });
// A group's own filter: an owner's or a channel's deals ("" for deals of none: not linkable).
const groupQuery = (by, key) => (by === 'owner' ? { owner: key } : by === 'channel' ? { channel: key } : {});

const days = (v) => (v === null || v === undefined ? '—' : t('forecast.days', { n: Number(v).toFixed(1) }));
const stageName = (s) => s.name || tv('ent.deal.stage', s.stage);
const coverageText = (c) => (c === null || c === undefined ? '—' : c > 0 && c < 0.01 ? '<0.01×' : c.toFixed(2) + '×');

// Why, in a sentence: what is left, what the pipeline and the run rate bring.
function why(g) {
  if (g.probability_method === 'achieved') return t('forecast.why.achieved');
  if (g.probability_method === 'closed') return t(g.probability >= 1 ? 'forecast.why.closed_met' : 'forecast.why.closed_missed');
  if (g.probability_method === 'trend') {
    return t('forecast.why.trend', { value: value(g, g.projection && g.projection.value), target: value(g, g.target) });
  }
  if (g.probability_method === 'simulation') {
    const parts = g.remaining > 0 ? [t('forecast.why.gap', { gap: value(g, g.remaining) })] : [];
    if (g.coverage !== null && g.coverage !== undefined) {
      parts.push(t('forecast.why.pipeline', { deals: num(g.deals), weighted: g.unit === 'money' ? value(g, g.weighted_pipeline) : num(g.weighted_pipeline),
        coverage: coverageText(g.coverage) }));
    }
    if (g.expected_at_due !== null && g.expected_at_due !== undefined) {
      parts.push(t('forecast.why.expected', { value: value(g, g.unit === 'ratio' ? g.expected_at_due : Math.round(g.expected_at_due)) }));
    }
    return parts.join(t('forecast.sep'));
  }
  return t('forecast.reason.' + (g.probability_reason || g.projection_reason || 'none'));
}

// The band against the target on one line: low – high, the value marked, the target a tick.
function Band({ g }) {
  const p = g.projection;
  if (!p) return html`<span class="muted small">${t('forecast.reason.' + (g.projection_reason || 'none'))}</span>`;
  const lo = Math.min(p.low, g.target ?? p.low), hi = Math.max(p.high, g.target ?? p.high);
  const span = hi - lo || 1;
  const at = (v) => Math.max(0, Math.min(100, Math.round(((v - lo) / span) * 100)));
  return html`<div class="fc-band" title=${t('forecast.band_title', { low: exact(g, p.low), high: exact(g, p.high), value: exact(g, p.value) })}>
    <span class="fc-band-track">
      <span class=${'fc-band-range at-' + at(p.low) + ' pct-' + Math.max(1, at(p.high) - at(p.low))}></span>
      <span class=${'fc-band-value at-' + at(p.value)}></span>
      ${g.target !== null && g.target !== undefined ? html`<span class=${'fc-band-target at-' + at(g.target)}></span>` : null}
    </span>
    <span class="fc-band-text num">${value(g, p.low)} – ${value(g, p.high)}</span>
  </div>`;
}

// A goal's scope as the deals table's filters (a rep scope is the deals' owner).
const scopeQuery = (sc) => (sc ? { owner: sc.rep || undefined, channel: sc.channel || undefined, segment: sc.segment || undefined } : {});

function GoalRow({ g, code }) {
  const c = chance(g.probability);
  return html`<tr class="fc-goal" data-goal-id=${g.id} data-chance=${c}>
    <td class="name-cell"><strong>${g.name || tv('metric', g.metric)}</strong>
      <div class="muted small">${tv('metric', g.metric)} · ${t('forecast.target')} <span class="num">${value(g, g.target)}</span></div>
      <div class="fc-why small">${why(g)}</div></td>
    <td class="num fc-projection" data-value=${g.projection ? String(g.projection.value) : ''}>
      <div>${g.projection ? value(g, g.projection.value) : '—'}</div><${Band} g=${g} /></td>
    <td class="num fc-probability" data-value=${g.probability === null ? '' : String(g.probability)}>
      <${Chip} kind=${CHANCE_CHIP[c]} title=${g.probability_error ? t('forecast.error', { e: pct(g.probability_error) }) : undefined}>${pct(g.probability)}<//>
      <div class="muted small">${t('forecast.chance.' + c)}</div></td>
    <td class="num fc-coverage" data-value=${g.coverage === null ? '' : String(g.coverage)}>${g.coverage === null || g.coverage === undefined
      ? coverageText(g.coverage)
      : html`<a href=${'#' + dealsLink(code, { kind: 'open', ...scopeQuery(g.scope) })} title=${t('forecast.coverage_open')}>${coverageText(g.coverage)}</a>`}</td>
  </tr>`;
}

function Model({ d }) {
  return html`<details class="fc-model" id="forecast-model">
    <summary>${t('forecast.model')}</summary>
    <p>${t('forecast.model.projection')}</p>
    <p>${t('forecast.model.probability', { runs: num(d.runs), seed: String(d.seed) })}</p>
    <p>${t('forecast.model.stages', { k: String(d.model.prior_deals) })}</p>
    <p>${t('forecast.model.slip', { n: num(d.model.slippage_samples), days: d.model.median_slippage_days === null ? '—' : Number(d.model.median_slippage_days).toFixed(1) })}</p>
    <p>${t('forecast.model.run_rate', { weeks: String(d.model.run_rate_weeks) })}</p>
    <p>${t('forecast.model.levels')}</p>
  </details>`;
}

export function ForecastPanel({ code }) {
  const { data, error, loading, reload } = useLoad(() => api.get('/projects/' + enc(code) + '/pipeline'), [code]);
  if (loading && !data) return html`<div class="card"><${Skeleton} rows=${3} /></div>`;
  if (error) return html`<${ErrorBanner} error=${error} onRetry=${reload} />`;
  const d = data;
  const goals = d.goals.filter((g) => g.target !== null);
  const missed = goals.filter((g) => chance(g.probability) === 'unlikely').length;
  return html`<section class="forecast" id="forecast" data-as-of=${d.as_of} data-seed=${String(d.seed)}>
    <div class="card" id="forecast-panel">
      <div class="card-head"><h2>${t('forecast.title')}</h2>
        <span class=${'small ' + (missed ? 'fc-missed' : 'muted')} id="forecast-summary">${missed
          ? t('forecast.summary_missed', { n: missed, total: goals.length }) : t('forecast.summary_ok', { total: goals.length })}</span></div>
      ${goals.length === 0 ? html`<p class="muted">${t('forecast.no_goals')}</p>` : html`<div class="table-wrap">
        <table class="table table-compact fc-table">
          <thead><tr><th>${t('forecast.goal')}</th><th class="num">${t('forecast.projection')}</th>
            <th class="num">${t('forecast.probability')}</th><th class="num">${t('forecast.coverage')}</th></tr></thead>
          <tbody>${goals.map((g) => html`<${GoalRow} key=${g.id} g=${g} code=${code} />`)}</tbody>
        </table></div>`}
      <${Model} d=${d} />
    </div>
    <${Funnel} d=${d} code=${code} />
  </section>`;
}

// --- the funnel ---------------------------------------------------------------------------

export function Funnel({ d, code }) {
  const [by, setBy] = useState('all');
  const [key, setKey] = useState('');
  const names = useNames(['users', 'channels']);
  // an owner or a channel by name, its code beside it (the code alone until the names load)
  const label = (k) => {
    if (!k) return t('forecast.none');
    const n = names.name(by === 'owner' ? 'users' : 'channels', k);
    return n ? `${n} (${k})` : k;
  };
  const groups = by === 'owner' ? d.by_owner : by === 'channel' ? d.by_channel : [];
  const chosen = by === 'all' ? d.all : groups.find((x) => x.key === key) || groups[0] || d.all;
  const stats = chosen;
  const option = useMemo(() => ({
    grid: { left: 4, right: 40, top: 6, bottom: 0, containLabel: true },
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' },
      formatter: (ps) => {
        const s = stats.funnel[stats.funnel.length - 1 - ps[0].dataIndex];
        return `${stageName(s)}: ${num(s.reached)}\n${t('forecast.conversion')}: ${pct(s.conversion)}\n${t('forecast.median_days')}: ${days(s.median_days)}`;
      } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10, color: COLORS.muted }, splitLine: { lineStyle: { color: COLORS.split } } },
    yAxis: { type: 'category', data: stats.funnel.map(stageName).reverse(), axisTick: { show: false },
      axisLabel: { fontSize: 11, color: '#334155' }, axisLine: { lineStyle: { color: COLORS.line } } },
    series: [{ type: 'bar', data: stats.funnel.map((s) => s.reached).reverse(), barMaxWidth: 22, cursor: 'pointer',
      label: { show: true, position: 'right', fontSize: 11, color: COLORS.muted },
      itemStyle: { color: COLORS.revenue, borderRadius: [0, 3, 3, 0] } }],
  }), [stats]);
  const pick = (b) => { setBy(b); setKey(''); };
  // the group's deals: an owner's or a channel's ("" is deals of none, which the table cannot name)
  const gq = by === 'all' ? {} : groupQuery(by, chosen.key);
  const linkable = Boolean(code) && (by === 'all' || Boolean(chosen.key));
  const openStage = (e) => {
    const st = stats.funnel[stats.funnel.length - 1 - e.dataIndex];
    if (linkable && st && st.reached > 0) navigate(dealsLink(code, { ...gq, reached: st.stage }));
  };
  return html`<div class="card" id="funnel" data-by=${by} data-key=${by === 'all' ? '' : chosen.key || ''}>
    <div class="card-head"><h2>${t('forecast.funnel')}</h2>
      <div class="segmented" role="group" aria-label=${t('forecast.by')}>
        ${['all', 'owner', 'channel'].map((b) => html`<button class=${'seg-btn' + (by === b ? ' active' : '')} id=${'funnel-by-' + b}
          aria-pressed=${by === b ? 'true' : 'false'} onClick=${() => pick(b)}>${t('forecast.by.' + b)}</button>`)}
      </div>
    </div>
    ${by !== 'all' ? html`<label class="fc-pick">${t('forecast.by.' + by)}
      <select id="funnel-key" value=${chosen.key} onChange=${(e) => setKey(e.target.value)}>
        ${groups.map((x) => html`<option value=${x.key}>${label(x.key)}</option>`)}
      </select></label>` : null}
    <div class="stat-strip stat-strip-4 fc-stats">
      <div class="stat"><span class="stat-label">${t('forecast.win_rate')}</span><span class="stat-value num" id="funnel-win-rate">${pct(stats.win_rate)}</span>
        <span class="stat-sub">${linkable
          ? html`<a href=${'#' + dealsLink(code, { ...gq, kind: 'won' })} data-figure="funnel.won" data-count=${String(stats.won)}>${t('forecast.won_n', { n: num(stats.won) })}</a>
            · <a href=${'#' + dealsLink(code, { ...gq, kind: 'lost' })} data-figure="funnel.lost" data-count=${String(stats.lost)}>${t('forecast.lost_n', { n: num(stats.lost) })}</a>`
          : t('forecast.won_lost', { won: num(stats.won), lost: num(stats.lost) })}</span></div>
      <div class="stat"><span class="stat-label">${t('forecast.avg_deal')}</span><span class="stat-value num" id="funnel-avg">${stats.avg_deal_size === null ? '—' : money(stats.avg_deal_size)}</span></div>
      <div class="stat"><span class="stat-label">${t('forecast.weighted')}</span><span class="stat-value num" id="funnel-weighted" data-minor=${String(stats.weighted)} title=${money(stats.weighted)}>${money(stats.weighted, stats.weighted >= 1e8 ? { compact: true } : undefined)}</span>
        <span class="stat-sub">${linkable
          ? html`<a href=${'#' + dealsLink(code, { ...gq, kind: 'open' })} data-figure="funnel.open" data-count=${String(stats.open)}>${t('forecast.open_deals', { n: num(stats.open), amount: money(stats.open_amount) })}</a>`
          : t('forecast.open_deals', { n: num(stats.open), amount: money(stats.open_amount) })}</span></div>
      <div class="stat"><span class="stat-label">${t('forecast.days_to_win')}</span><span class="stat-value num" id="funnel-days">${days(stats.median_days_to_win)}</span></div>
    </div>
    <${EChart} className=${'funnel-chart bars-' + stats.funnel.length} option=${option} label=${t('forecast.funnel')} onClick=${openStage} />
    <div class="table-wrap">
      <table class="table table-compact" id="funnel-table">
        <thead><tr><th>${t('forecast.stage')}</th><th class="num">${t('forecast.reached')}</th><th class="num">${t('forecast.conversion')}</th>
          <th class="num">${t('forecast.median_days')}</th><th class="num">${t('forecast.win_probability')}</th></tr></thead>
        <tbody>${stats.funnel.map((s) => html`<tr data-stage=${s.stage}>
          <td>${stageName(s)}</td><td class="num" data-col="reached">${linkable && s.reached > 0
            ? html`<a href=${'#' + dealsLink(code, { ...gq, reached: s.stage })} data-figure=${'funnel.reached.' + s.stage} data-count=${String(s.reached)}>${num(s.reached)}</a>`
            : num(s.reached)}</td>
          <td class="num" data-col="conversion">${pct(s.conversion)}</td>
          <td class="num" data-col="median_days">${days(s.median_days)}</td>
          <td class="num" data-col="win_probability">${s.win_probability === undefined ? '—' : pct(s.win_probability)}</td></tr>`)}</tbody>
      </table>
    </div>
  </div>`;
}
