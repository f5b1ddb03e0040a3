// deals.js - a project's pipeline (/p/:code/deals): the board, a column per stage of the
// project (GET /projects/{code}/stages) with its count, total and weighted value (amount x
// probability), a card per deal; cards the caller may move (managers any, members their own)
// are dragged between columns (HTML5 drag and drop) or moved with the card's "move to" menu
// (the keyboard way); a drop on lost asks the reason in a dialog. A move is a versioned write:
// a stale one (409) says so in the reader's language and the board reloads the card. Open
// deals without a stage change for the project's threshold (editable by managers) are marked
// stale. Filters (owner, channel, segment, amount, expected close), the built-in "my deals"
// view and views saved by name (server-side, per user); the same deals as a table. The deal
// form creates and edits a deal with its product lines (POST/PATCH .../deals, PUT .../lines);
// managers edit the stages in a dialog (PUT .../stages).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, has } from '../i18n/index.js';
import { date, money, pct, minorToDecimal, parseMoney } from '../format.js';
import { useApp, currentQuery } from '../app-context.js';
import { Comments } from '../components/comments.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Banner, Modal, Chip, confirmed } from '../components/ui.js';
import { useLive } from '../live.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { permissions, projectRole, useClosed } from '../components/access.js';
import '../styles/forms.css';
import '../styles/deals.css';

export const stageLabel = (s) => (s.name ? s.name : has('ent.deal.stage.' + s.code) ? t('ent.deal.stage.' + s.code) : s.code);
const EMPTY = { owner: '', channel: '', segment: '', min: '', max: '', from: '', to: '' };
const weighted = (d) => d.weighted || 0;

// The deals the filters let through (amounts in major units as typed, dates YYYY-MM-DD).
export function applyFilters(deals, f) {
  const min = f.min ? parseMoney(f.min) : null;
  const max = f.max ? parseMoney(f.max) : null;
  return deals.filter((d) => (!f.owner || d.owner === f.owner) && (!f.channel || d.channel === f.channel)
    && (!f.segment || d.segment === f.segment) && (min === null || d.amount >= min) && (max === null || d.amount <= max)
    && (!f.from || (d.expected_close && d.expected_close >= f.from)) && (!f.to || (d.expected_close && d.expected_close <= f.to)));
}

// What a link's query asks of the deals screen: the filters of the form, the view, and the
// drill-down's own (a stage kind, a stage now, a funnel stage reached).
const LINK_KEYS = ['owner', 'channel', 'segment', 'from', 'to'];
export function linkFilters(q) {
  const f = {};
  for (const k of LINK_KEYS) if (q[k]) f[k] = q[k];
  return { f, mode: q.view === 'table' ? 'table' : 'board', kind: q.kind || '', stage: q.stage || '', reached: q.reached || '' };
}

// The deals a link's drill-down names among those the form lets through. reached needs the
// pipeline's answer (its funnel's order and each deal's furthest stage): nothing until it is read.
export function applyLinked(deals, link, kindOf, pipeline) {
  let out = deals;
  if (link.kind) out = out.filter((d) => kindOf(d.stage) === link.kind);
  if (link.stage) out = out.filter((d) => d.stage === link.stage);
  if (link.reached) {
    if (!pipeline) return [];
    const order = pipeline.all.funnel.map((s) => s.stage);
    const at = order.indexOf(link.reached);
    out = out.filter((d) => {
      const furthest = pipeline.reach[String(d.id)];
      return furthest !== undefined && at >= 0 && order.indexOf(furthest) >= at;
    });
  }
  return out;
}

// Whether an open deal has sat in its stage past the threshold (whole days since it entered).
const isStale = (d, kind, days) => kind === 'open' && d.stage_since
  && (Date.now() - Date.parse(d.stage_since)) / 86400000 >= days;

function Card({ d, stages, kindOf, staleDays, mayMove, onMove, onEdit, onDragStart, focused }) {
  const stale = isStale(d, kindOf(d.stage), staleDays);
  const movable = mayMove(d);
  const el = useRef(null);
  // the card moved by the keyboard keeps the focus in its new column
  useEffect(() => { if (focused && el.current) el.current.focus(); }, [focused, d.stage, d.version]);
  // on the focused card, ArrowRight / ArrowLeft move it to the next / previous stage
  const onKey = (e) => {
    if (!movable || e.target !== e.currentTarget || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const i = stages.findIndex((s) => s.code === d.stage) + (e.key === 'ArrowRight' ? 1 : -1);
    if (i < 0 || i >= stages.length) return;
    e.preventDefault();
    onMove(d, stages[i].code);
  };
  return html`<li class=${'deal-card card' + (stale ? ' deal-stale' : '')} data-id=${d.id} data-stage=${d.stage}
      data-owner=${d.owner} draggable=${movable} tabindex="0" ref=${el} onKeyDown=${onKey}
      aria-label=${t('deals.card_label', { title: d.title, customer: d.customer })}
      aria-keyshortcuts=${movable ? 'ArrowLeft ArrowRight' : undefined}
      onDragStart=${(e) => onDragStart(e, d)}>
    <div class="deal-card-title"><button type="button" class="link-button deal-edit" onClick=${() => onEdit(d)}>${d.title}</button></div>
    <div class="muted deal-card-customer">${d.customer}</div>
    <div class="deal-card-facts">
      <span class="num deal-amount">${money(d.amount)}</span>
      <span class="muted deal-prob">${pct(d.probability)}</span>
      <span class="muted deal-owner">${d.owner_name || d.owner}</span>
      ${d.expected_close ? html`<span class="muted deal-close">${t('deals.closes', { date: date(d.expected_close) })}</span>` : null}
      ${stale ? html`<${Chip} kind="at_risk"><span class="deal-stale-mark">${t('deals.stale')}</span><//>` : null}
      ${d.lost_reason ? html`<span class="deal-lost-reason muted">${d.lost_reason}</span>` : null}
    </div>
    ${movable ? html`<label class="deal-move"><span class="sr-only">${t('deals.move_label', { title: d.title })}</span>
      <select name="move" aria-label=${t('deals.move_label', { title: d.title })} value=""
        onChange=${(e) => { const v = e.currentTarget.value; e.currentTarget.value = ''; if (v) onMove(d, v); }}>
        <option value="">${t('deals.move_to')}</option>
        ${stages.filter((s) => s.code !== d.stage).map((s) => html`<option value=${s.code}>${stageLabel(s)}</option>`)}
      </select></label>` : null}
  </li>`;
}

function Column({ s, deals, children, onDrop, dropping, setDropping }) {
  const total = deals.reduce((a, d) => a + d.amount, 0);
  const w = deals.reduce((a, d) => a + weighted(d), 0);
  return html`<section class=${'deal-column deal-kind-' + s.kind + (dropping === s.code ? ' deal-drop-over' : '')}
      data-stage=${s.code} aria-label=${stageLabel(s)}
      onDragOver=${(e) => { e.preventDefault(); if (dropping !== s.code) setDropping(s.code); }}
      onDragLeave=${() => setDropping(null)}
      onDrop=${(e) => { e.preventDefault(); setDropping(null); onDrop(s, e.dataTransfer.getData('text/plain')); }}>
    <h2 class="deal-column-head"><span class="deal-column-name">${stageLabel(s)}</span>
      <span class="muted deal-count">${deals.length}</span></h2>
    <div class="deal-column-sums"><span class="deal-total" title=${t('deals.total')}>${t('deals.total_short', { v: money(total) })}</span>
      <span class="muted deal-weighted" title=${t('deals.weighted')}>${t('deals.weighted_short', { v: money(w) })}</span></div>
    <ul class="deal-cards">${children}</ul>
  </section>`;
}

function LostDialog({ d, onClose, onLost }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const submit = (e) => {
    e.preventDefault();
    if (!reason.trim()) { setError({ field: 'lost_reason', message: t('deals.reason_needed') }); return; }
    onLost(reason.trim());
  };
  return html`<${Modal} title=${t('deals.lost_title', { title: d.title })} onClose=${onClose}>
    <form id="lost-form" onSubmit=${submit} novalidate>
      <${FormField} name="lost_reason" label=${t('ent.deal.lost_reason')} error=${error ? error.message : ''}>
        <input name="lost_reason" value=${reason} maxlength="300" onInput=${(e) => setReason(e.currentTarget.value)} /><//>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary">${t('deals.mark_lost')}</button></div>
    </form>
  <//>`;
}

// One line of the deal form: product, quantity, unit price (empty: the list price), discount.
const newLine = () => ({ product: '', quantity: '1', unit_price: '', discount: '' });

function DealForm({ code, deal, members, lists, can, onClose, onSaved }) {
  const app = useApp();
  const base = '/projects/' + enc(code) + '/deals';
  const detail = useLoad(() => (deal ? api.get(base + '/' + enc(deal.id)) : Promise.resolve(null)), [deal && deal.id]);
  const [form, setForm] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const sellers = members.filter((m) => m.role !== 'viewer');
  if (!form && (!deal || detail.data)) {
    const d = detail.data || {};
    setForm({
      title: d.title || '', customer: d.customer || '', owner: d.owner || (can.allDeals ? '' : can.login),
      channel: d.channel || '', segment: d.segment || '', expected_close: d.expected_close || '',
      probability: d.probability !== undefined ? String(Math.round(d.probability * 1000) / 10) : '',
      amount: d.amount !== undefined ? minorToDecimal(d.amount) : '', note: d.note || '', lost_reason: d.lost_reason || '',
      lines: (d.lines || []).map((l) => ({ product: l.product, quantity: String(l.quantity),
        unit_price: minorToDecimal(l.unit_price), discount: l.discount ? minorToDecimal(l.discount) : '' })),
    });
  }
  const customers = useLoad(() => (form && form.customer.trim().length
    ? api.get('/customers', { q: form.customer.trim(), limit: 20 }) : Promise.resolve(null)), [form && form.customer]);
  const labels = { title: t('ent.deal.title'), customer: t('ent.deal.customer'), owner: t('ent.deal.owner'),
    channel: t('ent.deal.channel'), segment: t('ent.deal.segment'), expected_close: t('ent.deal.expected_close'),
    probability: t('ent.deal.probability'), amount: t('ent.deal.amount'), note: t('ent.deal.note'),
    lost_reason: t('ent.deal.lost_reason'), lines: t('deals.lines'), product: t('deals.line_product'),
    quantity: t('deals.line_quantity'), unit_price: t('deals.line_price'), discount: t('deals.line_discount') };
  if (!form) return html`<${Modal} title=${t('deals.edit_title')} onClose=${onClose}><${Skeleton} rows=${4} /><//>`;
  const won = deal && deal.won_on;
  const lost = deal && deal.stage && deal.lost_on;
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const setLine = (i, k) => (e) => { const ls = form.lines.slice(); ls[i] = { ...ls[i], [k]: e.currentTarget.value }; setForm({ ...form, lines: ls }); };
  const lineAmount = (l) => {
    const p = products().find((x) => x.sku === l.product);
    const price = l.unit_price ? parseMoney(l.unit_price) : p ? p.price : null;
    const q = Number(l.quantity);
    if (price === null || !Number.isInteger(q) || q < 1) return null;
    return q * price - (l.discount ? parseMoney(l.discount) || 0 : 0);
  };
  function products() { return (lists.products || []).filter((p) => p.active !== false); }
  const linesTotal = form.lines.reduce((a, l) => a + (lineAmount(l) || 0), 0);

  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { title: form.title.trim(), customer: form.customer.trim(), note: form.note,
      channel: form.channel || null, segment: form.segment || null, expected_close: form.expected_close || null };
    if (form.owner) body.owner = form.owner;
    if (form.probability !== '') {
      const p = Number(form.probability);
      if (!Number.isFinite(p) || p < 0 || p > 100) { setError({ field: 'probability', message: t('deals.bad_probability') }); return; }
      body.probability = Math.round(p * 100) / 10000;
    }
    if (!form.lines.length && form.amount !== '') {
      const a = parseMoney(form.amount);
      if (a === null || a < 0) { setError({ field: 'amount', message: t('deals.bad_amount') }); return; }
      body.amount = a;
    }
    if (lost) body.lost_reason = form.lost_reason;
    const lines = [];
    for (const [i, l] of form.lines.entries()) {
      const q = Number(l.quantity);
      if (!l.product) { setError({ field: `lines[${i}].product`, message: t('deals.line_needs_product') }); return; }
      if (!Number.isInteger(q) || q < 1) { setError({ field: `lines[${i}].quantity`, message: t('deals.bad_quantity') }); return; }
      const line = { product: l.product, quantity: q };
      if (l.unit_price !== '') { const p = parseMoney(l.unit_price); if (p === null || p < 0) { setError({ field: `lines[${i}].unit_price`, message: t('deals.bad_amount') }); return; } line.unit_price = p; }
      if (l.discount !== '') { const dd = parseMoney(l.discount); if (dd === null || dd < 0) { setError({ field: `lines[${i}].discount`, message: t('deals.bad_amount') }); return; } line.discount = dd; }
      lines.push(line);
    }
    setBusy(true);
    try {
      let saved;
      if (deal) {
        if (won) { delete body.customer; delete body.owner; delete body.channel; delete body.segment; }
        saved = await api.patch(base + '/' + enc(deal.id), { ...body, version: detail.data.version });
      } else {
        saved = await api.post(base, body);
      }
      const had = deal ? detail.data.lines || [] : [];
      const same = had.length === lines.length && had.every((l, i) => l.product === lines[i].product
        && l.quantity === lines[i].quantity && (lines[i].unit_price === undefined || l.unit_price === lines[i].unit_price)
        && (l.discount || 0) === (lines[i].discount || 0));
      if (!won && !same) saved = await api.put(base + '/' + enc(saved.id) + '/lines', { version: saved.version, lines });
      onSaved(saved, !deal);
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const lineErr = (i, k) => (error && error.field === `lines[${i}].${k}` ? (error.status === undefined ? error.message : errorAt(error, `lines[${i}].${k}`, labels)) : '');
  const top = ['title', 'customer', 'owner', 'channel', 'segment', 'expected_close', 'probability', 'amount', 'note', 'lost_reason'];
  const errOf = (k) => (error && error.field === k ? (error.status === undefined ? error.message : errorAt(error, k, labels)) : '');
  return html`<${Modal} wide title=${deal ? t('deals.edit_title') : t('deals.new_title')} onClose=${onClose}>
    <form id="deal-form" class="form-grid" onSubmit=${save} novalidate>
      ${error && !errorIsAt(error, top) && !(error.field || '').startsWith('lines[') ? html`<${ErrorBanner} error=${error} labels=${labels} />` : null}
      <${FormField} name="title" label=${labels.title} error=${errOf('title')} wide>
        <input name="title" value=${form.title} maxlength="200" onInput=${set('title')} /><//>
      <${FormField} name="customer" label=${labels.customer} hint=${t('deals.customer_hint')} error=${errOf('customer')}>
        <input name="customer" value=${form.customer} list="deal-customers" autocomplete="off" disabled=${won} onInput=${set('customer')} /><//>
      <datalist id="deal-customers">${((customers.data && customers.data.customers) || []).map((c) => html`<option value=${c.name} />`)}</datalist>
      <${FormField} name="owner" label=${labels.owner} error=${errOf('owner')}>
        <select name="owner" value=${form.owner} disabled=${won || !can.allDeals} onChange=${set('owner')}>
          ${can.allDeals ? html`<option value="">${t('deals.owner_me')}</option>` : null}
          ${sellers.map((m) => html`<option value=${m.login}>${m.name || m.login}</option>`)}</select><//>
      <${FormField} name="channel" label=${labels.channel} error=${errOf('channel')}>
        <select name="channel" value=${form.channel} disabled=${won} onChange=${set('channel')}>
          <option value="">${t('deals.none')}</option>
          ${(lists.channels || []).map((c) => html`<option value=${c.code}>${c.name}</option>`)}</select><//>
      <${FormField} name="segment" label=${labels.segment} error=${errOf('segment')}>
        <select name="segment" value=${form.segment} disabled=${won} onChange=${set('segment')}>
          <option value="">${t('deals.none')}</option>
          ${(lists.segments || []).map((s) => html`<option value=${s.code}>${s.name}</option>`)}</select><//>
      <${FormField} name="expected_close" label=${labels.expected_close} error=${errOf('expected_close')}>
        <input name="expected_close" type="date" value=${form.expected_close} onInput=${set('expected_close')} /><//>
      <${FormField} name="probability" label=${labels.probability} hint=${t('deals.probability_hint')} error=${errOf('probability')}>
        <input name="probability" inputmode="decimal" value=${form.probability} onInput=${set('probability')} /><//>
      ${form.lines.length ? null : html`<${FormField} name="amount" label=${labels.amount} hint=${t('deals.amount_hint')} error=${errOf('amount')}>
        <input name="amount" inputmode="decimal" value=${form.amount} disabled=${won} onInput=${set('amount')} /><//>`}
      ${lost ? html`<${FormField} name="lost_reason" label=${labels.lost_reason} error=${errOf('lost_reason')}>
        <input name="lost_reason" value=${form.lost_reason} maxlength="300" onInput=${set('lost_reason')} /><//>` : null}
      <${FormField} name="note" label=${labels.note} error=${errOf('note')} wide>
        <textarea name="note" rows="2" onInput=${set('note')}>${form.note}</textarea><//>
      <fieldset class="deal-lines field-wide" disabled=${won}>
        <legend>${labels.lines}</legend>
        ${won ? html`<p class="muted">${t('deals.won_locked')}</p>` : null}
        ${form.lines.map((l, i) => html`<div class="deal-line" data-line=${i}>
          <${FormField} name=${'product-' + i} label=${labels.product} error=${lineErr(i, 'product')}>
            <select name="product" value=${l.product} onChange=${setLine(i, 'product')}>
              <option value="">${t('deals.pick_product')}</option>
              ${products().map((p) => html`<option value=${p.sku}>${p.name} (${p.sku})</option>`)}</select><//>
          <${FormField} name=${'quantity-' + i} label=${labels.quantity} error=${lineErr(i, 'quantity')}>
            <input name="quantity" inputmode="numeric" value=${l.quantity} onInput=${setLine(i, 'quantity')} /><//>
          <${FormField} name=${'unit_price-' + i} label=${labels.unit_price} hint=${t('deals.price_hint')} error=${lineErr(i, 'unit_price')}>
            <input name="unit_price" inputmode="decimal" value=${l.unit_price} onInput=${setLine(i, 'unit_price')} /><//>
          <${FormField} name=${'discount-' + i} label=${labels.discount} error=${lineErr(i, 'discount')}>
            <input name="discount" inputmode="decimal" value=${l.discount} onInput=${setLine(i, 'discount')} /><//>
          <span class="num deal-line-amount">${lineAmount(l) === null ? '—' : money(lineAmount(l))}</span>
          <button type="button" class="btn btn-small btn-danger-ghost" name="remove-line"
            aria-label=${t('deals.remove_line', { n: i + 1 })} onClick=${() => setForm({ ...form, lines: form.lines.filter((_, j) => j !== i) })}>×</button>
        </div>`)}
        <div class="deal-lines-foot">
          <button type="button" class="btn btn-small" id="add-line" onClick=${() => setForm({ ...form, lines: [...form.lines, newLine()] })}>${t('deals.add_line')}</button>
          ${form.lines.length ? html`<span class="deal-lines-total">${t('deals.lines_total', { v: money(linesTotal) })}</span>` : null}
        </div>
      </fieldset>
      <div class="form-actions field-wide"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('action.save')}</button></div>
    </form>
    ${deal ? html`<${Comments} on=${'deal:' + deal.id} />` : null}
  <//>`;
}

// The project's stages (managers): in order, each a code, a name, a default probability and a
// kind; exactly one won and one lost (the server judges, and says why in the reader's language).
function StagesDialog({ code, pipeline, onClose, onSaved }) {
  const [rows, setRows] = useState(pipeline.stages.map((s) => ({ code: s.code, name: s.name || '',
    probability: String(Math.round(s.probability * 1000) / 10), kind: s.kind, label: stageLabel(s) })));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (i, k) => (e) => { const r = rows.slice(); r[i] = { ...r[i], [k]: e.currentTarget.value }; setRows(r); };
  const swap = (i, j) => { const r = rows.slice(); [r[i], r[j]] = [r[j], r[i]]; setRows(r); };
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const stages = [];
    for (const r of rows) {
      const p = Number(r.probability);
      if (r.probability === '' || !Number.isFinite(p) || p < 0 || p > 100) { setError({ message: t('deals.bad_probability') }); return; }
      stages.push({ code: r.code.trim(), name: r.name.trim(), probability: Math.round(p * 100) / 10000, kind: r.kind });
    }
    setBusy(true);
    try {
      await api.put('/projects/' + enc(code) + '/stages', { stages, stale_days: pipeline.stale_days, version: pipeline.version });
      onSaved();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`<${Modal} wide title=${t('deals.stages_title')} onClose=${onClose}>
    <form id="stages-form" onSubmit=${save} novalidate>
      <p class="muted">${t('deals.stages_intro')}</p>
      <${ErrorBanner} error=${error} labels=${{ stages: t('field.stages') }} />
      <div class="table-wrap"><table class="table stage-table">
        <thead><tr><th>${t('deals.stage_code')}</th><th>${t('deals.stage_name')}</th><th>${t('deals.stage_probability')}</th>
          <th>${t('deals.stage_kind')}</th><th><span class="sr-only">${t('deals.stage_order')}</span></th></tr></thead>
        <tbody>${rows.map((r, i) => html`<tr key=${i} data-stage-row=${i}>
          <td><input name="code" aria-label=${t('deals.stage_code')} value=${r.code} maxlength="31" onInput=${set(i, 'code')} /></td>
          <td><input name="name" aria-label=${t('deals.stage_name')} value=${r.name} placeholder=${r.label} maxlength="60" onInput=${set(i, 'name')} /></td>
          <td><input name="probability" aria-label=${t('deals.stage_probability')} inputmode="decimal" value=${r.probability} onInput=${set(i, 'probability')} /></td>
          <td><select name="kind" aria-label=${t('deals.stage_kind')} value=${r.kind} onChange=${set(i, 'kind')}>
            ${['open', 'won', 'lost'].map((k) => html`<option value=${k}>${t('deals.kind.' + k)}</option>`)}</select></td>
          <td class="stage-row-actions">
            <button type="button" class="btn btn-small" name="up" disabled=${i === 0} aria-label=${t('deals.stage_up', { n: i + 1 })} onClick=${() => swap(i, i - 1)}>↑</button>
            <button type="button" class="btn btn-small" name="down" disabled=${i === rows.length - 1} aria-label=${t('deals.stage_down', { n: i + 1 })} onClick=${() => swap(i, i + 1)}>↓</button>
            <button type="button" class="btn btn-small btn-danger-ghost" name="remove" aria-label=${t('deals.stage_remove', { n: i + 1 })} onClick=${() => setRows(rows.filter((_, j) => j !== i))}>×</button>
          </td></tr>`)}</tbody></table></div>
      <button type="button" class="btn btn-small" id="stage-add" onClick=${() => setRows([...rows, { code: '', name: '', probability: '50', kind: 'open', label: '' }])}>${t('deals.stage_add')}</button>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('action.save')}</button></div>
    </form>
  <//>`;
}

function Filters({ f, setF, sellers, lists }) {
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  return html`<div class="card inline-form deal-filters" id="deal-filters">
    <${FormField} name="f-owner" label=${t('ent.deal.owner')}>
      <select name="owner" value=${f.owner} onChange=${set('owner')}><option value="">${t('deals.all')}</option>
        ${sellers.map((m) => html`<option value=${m.login}>${m.name || m.login}</option>`)}</select><//>
    <${FormField} name="f-channel" label=${t('ent.deal.channel')}>
      <select name="channel" value=${f.channel} onChange=${set('channel')}><option value="">${t('deals.all')}</option>
        ${(lists.channels || []).map((c) => html`<option value=${c.code}>${c.name}</option>`)}</select><//>
    <${FormField} name="f-segment" label=${t('ent.deal.segment')}>
      <select name="segment" value=${f.segment} onChange=${set('segment')}><option value="">${t('deals.all')}</option>
        ${(lists.segments || []).map((s) => html`<option value=${s.code}>${s.name}</option>`)}</select><//>
    <${FormField} name="f-min" label=${t('deals.amount_min')}>
      <input name="min" inputmode="decimal" value=${f.min} onInput=${set('min')} /><//>
    <${FormField} name="f-max" label=${t('deals.amount_max')}>
      <input name="max" inputmode="decimal" value=${f.max} onInput=${set('max')} /><//>
    <${FormField} name="f-from" label=${t('deals.close_from')}>
      <input name="from" type="date" value=${f.from} onInput=${set('from')} /><//>
    <${FormField} name="f-to" label=${t('deals.close_to')}>
      <input name="to" type="date" value=${f.to} onInput=${set('to')} /><//>
  </div>`;
}

export function Deals({ code }) {
  // a new link (another figure's drill-down, or its clearing) starts the screen afresh
  return html`<${DealsScreen} key=${code + JSON.stringify(linkFilters(currentQuery()))} code=${code} />`;
}

function DealsScreen({ code }) {
  const app = useApp();
  const pbase = '/projects/' + enc(code);
  const pipeline = useLoad(() => api.get(pbase + '/stages'), [code]);
  const list = useLoad(() => api.get(pbase + '/deals'), [code]);
  // a deal created, moved or changed by anyone: the board is read again
  useLive(code, ['deal'], list.reload);
  useLive(code, ['pipeline'], pipeline.reload);
  const members = useLoad(() => api.get(pbase + '/members'), [code]);
  const views = useLoad(() => api.get(pbase + '/deal-views'), [code]);
  const lists = useLoad(() => Promise.all([api.get('/channels'), api.get('/segments'), api.get('/products')])
    .then(([c, s, p]) => ({ channels: c.channels, segments: s.segments, products: p.products })), []);
  // a link may open the board filtered (#/p/FY/deals?owner=wang.fang&channel=direct) and as a
  // table (view=table); a figure's drill-down names the deals it counts: of a stage kind (kind=open,
  // won, lost), at a stage now (stage=proposal), or that reached a stage of the funnel (reached=
  // proposal: the pipeline's furthest stage of each deal, its stage or a later one)
  const [link] = useState(() => linkFilters(currentQuery()));
  const [f, setF] = useState(() => ({ ...EMPTY, ...link.f }));
  const [view, setView] = useState('');
  const [mode, setMode] = useState(link.mode);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [losing, setLosing] = useState(null);
  const [editing, setEditing] = useState(null);
  const [dropping, setDropping] = useState(null);
  const [viewName, setViewName] = useState('');
  const [stale, setStale] = useState('');
  const [staging, setStaging] = useState(false);
  const [focusId, setFocusId] = useState(null);
  const mlist = (members.data && members.data.members) || [];
  const closed = useClosed(code);
  const prole = members.data ? projectRole(app.me, mlist) : 'none';
  const base = permissions(app.me, prole, closed);
  const can = { ...base, allDeals: base.allSales, writeDeals: base.writeSales };
  const mayMove = (d) => can.allDeals || (can.writeDeals && d.owner === can.login);
  const stages = (pipeline.data && pipeline.data.stages) || [];
  const staleDays = pipeline.data ? pipeline.data.stale_days : 30;
  const kindOf = (code2) => { const s = stages.find((x) => x.code === code2); return s ? s.kind : 'open'; };
  const all = (list.data && list.data.deals) || [];
  const reach = useLoad(() => (link.reached ? api.get(pbase + '/pipeline') : Promise.resolve(null)), [code, link.reached]);
  const shown = applyLinked(applyFilters(all, f), link, kindOf, reach.data);
  const sellers = mlist.filter((m) => m.role !== 'viewer');
  const saved = (views.data && views.data.views) || [];
  const say = (key, vars) => setNotice(t(key, vars));
  // a link to a deal's comments (?comments=deal:ID, from the inbox) opens the deal
  useEffect(() => {
    const m = /^deal:(\d+)$/.exec(currentQuery().comments || '');
    const d = m && all.find((x) => String(x.id) === m[1]);
    if (d) setEditing(d);
  }, [list.data]);

  const move = async (d, to, extra = {}) => {
    setError(null); setNotice(null);
    if (document.activeElement && document.activeElement.dataset && String(document.activeElement.dataset.id) === String(d.id)) setFocusId(d.id);
    const s = stages.find((x) => x.code === to);
    if (s && s.kind === 'lost' && !extra.lost_reason) { setLosing({ d, to }); return; }
    try {
      await api.post(pbase + '/deals/' + enc(d.id) + '/stage', { stage: to, version: d.version, ...extra });
      say('deals.moved', { title: d.title, stage: stageLabel(s || { code: to }) });
    } catch (err) {
      setError(err.status === 409 && err.reason === 'stale_version' ? { message: t('deals.conflict', { title: d.title }) } : err);
    }
    list.reload();
  };
  const onDragStart = (e, d) => { e.dataTransfer.setData('text/plain', String(d.id)); e.dataTransfer.effectAllowed = 'move'; };
  const onDrop = (s, id) => {
    const d = all.find((x) => String(x.id) === id);
    if (d && d.stage !== s.code && mayMove(d)) move(d, s.code);
  };
  const pickView = (v) => {
    setView(v);
    if (v === '') setF(EMPTY);
    else if (v === 'mine') setF({ ...EMPTY, owner: can.login });
    else { const sv = saved.find((x) => String(x.id) === v); if (sv) setF({ ...EMPTY, ...sv.filters }); }
  };
  const saveView = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const v = await api.post(pbase + '/deal-views', { name: viewName.trim(), filters: f });
      setViewName('');
      views.reload();
      setView(String(v.id));
      say('deals.view_saved', { name: v.name });
    } catch (err) { setError(err); }
  };
  const deleteView = async () => {
    const sv = saved.find((x) => String(x.id) === view);
    if (!sv || !confirmed(t('deals.view_delete_confirm', { name: sv.name }))) return;
    try { await api.del(pbase + '/deal-views/' + enc(sv.id)); setView(''); views.reload(); } catch (err) { setError(err); }
  };
  const saveStale = async (e) => {
    e.preventDefault();
    setError(null);
    const n = Number(stale);
    if (!Number.isInteger(n) || n < 1 || n > 365) { setError({ field: 'stale_days', message: t('deals.bad_stale') }); return; }
    try {
      await api.put(pbase + '/stages', { stages: stages.map((s) => ({ code: s.code, name: s.name, probability: s.probability, kind: s.kind })),
        stale_days: n, version: pipeline.data.version });
      setStale('');
      pipeline.reload();
      say('deals.stale_saved', { n });
    } catch (err) { setError(err); }
  };
  const loading = (list.loading && !list.data) || (pipeline.loading && !pipeline.data);
  const labels = { name: t('deals.view_name'), stale_days: t('deals.stale_days'), stage: t('ent.deal.stage'),
    lines: t('deals.lines'), channel: t('ent.deal.channel'), lost_reason: t('ent.deal.lost_reason'), owner: t('ent.deal.owner') };

  return html`<section class="deals">
    <${PageHead} title=${t('deals.title')} subtitle=${t('deals.sub', { code })}
      actions=${html`<div class="deal-actions">
        <div class="btn-group" role="group" aria-label=${t('deals.mode')}>
          <button type="button" id="deal-mode-board" class=${'btn' + (mode === 'board' ? ' btn-primary' : '')} aria-pressed=${mode === 'board' ? 'true' : 'false'} onClick=${() => setMode('board')}>${t('deals.board')}</button>
          <button type="button" id="deal-mode-table" class=${'btn' + (mode === 'table' ? ' btn-primary' : '')} aria-pressed=${mode === 'table' ? 'true' : 'false'} onClick=${() => setMode('table')}>${t('deals.table')}</button>
        </div>
        ${can.allDeals && pipeline.data ? html`<button type="button" class="btn" id="deal-stages" onClick=${() => setStaging(true)}>${t('deals.stages')}</button>` : null}
        ${can.writeDeals ? html`<button type="button" class="btn btn-primary" id="deal-new" onClick=${() => setEditing({})}>${t('deals.new')}</button>` : null}
      </div>`} />
    <div class="card inline-form deal-views">
      <${FormField} name="view" label=${t('deals.view')}>
        <select name="view" id="deal-view" value=${view} onChange=${(e) => pickView(e.currentTarget.value)}>
          <option value="">${t('deals.view_all')}</option>
          <option value="mine">${t('deals.view_mine')}</option>
          ${saved.map((v) => html`<option value=${String(v.id)}>${v.name}</option>`)}</select><//>
      ${saved.some((v) => String(v.id) === view) ? html`<button type="button" class="btn btn-small btn-danger-ghost" id="deal-view-delete" onClick=${deleteView}>${t('deals.view_delete')}</button>` : null}
      <form class="deal-view-save" onSubmit=${saveView}>
        <${FormField} name="view_name" label=${t('deals.view_name')} error=${errorAt(error, 'name', labels)}>
          <input name="view_name" value=${viewName} maxlength="60" onInput=${(e) => setViewName(e.currentTarget.value)} /><//>
        <button type="submit" class="btn" id="deal-view-save">${t('deals.view_save')}</button>
      </form>
      ${can.allDeals && pipeline.data ? html`<form class="deal-stale-form" onSubmit=${saveStale}>
        <${FormField} name="stale_days" label=${t('deals.stale_days')} hint=${t('deals.stale_now', { n: staleDays })} error=${errorAt(error, 'stale_days', labels)}>
          <input name="stale_days" inputmode="numeric" value=${stale} placeholder=${String(staleDays)} onInput=${(e) => setStale(e.currentTarget.value)} /><//>
        <button type="submit" class="btn" id="deal-stale-save">${t('action.save')}</button>
      </form>` : null}
    </div>
    <${Filters} f=${f} setF=${(x) => { setF(x); setView(''); }} sellers=${sellers} lists=${lists.data || {}} />
    ${link.kind || link.stage || link.reached ? html`<div class="filters-linked card" id="linked-filters">
      <span class="muted small">${t('filter.linked')}</span>
      ${link.kind ? html`<span class="chip chip-neutral" data-filter="kind">${t('deals.kind.' + link.kind)}</span>` : null}
      ${link.stage ? html`<span class="chip chip-neutral" data-filter="stage">${t('ent.deal.stage')}: ${stageLabel(stages.find((x) => x.code === link.stage) || { code: link.stage })}</span>` : null}
      ${link.reached ? html`<span class="chip chip-neutral" data-filter="reached">${t('deals.reached', { stage: stageLabel(stages.find((x) => x.code === link.reached) || { code: link.reached }) })}</span>` : null}
      <a class="btn btn-ghost btn-small" href=${'#/p/' + enc(code) + '/deals'} id="linked-clear">${t('action.clear')}</a></div>` : null}
    <${ErrorBanner} error=${list.error || pipeline.error} onRetry=${() => { list.reload(); pipeline.reload(); }} />
    ${error && !errorIsAt(error, ['name', 'stale_days']) ? html`<div id="deal-error"><${ErrorBanner} error=${error} labels=${labels} onDismiss=${() => setError(null)} /></div>` : null}
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}><span id="deal-notice">${notice}</span><//>` : null}
    <p class="muted deal-summary" id="deal-summary">${t('deals.summary', { n: shown.length, total: money(shown.reduce((a, d) => a + d.amount, 0)),
      weighted: money(shown.filter((d) => kindOf(d.stage) === 'open').reduce((a, d) => a + weighted(d), 0)) })}</p>
    ${loading ? html`<div class="card"><${Skeleton} rows=${4} /></div>` : mode === 'board'
      ? html`<div class="deal-board" id="deal-board">${stages.map((s) => {
        const ds = shown.filter((d) => d.stage === s.code);
        return html`<${Column} key=${s.code} s=${s} deals=${ds} onDrop=${onDrop} dropping=${dropping} setDropping=${setDropping}>
          ${ds.length ? ds.map((d) => html`<${Card} key=${d.id} d=${d} stages=${stages} kindOf=${kindOf} staleDays=${staleDays}
            mayMove=${mayMove} onMove=${move} onEdit=${(x) => setEditing(x)} onDragStart=${onDragStart}
            focused=${focusId === d.id} />`)
            : html`<li class="muted deal-empty">${s.kind === 'open' ? t('deals.empty_column') : t('deals.drop_here')}</li>`}
        <//>`;
      })}</div>`
      : html`<div class="table-wrap"><table class="table deal-table" id="deal-table">
        <thead><tr><th>${t('ent.deal.title')}</th><th>${t('ent.deal.customer')}</th><th>${t('ent.deal.owner')}</th>
          <th>${t('ent.deal.stage')}</th><th class="num">${t('ent.deal.amount')}</th><th class="num">${t('ent.deal.probability')}</th>
          <th class="num">${t('deals.weighted')}</th><th>${t('ent.deal.expected_close')}</th></tr></thead>
        <tbody>${shown.map((d) => html`<tr key=${d.id} data-id=${d.id}>
          <td><button type="button" class="link-button deal-edit" onClick=${() => setEditing(d)}>${d.title}</button>
            ${isStale(d, kindOf(d.stage), staleDays) ? html` <${Chip} kind="at_risk">${t('deals.stale')}<//>` : null}</td>
          <td>${d.customer}</td><td>${d.owner_name || d.owner}</td>
          <td>${stageLabel(stages.find((s) => s.code === d.stage) || { code: d.stage })}</td>
          <td class="num">${money(d.amount)}</td><td class="num">${pct(d.probability)}</td><td class="num">${money(weighted(d))}</td>
          <td>${d.expected_close ? date(d.expected_close) : '—'}</td></tr>`)}</tbody></table></div>`}
    ${staging ? html`<${StagesDialog} code=${code} pipeline=${pipeline.data} onClose=${() => setStaging(false)}
      onSaved=${() => { setStaging(false); pipeline.reload(); list.reload(); say('deals.stages_saved'); }} />` : null}
    ${losing ? html`<${LostDialog} d=${losing.d} onClose=${() => setLosing(null)}
      onLost=${(reason) => { const x = losing; setLosing(null); move(x.d, x.to, { lost_reason: reason }); }} />` : null}
    ${editing ? html`<${DealForm} code=${code} deal=${editing.id ? editing : null} members=${mlist} lists=${lists.data || {}} can=${can}
      onClose=${() => setEditing(null)}
      onSaved=${(d, created) => { setEditing(null); list.reload(); say(created ? 'deals.created' : 'deals.saved', { title: d.title }); }} />` : null}
  </section>`;
}

