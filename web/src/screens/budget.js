// budget.js - a project's budget (/p/:code/budget): the overview (GET .../budget) with the
// project's budget, what the lines allocate, what was spent and what remains, each line with
// its allocated, spent and remaining money (an overspent line stands out), and beside them the
// strategy's spending (the promotions' discounts and the channels' cost, as the strategy screen
// reads them). Below, in two tabs, the generic lists and forms of the budget lines (managers
// write them) and of the expenses (members record their own; the line picked by its name).
// Amounts are typed in major units; the server judges every write.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money } from '../format.js';
import { EntityPage } from '../components/entity-page.js';
import { useLoad, ErrorBanner, Chip, Skeleton } from '../components/ui.js';

const catLabel = (c) => t('ent.budget.category.' + c);

function Overview({ data }) {
  const fig = (id, label, v, cls = '') => html`<div class="budget-fig"><span class="muted">${label}</span>
    <strong id=${id} class=${cls} data-minor=${v}>${money(v)}</strong></div>`;
  return html`<div class="budget-panels">
    <div class="card budget-totals" id="budget-totals">
      <h2>${t('budget.title')}</h2>
      <div class="budget-figs">
        ${fig('budget-project', t('budget.project_budget'), data.budget)}
        ${fig('budget-allocated', t('budget.allocated'), data.allocated)}
        ${fig('budget-spent', t('budget.spent'), data.spent)}
        ${fig('budget-remaining', t('budget.remaining'), data.remaining, data.remaining < 0 ? 'text-danger' : '')}
        ${data.budget > 0 ? fig('budget-unallocated', t('budget.unallocated'), data.unallocated, data.unallocated < 0 ? 'text-danger' : '') : null}
      </div>
      ${data.lines.length ? html`<div class="table-wrap"><table class="table budget-lines-table" id="budget-lines-table">
        <thead><tr><th>${t('ent.budget.name')}</th><th>${t('ent.budget.category')}</th><th class="num">${t('ent.budget.allocated')}</th>
          <th class="num">${t('ent.budget.spent')}</th><th class="num">${t('ent.budget.remaining')}</th></tr></thead>
        <tbody>${data.lines.map((l) => html`<tr key=${l.id} data-line=${l.id} class=${l.overspent ? 'row-overdue' : ''}>
          <th scope="row">${l.name}${l.overspent ? html` <${Chip} kind="off_track">${t('budget.overspent')}<//>` : null}</th>
          <td>${catLabel(l.category)}</td>
          <td class="num" data-col="allocated" data-minor=${l.allocated}>${money(l.allocated)}</td>
          <td class="num" data-col="spent" data-minor=${l.spent}>${money(l.spent)}</td>
          <td class=${'num' + (l.overspent ? ' text-danger' : '')} data-col="remaining" data-minor=${l.remaining}>${money(l.remaining)}</td></tr>`)}
          <tr class="row-total"><th scope="row">${t('budget.total')}</th><td></td>
            <td class="num">${money(data.allocated)}</td><td class="num">${money(data.spent)}</td>
            <td class="num">${money(data.remaining)}</td></tr></tbody>
      </table></div>` : html`<p class="muted">${t('budget.no_lines')}</p>`}
    </div>
    <div class="card budget-strategy" id="budget-strategy">
      <h2>${t('budget.strategy_title')}</h2><p class="muted">${t('budget.strategy_sub')}</p>
      <div class="budget-figs">
        ${fig('budget-promotion-cost', t('budget.promotion_cost'), data.strategy.promotion_cost)}
        ${fig('budget-channel-cost', t('budget.channel_cost'), data.strategy.channel_cost)}
        ${fig('budget-strategy-total', t('budget.strategy_total'), data.strategy.total)}
      </div>
    </div>
  </div>`;
}

export function Budget({ code }) {
  const [tick, setTick] = useState(0);
  const [tab, setTab] = useState('lines');
  const base = '/projects/' + enc(code);
  const overview = useLoad(() => api.get(base + '/budget'), [code, tick]);
  const changed = () => setTick((n) => n + 1);
  const lines = (overview.data && overview.data.lines) || [];
  const lineOptions = lines.map((l) => ({ value: String(l.id), label: l.name + ' · ' + catLabel(l.category) }));
  const head = html`${overview.error ? html`<${ErrorBanner} error=${overview.error} onRetry=${overview.reload} />` : null}
    ${overview.data ? html`<${Overview} data=${overview.data} />` : overview.loading ? html`<div class="card"><${Skeleton} rows=${4} /></div>` : null}
    <div class="tabs budget-tabs" role="tablist">
      ${['lines', 'expenses'].map((k) => html`<button type="button" role="tab" id=${'budget-tab-' + k} key=${k}
        class=${'btn btn-small' + (tab === k ? ' btn-primary' : '')} aria-selected=${tab === k ? 'true' : 'false'}
        onClick=${() => setTab(k)}>${t(k === 'lines' ? 'ent.budget.plural' : 'ent.expense.plural')}</button>`)}
    </div>`;
  const lineExtras = {
    title: t('budget.title'), subtitle: t('budget.sub'), notice: head, onChange: changed, reloadKey: tick,
    cells: {
      name: (rec) => html`${rec.name}${rec.overspent ? html` <${Chip} kind="off_track">${t('budget.overspent')}<//>` : null}`,
      overspent: (rec) => (rec.overspent ? t('budget.overspent') : '—'),
    },
    rowClass: (rec) => (rec.overspent ? 'row-overdue' : ''),
    recName: (rec) => rec.name,
  };
  const expenseExtras = {
    title: t('budget.title'), subtitle: t('budget.sub'), notice: head, onChange: changed,
    hide: ['line'],
    recName: (rec) => rec.line_name + ' · ' + money(rec.amount),
    fields: {
      line: (spec) => ({ ...spec, type: 'select', inputmode: undefined, options: lineOptions,
        default: lineOptions.length ? lineOptions[0].value : '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: (s) => (s === '' ? undefined : Number(s)) }),
    },
  };
  return html`<div class="budget-screen">
    ${tab === 'lines' ? html`<${EntityPage} key="lines" name="budget" project=${code} extras=${lineExtras} />`
      : html`<${EntityPage} key="expenses" name="expense" project=${code} extras=${expenseExtras} />`}
  </div>`;
}
