// catalog.js - what some nouns add to their generic screens (components/entity-page.js
// builds them from the server's descriptions): a product's price history, one row action
// away; a project's RACI chart above its lines; how records without a name of their own are
// named; an own skill's name asked only for an "other" skill.
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money, pct, date, dateTime } from '../format.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Empty } from '../components/ui.js';
import { RaciChart } from './raci.js';

// By noun: what its generic screen adds (see EntityPage's extras).
export const EXTRAS = {
  // a project's RACI lines drawn as the chart (areas by people) above their list
  raci: {
    summary: (items) => html`<${RaciChart} items=${items} />`,
    recName: (r) => r.area + ' · ' + (r.person_name || r.person),
  },
  // records without a name of their own are named by whom and what they are about
  attendance: { recName: (r) => (r.attendee_name || r.attendee) + ' · ' + r.training_name },
  skill: {
    recName: (r) => (r.person_name || r.person) + ' · ' + (r.skill === 'other' ? r.name : t('ent.skill.skill.' + r.skill)),
    // an own skill's name only for "other"
    fields: { name: (spec) => ({ ...spec, skip: (f) => f.skill !== 'other' }) },
  },
  product: {
    extraActions: (r) => html`<a class="btn btn-small" href=${'#/products/' + enc(r.sku)}>${t('catalog.prices')}</a>`,
  },
};

export function ProductPrices({ sku }) {
  const { data, error, loading, reload } = useLoad(async () => {
    const [p, h] = await Promise.all([api.get('/products/' + enc(sku)), api.get('/products/' + enc(sku) + '/prices')]);
    return { product: (p && p.product) || p, prices: (h && (h.prices || h.items)) || [] };
  }, [sku]);
  return html`<section>
    <${PageHead} title=${data ? data.product.name : sku} subtitle=${html`<span class="code">${sku}</span> · ${t('catalog.price_history')}`}
      actions=${html`<a class="btn" href="#/products">${t('action.back')}</a>`} />
    <${ErrorBanner} error=${error} onRetry=${reload} />
    ${loading ? html`<div class="card"><${Skeleton} rows=${4} /></div>` : data ? html`
      <div class="stat-strip">
        <div class="stat"><span class="stat-label">${t('ent.product.cost')}</span><span class="stat-value num">${money(data.product.cost)}</span></div>
        <div class="stat"><span class="stat-label">${t('ent.product.price')}</span><span class="stat-value num">${money(data.product.price)}</span></div>
        <div class="stat"><span class="stat-label">${t('ent.product.margin')}</span><span class="stat-value num">${data.product.price > 0 ? pct((data.product.price - data.product.cost) / data.product.price) : '—'}</span></div>
      </div>
      ${data.prices.length === 0 ? html`<${Empty} title=${t('catalog.no_prices')} />` : html`<div class="table-wrap card"><table class="table">
        <thead><tr><th>${t('ent.product.effective')}</th><th class="num">${t('ent.product.cost')}</th><th class="num">${t('ent.product.price')}</th>
          <th>${t('ent.product.reason')}</th><th>${t('audit.who')}</th><th>${t('audit.when')}</th></tr></thead>
        <tbody>${data.prices.slice().reverse().map((c) => html`<tr><td>${date(c.effective || c.effective_on)}</td><td class="num">${money(c.cost)}</td>
          <td class="num">${money(c.price)}</td><td class="wrap">${c.reason || ''}</td><td>${c.changed_by_login || c.changed_by || ''}</td>
          <td class="muted">${dateTime(c.changed_at)}</td></tr>`)}</tbody></table></div>`}` : null}
  </section>`;
}
