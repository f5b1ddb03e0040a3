// customers.js - the workspace's customers (GET /customers?q=&segment=&limit=&offset=): search by
// any part of the name, filter by segment, first purchase and totals over the projects the
// reader may see; and one customer's page (GET /customers/{id}) with their sales across those
// projects, newest first, each leading to the project's sales of that customer, and their
// timeline (GET /customers/{id}/timeline): sales, activities and feedback together, by kind.
// The totals and a customer's sales count only the projects the reader may see (the server's rule).
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, has } from '../i18n/index.js';
import { money, num, date } from '../format.js';
import { currentQuery, route } from '../app-context.js';
import { useLoad, useDebounced, ErrorBanner, Skeleton, Empty, PageHead, Pager } from '../components/ui.js';
import { Comments } from '../components/comments.js';

const LIMIT = 25;

const segCode = (c) => (c && c.segment) || '';
const totals = (c) => ({ lines: c.lines, revenue: c.revenue });

async function loadSegments() {
  const r = await api.get('/segments').catch(() => null);
  return (r && r.segments) || [];
}

async function loadList(q, segment, offset) {
  const r = await api.get('/customers', { q, segment, limit: LIMIT, offset });
  return { rows: r.customers, total: r.total };
}

export function Customers() {
  const init = currentQuery();
  const [q, setQ] = useState(init.q || '');
  const [segment, setSegment] = useState(init.segment || '');
  const [offset, setOffset] = useState(0);
  const dq = useDebounced(q.trim(), 300);
  const list = useLoad(() => loadList(dq, segment, offset), [dq, segment, offset]);
  const segs = useLoad(loadSegments, []);
  const segName = useMemo(() => new Map((segs.data || []).map((s) => [s.code, s.name || s.code])), [segs.data]);
  const rows = (list.data && list.data.rows) || [];
  const filtered = !!(dq || segment);

  return html`<section>
    <${PageHead} title=${t('cust.title')} subtitle=${t('cust.subtitle')} />
    <div class="filters filters-2 card" role="search">
      <label class="field"><span class="field-label">${t('cust.search')}</span>
        <input type="search" name="q" id="customer-search" placeholder=${t('cust.search_hint')} value=${q}
          onInput=${(e) => { setQ(e.currentTarget.value); setOffset(0); }} /></label>
      <label class="field"><span class="field-label">${t('cust.segment')}</span>
        <select name="segment" value=${segment} onChange=${(e) => { setSegment(e.currentTarget.value); setOffset(0); }}>
          <option value="">${t('common.all')}</option>
          ${(segs.data || []).map((s) => html`<option value=${s.code}>${s.name || s.code}</option>`)}
        </select></label>
      ${filtered ? html`<button class="btn btn-ghost filters-clear" onClick=${() => { setQ(''); setSegment(''); setOffset(0); }}>${t('action.clear')}</button>` : null}
    </div>
    <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
    <div class="table-wrap card">
      <table class="table" id="customers-table">
        <thead><tr><th>${t('cust.name')}</th><th>${t('cust.segment')}</th><th>${t('cust.first_sale')}</th>
          <th class="num">${t('cust.lines')}</th><th class="num">${t('cust.revenue')}</th></tr></thead>
        <tbody>
          ${list.loading ? html`<tr><td colspan="5"><${Skeleton} rows=${5} /></td></tr>`
            : rows.length === 0 ? html`<tr><td colspan="5"><${Empty} title=${filtered ? t('cust.empty_filtered') : t('cust.empty')} hint=${t('cust.empty_hint')} /></td></tr>`
            : rows.map((c) => {
              const code = segCode(c), tot = totals(c);
              return html`<tr key=${c.id} data-id=${c.id}>
                <td class="name-cell"><a href=${'#/customers/' + enc(c.id)}>${c.name}</a></td>
                <td>${code ? html`<span title=${code}>${segName.get(code) || code}</span>` : html`<span class="muted">${t('cust.no_segment')}</span>`}</td>
                <td class="nowrap">${date(c.first_sale)}</td>
                <td class="num">${num(tot.lines)}</td>
                <td class="num strong">${money(tot.revenue)}</td>
              </tr>`;
            })}
        </tbody>
      </table>
    </div>
    ${list.data ? html`<${Pager} total=${list.data.total} limit=${LIMIT} offset=${offset} onChange=${setOffset} />` : null}
  </section>`;
}

// --- one customer ---------------------------------------------------------------------------

async function loadCustomer(id, offset) {
  const r = await api.get('/customers/' + enc(id), { limit: LIMIT, offset });
  return { customer: r.customer, sales: r.sales, total: r.total, totals: totals(r.customer) };
}

// --- one customer's timeline ---------------------------------------------------------------

const KINDS = ['sale', 'deal', 'activity', 'feedback', 'problem', 'collection'];
// Where an entry leads: the project's screen of its kind.
const SCREEN = { sale: 'sales', activity: 'activities', feedback: 'feedback', deal: 'deals',
  problem: 'problems', collection: 'collections' };

// Where an entry stands, in the reader's words: a deal's stage (a project's own stage reads as
// its code), a problem's status, a payment received or not; nothing for the other kinds.
function entryState(it) {
  const key = it.kind === 'deal' ? 'ent.deal.stage.' + it.state
    : it.kind === 'problem' ? 'ent.problem.status.' + it.state
      : it.kind === 'collection' ? 'ent.collection.status.' + it.state : null;
  if (!key) return null;
  return has(key) ? t(key) : it.state;
}

// An entry's detail: a problem's severity and type in the reader's words, the rest as written.
function entryDetail(it) {
  if (it.kind !== 'problem') return it.detail;
  const [sev, type] = it.detail.split(' ');
  return t('ent.problem.severity.' + sev) + ' · ' + t('ent.problem.type.' + type);
}

// An entry's title in the reader's language: an activity's kind, a feedback's category, a sale's product.
function entryTitle(it) {
  if (it.kind === 'activity') return t('ent.activity.kind.' + it.title);
  if (it.kind === 'feedback') return t('ent.feedback.category.' + it.title);
  return it.title;
}

function Timeline({ id, projectName }) {
  const [kind, setKind] = useState('');
  const [offset, setOffset] = useState(0);
  const r = useLoad(() => api.get('/customers/' + enc(id) + '/timeline', { kind, limit: LIMIT, offset }), [id, kind, offset]);
  const items = (r.data && r.data.items) || [];
  const pick = (k) => { setKind(k); setOffset(0); };
  return html`<div class="timeline-wrap">
    <h2 class="section-title">${t('tl.title')}</h2>
    <p class="muted">${t('tl.sub')}</p>
    <div class="seg-buttons timeline-kinds" role="group" aria-label=${t('tl.title')}>
      ${['', ...KINDS].map((k) => html`<button type="button" class=${'btn btn-small' + (kind === k ? ' btn-primary' : '')}
        aria-pressed=${kind === k ? 'true' : 'false'} data-kind=${k || 'all'} onClick=${() => pick(k)}>${k ? t('tl.kind.' + k) : t('tl.all')}</button>`)}
    </div>
    <${ErrorBanner} error=${r.error} onRetry=${r.reload} />
    ${r.loading && !r.data ? html`<${Skeleton} rows=${4} />`
      : items.length === 0 ? html`<${Empty} title=${t('tl.empty')} />`
      : html`<ol class="timeline card" id="customer-timeline">${items.map((it) => html`<li class=${'tl-item tl-' + it.kind + (it.kind === 'activity' && it.state === 'planned' ? ' tl-planned' : '')}
          key=${it.kind + it.id} data-kind=${it.kind} data-id=${it.id} data-project=${it.project}>
          <div class="tl-when"><span class="nowrap">${date(it.date)}</span>${it.time ? html` <span class="muted">${it.time}</span>` : null}</div>
          <div class="tl-body">
            <div class="tl-head"><span class=${'chip chip-neutral tl-kind'}>${t('tl.kind.' + it.kind)}</span>
              <strong class="tl-title">${entryTitle(it)}</strong>
              ${it.kind === 'activity' && it.state === 'planned' ? html`<span class="chip chip-at_risk">${t('tl.planned')}</span>` : null}
              ${entryState(it) ? html`<span class="chip chip-neutral tl-state">${entryState(it)}</span>` : null}
              ${it.amount !== null ? html`<span class="tl-amount strong">${money(it.amount)}</span>` : null}</div>
            ${it.detail ? html`<div class="tl-detail">${entryDetail(it)}</div>` : null}
            <div class="tl-meta muted"><a href=${'#/p/' + enc(it.project) + '/' + SCREEN[it.kind]} title=${it.project}>${projectName.get(it.project) || it.project}</a>
              ${it.who ? html` · ${t('tl.by', { who: it.who })}` : null}</div>
          </div>
        </li>`)}</ol>`}
    ${r.data && r.data.total > LIMIT ? html`<${Pager} total=${r.data.total} limit=${LIMIT} offset=${offset} onChange=${setOffset} />` : null}
  </div>`;
}

export function CustomerPage({ id }) {
  const [offset, setOffset] = useState(0);
  const r = useLoad(() => loadCustomer(id, offset), [id, offset]);
  const prods = useLoad(() => api.get('/products').then((x) => (x && x.products) || [], () => []), []);
  const projs = useLoad(() => api.get('/projects').then((x) => (x && x.projects) || [], () => []), []);
  const projectName = useMemo(() => new Map((projs.data || []).map((p) => [p.code, p.name || p.code])), [projs.data]);
  const segs = useLoad(loadSegments, []);
  const prodName = useMemo(() => new Map((prods.data || []).map((p) => [p.sku, p.name || p.sku])), [prods.data]);
  const segName = useMemo(() => new Map((segs.data || []).map((s) => [s.code, s.name || s.code])), [segs.data]);
  const back = html`<a class="btn" href="#/customers">${t('cust.back')}</a>`;

  if (r.loading && !r.data) return html`<section><div class="page-head"><div class="sk sk-title"></div></div><${Skeleton} rows=${6} /></section>`;
  if (r.error) return html`<section><${PageHead} title=${t('cust.title')} actions=${back} /><${ErrorBanner} error=${r.error} onRetry=${r.reload} /></section>`;
  const { customer: c, sales, total, totals: tot } = r.data;
  const code = segCode(c);
  return html`<section>
    <${PageHead} title=${c.name} subtitle=${t('cust.page_subtitle')} actions=${back} />
    <div class="stat-strip">
      <div class="stat"><span class="stat-label">${t('cust.segment')}</span>
        <span class="stat-value" title=${code}>${code ? segName.get(code) || code : t('cust.no_segment')}</span></div>
      <div class="stat"><span class="stat-label">${t('cust.first_sale')}</span><span class="stat-value">${date(c.first_sale)}</span></div>
      <div class="stat"><span class="stat-label">${t('cust.lines')}</span><span class="stat-value num" id="customer-lines">${num(tot.lines)}</span></div>
      <div class="stat"><span class="stat-label">${t('cust.revenue')}</span><span class="stat-value num" id="customer-revenue">${money(tot.revenue)}</span></div>
    </div>
    <${Timeline} id=${id} projectName=${projectName} />
    <div class="card"><${Comments} on=${'customer:' + c.id} /></div>
    <h2 class="section-title">${t('cust.sales')}</h2>
    <div class="table-wrap card">
      <table class="table" id="customer-sales">
        <thead><tr><th>${t('sale.date')}</th><th>${t('cust.project')}</th><th>${t('sale.product')}</th>
          <th class="num">${t('sale.quantity')}</th><th class="num">${t('sale.amount')}</th></tr></thead>
        <tbody>${sales.length === 0 ? html`<tr><td colspan="5"><${Empty} title=${t('cust.no_sales')} /></td></tr>`
          : sales.map((s) => {
            return html`<tr key=${s.project + '/' + s.id} data-project=${s.project}>
              <td class="nowrap">${date(s.date)}</td>
              <td><a href=${'#' + route('/p/' + enc(s.project) + '/sales', { customer: c.name })} title=${s.project}>${projectName.get(s.project) || s.project}</a></td>
              <td><span title=${s.product}>${prodName.get(s.product) || s.product_name || s.product}</span></td>
              <td class="num">${num(s.quantity)}</td>
              <td class="num strong">${money(s.amount)}</td>
            </tr>`;
          })}</tbody>
      </table>
    </div>
    <${Pager} total=${total} limit=${LIMIT} offset=${offset} onChange=${setOffset} />
  </section>`;
}
