// strategy.js - a project's strategy, planned against actual (GET /projects/{code}/strategy,
// src/analytics/strategy.h): headline cards (the revenue target, revenue, margin, channel and
// promotion cost), then its target markets and channels (planned share beside actual share,
// planned revenue, attainment, margin; a channel's cost against its budget), its promotions
// (discounts here against the budget, spent over all projects), its products (price, margin,
// a competitor's price and the gap) and the price changes of its window. The plan itself is
// edited on the generic screens of its three project nouns (target_market, channel_plan,
// project_promotion), linked for those who may write them; the figures are read-only here.
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { money, num, pct, pctChange, pctClass, date } from '../format.js';
import { useApp } from '../app-context.js';
import { entity } from '../entities.js';
import { useProjectAccess, wsAtLeast, projectAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Banner, Chip } from '../components/ui.js';

// Large amounts in compact form on the cards (¥55.2亿); the exact amount in the title.
function Figure({ minor }) {
  const big = minor !== null && minor !== undefined && Math.abs(Number(minor)) >= 1e8;
  return html`<span class="stat-value num" title=${money(minor)}>${money(minor, big ? { compact: true } : undefined)}</span>`;
}

function Stat({ id, label, minor, sub, children }) {
  return html`<div class="stat" id=${id}>
    <span class="stat-label">${label}</span>
    ${children || html`<${Figure} minor=${minor} />`}
    ${sub ? html`<span class="stat-sub muted">${sub}</span>` : null}
  </div>`;
}

// Planned share above actual share, each a bar with its percent (the words say it too).
function ShareBars({ planned, actual }) {
  const bar = (kind, v) => html`<div class=${'strat-bar strat-' + kind}>
    <span class="strat-label">${t('strategy.' + kind)}</span>
    <span class="mini-progress"><span class=${'mini-progress-bar ' + pctClass(v ?? 0)}></span></span>
    <span class="strat-value num" data-share=${kind}>${pct(v)}</span>
  </div>`;
  return html`<div class="strat-pair" title=${t('strategy.share_title', { planned: pct(planned), actual: pct(actual) })}>
    ${bar('planned', planned)}${bar('actual', actual)}</div>`;
}

// A budget's state in words (a badge, not a colour only).
function BudgetBadge({ row }) {
  if (!row.budget) return html`<span class="muted">${t('strategy.no_budget')}</span>`;
  return row.over_budget
    ? html`<span class="budget-over"><${Chip} kind="off_track">${t('strategy.over_budget')}<//></span>`
    : html`<${Chip} kind="on_track">${t('strategy.within_budget')}<//>`;
}

const NotPlanned = () => html` <${Chip} kind="closed">${t('strategy.not_planned')}<//>`;

function Section({ id, title, edit, summary, children }) {
  return html`<section class="card strategy-section" id=${id}>
    <header class="strategy-head">
      <h2>${title}</h2>
      ${edit ? html`<a class="btn btn-small" id=${'edit-' + id.replace('strategy-', '')} href=${edit}>${t('strategy.edit_plan')}</a>` : null}
    </header>
    ${summary ? html`<p class="strategy-summary">${summary}</p>` : null}
    ${children}
  </section>`;
}

const Table = ({ heads, children }) => html`<div class="table-wrap"><table class="table strategy-table">
  <thead><tr>${heads.map(([k, cls]) => html`<th class=${cls || ''}>${t('strategy.col.' + k)}</th>`)}</tr></thead>
  <tbody>${children}</tbody></table></div>`;

const Nothing = ({ text }) => html`<p class="muted strategy-empty">${text}</p>`;

// "90% planned · 10% left to plan" (or "fully planned").
function shareSummary(planned) {
  const left = Math.max(0, 1 - (planned || 0));
  return html`<span class="share-sum">${t('strategy.share_sum', { planned: pct(planned || 0) })}</span> ·
    <span class="share-left">${left > 0.00005 ? t('strategy.share_left', { left: pct(left) }) : t('strategy.share_full')}</span>`;
}

function Segments({ s, edit }) {
  const planned = s.segments.some((r) => r.planned);
  return html`<${Section} id="strategy-segments" title=${t('strategy.segments')} edit=${edit}
      summary=${planned ? shareSummary(s.totals.segment_share_planned) : t('strategy.nothing_planned')}>
    ${!s.segments.length ? html`<${Nothing} text=${t('strategy.no_segments')} />` : html`<${Table} heads=${[['segment'], ['priority', 'num'],
      ['region'], ['industry'], ['size'], ['share'], ['planned_revenue', 'num'], ['revenue', 'num'], ['attainment', 'num'], ['margin_rate', 'num']]}>
      ${s.segments.map((r) => html`<tr key=${r.segment || ''} data-segment=${r.segment || ''}>
        <th scope="row">${r.segment === null ? html`<span class="no-segment">${t('strategy.no_segment')}</span>`
          : html`${r.name} <span class="code">${r.segment}</span>${r.planned ? null : html`<${NotPlanned} />`}`}</th>
        <td class="num">${r.segment !== null && r.priority ? num(r.priority) : '—'}</td>
        <td>${r.region || '—'}</td><td>${r.industry || '—'}</td><td>${r.company_size || '—'}</td>
        <td data-col="share"><${ShareBars} planned=${r.planned ? r.share : null} actual=${r.actual_share} /></td>
        <td class="num" data-col="planned_revenue">${money(r.planned_revenue)}</td>
        <td class="num" data-col="revenue">${money(r.revenue)}</td>
        <td class="num" data-col="attainment">${pct(r.attainment)}</td>
        <td class="num" data-col="margin_rate">${pct(r.margin_rate)}</td>
      </tr>`)}<//>`}
  <//>`;
}

function Channels({ s, edit }) {
  const planned = s.channels.some((r) => r.planned);
  const spent = s.totals.channel_budget_planned;
  const budgets = s.budget > 0
    ? html`${t('strategy.budget_sum', { planned: money(spent), budget: money(s.budget) })} ·
      <span class="budget-left-sum">${t('strategy.budget_left_sum', { left: money(Math.max(0, s.budget - spent)) })}</span>`
    : t('strategy.budget_sum_open', { planned: money(spent) });
  return html`<${Section} id="strategy-channels" title=${t('strategy.channels')} edit=${edit}
      summary=${planned ? html`${shareSummary(s.totals.channel_share_planned)}<br />${budgets}` : t('strategy.nothing_planned')}>
    ${!s.channels.length ? html`<${Nothing} text=${t('strategy.no_channels')} />` : html`<${Table} heads=${[['channel'], ['share'],
      ['planned_revenue', 'num'], ['revenue', 'num'], ['margin', 'num'], ['cost_rate', 'num'], ['channel_cost', 'num'], ['budget', 'num'],
      ['left', 'num'], ['status']]}>
      ${s.channels.map((r) => html`<tr key=${r.channel} data-channel=${r.channel} class=${r.over_budget ? 'over-budget' : ''}>
        <th scope="row">${r.name} <span class="code">${r.channel}</span>
          <div class="muted">${tv('ent.channel.type', r.type)}</div>${r.planned ? null : html`<${NotPlanned} />`}</th>
        <td data-col="share"><${ShareBars} planned=${r.planned ? r.share : null} actual=${r.actual_share} /></td>
        <td class="num" data-col="planned_revenue">${money(r.planned_revenue)}</td>
        <td class="num" data-col="revenue">${money(r.revenue)}</td>
        <td class="num" data-col="margin">${money(r.margin)} <div class="muted">${pct(r.margin_rate)}</div></td>
        <td class="num" data-col="cost_rate">${pct(r.cost_rate)}</td>
        <td class="num" data-col="channel_cost">${money(r.channel_cost)}</td>
        <td class="num" data-col="budget">${r.budget ? money(r.budget) : '—'}</td>
        <td class="num" data-col="left">${r.budget ? money(r.budget_left) : '—'}</td>
        <td data-col="status"><${BudgetBadge} row=${r} /></td>
      </tr>`)}<//>`}
  <//>`;
}

function Promotions({ s, edit }) {
  return html`<${Section} id="strategy-promotions" title=${t('strategy.promotions')} edit=${edit}>
    ${!s.promotions.length ? html`<${Nothing} text=${t('strategy.no_promotions')} />` : html`<${Table} heads=${[['promotion'], ['kind'],
      ['dates'], ['lines', 'num'], ['revenue', 'num'], ['discounts', 'num'], ['budget', 'num'], ['spent', 'num'], ['left', 'num'], ['status']]}>
      ${s.promotions.map((r) => html`<tr key=${r.promotion} data-promotion=${r.promotion} class=${r.over_budget ? 'over-budget' : ''}>
        <th scope="row">${r.name} <span class="code">${r.promotion}</span>${r.planned ? null : html`<${NotPlanned} />`}</th>
        <td>${tv('ent.promotion.kind', r.kind)}</td>
        <td class="nowrap">${r.start ? date(r.start) : t('strategy.open_dates')} – ${r.end ? date(r.end) : t('strategy.open_dates')}</td>
        <td class="num" data-col="lines">${num(r.lines)}</td>
        <td class="num" data-col="revenue">${money(r.revenue)}</td>
        <td class="num" data-col="discounts">${money(r.discounts)}</td>
        <td class="num" data-col="budget">${r.budget ? money(r.budget) : '—'}</td>
        <td class="num" data-col="spent">${money(r.spent)}</td>
        <td class="num" data-col="left">${r.budget ? money(r.budget_left) : '—'}</td>
        <td data-col="status"><${BudgetBadge} row=${r} /></td>
      </tr>`)}<//>`}
  <//>`;
}

function Products({ s }) {
  return html`<${Section} id="strategy-products" title=${t('strategy.products')}>
    ${!s.products.length ? html`<${Nothing} text=${t('strategy.no_products')} />` : html`<${Table} heads=${[['product'], ['price', 'num'],
      ['list_margin', 'num'], ['competitor_price', 'num'], ['gap', 'num'], ['revenue', 'num'], ['margin_rate', 'num']]}>
      ${s.products.map((r) => html`<tr key=${r.sku} data-sku=${r.sku}>
        <th scope="row">${r.name} <span class="code">${r.sku}</span></th>
        <td class="num" data-col="price">${money(r.price)}</td>
        <td class="num" data-col="list_margin">${pct(r.list_margin)}</td>
        <td class="num" data-col="competitor_price">${money(r.competitor_price)}</td>
        <td class="num" data-col="gap">${pctChange(r.competitor_gap)}</td>
        <td class="num" data-col="revenue">${money(r.revenue)}</td>
        <td class="num" data-col="margin_rate">${pct(r.margin_rate)}</td>
      </tr>`)}<//>`}
  <//>`;
}

function Prices({ s }) {
  return html`<${Section} id="strategy-prices" title=${t('strategy.prices')}>
    ${!s.prices.length ? html`<${Nothing} text=${t('strategy.no_prices')} />` : html`<${Table} heads=${[['date'], ['product'],
      ['change', 'num'], ['cost', 'num'], ['reason']]}>
      ${s.prices.map((r, i) => html`<tr key=${i} data-sku=${r.sku}>
        <td class="nowrap">${date(r.effective)}</td>
        <th scope="row">${r.name} <span class="code">${r.sku}</span></th>
        <td class="num nowrap" data-col="change">${r.old_price === null ? html`<span class="muted">${t('strategy.first_price')}</span>`
          : money(r.old_price)} → ${money(r.price)}</td>
        <td class="num" data-col="cost">${money(r.cost)}</td>
        <td class="wrap">${r.reason || '—'}</td>
      </tr>`)}<//>`}
  <//>`;
}

export function Strategy({ code }) {
  const app = useApp();
  const { data: s, error, loading, reload } = useLoad(() => api.get('/projects/' + enc(code) + '/strategy'), [code]);
  const access = useProjectAccess(app.me, code);
  // an "Edit plan" link for each noun of the plan the caller may write (as its generic screen decides)
  const edit = (noun, plural) => {
    const e = entity(noun);
    return e && !access.loading && wsAtLeast(app.me, 'rep') && projectAtLeast(access.can.prole, e.write_role)
      ? '#/p/' + enc(code) + '/' + plural : null;
  };

  if (loading && !s) return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} kind="cards" rows=${2} /></section>`;
  if (error) return html`<section><${PageHead} title=${t('strategy.title')} /><${ErrorBanner} error=${error} onRetry=${reload} /></section>`;
  const tot = s.totals;
  const target = s.target;
  return html`<section class="strategy">
    <${PageHead} title=${t('strategy.title')}
      subtitle=${html`<span class="code">${s.project}</span> · ${t('strategy.sub', { name: s.name, start: date(s.start), end: date(s.end) })}`} />
    <div class="stat-strip strategy-stats">
      ${target ? html`<${Stat} id="stat-target" label=${t('strategy.target')} minor=${target.revenue}
          sub=${t('strategy.target_of', { name: target.name || '#' + target.goal })} />`
        : html`<${Stat} id="stat-target" label=${t('strategy.target')} sub=${t('strategy.no_target_hint')}>
          <span class="stat-value stat-none">${t('strategy.no_target')}</span><//>`}
      <${Stat} id="stat-revenue" label=${t('strategy.revenue')} minor=${tot.revenue}
        sub=${target && target.revenue > 0 ? t('strategy.revenue_of_target', { rate: pct(tot.revenue / target.revenue) }) : null} />
      <${Stat} id="stat-margin" label=${t('strategy.margin')} minor=${tot.margin}
        sub=${t('strategy.margin_rate', { rate: pct(tot.margin_rate) })} />
      <${Stat} id="stat-channel-cost" label=${t('strategy.channel_cost')} minor=${tot.channel_cost}
        sub=${t('strategy.channel_budget_of', { budget: money(tot.channel_budget_planned) })} />
      <${Stat} id="stat-promotion-cost" label=${t('strategy.promotion_cost')} minor=${tot.promotion_cost}
        sub=${t('strategy.promotion_cost_sub')} />
    </div>
    ${tot.lines === 0 ? html`<div id="strategy-no-sales"><${Banner}>${t('strategy.no_sales')}<//></div>` : null}
    <${Segments} s=${s} edit=${edit('target_market', 'segments')} />
    <${Channels} s=${s} edit=${edit('channel_plan', 'channels')} />
    <${Promotions} s=${s} edit=${edit('project_promotion', 'promotions')} />
    <${Products} s=${s} />
    <${Prices} s=${s} />
  </section>`;
}
