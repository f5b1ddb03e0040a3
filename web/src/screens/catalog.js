// catalog.js - the strategy step's reference data: segments, channels (with cost rate),
// products (cost, list price and dated price history) and promotions.
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { money, pct, date, dateTime, parseMoney, minorToDecimal, getCurrency } from '../format.js';
import { useApp } from '../app-context.js';
import { CrudPage } from '../components/crud.js';
import { permissions } from '../components/access.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Chip, Empty } from '../components/ui.js';

const CHANNEL_TYPES = ['direct', 'distributor', 'ecommerce', 'partner', 'retail', 'telesales'];
const PROMO_KINDS = ['percent', 'amount', 'gift', 'points', 'bundle'];

const moneyField = (key, label, extra = {}) => ({
  key, label, inputmode: 'decimal', placeholder: '0.00', invalid: t('form.bad_money'),
  hint: getCurrency(), toForm: (v) => (v === undefined || v === null || v === '' ? '' : minorToDecimal(v)),
  fromForm: (s) => (String(s).trim() === '' ? undefined : parseMoney(s)), ...extra,
});
const percentFromForm = (s) => {
  const v = String(s).trim();
  if (v === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > 100) return null;
  return Number(v) / 100;
};
const dateField = (key, label) => ({ key, label, type: 'date', fromForm: (s) => (s ? s : undefined) });

function specs(kind, canWrite) {
  switch (kind) {
    case 'segments': return {
      title: t('nav.segments'), subtitle: t('catalog.segments_sub'), path: '/segments', listKey: 'segments', key: 'code',
      newLabel: t('catalog.new_segment'), emptyTitle: t('catalog.segments_empty'), emptyHint: t('catalog.segments_hint'), canWrite,
      columns: [
        { key: 'priority', label: t('catalog.priority'), cls: 'num narrow' },
        { key: 'code', label: t('catalog.code'), render: (r) => html`<span class="code">${r.code}</span>` },
        { key: 'name', label: t('catalog.name') },
        { key: 'criteria', label: t('catalog.criteria'), cls: 'wrap' },
      ],
      fields: [
        { key: 'code', label: t('catalog.code'), required: true, createOnly: true },
        { key: 'name', label: t('catalog.name'), required: true },
        { key: 'priority', label: t('catalog.priority'), inputmode: 'numeric', default: 1,
          toForm: (v) => (v === undefined || v === null ? '' : String(v)),
          fromForm: (s) => (String(s).trim() === '' ? undefined : /^\d+$/.test(String(s).trim()) ? Number(s) : null) },
        { key: 'criteria', label: t('catalog.criteria'), type: 'textarea', wide: true, hint: t('catalog.criteria_hint') },
      ],
    };
    case 'channels': return {
      title: t('nav.channels'), subtitle: t('catalog.channels_sub'), path: '/channels', listKey: 'channels', key: 'code',
      newLabel: t('catalog.new_channel'), emptyTitle: t('catalog.channels_empty'), canWrite,
      columns: [
        { key: 'code', label: t('catalog.code'), render: (r) => html`<span class="code">${r.code}</span>` },
        { key: 'name', label: t('catalog.name') },
        { key: 'type', label: t('catalog.type'), render: (r) => html`<${Chip}>${tv('ctype', r.type)}<//>` },
        { key: 'cost_rate', label: t('catalog.cost_rate'), cls: 'num', render: (r) => pct(r.cost_rate) },
      ],
      fields: [
        { key: 'code', label: t('catalog.code'), required: true, createOnly: true },
        { key: 'name', label: t('catalog.name'), required: true },
        { key: 'type', label: t('catalog.type'), type: 'select', default: 'direct',
          options: CHANNEL_TYPES.map((c) => ({ value: c, label: tv('ctype', c) })) },
        { key: 'cost_rate', label: t('catalog.cost_rate_pct'), inputmode: 'decimal', hint: t('catalog.cost_rate_hint'),
          toForm: (v) => (v === undefined || v === null ? '' : String(Math.round(v * 1000) / 10)), fromForm: percentFromForm },
      ],
    };
    case 'products': return {
      title: t('nav.products'), subtitle: t('catalog.products_sub'), path: '/products', listKey: 'products', key: 'sku',
      newLabel: t('catalog.new_product'), emptyTitle: t('catalog.products_empty'), canWrite,
      columns: [
        { key: 'sku', label: t('catalog.sku'), render: (r) => html`<a class="code" href=${'#/catalog/products/' + enc(r.sku)}>${r.sku}</a>` },
        { key: 'name', label: t('catalog.name') },
        { key: 'cost', label: t('catalog.cost'), cls: 'num', render: (r) => money(r.cost) },
        { key: 'price', label: t('catalog.price'), cls: 'num', render: (r) => money(r.price) },
        { key: 'margin', label: t('catalog.margin'), cls: 'num', render: (r) => (r.price > 0 ? pct((r.price - r.cost) / r.price) : '—') },
        { key: 'active', label: t('catalog.active'), render: (r) => (r.active === false || r.active === 0
          ? html`<${Chip} kind="closed">${t('catalog.inactive')}<//>` : html`<${Chip} kind="on_track">${t('catalog.active')}<//>`) },
      ],
      extraActions: (r) => html`<a class="btn btn-small" href=${'#/catalog/products/' + enc(r.sku)}>${t('catalog.prices')}</a>`,
      fields: [
        { key: 'sku', label: t('catalog.sku'), required: true, createOnly: true },
        { key: 'name', label: t('catalog.name'), required: true },
        moneyField('cost', t('catalog.cost'), { required: true }),
        moneyField('price', t('catalog.price'), { required: true }),
        dateField('effective', t('catalog.effective_on')),
        { key: 'reason', label: t('catalog.reason'), editOnly: true, hint: t('catalog.reason_hint'), fromForm: (s) => (s ? s : undefined) },
        { key: 'active', label: t('catalog.active'), type: 'checkbox', default: true, editOnly: true,
          toForm: (v) => v !== false && v !== 0 },
      ],
    };
    case 'promotions': return {
      title: t('nav.promotions'), subtitle: t('catalog.promotions_sub'), path: '/promotions', listKey: 'promotions', key: 'code',
      newLabel: t('catalog.new_promotion'), emptyTitle: t('catalog.promotions_empty'), canWrite,
      columns: [
        { key: 'code', label: t('catalog.code'), render: (r) => html`<span class="code">${r.code}</span>` },
        { key: 'name', label: t('catalog.name') },
        { key: 'kind', label: t('catalog.kind'), render: (r) => html`<${Chip}>${tv('pkind', r.kind)}<//>` },
        { key: 'value', label: t('catalog.value'), cls: 'num', render: (r) => promoValue(r) },
        { key: 'dates', label: t('catalog.dates'), render: (r) => (r.start || r.end ? `${date(r.start)} – ${date(r.end)}` : t('catalog.open_ended')) },
        { key: 'budget', label: t('catalog.budget'), cls: 'num', render: (r) => money(r.budget) },
      ],
      fields: [
        { key: 'code', label: t('catalog.code'), required: true, createOnly: true },
        { key: 'name', label: t('catalog.name'), required: true },
        { key: 'kind', label: t('catalog.kind'), type: 'select', default: 'percent',
          options: PROMO_KINDS.map((k) => ({ value: k, label: tv('pkind', k) })) },
        { key: 'value', label: (f) => t('catalog.value_' + f.kind), inputmode: 'decimal', hint: (f) => t('catalog.value_hint_' + f.kind),
          invalid: (f) => t('catalog.value_bad_' + (f.kind === 'percent' || f.kind === 'amount' ? f.kind : 'count')),
          // percent: a rate in [0,1] entered as percent; amount: minor units; others: a whole number.
          toForm: (v, r) => (v === undefined || v === null ? '' : r.kind === 'percent' ? String(Math.round(v * 10000) / 100)
            : r.kind === 'amount' ? minorToDecimal(v) : String(v)),
          fromForm: (s, f) => {
            const v = String(s).trim();
            if (v === '') return undefined;
            if (f.kind === 'amount') return parseMoney(v);
            if (f.kind === 'percent') return /^\d+(\.\d{1,2})?$/.test(v) && Number(v) <= 100 ? Number(v) / 100 : null;
            return /^\d+$/.test(v) ? Number(v) : null;
          } },
        dateField('start', t('catalog.starts_on')),
        dateField('end', t('catalog.ends_on')),
        moneyField('budget', t('catalog.budget')),
      ],
    };
    default: return null;
  }
}

function promoValue(r) {
  if (r.unit === 'ratio' || r.kind === 'percent') return pct(Number(r.value) || 0);
  if (r.unit === 'money' || r.kind === 'amount') return money(r.value);
  return r.value ?? '—';
}

export function Catalog({ kind }) {
  const app = useApp();
  const canWrite = permissions(app.me).catalog;
  const spec = specs(kind, canWrite);
  if (!spec) return html`<${Empty} title=${t('err.not_found_page')} />`;
  return html`<${CrudPage} key=${kind} spec=${spec} />`;
}

export function ProductPrices({ sku }) {
  const { data, error, loading, reload } = useLoad(async () => {
    const [p, h] = await Promise.all([api.get('/products/' + enc(sku)), api.get('/products/' + enc(sku) + '/prices')]);
    return { product: (p && p.product) || p, prices: (h && (h.prices || h.items)) || [] };
  }, [sku]);
  return html`<section>
    <${PageHead} title=${data ? data.product.name : sku} subtitle=${html`<span class="code">${sku}</span> · ${t('catalog.price_history')}`}
      actions=${html`<a class="btn" href="#/catalog/products">${t('action.back')}</a>`} />
    <${ErrorBanner} error=${error} onRetry=${reload} />
    ${loading ? html`<div class="card"><${Skeleton} rows=${4} /></div>` : data ? html`
      <div class="stat-strip">
        <div class="stat"><span class="stat-label">${t('catalog.cost')}</span><span class="stat-value num">${money(data.product.cost)}</span></div>
        <div class="stat"><span class="stat-label">${t('catalog.price')}</span><span class="stat-value num">${money(data.product.price)}</span></div>
        <div class="stat"><span class="stat-label">${t('catalog.margin')}</span><span class="stat-value num">${data.product.price > 0 ? pct((data.product.price - data.product.cost) / data.product.price) : '—'}</span></div>
      </div>
      ${data.prices.length === 0 ? html`<${Empty} title=${t('catalog.no_prices')} />` : html`<div class="table-wrap card"><table class="table">
        <thead><tr><th>${t('catalog.effective_on')}</th><th class="num">${t('catalog.cost')}</th><th class="num">${t('catalog.price')}</th>
          <th>${t('catalog.reason')}</th><th>${t('audit.who')}</th><th>${t('audit.when')}</th></tr></thead>
        <tbody>${data.prices.slice().reverse().map((c) => html`<tr><td>${date(c.effective || c.effective_on)}</td><td class="num">${money(c.cost)}</td>
          <td class="num">${money(c.price)}</td><td class="wrap">${c.reason || ''}</td><td>${c.changed_by_login || c.changed_by || ''}</td>
          <td class="muted">${dateTime(c.changed_at)}</td></tr>`)}</tbody></table></div>`}` : null}
  </section>`;
}
