// sales.js - a project's sales records: filters (dates, channel, product, rep, customer),
// sortable columns, pagination, an inline row to enter a sale, export and delete.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money, num, date, today, parseMoney } from '../format.js';
import { useLoad, useDebounced, ErrorBanner, Skeleton, Empty, PageHead, Pager, Banner, confirmed } from '../components/ui.js';
import { currentQuery } from '../app-context.js';

const LIMIT = 25;
const COLS = [
  ['date', 'sale.date'], ['customer', 'sale.customer'], ['product', 'sale.product'], ['channel', 'sale.channel'],
  ['rep', 'sale.rep'], ['quantity', 'sale.quantity', 'num'], ['unit_price', 'sale.unit_price', 'num'],
  ['discount', 'sale.discount', 'num'], ['amount', 'sale.amount', 'num'], ['cost', 'sale.cost', 'num'], ['promotion', 'sale.promotion'],
];

async function loadRefs(code) {
  const opt = (p) => api.get(p).catch(() => null);
  const [m, c, p, pr] = await Promise.all([opt('/projects/' + enc(code) + '/members'), opt('/channels'), opt('/products'), opt('/promotions')]);
  return { members: (m && m.members) || [], channels: (c && c.channels) || [], products: (p && p.products) || [],
    promotions: (pr && pr.promotions) || [] };
}

export function Sales({ code }) {
  // a link may open the list filtered: #/p/FY/sales?from=2026-03-01&to=2026-03-31&channel=direct
  const [filters, setFilters] = useState(() => {
    const f = { from: '', to: '', channel: '', product: '', rep: '', customer: '' }, q = currentQuery();
    for (const k of Object.keys(f)) if (q[k]) f[k] = q[k];
    return f;
  });
  const [sort, setSort] = useState({ sort: 'date', order: 'desc' });
  const [offset, setOffset] = useState(0);
  const customer = useDebounced(filters.customer, 300);
  const q = { ...filters, customer, ...sort, limit: LIMIT, offset };
  const key = JSON.stringify(q);
  const list = useLoad(() => api.get('/projects/' + enc(code) + '/sales', q), [code, key]);
  const refs = useLoad(() => loadRefs(code), [code]);
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState('');

  const setFilter = (k) => (e) => { setFilters({ ...filters, [k]: e.currentTarget.value }); setOffset(0); };
  const toggleSort = (col) => {
    setSort(sort.sort === col ? { sort: col, order: sort.order === 'asc' ? 'desc' : 'asc' } : { sort: col, order: col === 'date' ? 'desc' : 'asc' });
    setOffset(0);
  };
  const remove = async (s) => {
    if (!confirmed(t('sale.confirm_delete'))) return;
    try { await api.del('/projects/' + enc(code) + '/sales/' + s.id, s.version); list.reload(); }
    catch (e) { setActionError(e); }
  };
  const sales = (list.data && list.data.sales) || [];
  const total = (list.data && list.data.total) || 0;
  const r = refs.data || { members: [], channels: [], products: [], promotions: [] };
  const anyFilter = Object.values(filters).some(Boolean);

  return html`<section>
    <${PageHead} title=${t('sale.title')} subtitle=${code}
      actions=${html`<a class="btn" href=${'/api/v1/projects/' + enc(code) + '/sales/export'} download=${code + '-sales.csv'}>${t('sale.export')}</a>
        <a class="btn btn-primary" href=${'#/p/' + enc(code) + '/import'}>${t('nav.import')}</a>`} />
    <div class="filters card" role="search">
      <label class="field"><span class="field-label">${t('sale.from')}</span><input type="date" name="from" value=${filters.from} onInput=${setFilter('from')} /></label>
      <label class="field"><span class="field-label">${t('sale.to')}</span><input type="date" name="to" value=${filters.to} onInput=${setFilter('to')} /></label>
      <label class="field"><span class="field-label">${t('sale.channel')}</span><select name="channel" value=${filters.channel} onChange=${setFilter('channel')}>
        <option value="">${t('common.all')}</option>${r.channels.map((c) => html`<option value=${c.code}>${c.name || c.code}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.product')}</span><select name="product" value=${filters.product} onChange=${setFilter('product')}>
        <option value="">${t('common.all')}</option>${r.products.map((p) => html`<option value=${p.sku}>${p.name || p.sku}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.rep')}</span><select name="rep" value=${filters.rep} onChange=${setFilter('rep')}>
        <option value="">${t('common.all')}</option>${r.members.map((m) => html`<option value=${m.login}>${m.name || m.login}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.customer')}</span><input type="search" name="customer" placeholder=${t('sale.customer_search')} value=${filters.customer} onInput=${setFilter('customer')} /></label>
      ${anyFilter ? html`<button class="btn btn-ghost filters-clear" onClick=${() => { setFilters({ from: '', to: '', channel: '', product: '', rep: '', customer: '' }); setOffset(0); }}>${t('action.clear')}</button>` : null}
    </div>
    <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
    <${ErrorBanner} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice('')}>${notice}<//>` : null}
    <div class="table-wrap card">
      <table class="table table-sales" id="sales-table">
        <thead><tr>
          ${COLS.map(([k, label, cls]) => html`<th class=${cls || ''} aria-sort=${sort.sort === k ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
            <button class="th-sort" onClick=${() => toggleSort(k)}>${t(label)}<span class="sort-ind">${sort.sort === k ? (sort.order === 'asc' ? '▲' : '▼') : ''}</span></button></th>`)}
          <th></th>
        </tr></thead>
        <tbody>
          <${EntryRow} code=${code} refs=${r} onSaved=${() => { setNotice(t('sale.saved')); list.reload(); }} onError=${setActionError} />
          ${list.loading ? html`<tr><td colspan=${COLS.length + 1}><${Skeleton} rows=${4} /></td></tr>`
            : sales.length === 0 ? html`<tr><td colspan=${COLS.length + 1}><${Empty} title=${anyFilter ? t('sale.empty_filtered') : t('sale.empty')} hint=${t('sale.empty_hint')} /></td></tr>`
            : sales.map((s) => html`<tr key=${s.id}>
              <td>${date(s.date)}</td><td>${s.customer}</td><td>${s.product}</td><td>${s.channel}</td><td>${s.rep}</td>
              <td class="num">${num(s.quantity)}</td><td class="num">${money(s.unit_price)}</td><td class="num">${money(s.discount)}</td>
              <td class="num strong">${money(s.amount)}</td><td class="num muted">${money(s.cost)}</td><td>${s.promotion || ''}</td>
              <td class="row-actions"><button class="btn-icon" title=${t('action.delete')} aria-label=${t('action.delete')} onClick=${() => remove(s)}>×</button></td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    <${Pager} total=${total} limit=${LIMIT} offset=${offset} onChange=${setOffset} />
  </section>`;
}

const emptyRow = () => ({ date: today(), customer: '', product: '', channel: '', rep: '', quantity: '1', unit_price: '', discount: '', promotion: '' });

function EntryRow({ code, refs, onSaved, onError }) {
  const [f, setF] = useState(emptyRow());
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    const next = { ...f, [k]: v };
    // Picking a product fills in its list price when the price is still empty.
    if (k === 'product' && !f.unit_price) {
      const p = refs.products.find((x) => x.sku === v);
      if (p && p.price != null) next.unit_price = (p.price / 100).toFixed(2);
    }
    setF(next);
  };
  const price = parseMoney(f.unit_price);
  const discount = f.discount.trim() === '' ? 0 : parseMoney(f.discount);
  const qty = /^\d+$/.test(f.quantity) ? Number(f.quantity) : null;
  const valid = f.date && f.customer.trim() && f.product && f.channel && f.rep && qty > 0 && price !== null && discount !== null;
  const save = async (e) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    try {
      const body = { date: f.date, customer: f.customer.trim(), product: f.product, channel: f.channel, rep: f.rep,
        quantity: qty, unit_price: price, discount };
      if (f.promotion) body.promotion = f.promotion;
      await api.post('/projects/' + enc(code) + '/sales', body);
      setF({ ...emptyRow(), date: f.date, channel: f.channel, rep: f.rep });
      onSaved();
    } catch (err) { onError(err); } finally { setBusy(false); }
  };
  return html`<tr class="entry-row">
    <td><input type="date" aria-label=${t('sale.date')} value=${f.date} onInput=${set('date')} /></td>
    <td><input aria-label=${t('sale.customer')} placeholder=${t('sale.customer')} value=${f.customer} onInput=${set('customer')} /></td>
    <td><select aria-label=${t('sale.product')} value=${f.product} onChange=${set('product')}><option value="">—</option>
      ${refs.products.map((p) => html`<option value=${p.sku}>${p.sku}</option>`)}</select></td>
    <td><select aria-label=${t('sale.channel')} value=${f.channel} onChange=${set('channel')}><option value="">—</option>
      ${refs.channels.map((c) => html`<option value=${c.code}>${c.code}</option>`)}</select></td>
    <td><select aria-label=${t('sale.rep')} value=${f.rep} onChange=${set('rep')}><option value="">—</option>
      ${refs.members.map((m) => html`<option value=${m.login}>${m.login}</option>`)}</select></td>
    <td><input class="num" inputmode="numeric" aria-label=${t('sale.quantity')} value=${f.quantity} onInput=${set('quantity')} /></td>
    <td><input class=${'num' + (f.unit_price && price === null ? ' invalid' : '')} inputmode="decimal" placeholder="0.00" aria-label=${t('sale.unit_price')} value=${f.unit_price} onInput=${set('unit_price')} /></td>
    <td><input class=${'num' + (discount === null ? ' invalid' : '')} inputmode="decimal" placeholder="0.00" aria-label=${t('sale.discount')} value=${f.discount} onInput=${set('discount')} /></td>
    <td class="num muted">${price !== null && qty ? money(price * qty - (discount || 0)) : ''}</td>
    <td class="num"><button class="btn btn-primary btn-small" id="sale-add" disabled=${!valid || busy} onClick=${save}>${t('action.add')}</button></td>
    <td><select aria-label=${t('sale.promotion')} value=${f.promotion} onChange=${set('promotion')}><option value="">—</option>
      ${refs.promotions.map((p) => html`<option value=${p.code}>${p.code}</option>`)}</select></td>
    <td></td>
  </tr>`;
}
