// quotas.js - a project's quotas and assignments (GET/PUT /projects/{code}/quotas,
// /projects/{code}/assignments). Per goal: each member's quota, share of the goal, actual so
// far and progress, the caller's own line marked; for the project's managers, a suggested split
// (GET ...?suggest=1&goal=ID) shown with its formula in words and each rep's inputs, lines to
// edit, the running sum against the goal's target and what is left, and Save (the server
// refuses a split that does not sum to the target). Every member of the project reads the
// team's lines; only managers see the controls. Below, the accounts and segments assigned
// to members, with a form for managers.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { date, pct, pctClass, valueOf, minorToDecimal, parseMoney, num, money } from '../format.js';
import { useApp } from '../app-context.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead, Banner, Chip, Modal, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { permissions, projectRole, useClosed } from '../components/access.js';
import { useNames, Named } from '../components/names.js';
import '../styles/forms.css';
import '../styles/quotas.css';

// A target as typed in its unit: money in major units ("1200000.00"), counts as whole numbers.
export const typedOf = (unit, v) => (unit === 'money' ? minorToDecimal(v) : String(v));
function parseTarget(unit, s) {
  const x = String(s || '').trim().replace(/[,\s]/g, '');
  if (unit === 'money') { const m = parseMoney(x); return m === null || m < 0 ? null : m; }
  return /^\d+$/.test(x) && Number(x) <= Number.MAX_SAFE_INTEGER ? Number(x) : null;
}

// A member's progress: a bar (capped at 100%) and the percent.
export function QuotaProgress({ value }) {
  const p = Math.max(0, Number(value) || 0);
  return html`<span class="quota-progress"><span class="mini-progress"><span class=${'mini-progress-bar ' + pctClass(p)}></span></span>
    <span class="num quota-pct">${value === null || value === undefined ? '—' : pct(value)}</span></span>`;
}

// One goal's quota lines as a table (every reader); the caller's own line marked.
export function QuotaTable({ goal, lines, me }) {
  const v = (x) => valueOf(goal.unit, x);
  return html`<div class="table-wrap"><table class="table quota-table">
    <thead><tr><th>${t('quota.person')}</th><th class="num">${t('quota.target')}</th><th class="num">${t('quota.share')}</th>
      <th class="num">${t('quota.actual')}</th><th>${t('quota.progress')}</th></tr></thead>
    <tbody>${lines.map((l) => html`<tr key=${l.person} data-person=${l.person} class=${l.person === me ? 'quota-mine' : ''}>
      <td>${l.name || l.person}${l.person === me ? html` <${Chip} kind="achieved">${t('quota.yours')}<//>` : null}</td>
      <td class="num quota-target">${v(l.target)}</td><td class="num quota-share">${pct(l.share)}</td>
      <td class="num quota-actual">${v(l.actual)}</td><td class="quota-progress-cell"><${QuotaProgress} value=${l.progress} /></td>
    </tr>`)}</tbody></table></div>`;
}

export function Quotas({ code }) {
  return html`<${QuotasScreen} key=${code} code=${code} />`;
}

function QuotasScreen({ code }) {
  const app = useApp();
  const base = '/projects/' + enc(code);
  const board = useLoad(() => api.get(base + '/quotas'), [code]);
  const members = useLoad(() => api.get(base + '/members'), [code]);
  const list = (members.data && members.data.members) || [];
  const closed = useClosed(code);
  const can = permissions(app.me, members.data ? projectRole(app.me, list) : 'none', closed);
  const me = can.login;
  const sellers = list.filter((m) => m.role !== 'viewer');
  const goals = (board.data && board.data.goals) || [];
  // the caller's own lines first, then the team's goals
  const mine = goals.filter((g) => g.quotas.lines.some((l) => l.person === me));
  return html`<section>
    <${PageHead} title=${t('quota.title')} subtitle=${t('quota.sub', { code })}
      actions=${html`<a class="btn" id="quota-members" href=${'#/p/' + enc(code) + '/members'}>${t('quota.members_link')}</a>`} />
    <${ErrorBanner} error=${board.error || members.error} onRetry=${() => { board.reload(); members.reload(); }} />
    ${board.loading && !board.data ? html`<${Skeleton} kind="cards" rows=${2} />` : null}
    ${mine.length ? html`<div class="card quota-mine-card" id="quota-mine"><h2 class="section-title">${t('quota.mine_title')}</h2>
      ${mine.map((g) => { const l = g.quotas.lines.find((x) => x.person === me); return html`<div class="quota-mine-line" data-goal-id=${g.goal}>
        <span class="quota-mine-name">${g.name || tv('metric', g.metric)}</span>
        <span class="num">${valueOf(g.unit, l.actual)} / ${valueOf(g.unit, l.target)}</span><${QuotaProgress} value=${l.progress} /></div>`; })}
    </div>` : null}
    ${goals.map((g) => html`<${QuotaGoal} key=${g.goal} code=${code} goal=${g} me=${me} sellers=${sellers}
        canEdit=${can.manageGoals} onSaved=${board.reload} />`)}
    <${Assignments} code=${code} sellers=${sellers} canEdit=${can.manageGoals} />
  </section>`;
}

// One goal: its lines, and for managers the suggestion and the editor.
function QuotaGoal({ code, goal: g, me, sellers, canEdit, onSaved }) {
  const q = g.quotas;
  const [lines, setLines] = useState(null); // editing: [{person, target (typed)}]
  const [suggestion, setSuggestion] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const v = (x) => valueOf(g.unit, x);
  const edit = (from) => { setLines(from.map((l) => ({ person: l.person, target: typedOf(g.unit, l.target) }))); setError(null); setNotice(''); };
  const suggest = async () => {
    setError(null); setNotice('');
    try {
      const s = await api.get('/projects/' + enc(code) + '/quotas', { suggest: 1, goal: g.goal });
      setSuggestion(s);
      edit(s.lines);
    } catch (err) { setError(err); }
  };
  const parsed = (lines || []).map((l) => parseTarget(g.unit, l.target));
  const sum = parsed.reduce((a, x) => a + (x || 0), 0);
  const left = (g.target || 0) - sum;
  const save = async (e) => {
    e.preventDefault();
    const bad = parsed.findIndex((x) => x === null);
    if (bad >= 0) { setError({ field: 'target', message: t('quota.bad_target'), line: bad }); return; }
    setBusy(true); setError(null);
    try {
      const r = await api.put('/projects/' + enc(code) + '/quotas', {
        goal: g.goal, version: q.version, quotas: lines.map((l, i) => ({ person: l.person, target: parsed[i] })) });
      const saved = r.goals[0].quotas;
      setNotice(t('quota.saved', { version: saved.version }));
      setLines(null); setSuggestion(null);
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const set = (i, k) => (e) => setLines(lines.map((l, j) => (j === i ? { ...l, [k]: e.currentTarget.value } : l)));
  const labels = { quotas: t('field.quotas'), person: t('quota.person'), target: t('quota.target') };
  const taken = new Set((lines || []).map((l) => l.person));
  return html`<article class="card quota-goal" data-goal-id=${g.goal} data-metric=${g.metric}>
    <header class="goal-head"><div><h3>${g.name || tv('metric', g.metric)}</h3>
      <div class="goal-meta">${tv('metric', g.metric)} · ${t('quota.window', { start: date(g.start), due: date(g.due) })}${' · '}${t('quota.goal_target')} <strong class="quota-goal-target">${v(g.target)}</strong></div></div>
      ${canEdit && q.offered && !lines ? html`<div class="card-actions">
        <button class="btn btn-small quota-suggest" onClick=${suggest}>${t('quota.suggest')}</button>
        <button class="btn btn-small quota-edit" onClick=${() => edit(q.lines)}>${t('quota.edit')}</button></div>` : null}
    </header>
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice('')}>${notice}<//>` : null}
    ${!q.offered ? html`<p class="muted quota-not-offered">${t('quota.not_offered.' + q.why)}</p>` : null}
    ${q.lines.length && !q.balanced ? html`<${Banner} kind="info">${t('quota.unbalanced', { sum: v(q.sum), target: v(g.target) })}<//>` : null}
    ${!lines && q.lines.length ? html`<${QuotaTable} goal=${g} lines=${q.lines} me=${me} />`
      : !lines && q.offered ? html`<p class="muted quota-none">${t('quota.none')} ${canEdit ? t('quota.none_hint') : ''}</p>` : null}
    ${!lines && error ? html`<${ErrorBanner} error=${error} labels=${labels} onDismiss=${() => setError(null)} />` : null}
    ${suggestion && lines ? html`<${Formula} goal=${g} s=${suggestion} />` : null}
    ${lines ? html`<form class="quota-editor" onSubmit=${save} novalidate>
      ${error && error.line === undefined ? html`<${ErrorBanner} error=${error} labels=${labels} />` : null}
      <div class="table-wrap"><table class="table quota-edit-table"><thead><tr><th>${t('quota.person')}</th><th class="num">${t('quota.target')}</th>
        <th class="num">${t('quota.share')}</th><th></th></tr></thead>
      <tbody>${lines.map((l, i) => html`<tr key=${i} data-line=${i}>
        <td><select name="person" aria-label=${t('quota.person')} value=${l.person} onChange=${set(i, 'person')}>
          <option value="">${t('quota.pick')}</option>
          ${sellers.filter((m) => m.login === l.person || !taken.has(m.login)).map((m) => html`<option value=${m.login}>${m.name || m.login}</option>`)}
          ${l.person && !sellers.some((m) => m.login === l.person) ? html`<option value=${l.person}>${l.person}</option>` : null}
        </select></td>
        <td class="num"><input name="target" class=${'quota-input' + (error && error.line === i ? ' input-invalid' : '')} inputmode="decimal"
          aria-label=${t('quota.target')} value=${l.target} onInput=${set(i, 'target')} />
          ${error && error.line === i ? html`<span class="field-error">${error.message}</span>` : null}</td>
        <td class="num quota-line-share">${parsed[i] !== null && g.target > 0 ? pct(parsed[i] / g.target) : '—'}</td>
        <td class="row-actions"><button type="button" class="btn btn-small btn-danger-ghost quota-remove"
          onClick=${() => setLines(lines.filter((x, j) => j !== i))}>${t('quota.remove_line')}</button></td>
      </tr>`)}</tbody></table></div>
      <div class="quota-sum" id=${'quota-sum-' + g.goal} data-sum=${sum} data-left=${left}>
        <span>${t('quota.sum', { sum: v(sum), target: v(g.target) })}</span>
        <${Chip} kind=${left === 0 ? 'on_track' : 'at_risk'}>${left === 0 ? t('quota.exact')
          : left > 0 ? t('quota.left', { left: v(left) }) : t('quota.over', { over: v(-left) })}<//>
      </div>
      <div class="form-actions">
        <button type="button" class="btn quota-add" onClick=${() => setLines([...lines, { person: '', target: '' }])}>${t('quota.add_line')}</button>
        <button type="button" class="btn quota-cancel" onClick=${() => { setLines(null); setSuggestion(null); setError(null); }}>${t('quota.cancel')}</button>
        <button type="submit" class="btn btn-primary quota-save" disabled=${busy}>${t('quota.save')}</button>
      </div>
    </form>` : null}
  </article>`;
}

// The suggestion's formula in words, and each rep's inputs.
function Formula({ goal: g, s }) {
  const days = Math.round((Date.parse(s.basis_window.to) - Date.parse(s.basis_window.from)) / 864e5) + 1;
  const step = g.unit === 'money' && s.step === 100 ? t('quota.step_whole') : t('quota.step_one');
  const vars = { metric: tv('metric', g.metric).toLowerCase(), days, from: date(s.basis_window.from), to: date(s.basis_window.to), n: s.with_history, step };
  const basis = (x) => (g.unit === 'money' ? money(Math.round(x)) : num(Math.round(x * 100) / 100));
  return html`<details class="quota-formula" open>
    <summary>${t('quota.formula_title')}</summary>
    <p class="quota-formula-text">${s.with_history ? t('quota.formula', vars) : t('quota.formula_none', vars)}</p>
    <div class="table-wrap"><table class="table table-compact quota-inputs"><thead><tr><th>${t('quota.person')}</th>
      <th class="num">${t('quota.past')}</th><th class="num">${t('quota.basis')}</th><th class="num">${t('quota.capacity')}</th>
      <th class="num">${t('quota.weight')}</th><th class="num">${t('quota.suggested')}</th></tr></thead>
    <tbody>${s.lines.map((l) => html`<tr key=${l.person} data-person=${l.person}><td>${l.name || l.person}</td>
      <td class="num">${valueOf(g.unit, l.past)}</td>
      <td class="num">${basis(l.basis)}${l.history ? null : html` <span class="muted">${t('quota.average')}</span>`}</td>
      <td class="num">${pct(l.capacity)}</td><td class="num">${basis(l.weight)}</td>
      <td class="num quota-suggested">${valueOf(g.unit, l.target)}</td></tr>`)}</tbody></table></div>
  </details>`;
}

// The accounts and segments assigned to members.
function Assignments({ code, sellers, canEdit }) {
  const url = '/projects/' + enc(code) + '/assignments';
  const list = useLoad(() => api.get(url), [url]);
  const names = useNames(['segments']);
  const [form, setForm] = useState(null); // null, {} (new) or the record edited
  const [error, setError] = useState(null);
  const items = (list.data && list.data.assignments) || [];
  const remove = async (a) => {
    if (!confirmed(t('assign.confirm_delete', { person: a.person_name || a.person }))) return;
    try { await api.del(url + '/' + a.id, a.version); list.reload(); } catch (err) { setError(err); }
  };
  return html`<section class="assignments" id="assignments">
    <h2 class="section-title">${t('assign.title')} <span class="muted small">${t('assign.sub')}</span></h2>
    <${ErrorBanner} error=${list.error || error} onRetry=${list.reload} onDismiss=${error ? () => setError(null) : undefined} />
    ${canEdit ? html`<div class="card-actions"><button class="btn btn-primary" id="assign-new" onClick=${() => setForm({})}>${t('assign.new')}</button></div>` : null}
    ${list.loading && !list.data ? html`<${Skeleton} rows=${3} />` : items.length === 0 ? html`<${Empty} title=${t('assign.empty')} />`
      : html`<div class="table-wrap card"><table class="table" id="assign-list"><thead><tr><th>${t('assign.person')}</th>
        <th>${t('assign.kind')}</th><th>${t('assign.note')}</th>${canEdit ? html`<th></th>` : null}</tr></thead>
        <tbody>${items.map((a) => html`<tr key=${a.id} data-id=${a.id} data-person=${a.person}>
          <td>${a.person_name || a.person}</td>
          <td class="assign-target">${a.customer !== null ? html`${t('assign.kind.customer')}: ${a.customer_name}`
            : html`${t('assign.kind.segment')}: <${Named} names=${names} kind="segments" code=${a.segment} />`}</td>
          <td class="wrap">${a.note}</td>
          ${canEdit ? html`<td class="row-actions"><button class="btn btn-small assign-edit" onClick=${() => setForm(a)}>${t('action.edit')}</button>
            <button class="btn btn-small btn-danger-ghost assign-delete" onClick=${() => remove(a)}>${t('action.delete')}</button></td>` : null}
        </tr>`)}</tbody></table></div>`}
    ${form ? html`<${AssignmentForm} url=${url} rec=${form.id ? form : null} sellers=${sellers}
        onClose=${() => setForm(null)} onSaved=${() => { setForm(null); list.reload(); }} />` : null}
  </section>`;
}

function AssignmentForm({ url, rec, sellers, onClose, onSaved }) {
  const segments = useLoad(() => api.get('/segments'), []);
  const [f, setF] = useState(rec ? { person: rec.person, kind: rec.customer !== null ? 'customer' : 'segment',
    customer: rec.customer !== null ? String(rec.customer) : '', segment: rec.segment || '', note: rec.note || '' }
    : { person: '', kind: 'customer', customer: '', segment: '', note: '' });
  const [q, setQ] = useState('');
  const found = useLoad(() => (q.trim().length ? api.get('/customers', { q: q.trim(), limit: 20 }) : { customers: [] }), [q]);
  const [error, setError] = useState(null);
  const labels = { person: t('assign.person'), customer: t('assign.customer'), segment: t('assign.segment'), note: t('assign.note') };
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const options = (found.data && found.data.customers) || [];
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { person: f.person, note: f.note.trim(),
      customer: f.kind === 'customer' && f.customer ? Number(f.customer) : null,
      segment: f.kind === 'segment' && f.segment ? f.segment : null };
    try {
      if (rec) await api.patch(url + '/' + rec.id, { ...body, version: rec.version });
      else await api.post(url, body);
      onSaved();
    } catch (err) { setError(err); }
  };
  return html`<${Modal} title=${rec ? t('assign.edit') : t('assign.new')} onClose=${onClose}>
    <form id="assign-form" class="form-grid" onSubmit=${save} novalidate>
      ${errorIsAt(error, ['person', 'customer', 'segment', 'note']) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="person" label=${labels.person} error=${errorAt(error, 'person', labels)}>
        <select name="person" value=${f.person} onChange=${set('person')}><option value="">${t('quota.pick')}</option>
          ${sellers.map((m) => html`<option value=${m.login}>${m.name || m.login}</option>`)}</select><//>
      <${FormField} name="kind" label=${t('assign.kind')}>
        <select name="kind" value=${f.kind} onChange=${set('kind')}>
          <option value="customer">${t('assign.kind.customer')}</option><option value="segment">${t('assign.kind.segment')}</option></select><//>
      ${f.kind === 'customer' ? html`<${FormField} wide name="customer" label=${labels.customer} error=${errorAt(error, 'customer', labels)}>
          <input name="customer_search" placeholder=${t('assign.search')} value=${q} onInput=${(e) => setQ(e.currentTarget.value)} /><//>
        <${FormField} wide name="customer_pick" label=${t('assign.pick_customer')}>
          <select name="customer" value=${f.customer} onChange=${set('customer')}><option value="">${t('assign.pick_customer')}</option>
            ${rec && rec.customer !== null ? html`<option value=${String(rec.customer)}>${rec.customer_name}</option>` : null}
            ${options.filter((c) => !rec || c.id !== rec.customer).map((c) => html`<option value=${String(c.id)}>${c.name}</option>`)}</select><//>`
      : html`<${FormField} wide name="segment" label=${labels.segment} error=${errorAt(error, 'segment', labels)}>
          <select name="segment" value=${f.segment} onChange=${set('segment')}><option value="">${t('assign.pick_segment')}</option>
            ${((segments.data && segments.data.segments) || []).map((s) => html`<option value=${s.code}>${s.name}</option>`)}</select><//>`}
      <${FormField} wide name="note" label=${labels.note} error=${errorAt(error, 'note', labels)}>
        <input name="note" maxlength="800" value=${f.note} onInput=${set('note')} /><//>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary">${t('action.save')}</button></div>
    </form>
  <//>`;
}
