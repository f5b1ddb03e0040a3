// goal-form.js - create or edit a goal. The draft is linted as the user types (debounced
// POST .../goals/lint) and each SMART letter's message is shown live beside the form.
// Ratios (gross margin, retention) are typed as percents: 45 means 45%. Saving a goal whose
// letters fail asks first, naming them; the goal keeps its warning on its card.
import { useEffect, useState, useMemo } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv, getLang } from '../i18n/index.js';
import { parseMoney, today, addDays, getCurrency, minorToDecimal } from '../format.js';
import { navigate, useApp } from '../app-context.js';
import { useLoad, useDebounced, ErrorBanner, Skeleton, PageHead, Empty, Modal } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { SmartChips, LETTERS, smartMessage } from '../components/smart.js';
import { permissions, projectRole, isClosed } from '../components/access.js';
import { optionLabel } from '../components/names.js';
import '../styles/forms.css';

// Each metric's unit, from the server's one table (GET /goal-metrics, metric_defs[] in
// src/core/goal.c): {revenue: 'money', gross_margin: 'ratio', ...} in the server's order.
export function metricUnits(list) {
  return Object.fromEntries(((list && list.metrics) || []).map((m) => [m.name, m.unit]));
}

// Input text -> wire value for a unit (money: minor units; ratio: [0,1] from a percent
// "45" or "45%"; count: integer). undefined when empty, null when not valid.
export function parseValue(unit, s) {
  const v = String(s ?? '').trim();
  if (v === '') return undefined;
  if (unit === 'money') {
    const m = parseMoney(v);
    return m === null || m < 0 ? null : m;
  }
  if (unit === 'ratio') {
    const m = /^(\d+(?:\.\d{1,2})?)\s*%?$/.exec(v);
    if (!m || Number(m[1]) > 100) return null;
    return Math.round(Number(m[1]) * 100) / 10000; // basis points, as the server keeps them
  }
  const c = v.replace(/,/g, '');
  if (!/^\d+$/.test(c)) return null;
  return Number(c);
}

// Wire value -> input text: a ratio of 0.4362 is "43.62" (percent, to the basis point).
export function showValue(unit, v) {
  if (v === null || v === undefined) return '';
  if (unit === 'money') return minorToDecimal(v) || '';
  if (unit === 'ratio') return String(Math.round(Number(v) * 10000) / 100);
  return String(v);
}

// "R 与 T" / "R and T": the failing letters named as a reader would.
export function letterList(letters) {
  if (letters.length <= 1) return letters.join('');
  const sep = getLang() === 'zh-CN' ? '、' : ', ';
  return letters.slice(0, -1).join(sep) + t('goal.letters_and') + letters[letters.length - 1];
}

async function loadRefs(code, id) {
  const opt = (p) => api.get(p).catch(() => null);
  const [members, segments, channels, products, goals, project, metrics] = await Promise.all([
    opt('/projects/' + enc(code) + '/members'), opt('/segments'), opt('/channels'), opt('/products'),
    id ? api.get('/projects/' + enc(code) + '/goals') : Promise.resolve(null),
    opt('/projects/' + enc(code)), api.get('/goal-metrics'),
  ]);
  const goal = id && goals ? (goals.goals || []).find((g) => String(g.id) === String(id)) : null;
  if (id && !goal) throw Object.assign(new Error(t('goal.not_found')), { status: 404 });
  return {
    members: (members && members.members) || [], segments: (segments && segments.segments) || [],
    channels: (channels && channels.channels) || [], products: (products && products.products) || [], goal,
    project: (project && project.project) || project, units: metricUnits(metrics),
  };
}

export function GoalForm({ code, id }) {
  const app = useApp();
  const refs = useLoad(() => loadRefs(code, id), [code, id]);
  const title = id ? t('goal.edit') : t('goal.new');
  if (refs.loading) return html`<section><${PageHead} title=${title} /><${Skeleton} rows=${6} /></section>`;
  if (refs.error) return html`<section><${PageHead} title=${title} /><${ErrorBanner} error=${refs.error} onRetry=${refs.reload} /></section>`;
  if (!permissions(app.me, projectRole(app.me, refs.data.members), isClosed(refs.data.project)).manageGoals) {
    return html`<section><${PageHead} title=${title} />
      <${Empty} title=${t('access.goals_denied')} hint=${t('access.goals_denied_hint')}
        action=${html`<a class="btn" href=${'#/p/' + enc(code)}>${t('action.back')}</a>`} /></section>`;
  }
  return html`<${GoalEditor} code=${code} refs=${refs.data} />`;
}

// A new goal's window: from today (or the project's start) for 90 days, kept inside the project.
function defaultWindow(p) {
  let start = today();
  if (p && p.start && start < p.start) start = p.start;
  if (p && p.end && start > p.end) start = p.start || start;
  let due = addDays(start, 90);
  if (p && p.end && due > p.end) due = p.end;
  return { start, due };
}

const FIELDS = ['name', 'metric', 'custom_unit', 'target', 'baseline', 'start', 'due', 'scope', 'segment', 'channel',
  'product', 'rep', 'owner', 'objective', 'rationale', 'checkin_rule', 'reason'];

function GoalEditor({ code, refs }) {
  const g = refs.goal;
  const units = refs.units;
  const [f, setF] = useState(() => g ? {
    name: g.name || '', metric: g.metric, target: showValue(units[g.metric], g.target),
    baseline: showValue(units[g.metric], g.baseline), start: g.start, due: g.due,
    segment: (g.scope && g.scope.segment) || '', channel: (g.scope && g.scope.channel) || '',
    product: (g.scope && g.scope.product) || '', rep: (g.scope && g.scope.rep) || '',
    owner: g.owner || '', rationale: g.rationale || '', objective: g.objective || '', checkin_rule: g.checkin_rule || '',
    custom_unit: g.custom_unit || '', reason: '',
  } : {
    name: '', metric: 'revenue', target: '', baseline: '', ...defaultWindow(refs.project),
    segment: '', channel: '', product: '', rep: '', owner: '', rationale: '', objective: '', checkin_rule: '', custom_unit: '',
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [lint, setLint] = useState(g ? g.smart : null);
  const [linting, setLinting] = useState(false);
  const [lintError, setLintError] = useState(null);
  const [confirm, setConfirm] = useState(null); // failing letters awaiting "save anyway"

  const unit = units[f.metric] || 'count';
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    // a metric of another unit reads the typed values anew: clear them rather than misread
    if (k === 'metric' && units[v] !== unit) setF({ ...f, metric: v, target: '', baseline: '' });
    else setF({ ...f, [k]: v });
  };
  const target = parseValue(unit, f.target);
  const baseline = parseValue(unit, f.baseline);

  // What lint and save share; the revision reason is sent only when saving an edit.
  const draft = useMemo(() => {
    const scope = {};
    for (const k of ['segment', 'channel', 'product', 'rep']) if (f[k]) scope[k] = f[k];
    const d = { name: f.name, metric: f.metric, start: f.start, due: f.due, scope,
      rationale: f.rationale, objective: f.objective };
    if (target !== undefined && target !== null) d.target = target;
    if (baseline !== undefined && baseline !== null) d.baseline = baseline;
    else if (g && baseline === undefined && g.baseline !== null) d.baseline = null; // emptied: computed again
    d.owner = f.owner || null;
    if (f.metric === 'custom') { d.checkin_rule = f.checkin_rule; d.custom_unit = f.custom_unit.trim(); }
    return d;
  }, [f, target, baseline]);

  const debounced = useDebounced(JSON.stringify(draft), 350);
  useEffect(() => {
    let live = true;
    setLinting(true);
    api.post('/projects/' + enc(code) + '/goals/lint', JSON.parse(debounced))
      .then((r) => { if (live) { setLint(r.smart || r); setLintError(null); } })
      .catch((e) => { if (live) setLintError(e); })
      .finally(() => { if (live) setLinting(false); });
    return () => { live = false; };
  }, [debounced]);

  const save = async () => {
    setConfirm(null);
    setBusy(true); setError(null);
    try {
      if (g) {
        const body = { ...draft, version: g.version };
        if (f.reason.trim()) body.reason = f.reason.trim();
        await api.patch('/projects/' + enc(code) + '/goals/' + g.id, body);
      } else await api.post('/projects/' + enc(code) + '/goals', draft);
      navigate('/p/' + enc(code));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const submit = async (e) => {
    e.preventDefault();
    if (target === null || target === undefined || baseline === null) {
      setError({ message: t('goal.fix_fields'), field: target === null || target === undefined ? 'target' : 'baseline' });
      return;
    }
    // One rule: a goal with failing letters may be saved, after the user says so. The lint is
    // asked again for exactly what will be saved (the panel may be a keystroke behind).
    setBusy(true); setError(null);
    let smart = lint;
    try {
      const r = await api.post('/projects/' + enc(code) + '/goals/lint', draft);
      smart = r.smart || r; setLint(smart);
    } catch (err) { setBusy(false); setError(err); return; }
    setBusy(false);
    const failing = LETTERS.filter((l) => smart && smart[l] && !smart[l].ok);
    if (failing.length) setConfirm({ letters: failing, smart });
    else save();
  };

  const labels = { name: t('goal.name'), metric: t('goal.metric'), custom_unit: t('goal.custom_unit'), target: t('goal.target'),
    baseline: t('goal.baseline'), start: t('goal.start'), due: t('goal.due'), owner: t('goal.owner'), objective: t('goal.objective'),
    rationale: t('goal.rationale'), checkin_rule: t('goal.checkin_rule'), reason: t('goal.reason'), scope: t('goal.scope_'),
    segment: t('goal.scope_segment'), channel: t('goal.scope_channel'), product: t('goal.scope_product'), rep: t('goal.scope_rep') };
  const at = (k) => errorAt(error, k, labels);
  const unitHint = unit === 'money' ? t('goal.hint_money2', { currency: getCurrency() })
    : unit === 'ratio' ? t('goal.hint_percent') : f.metric === 'custom' && f.custom_unit.trim()
      ? t('goal.hint_count_unit', { unit: f.custom_unit.trim() }) : t('goal.hint_count');
  const placeholder = unit === 'money' ? '500000.00' : unit === 'ratio' ? '45' : '100';
  const opts = (list, key) => list.map((x) => html`<option value=${x[key]}>${optionLabel(x.name, x[key])}</option>`);
  const people = refs.members.filter((m) => m.role !== 'viewer');

  return html`<section>
    <${PageHead} title=${g ? t('goal.edit') : t('goal.new')} subtitle=${t('goal.form_subtitle')} />
    <div class="split">
      <form class="card form-grid" id="goal-form" onSubmit=${submit} novalidate>
        ${errorIsAt(error, FIELDS) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
        <${FormField} wide name="name" label=${labels.name} hint=${t('goal.name_hint')} error=${at('name')}>
          <input name="name" value=${f.name} onInput=${set('name')} /><//>
        <${FormField} name="metric" label=${labels.metric} error=${at('metric')}>
          <select name="metric" value=${f.metric} onChange=${set('metric')}>
            ${Object.keys(units).map((m) => html`<option value=${m}>${tv('metric', m)}</option>`)}
          </select><//>
        ${f.metric === 'custom' ? html`<${FormField} name="custom_unit" label=${labels.custom_unit} hint=${t('goal.custom_unit_hint')} error=${at('custom_unit')}>
            <input name="custom_unit" maxlength="63" value=${f.custom_unit} onInput=${set('custom_unit')} /><//>`
          : html`<${FormField} name="unit" label=${t('goal.unit')}><input name="unit" disabled value=${tv('unit', unit)} /><//>`}
        <${FormField} name="target" label=${labels.target} hint=${unitHint}
            error=${target === null ? t('goal.bad_' + unit) : at('target')}>
          <input name="target" inputmode="decimal" placeholder=${placeholder} value=${f.target} onInput=${set('target')} /><//>
        <${FormField} name="baseline" label=${labels.baseline} hint=${t('goal.baseline_hint')}
            error=${baseline === null ? t('goal.bad_' + unit) : at('baseline')}>
          <input name="baseline" inputmode="decimal" value=${f.baseline} onInput=${set('baseline')} /><//>
        ${unit === 'ratio' ? html`<p class="field-wide muted small percent-note">${t('goal.percent_note')}</p>` : null}
        <${FormField} name="start" label=${labels.start} error=${at('start')}><input name="start" type="date" value=${f.start} onInput=${set('start')} /><//>
        <${FormField} name="due" label=${labels.due} error=${at('due')}><input name="due" type="date" value=${f.due} onInput=${set('due')} /><//>
        <fieldset class="field-wide fieldset">
          <legend>${t('goal.scope')}</legend>
          ${at('scope') ? html`<span class="field-error" role="alert">${at('scope')}</span>` : null}
          <div class="form-grid form-grid-4">
            <${FormField} name="segment" label=${labels.segment} error=${at('segment')}><select name="segment" value=${f.segment} onChange=${set('segment')}>
              <option value="">${t('common.all')}</option>${opts(refs.segments, 'code')}</select><//>
            <${FormField} name="channel" label=${labels.channel} error=${at('channel')}><select name="channel" value=${f.channel} onChange=${set('channel')}>
              <option value="">${t('common.all')}</option>${opts(refs.channels, 'code')}</select><//>
            <${FormField} name="product" label=${labels.product} error=${at('product')}><select name="product" value=${f.product} onChange=${set('product')}>
              <option value="">${t('common.all')}</option>${opts(refs.products, 'sku')}</select><//>
            <${FormField} name="rep" label=${labels.rep} error=${at('rep')}><select name="rep" value=${f.rep} onChange=${set('rep')}>
              <option value="">${t('common.all')}</option>${opts(people, 'login')}</select><//>
          </div>
        </fieldset>
        <${FormField} name="owner" label=${labels.owner} error=${at('owner')}><select name="owner" value=${f.owner} onChange=${set('owner')}>
          <option value="">${t('common.none')}</option>${opts(people, 'login')}</select><//>
        <${FormField} name="objective" label=${labels.objective} hint=${t('goal.objective_hint')} error=${at('objective')}>
          <input name="objective" value=${f.objective} onInput=${set('objective')} /><//>
        <${FormField} wide name="rationale" label=${labels.rationale} hint=${t('goal.rationale_hint')} error=${at('rationale')}>
          <textarea name="rationale" rows="3" value=${f.rationale} onInput=${set('rationale')}></textarea><//>
        ${f.metric === 'custom' ? html`<${FormField} wide name="checkin_rule" label=${labels.checkin_rule} hint=${t('goal.checkin_hint')} error=${at('checkin_rule')}>
          <input name="checkin_rule" value=${f.checkin_rule} onInput=${set('checkin_rule')} /><//>` : null}
        ${g ? html`<${FormField} wide name="reason" label=${labels.reason} hint=${t('goal.reason_hint')} error=${at('reason')}>
          <input name="reason" value=${f.reason} onInput=${set('reason')} /><//>` : null}
        <div class="form-actions">
          <a class="btn" href=${'#/p/' + enc(code)}>${t('action.cancel')}</a>
          <button type="submit" class="btn btn-primary" disabled=${busy}>${g ? t('action.save') : t('goal.create')}</button>
        </div>
      </form>
      <aside class="card lint-panel" id="lint-panel" aria-live="polite">
        <div class="lint-head"><h3>${t('goal.lint_title')}</h3>
          <span class=${'lint-state' + (linting ? ' busy' : '')}>${linting ? t('goal.linting') : t('goal.lint_live')}</span></div>
        <p class="muted small">${t('goal.lint_rule')}</p>
        ${lintError ? html`<${ErrorBanner} error=${lintError} />` : null}
        ${lint ? html`<${SmartChips} smart=${lint} live />` : html`<${Skeleton} rows=${5} />`}
      </aside>
    </div>
    ${confirm ? html`<${Modal} title=${t('goal.confirm_title')} onClose=${() => setConfirm(null)}>
      <div id="goal-confirm">
        <p class="confirm-text">${t('goal.confirm_failing', { letters: letterList(confirm.letters) })}</p>
        <ul class="smart-list">${confirm.letters.map((l) => html`<li class="bad" data-letter=${l}><span class="smart-letter">${l}</span>
          <span class="smart-name">${t('smart.' + l)}</span><span class="smart-msg">${smartMessage(confirm.smart[l])}</span></li>`)}</ul>
        <div class="form-actions">
          <button type="button" class="btn" id="goal-confirm-back" onClick=${() => setConfirm(null)}>${t('goal.confirm_back')}</button>
          <button type="button" class="btn btn-primary" id="goal-confirm-save" onClick=${save}>${t('goal.confirm_save')}</button>
        </div>
      </div>
    <//>` : null}
  </section>`;
}
