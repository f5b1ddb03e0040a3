// sales.js - a project's sales records: filters (dates, channel, product, rep, customer
// by part of its name), totals of the filtered rows, sortable columns, pagination, a form
// to enter a sale (checked as it is typed: quantity positive, discount at most the line,
// the line's total shown), edit and delete of the lines the caller may change, and an
// export of exactly the filtered rows. Channels, products and people are shown by name.
import { useState, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money, num, pct, date, today, parseMoney, minorToDecimal } from '../format.js';
import { useApp, currentQuery, route } from '../app-context.js';
import { useLoad, useDebounced, ErrorBanner, Skeleton, Empty, PageHead, Pager, Banner, Modal, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { useProjectAccess } from '../components/access.js';
import { useNames, Named, optionLabel } from '../components/names.js';
import '../styles/forms.css';

const LIMIT = 25;
const COLS = [
  ['date', 'sale.date'], ['customer', 'sale.customer'], ['product', 'sale.product'], ['channel', 'sale.channel'],
  ['rep', 'sale.rep'], ['quantity', 'sale.quantity', 'num'], ['unit_price', 'sale.unit_price', 'num'],
  ['discount', 'sale.discount', 'num'], ['amount', 'sale.amount', 'num'], ['cost', 'sale.cost', 'num'], ['promotion', 'sale.promotion'],
];
const FILTERS = ['from', 'to', 'channel', 'product', 'rep', 'segment', 'customer'];
const LINE_FIELDS = ['date', 'customer', 'product', 'channel', 'rep', 'quantity', 'unit_price', 'discount', 'promotion'];
const noFilters = () => Object.fromEntries(FILTERS.map((k) => [k, '']));

// The export of what the list shows: the same filters as query arguments; format 'xlsx' for
// an Excel workbook (CSV otherwise).
export function exportHref(code, filters, format) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (filters[k]) q.set(k, filters[k]);
  if (format === 'xlsx') q.set('format', 'xlsx');
  const s = q.toString();
  return '/api/v1/projects/' + enc(code) + '/sales/export' + (s ? '?' + s : '');
}

export function Sales({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const can = access.can;
  const names = useNames(['channels', 'products', 'promotions', 'users', 'segments']);
  // a link may open the list filtered: #/p/FY/sales?from=2026-03-01&to=2026-03-31&channel=direct
  const [filters, setFilters] = useState(() => {
    const f = noFilters(), q = currentQuery();
    for (const k of Object.keys(f)) if (q[k]) f[k] = q[k];
    return f;
  });
  const [sort, setSort] = useState({ sort: 'date', order: 'desc' });
  const [offset, setOffset] = useState(0);
  const customer = useDebounced(filters.customer.trim(), 300);
  const applied = { ...filters, customer };
  const q = { ...applied, ...sort, limit: LIMIT, offset };
  const key = JSON.stringify(q);
  const list = useLoad(() => api.get('/projects/' + enc(code) + '/sales', q), [code, key]);
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState(null);
  // one message at a time: a new success clears the last error, a new error the last success
  const ok = (msg) => { setActionError(null); setNotice(msg); };
  const fail = (err) => { setNotice(''); setActionError(err); };

  const setFilter = (k) => (e) => { setFilters({ ...filters, [k]: e.currentTarget.value }); setOffset(0); };
  const toggleSort = (col) => {
    setSort(sort.sort === col ? { sort: col, order: sort.order === 'asc' ? 'desc' : 'asc' } : { sort: col, order: col === 'date' ? 'desc' : 'asc' });
    setOffset(0);
  };
  const remove = async (s) => {
    if (!confirmed(t('sale.confirm_delete'))) return;
    try { await api.del('/projects/' + enc(code) + '/sales/' + s.id, s.version); ok(t('sale.deleted')); list.reload(); }
    catch (e) { fail(e); }
  };
  const sales = (list.data && list.data.sales) || [];
  const total = (list.data && list.data.total) || 0;
  const totals = list.data && list.data.totals;
  const anyFilter = Object.values(filters).some(Boolean);
  const sellers = access.members.filter((m) => m.role !== 'viewer');
  const showActions = can.writeSales;
  const ncols = COLS.length + (showActions ? 1 : 0);

  return html`<section class="sales-screen">
    <${PageHead} title=${t('sale.title')} subtitle=${code}
      actions=${html`<a class="btn" id="sale-export" href=${exportHref(code, applied)} download=${code + '-sales.csv'}
          title=${anyFilter ? t('sale.export_filtered') : ''}>${anyFilter ? t('sale.export_filtered_short') : t('sale.export')}</a>
        <a class="btn" id="sale-export-xlsx" href=${exportHref(code, applied, 'xlsx')} download=${code + '-sales.xlsx'}
          title=${anyFilter ? t('sale.export_filtered') : ''}>${anyFilter ? t('sale.export_xlsx_filtered_short') : t('sale.export_xlsx')}</a>
        ${can.importSales ? html`<a class="btn btn-primary" href=${'#/p/' + enc(code) + '/import'}>${t('nav.import')}</a>` : null}`} />
    <div class="filters card" role="search">
      <label class="field"><span class="field-label">${t('sale.from')}</span><input type="date" name="from" value=${filters.from} onInput=${setFilter('from')} /></label>
      <label class="field"><span class="field-label">${t('sale.to')}</span><input type="date" name="to" value=${filters.to} onInput=${setFilter('to')} /></label>
      <label class="field"><span class="field-label">${t('sale.channel')}</span><select name="channel" value=${filters.channel} onChange=${setFilter('channel')}>
        <option value="">${t('common.all')}</option>${names.lists.channels.map((c) => html`<option value=${c.code}>${c.name || c.code}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.product')}</span><select name="product" value=${filters.product} onChange=${setFilter('product')}>
        <option value="">${t('common.all')}</option>${names.lists.products.map((p) => html`<option value=${p.sku}>${optionLabel(p.name, p.sku)}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.rep')}</span><select name="rep" value=${filters.rep} onChange=${setFilter('rep')}>
        <option value="">${t('common.all')}</option>${sellers.map((m) => html`<option value=${m.login}>${m.name || m.login}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.segment')}</span><select name="segment" value=${filters.segment} onChange=${setFilter('segment')}>
        <option value="">${t('common.all')}</option>${names.lists.segments.map((g) => html`<option value=${g.code}>${g.name || g.code}</option>`)}</select></label>
      <label class="field"><span class="field-label">${t('sale.customer_search')}</span><input type="search" name="customer"
        placeholder=${t('sale.customer_search_hint')} value=${filters.customer} onInput=${setFilter('customer')} /></label>
      ${anyFilter ? html`<button class="btn btn-ghost filters-clear" onClick=${() => { setFilters(noFilters()); setOffset(0); }}>${t('action.clear')}</button>` : null}
    </div>
    ${can.writeSales ? html`<${EntryForm} code=${code} names=${names} sellers=${sellers} can=${can}
        onSaved=${(s) => { ok(t('sale.saved_line', { amount: money(s.amount), customer: s.customer })); list.reload(); }}
        onError=${fail} onStart=${() => { setNotice(''); setActionError(null); }} />` : null}
    <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
    <${ErrorBanner} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice('')}>${notice}<//>` : null}
    ${totals ? html`<div class="stat-strip sales-totals" id="sales-totals" data-lines=${totals.lines} data-amount=${totals.amount}>
      <div class="stat"><span class="stat-label">${anyFilter ? t('sale.totals_filtered') : t('sale.totals_all')}</span>
        <span class="stat-value num" data-total="lines">${t('sale.lines', { n: num(totals.lines) })}</span></div>
      <div class="stat"><span class="stat-label">${t('sale.quantity')}</span><span class="stat-value num" data-total="quantity">${num(totals.quantity)}</span></div>
      <div class="stat"><span class="stat-label">${t('sale.amount')}</span><span class="stat-value num" data-total="amount">${money(totals.amount)}</span></div>
      <div class="stat"><span class="stat-label">${t('sale.cost')}</span><span class="stat-value num" data-total="cost">${money(totals.cost)}</span></div>
      <div class="stat"><span class="stat-label">${t('sale.margin')}</span><span class="stat-value num" data-total="margin">${money(totals.margin)}
        ${Number(totals.amount) > 0 ? html` <small class="muted" data-total="margin_rate">${pct(Number(totals.margin) / Number(totals.amount))}</small>` : null}</span></div>
    </div>` : null}
    <div class="table-wrap card sales-wrap">
      <table class="table table-sales" id="sales-table">
        <thead><tr>
          ${COLS.map(([k, label, cls]) => html`<th class=${(cls || '') + ' col-' + k} aria-sort=${sort.sort === k ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}>
            <button class="th-sort" onClick=${() => toggleSort(k)}>${t(label)}<span class="sort-ind">${sort.sort === k ? (sort.order === 'asc' ? '▲' : '▼') : ''}</span></button></th>`)}
          ${showActions ? html`<th class="col-actions"><span class="sr-only">${t('crud.actions')}</span></th>` : null}
        </tr></thead>
        <tbody>
          ${list.loading ? html`<tr><td colspan=${ncols}><${Skeleton} rows=${4} /></td></tr>`
            : sales.length === 0 ? html`<tr><td colspan=${ncols}><${Empty} title=${anyFilter ? t('sale.empty_filtered') : t('sale.empty')}
                hint=${can.writeSales ? t('sale.empty_hint2') : ''} /></td></tr>`
            : sales.map((s) => html`<tr key=${s.id} data-id=${s.id}>
              <td class="nowrap">${date(s.date)}</td><td class="col-customer" title=${s.customer}><a href=${'#' + route('/customers', { q: s.customer })}>${s.customer}</a></td>
              <td><${Named} names=${names} kind="products" code=${s.product} short /></td>
              <td><${Named} names=${names} kind="channels" code=${s.channel} /></td>
              <td><${Named} names=${names} kind="users" code=${s.rep} /></td>
              <td class="num">${num(s.quantity)}</td><td class="num">${money(s.unit_price)}</td><td class="num">${money(s.discount)}</td>
              <td class="num strong">${money(s.amount)}</td><td class="num muted">${money(s.cost)}</td>
              <td><${Named} names=${names} kind="promotions" code=${s.promotion} short /></td>
              ${showActions ? html`<td class="row-actions col-actions">${can.ownSale(s) ? html`
                <button class="btn-icon sale-edit" title=${t('action.edit')} aria-label=${t('action.edit')} onClick=${() => setEditing(s)}>✎</button>
                <button class="btn-icon sale-delete" title=${t('action.delete')} aria-label=${t('action.delete')} onClick=${() => remove(s)}>×</button>` : null}</td>` : null}
            </tr>`)}
        </tbody>
      </table>
    </div>
    <${Pager} total=${total} limit=${LIMIT} offset=${offset} onChange=${setOffset} />
    ${editing ? html`<${SaleEditor} code=${code} sale=${editing} names=${names} sellers=${sellers} can=${can}
        onClose=${() => setEditing(null)} onSaved=${(s) => { setEditing(null); ok(t('sale.updated', { amount: money(s.amount) })); list.reload(); }} />` : null}
  </section>`;
}

// A line as typed -> {errors: {field: text}, missing: [field], body, total}. Quantity is a
// positive integer, prices are money (minor units), the discount is at most the line
// (quantity × unit price), so the line's total is never negative.
export function checkLine(f) {
  const errors = {}, missing = [];
  for (const k of ['date', 'customer', 'product', 'channel', 'rep']) if (!String(f[k] || '').trim()) missing.push(k);
  const q = String(f.quantity).trim();
  const qty = /^\d+$/.test(q) && Number(q) > 0 ? Number(q) : null;
  if (q === '') missing.push('quantity');
  else if (qty === null) errors.quantity = t('sale.bad_quantity');
  let price = null;
  if (String(f.unit_price).trim() === '') missing.push('unit_price');
  else {
    price = parseMoney(f.unit_price);
    if (price === null || price < 0) { price = null; errors.unit_price = t('form.bad_money'); }
  }
  let discount = 0;
  if (String(f.discount).trim() !== '') {
    discount = parseMoney(f.discount);
    if (discount === null || discount < 0) { discount = null; errors.discount = t('form.bad_money'); }
  }
  let total = null;
  if (qty !== null && price !== null && discount !== null) {
    const line = qty * price;
    if (discount > line) errors.discount = t('sale.discount_over', { line: money(line) });
    else total = line - discount;
  }
  const body = { date: f.date, customer: String(f.customer).trim(), product: f.product, channel: f.channel, rep: f.rep,
    quantity: qty, unit_price: price, discount: discount === null ? 0 : discount, promotion: f.promotion || null };
  return { errors, missing, body, total, valid: !missing.length && !Object.keys(errors).length && total !== null };
}

const emptyLine = (rep) => ({ date: today(), customer: '', product: '', channel: '', rep: rep || '', quantity: '1', unit_price: '', discount: '', promotion: '' });

// The fields of a line, shared by the entry form and the edit dialog. The products on sale
// and the channels in use are offered (and the line's own, when it is an old one's).
function LineFields({ f, set, check, touched, error, names, sellers, can }) {
  const labels = Object.fromEntries(LINE_FIELDS.map((k) => [k, t('sale.' + k)]));
  const at = (k) => (touched[k] && check.errors[k]) || errorAt(error, k, labels);
  const reps = can.allSales ? sellers : sellers.filter((m) => m.login === can.login);
  return html`
    <${FormField} name="date" label=${labels.date} error=${at('date')}><input name="date" type="date" value=${f.date} onInput=${set('date')} /><//>
    <${FormField} name="customer" label=${labels.customer} error=${at('customer')} cls="field-customer">
      <input name="customer" maxlength="200" value=${f.customer} onInput=${set('customer')} /><//>
    <${FormField} name="product" label=${labels.product} error=${at('product')}><select name="product" value=${f.product} onChange=${set('product')}>
      <option value="">${t('sale.pick')}</option>${names.lists.products.filter((p) => p.active !== false || p.sku === f.product).map((p) => html`<option value=${p.sku}>${optionLabel(p.name, p.sku)}</option>`)}</select><//>
    <${FormField} name="channel" label=${labels.channel} error=${at('channel')}><select name="channel" value=${f.channel} onChange=${set('channel')}>
      <option value="">${t('sale.pick')}</option>${names.lists.channels.filter((c) => c.active !== false || c.code === f.channel).map((c) => html`<option value=${c.code}>${optionLabel(c.name, c.code)}</option>`)}</select><//>
    <${FormField} name="rep" label=${labels.rep} error=${at('rep')}><select name="rep" value=${f.rep} onChange=${set('rep')} disabled=${!can.allSales}>
      ${can.allSales ? html`<option value="">${t('sale.pick')}</option>` : null}
      ${reps.map((m) => html`<option value=${m.login}>${optionLabel(m.name, m.login)}</option>`)}</select><//>
    <${FormField} name="quantity" label=${labels.quantity} error=${at('quantity')}>
      <input name="quantity" class="num" inputmode="numeric" value=${f.quantity} onInput=${set('quantity')} /><//>
    <${FormField} name="unit_price" label=${labels.unit_price} error=${at('unit_price')}>
      <input name="unit_price" class="num" inputmode="decimal" placeholder="0.00" value=${f.unit_price} onInput=${set('unit_price')} /><//>
    <${FormField} name="discount" label=${labels.discount} hint=${t('sale.discount_hint')} error=${at('discount')}>
      <input name="discount" class="num" inputmode="decimal" placeholder="0.00" value=${f.discount} onInput=${set('discount')} /><//>
    <${FormField} name="promotion" label=${labels.promotion} error=${at('promotion')}><select name="promotion" value=${f.promotion} onChange=${set('promotion')}>
      <option value="">${t('common.none')}</option>${names.lists.promotions.map((p) => html`<option value=${p.code}>${optionLabel(p.name, p.code)}</option>`)}</select><//>
    <div class="field line-total"><span class="field-label">${t('sale.line_total')}</span>
      <output class="num strong" id=${'line-total'} name="line_total">${check.total === null ? '—' : money(check.total)}</output></div>`;
}

// The list price in force on day: the price history's entry of the latest date on or before
// it (before the first entry, the first's), as the server prices a sale that names none.
function priceOn(p, day) {
  const h = (p && p.prices) || [];
  let e = null;
  for (const x of h) if (x.effective <= day) e = x;
  if (!e && h.length) e = h[0];
  return e ? e.price : (p && p.price != null ? p.price : null);
}

// Picking a product, or another date, fills in the product's list price in force on the sale's
// date while the price is empty or still the one filled in: at once the list price of today,
// then that day's from the product's price history.
const histories = new Map(); // sku -> the product with its price history (a promise)
function useLine(init, names) {
  const [f, setF] = useState(init);
  const [touched, setTouched] = useState({});
  const filled = useRef(null); // the price text the form filled in, while it stands
  const refine = (sku, day) => {
    if (!histories.has(sku)) histories.set(sku, api.get('/products/' + enc(sku)).catch(() => null));
    histories.get(sku).then((p) => {
      const price = p ? priceOn(p, day) : null;
      if (price == null) return;
      setF((cur) => {
        if (cur.product !== sku || cur.date !== day || String(cur.unit_price) !== String(filled.current)) return cur;
        filled.current = minorToDecimal(price);
        return { ...cur, unit_price: filled.current };
      });
    });
  };
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    const next = { ...f, [k]: v };
    const auto = !String(f.unit_price).trim() || String(f.unit_price) === String(filled.current);
    if (k === 'unit_price') filled.current = null;
    if ((k === 'product' || k === 'date') && auto && next.product) {
      const p = names.lists.products.find((x) => x.sku === next.product);
      if (p && p.price != null && (k === 'product' || !String(f.unit_price).trim())) next.unit_price = minorToDecimal(p.price);
      filled.current = next.unit_price;
      refine(next.product, next.date);
    }
    setF(next);
    setTouched({ ...touched, [k]: true });
  };
  return { f, setF, set, touched, setTouched };
}

function EntryForm({ code, names, sellers, can, onSaved, onError, onStart }) {
  const line = useLine(emptyLine(can.allSales ? '' : can.login), names);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const f = { ...line.f, rep: can.allSales ? line.f.rep : can.login };
  const check = checkLine(f);
  const missing = check.missing.map((k) => t('sale.' + k)).join(t('sale.list_sep'));
  const save = async (e) => {
    e.preventDefault();
    if (!check.valid || busy) return;
    setBusy(true); setError(null); onStart();
    try {
      const r = await api.post('/projects/' + enc(code) + '/sales', check.body);
      line.setF({ ...emptyLine(f.rep), date: f.date, channel: f.channel });
      line.setTouched({});
      onSaved((r && r.sale) || r || check.body);
    } catch (err) {
      setError(err);
      if (!errorIsAt(err, LINE_FIELDS)) onError(err); else onStart();
    } finally { setBusy(false); }
  };
  return html`<form class="card sale-entry" id="sale-entry" onSubmit=${save} novalidate aria-label=${t('sale.entry_title')}>
    <h2 class="sale-entry-title">${t('sale.entry_title')}</h2>
    <div class="sale-grid">
      <${LineFields} f=${f} set=${line.set} check=${check} touched=${line.touched} error=${error} names=${names} sellers=${sellers} can=${can} />
      <div class="field sale-add">
        <button class="btn btn-primary" id="sale-add" type="submit" disabled=${!check.valid || busy}
          aria-describedby=${!check.valid ? 'sale-add-reason' : undefined}>${t('action.add')}</button>
        ${!check.valid ? html`<span class="field-hint" id="sale-add-reason">${missing ? t('sale.missing', { fields: missing })
          : t('sale.fix_fields')}</span>` : null}
      </div>
    </div>
  </form>`;
}

function SaleEditor({ code, sale: s, names, sellers, can, onClose, onSaved }) {
  const line = useLine({ date: s.date, customer: s.customer, product: s.product, channel: s.channel, rep: s.rep,
    quantity: String(s.quantity), unit_price: minorToDecimal(s.unit_price), discount: s.discount ? minorToDecimal(s.discount) : '',
    promotion: s.promotion || '' }, names);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const check = checkLine(line.f);
  const labels = Object.fromEntries(LINE_FIELDS.map((k) => [k, t('sale.' + k)]));
  const save = async (e) => {
    e.preventDefault();
    if (!check.valid) { line.setTouched(Object.fromEntries(LINE_FIELDS.map((k) => [k, true]))); return; }
    setBusy(true); setError(null);
    try {
      const r = await api.patch('/projects/' + enc(code) + '/sales/' + s.id, { ...check.body, version: s.version });
      onSaved((r && r.sale) || r);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<${Modal} title=${t('sale.edit_title')} onClose=${onClose} wide>
    <form class="form-grid form-grid-3" id="sale-edit" onSubmit=${save} novalidate>
      ${errorIsAt(error, LINE_FIELDS) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${LineFields} f=${line.f} set=${line.set} check=${check} touched=${line.touched} error=${error} names=${names} sellers=${sellers}
        can=${can.allSales ? can : { ...can, login: s.rep }} />
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy || !check.valid}>${t('action.save')}</button>
      </div>
    </form>
  <//>`;
}
