// goal-form.js - create or edit a goal. The draft is linted as the user types (debounced
// POST .../goals/lint) and each SMART letter's message is shown live beside the form.
import { useEffect, useState, useMemo } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { parseMoney, today, addDays, getCurrency, minorToDecimal } from '../format.js';
import { navigate } from '../app-context.js';
import { useLoad, useDebounced, ErrorBanner, Skeleton, Field, PageHead } from '../components/ui.js';
import { SmartChips } from '../components/smart.js';

export const METRICS = {
  revenue: 'money', gross_margin: 'money', units: 'count', deals_won: 'count',
  new_customers: 'count', retention_rate: 'ratio', avg_deal_size: 'money', custom: null,
};

// Input text -> wire value for a unit (money: minor units; ratio: [0,1] from percent; count: integer).
export function parseValue(unit, s) {
  const v = String(s ?? '').trim();
  if (v === '') return undefined;
  if (unit === 'money') return parseMoney(v);
  if (unit === 'ratio') {
    if (!/^\d+(\.\d+)?$/.test(v)) return null;
    return Number(v) / 100;
  }
  if (!/^-?\d+$/.test(v.replace(/,/g, ''))) return null;
  return Number(v.replace(/,/g, ''));
}
function showValue(unit, v) {
  if (v === null || v === undefined) return '';
  if (unit === 'money') return minorToDecimal(v) || '';
  if (unit === 'ratio') return String(Math.round(Number(v) * 1000) / 10);
  return String(v);
}

async function loadRefs(code, id) {
  const opt = (p) => api.get(p).catch(() => null);
  const [members, segments, channels, products, goals, project] = await Promise.all([
    opt('/projects/' + enc(code) + '/members'), opt('/segments'), opt('/channels'), opt('/products'),
    id ? api.get('/projects/' + enc(code) + '/goals') : Promise.resolve(null),
    opt('/projects/' + enc(code)),
  ]);
  const goal = id && goals ? (goals.goals || []).find((g) => String(g.id) === String(id)) : null;
  if (id && !goal) throw Object.assign(new Error(t('goal.not_found')), { status: 404 });
  return {
    members: (members && members.members) || [], segments: (segments && segments.segments) || [],
    channels: (channels && channels.channels) || [], products: (products && products.products) || [], goal,
    project: (project && project.project) || project,
  };
}

export function GoalForm({ code, id }) {
  const refs = useLoad(() => loadRefs(code, id), [code, id]);
  if (refs.loading) return html`<section><${PageHead} title=${id ? t('goal.edit') : t('goal.new')} /><${Skeleton} rows=${6} /></section>`;
  if (refs.error) return html`<section><${PageHead} title=${id ? t('goal.edit') : t('goal.new')} /><${ErrorBanner} error=${refs.error} onRetry=${refs.reload} /></section>`;
  return html`<${GoalEditor} code=${code} refs=${refs.data} />`;
}

// A new goal's window: from today (or the project's start) for 90 days, kept inside the project.
function defaultWindow(p) {
  let start = today(), due = addDays(today(), 90);
  if (p && p.start && start < p.start) start = p.start;
  if (p && p.end && start > p.end) start = p.start || start;
  due = addDays(start, 90);
  if (p && p.end && due > p.end) due = p.end;
  return { start, due };
}

function GoalEditor({ code, refs }) {
  const g = refs.goal;
  const [f, setF] = useState(() => g ? {
    name: g.name || '', metric: g.metric, unit: g.unit, target: showValue(g.unit, g.target),
    baseline: showValue(g.unit, g.baseline), start: g.start, due: g.due,
    segment: (g.scope && g.scope.segment) || '', channel: (g.scope && g.scope.channel) || '',
    product: (g.scope && g.scope.product) || '', rep: (g.scope && g.scope.rep) || '',
    owner: g.owner || '', rationale: g.rationale || '', objective: g.objective || '', checkin_rule: g.checkin_rule || '', reason: '',
  } : {
    name: '', metric: 'revenue', unit: 'money', target: '', baseline: '', ...defaultWindow(refs.project),
    segment: '', channel: '', product: '', rep: '', owner: '', rationale: '', objective: '', checkin_rule: '',
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [lint, setLint] = useState(g ? g.smart : null);
  const [linting, setLinting] = useState(false);
  const [lintError, setLintError] = useState(null);

  const unit = METRICS[f.metric] || f.unit || 'count';
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const target = parseValue(unit, f.target);
  const baseline = parseValue(unit, f.baseline);

  const draft = useMemo(() => {
    const scope = {};
    for (const k of ['segment', 'channel', 'product', 'rep']) if (f[k]) scope[k] = f[k];
    const d = { name: f.name, metric: f.metric, start: f.start, due: f.due, scope,
      rationale: f.rationale, objective: f.objective };
    if (f.metric === 'custom') d.unit = unit;
    if (target !== undefined && target !== null) d.target = target;
    if (baseline !== undefined && baseline !== null) d.baseline = baseline;
    if (f.owner) d.owner = f.owner;
    if (f.metric === 'custom') d.checkin_rule = f.checkin_rule;
    if (g && f.reason) d.reason = f.reason;
    return d;
  }, [f, unit, target, baseline]);

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

  const submit = async (e) => {
    e.preventDefault();
    if (target === null || target === undefined) { setError({ message: t('goal.bad_target'), field: 'target' }); return; }
    if (baseline === null) { setError({ message: t('goal.bad_baseline'), field: 'baseline' }); return; }
    setBusy(true); setError(null);
    try {
      if (g) await api.patch('/projects/' + enc(code) + '/goals/' + g.id, { ...draft, version: g.version });
      else await api.post('/projects/' + enc(code) + '/goals', draft);
      navigate('/p/' + enc(code));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const unitHint = unit === 'money' ? t('goal.hint_money', { currency: getCurrency() })
    : unit === 'ratio' ? t('goal.hint_ratio') : t('goal.hint_count');
  const opts = (list, key, label) => list.map((x) => html`<option value=${x[key]}>${x[key]}${x[label] ? ' · ' + x[label] : ''}</option>`);

  return html`<section>
    <${PageHead} title=${g ? t('goal.edit') : t('goal.new')} subtitle=${t('goal.form_subtitle')} />
    <div class="split">
      <form class="card form-grid" id="goal-form" onSubmit=${submit}>
        <${ErrorBanner} error=${error} />
        <${Field} wide label=${t('goal.name')} hint=${t('goal.name_hint')}>
          <input name="name" value=${f.name} onInput=${set('name')} /><//>
        <${Field} label=${t('goal.metric')}>
          <select name="metric" value=${f.metric} onChange=${set('metric')}>
            ${Object.keys(METRICS).map((m) => html`<option value=${m}>${tv('metric', m)}</option>`)}
          </select><//>
        ${f.metric === 'custom' ? html`<${Field} label=${t('goal.unit')}>
          <select name="unit" value=${f.unit} onChange=${set('unit')}>
            ${['money', 'count', 'ratio'].map((u) => html`<option value=${u}>${tv('unit', u)}</option>`)}
          </select><//>` : html`<${Field} label=${t('goal.unit')}><input disabled value=${tv('unit', unit)} /><//>`}
        <${Field} label=${t('goal.target')} hint=${unitHint} error=${target === null ? t('goal.bad_target') : ''}>
          <input name="target" inputmode="decimal" required value=${f.target} onInput=${set('target')} /><//>
        <${Field} label=${t('goal.baseline')} hint=${t('goal.baseline_hint')} error=${baseline === null ? t('goal.bad_baseline') : ''}>
          <input name="baseline" inputmode="decimal" value=${f.baseline} onInput=${set('baseline')} /><//>
        <${Field} label=${t('goal.start')}><input name="start" type="date" required value=${f.start} onInput=${set('start')} /><//>
        <${Field} label=${t('goal.due')}><input name="due" type="date" required value=${f.due} onInput=${set('due')} /><//>
        <fieldset class="field-wide fieldset">
          <legend>${t('goal.scope')}</legend>
          <div class="form-grid form-grid-4">
            <${Field} label=${t('goal.scope_segment')}><select name="segment" value=${f.segment} onChange=${set('segment')}>
              <option value="">${t('common.all')}</option>${opts(refs.segments, 'code', 'name')}</select><//>
            <${Field} label=${t('goal.scope_channel')}><select name="channel" value=${f.channel} onChange=${set('channel')}>
              <option value="">${t('common.all')}</option>${opts(refs.channels, 'code', 'name')}</select><//>
            <${Field} label=${t('goal.scope_product')}><select name="product" value=${f.product} onChange=${set('product')}>
              <option value="">${t('common.all')}</option>${opts(refs.products, 'sku', 'name')}</select><//>
            <${Field} label=${t('goal.scope_rep')}><select name="rep" value=${f.rep} onChange=${set('rep')}>
              <option value="">${t('common.all')}</option>${opts(refs.members, 'login', 'name')}</select><//>
          </div>
        </fieldset>
        <${Field} label=${t('goal.owner')}><select name="owner" value=${f.owner} onChange=${set('owner')}>
          <option value="">${t('common.none')}</option>${opts(refs.members, 'login', 'name')}</select><//>
        <${Field} label=${t('goal.objective')} hint=${t('goal.objective_hint')}>
          <input name="objective" value=${f.objective} onInput=${set('objective')} /><//>
        <${Field} wide label=${t('goal.rationale')} hint=${t('goal.rationale_hint')}>
          <textarea name="rationale" rows="3" value=${f.rationale} onInput=${set('rationale')}></textarea><//>
        ${f.metric === 'custom' ? html`<${Field} wide label=${t('goal.checkin_rule')} hint=${t('goal.checkin_hint')}>
          <input name="checkin_rule" value=${f.checkin_rule} onInput=${set('checkin_rule')} /><//>` : null}
        ${g ? html`<${Field} wide label=${t('goal.reason')} hint=${t('goal.reason_hint')}>
          <input name="reason" value=${f.reason} onInput=${set('reason')} /><//>` : null}
        <div class="form-actions">
          <a class="btn" href=${'#/p/' + enc(code)}>${t('action.cancel')}</a>
          <button type="submit" class="btn btn-primary" disabled=${busy}>${g ? t('action.save') : t('goal.create')}</button>
        </div>
      </form>
      <aside class="card lint-panel" id="lint-panel" aria-live="polite">
        <div class="lint-head"><h3>${t('goal.lint_title')}</h3>
          <span class=${'lint-state' + (linting ? ' busy' : '')}>${linting ? t('goal.linting') : t('goal.lint_live')}</span></div>
        <p class="muted small">${t('goal.lint_hint')}</p>
        ${lintError ? html`<${ErrorBanner} error=${lintError} />` : null}
        ${lint ? html`<${SmartChips} smart=${lint} live />` : html`<${Skeleton} rows=${5} />`}
      </aside>
    </div>
  </section>`;
}
