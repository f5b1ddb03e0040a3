// collections.js - a project's collections (回款, /p/:code/collections): the outstanding and
// overdue totals of the project, per customer and per owner (GET .../collections/summary), and
// each won deal with its planned payments and their receipts (GET .../collections/deals).
// Whoever may (the deal's owner, the project's managers) plans a payment, changes or deletes
// one, records money received against it and takes a receipt back; an overdue payment stands
// out. Amounts are typed in major units and sent as minor units; the server judges each write
// (a plan past the deal's amount, a receipt past what is outstanding) and its refusal is said
// in the reader's language under the field it names. A link that names list filters (a
// dashboard figure's drill-down: ?unpaid=true&due=..2026-06-16) lists the collections it names
// first, exactly those the figure counted.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { money, date, minorToDecimal, parseMoney, today, getCurrency } from '../format.js';
import { useApp } from '../app-context.js';
import { useProjectAccess, wsAtLeast, projectAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Banner, Modal, Chip, Skeleton, PageHead, Empty, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { linkFilters } from '../components/entity-page.js';
import { route } from '../app-context.js';
import '../styles/forms.css';

const STATUS_CHIP = { planned: 'closed', partly_received: 'at_risk', received: 'on_track', overdue: 'off_track' };
const statusChip = (s) => html`<${Chip} kind=${STATUS_CHIP[s]}>${t('ent.collection.status.' + s)}<//>`;

// A form of money, date and note fields; fields: [{key, label, kind: money|date|text, hint}].
function MoneyForm({ id, title, fields, initial, submitLabel, onSubmit, onClose }) {
  const [form, setForm] = useState(initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const labels = Object.fromEntries(fields.map((f) => [f.key, f.label]));
  const own = {};
  for (const f of fields) {
    if (f.kind === 'money' && (form[f.key].trim() === '' || parseMoney(form[f.key]) === null || parseMoney(form[f.key]) <= 0)) {
      own[f.key] = t('form.bad_money');
    }
  }
  const save = async (e) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(own).length) return;
    setBusy(true); setError(null);
    const body = {};
    for (const f of fields) {
      const v = form[f.key];
      if (f.kind === 'money') body[f.key] = parseMoney(v);
      else if (v !== '' || f.kind === 'text') body[f.key] = v;
    }
    try { await onSubmit(body); } catch (err) { setError(err); setBusy(false); }
  };
  return html`<${Modal} title=${title} onClose=${onClose}>
    <form id=${id} class="form-grid" onSubmit=${save} novalidate>
      ${errorIsAt(error, Object.keys(labels)) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      ${fields.map((f) => html`<${FormField} key=${f.key} name=${f.key} label=${f.label} wide=${f.kind === 'text'}
          hint=${f.hint} error=${(tried && own[f.key]) || errorAt(error, f.key, labels)}>
        <input name=${f.key} type=${f.kind === 'date' ? 'date' : 'text'} inputmode=${f.kind === 'money' ? 'decimal' : undefined}
          placeholder=${f.kind === 'money' ? '0.00' : undefined} value=${form[f.key]}
          onInput=${(e) => setForm({ ...form, [f.key]: e.currentTarget.value })} /><//>`)}
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${submitLabel}</button></div>
    </form>
  <//>`;
}

function Totals({ s }) {
  const x = s.total;
  return html`<div class="stat-strip collection-totals" id="collection-totals">
    ${[['planned', x.planned], ['received', x.received], ['outstanding', x.outstanding], ['overdue', x.overdue]].map(([k, v]) => html`
      <div class=${'stat' + (k === 'overdue' && v > 0 ? ' stat-danger' : '')} data-total=${k}>
        <span class="stat-label">${t('collection.' + k)}</span><span class="stat-value num">${money(v)}</span></div>`)}
  </div>`;
}

function SumsTable({ id, title, head, rows, keyOf, nameOf }) {
  return html`<div class="card collection-sums" id=${id}><h2>${title}</h2>
    <div class="table-wrap"><table class="table">
      <thead><tr><th>${head}</th><th class="num">${t('collection.planned')}</th><th class="num">${t('collection.received')}</th>
        <th class="num">${t('collection.outstanding')}</th><th class="num">${t('collection.overdue')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${keyOf(r)} data-key=${keyOf(r)}>
        <th scope="row">${nameOf(r)}</th><td class="num" data-col="planned">${money(r.planned)}</td>
        <td class="num" data-col="received">${money(r.received)}</td><td class="num" data-col="outstanding">${money(r.outstanding)}</td>
        <td class=${'num' + (r.overdue > 0 ? ' text-danger' : '')} data-col="overdue">${money(r.overdue)}</td></tr>`)}</tbody>
    </table></div></div>`;
}

function DealCard({ d, canWrite, onPlan, onEdit, onDelete, onReceive, onUndo }) {
  return html`<section class="card collection-deal" data-deal=${d.id} aria-label=${d.title}>
    <div class="collection-deal-head">
      <div><h2>${d.title}</h2>
        <p class="muted">${d.customer_name} · ${d.owner_name || d.owner} · ${t('collection.won_on', { date: date(d.won_on) })}</p></div>
      ${canWrite ? html`<button type="button" class="btn btn-small btn-primary" name="plan"
        aria-label=${t('collection.plan_title', { deal: d.title })} onClick=${() => onPlan(d)}>${t('collection.plan')}</button>` : null}
    </div>
    <dl class="collection-deal-figures">
      <div><dt>${t('collection.deal_amount')}</dt><dd data-fig="amount">${money(d.amount)}</dd></div>
      <div><dt>${t('collection.planned')}</dt><dd data-fig="planned">${money(d.planned)}</dd></div>
      <div><dt>${t('collection.received')}</dt><dd data-fig="received">${money(d.received)}</dd></div>
      <div><dt>${t('collection.outstanding')}</dt><dd data-fig="outstanding">${money(d.outstanding)}</dd></div>
      <div><dt>${t('collection.left_to_plan')}</dt><dd data-fig="left">${money(d.left_to_plan)}</dd></div>
    </dl>
    ${d.collections.length === 0 ? html`<p class="muted">${t('collection.no_plan')}</p>` : html`<div class="table-wrap"><table class="table">
      <thead><tr><th>${t('ent.collection.due')}</th><th class="num">${t('ent.collection.amount')}</th>
        <th class="num">${t('ent.collection.received')}</th><th class="num">${t('ent.collection.outstanding')}</th>
        <th>${t('ent.collection.status')}</th><th>${t('collection.receipts')}</th>
        ${canWrite ? html`<th class="col-actions"><span class="sr-only">${t('crud.actions')}</span></th>` : null}</tr></thead>
      <tbody>${d.collections.map((c) => html`<tr key=${c.id} data-collection=${c.id} data-status=${c.status}
          class=${c.status === 'overdue' ? 'row-overdue' : ''}>
        <td>${date(c.due)}${c.note ? html`<div class="muted">${c.note}</div>` : null}</td>
        <td class="num">${money(c.amount)}</td><td class="num">${money(c.received)}</td>
        <td class="num">${money(c.outstanding)}</td><td>${statusChip(c.status)}</td>
        <td><ul class="receipt-list">${c.receipts.map((r) => html`<li key=${r.id} data-receipt=${r.id}>
          <span>${date(r.received_on)} · ${money(r.amount)}</span>
          <span class="muted">${r.by ? ' · ' + t('collection.by', { who: r.by }) : ''}${r.note ? ' · ' + r.note : ''}</span>
          ${canWrite ? html` <button type="button" class="btn btn-small btn-danger-ghost" name="undo"
            onClick=${() => onUndo(c, r)}>${t('collection.undo')}</button>` : null}</li>`)}</ul></td>
        ${canWrite ? html`<td class="row-actions col-actions">
          ${c.outstanding > 0 ? html`<button type="button" class="btn btn-small btn-primary" name="receive"
            onClick=${() => onReceive(c)}>${t('collection.receive')}</button>` : null}
          <button type="button" class="btn btn-small" name="edit" onClick=${() => onEdit(d, c)}>${t('action.edit')}</button>
          ${c.receipts.length === 0 ? html`<button type="button" class="btn btn-small btn-danger-ghost" name="delete"
            onClick=${() => onDelete(c)}>${t('action.delete')}</button>` : null}</td>` : null}
      </tr>`)}</tbody></table></div>`}
  </section>`;
}

// The collections a link's filters name (GET .../collections with them), with a way back to all.
function Linked({ code, query }) {
  const base = '/projects/' + enc(code) + '/collections';
  const r = useLoad(() => api.get(route(base, { ...query, limit: 500 })), [code, JSON.stringify(query)]);
  if (r.error) return html`<${ErrorBanner} error=${r.error} onRetry=${r.reload} />`;
  if (!r.data) return html`<div class="card"><${Skeleton} rows=${2} /></div>`;
  const rows = r.data.collections;
  return html`<div class="card collection-linked" id="collection-linked" data-n=${String(rows.length)}>
    <div class="card-head"><h2>${t('collection.linked_title', { n: rows.length })}</h2>
      <a class="btn btn-ghost" href=${'#/p/' + enc(code) + '/collections'} id="collection-linked-all">${t('collection.linked_all')}</a></div>
    <div class="table-wrap"><table class="table table-compact" id="collection-linked-table">
      <thead><tr><th>${t('ent.collection.deal')}</th><th>${t('ent.collection.customer_name')}</th><th>${t('ent.collection.due')}</th>
        <th class="num">${t('ent.collection.amount')}</th><th class="num">${t('ent.collection.outstanding')}</th><th>${t('ent.collection.status')}</th></tr></thead>
      <tbody>${rows.map((c) => html`<tr data-id=${c.id}>
        <td>${c.deal_title}</td><td>${c.customer_name}</td><td>${date(c.due)}</td>
        <td class="num">${money(c.amount)}</td><td class="num">${money(c.outstanding)}</td><td>${statusChip(c.status)}</td></tr>`)}</tbody>
    </table></div>
  </div>`;
}

export function Collections({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const base = '/projects/' + enc(code) + '/collections';
  const deals = useLoad(() => api.get(base + '/deals'), [code]);
  const summary = useLoad(() => api.get(base + '/summary'), [code]);
  const [dialog, setDialog] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const login = app.me.user.login;
  const writer = wsAtLeast(app.me, 'rep');
  const manage = writer && projectAtLeast(access.can.prole, 'manager');
  const canWrite = (d) => manage || (writer && projectAtLeast(access.can.prole, 'member') && d.owner === login);
  const reload = () => { deals.reload(); summary.reload(); };
  const money2 = (v) => minorToDecimal(v);
  const L = {
    due: t('ent.collection.due'), amount: t('ent.collection.amount'), note: t('ent.collection.note'),
    received_amount: t('collection.receipt_amount'), received_on: t('collection.receipt_date'), receipt_note: t('collection.receipt_note'),
  };
  const close = () => setDialog(null);
  const done = (msg) => { setDialog(null); setNotice(msg || null); reload(); };

  const plan = (d) => setDialog(html`<${MoneyForm} id="plan-form" title=${t('collection.plan_title', { deal: d.title })}
    fields=${[{ key: 'due', label: L.due, kind: 'date' }, { key: 'amount', label: L.amount, kind: 'money', hint: getCurrency() },
      { key: 'note', label: L.note, kind: 'text' }]}
    initial=${{ due: '', amount: d.left_to_plan > 0 ? money2(d.left_to_plan) : '', note: '' }} submitLabel=${t('action.create')}
    onClose=${close} onSubmit=${async (b) => { await api.post(base, { deal: d.id, ...b }); done(); }} />`);
  const edit = (d, c) => setDialog(html`<${MoneyForm} id="edit-collection-form" title=${t('collection.edit_title', { date: date(c.due) })}
    fields=${[{ key: 'due', label: L.due, kind: 'date' }, { key: 'amount', label: L.amount, kind: 'money', hint: getCurrency() },
      { key: 'note', label: L.note, kind: 'text' }]}
    initial=${{ due: c.due, amount: money2(c.amount), note: c.note || '' }} submitLabel=${t('action.save')}
    onClose=${close} onSubmit=${async (b) => { await api.patch(base + '/' + enc(c.id), { ...b, version: c.version }); done(); }} />`);
  const receive = (c) => setDialog(html`<${MoneyForm} id="receipt-form" title=${t('collection.receive_title', { date: date(c.due) })}
    fields=${[{ key: 'amount', label: L.received_amount, kind: 'money', hint: t('collection.receipt_hint', { amount: money(c.outstanding) }) },
      { key: 'received_on', label: L.received_on, kind: 'date' }, { key: 'note', label: L.receipt_note, kind: 'text' }]}
    initial=${{ amount: money2(c.outstanding), received_on: today(), note: '' }} submitLabel=${t('collection.receive')}
    onClose=${close} onSubmit=${async (b) => {
      await api.post(base + '/' + enc(c.id) + '/receipts', b);
      done(t('collection.received_notice', { amount: money(b.amount) }));
    }} />`);
  const remove = async (c) => {
    if (!confirmed(t('collection.delete_confirm', { amount: money(c.amount), date: date(c.due) }))) return;
    setError(null);
    try { await api.del(base + '/' + enc(c.id), c.version); reload(); } catch (err) { setError(err); }
  };
  const undo = async (c, r) => {
    if (!confirmed(t('collection.undo_confirm', { amount: money(r.amount), date: date(r.received_on) }))) return;
    setError(null);
    try { await api.del(base + '/' + enc(c.id) + '/receipts/' + enc(r.id)); reload(); } catch (err) { setError(err); }
  };

  const list = (deals.data && deals.data.deals) || [];
  const s = summary.data;
  const linked = linkFilters();
  return html`<section class="collections-screen">
    <${PageHead} title=${t('collection.title')} subtitle=${t('collection.sub')} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}><span id="collection-notice">${notice}</span><//>` : null}
    <${ErrorBanner} error=${deals.error || summary.error} onRetry=${reload} />
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} />
    ${Object.keys(linked).length ? html`<${Linked} code=${code} query=${linked} />` : null}
    ${s ? html`<${Totals} s=${s} />
      <div class="collection-panels">
        <${SumsTable} id="collection-by-customer" title=${t('collection.by_customer')} head=${t('collection.customer')}
          rows=${s.customers} keyOf=${(r) => String(r.customer)} nameOf=${(r) => r.name} />
        <${SumsTable} id="collection-by-owner" title=${t('collection.by_owner')} head=${t('collection.owner')}
          rows=${s.owners} keyOf=${(r) => r.owner} nameOf=${(r) => r.name || r.owner} />
      </div>` : null}
    ${deals.loading && !deals.data ? html`<div class="card"><${Skeleton} rows=${4} /></div>`
      : list.length === 0 && !deals.error ? html`<${Empty} title=${t('collection.no_deals')} hint=${t('collection.no_deals_hint')} />`
      : list.map((d) => html`<${DealCard} key=${d.id} d=${d} canWrite=${canWrite(d)} onPlan=${plan} onEdit=${edit}
          onDelete=${remove} onReceive=${receive} onUndo=${undo} />`)}
    ${dialog}
  </section>`;
}
