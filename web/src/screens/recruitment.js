// recruitment.js - the recruitment board (managers and admins): one column per stage
// (applied, screening, interview, offer, hired, rejected) with a card per candidate - name,
// position, rating, days in their stage - filterable by position. Each card carries the moves
// the server allows from its stage (POST /candidates/{id}/stage): the next stage and reject;
// reopen for a rejected one; none for a hire. Hiring opens a dialog that asks the new user's
// login, name, email and role, and shows what the hire made (the user, the project joined,
// the position filled). The candidates and interviews themselves are edited on their generic
// screens (Candidates, Interviews).
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { date, dayMs, today } from '../format.js';
import { useApp } from '../app-context.js';
import { wsAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Banner, Modal, Empty } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import '../styles/forms.css';

export const STAGES = ['applied', 'screening', 'interview', 'offer', 'hired', 'rejected'];
const NEXT = { applied: 'screening', screening: 'interview', interview: 'offer', offer: 'hired' };
const stageLabel = (s) => t('ent.candidate.stage.' + s);

// The moves a card offers, as the server's rules allow them.
function movesOf(c) {
  if (c.stage === 'hired') return [];
  if (c.stage === 'rejected') return [{ to: 'applied', label: t('recruit.reopen') }];
  const next = NEXT[c.stage];
  return [{ to: next, label: next === 'hired' ? t('recruit.hire') : t('recruit.to', { stage: stageLabel(next) }), primary: true },
    { to: 'rejected', label: t('recruit.reject'), danger: true }];
}

// Whole days from a date "YYYY-MM-DD" to today on the workspace's calendar.
const daysSince = (s) => Math.max(0, Math.round((dayMs(today()) - dayMs(s)) / 86400000));

function Card({ c, onMove }) {
  const final = c.stage === 'hired' || c.stage === 'rejected';
  return html`<li class="recruit-card card" data-id=${c.id} data-stage=${c.stage}>
    <div class="recruit-card-name">${c.name}</div>
    <div class="muted recruit-card-position">${c.position_title}</div>
    <div class="recruit-card-facts">
      <span class="recruit-rating" data-rating=${c.rating ?? ''}>${c.rating === null || c.rating === undefined
        ? t('recruit.no_rating') : html`<span aria-hidden="true">${'★'.repeat(c.rating)}${'☆'.repeat(5 - c.rating)}</span>
          <span class="sr-only">${t('recruit.rating', { n: c.rating })}</span>`}</span>
      <span class="muted">${t('recruit.interviews', { n: c.interviews })}</span>
      <span class="muted recruit-days">${final || c.stage === 'applied'
        ? t('recruit.applied', { date: date(c.applied) }) : t('recruit.days', { n: daysSince(c.stage_since) })}</span>
      ${c.login ? html`<span class="code recruit-login">${c.login}</span>` : null}
    </div>
    ${movesOf(c).length ? html`<div class="recruit-card-moves">${movesOf(c).map((m) => html`<button type="button"
        class=${'btn btn-small' + (m.primary ? ' btn-primary' : '') + (m.danger ? ' btn-danger-ghost' : '')}
        name="move" data-to=${m.to} aria-label=${t('recruit.move_to', { name: c.name, stage: stageLabel(m.to) })}
        onClick=${() => onMove(c, m.to)}>${m.label}</button>`)}</div>` : null}
  </li>`;
}

// The hire: the new user's login (a suggestion from the email), name, email and role.
function HireDialog({ c, project, admin, onClose, onHired }) {
  const [form, setForm] = useState({ login: (c.email || '').split('@')[0].toLowerCase().replace(/[^a-z0-9_.-]/g, ''),
    name: c.name, email: c.email || '', role: 'rep' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const labels = { login: t('recruit.login'), name: t('recruit.name'), email: t('recruit.email'), role: t('recruit.role') };
  const roles = admin ? ['rep', 'viewer', 'manager', 'admin'] : ['rep', 'viewer'];
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api.post('/candidates/' + enc(c.id) + '/stage', {
        stage: 'hired', version: c.version, login: form.login.trim(), name: form.name.trim(),
        email: form.email.trim(), role: form.role });
      onHired(r);
    } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`<${Modal} title=${t('recruit.hire_title', { name: c.name })} onClose=${onClose}>
    <form id="hire-form" onSubmit=${save} novalidate>
      <p>${t('recruit.hire_intro', { project: project ? t('recruit.hire_project', { project }) : '' })}</p>
      ${errorIsAt(error, Object.keys(labels)) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="login" label=${labels.login} hint=${t('recruit.login_hint')} error=${errorAt(error, 'login', labels)}>
        <input name="login" value=${form.login} autocomplete="off" onInput=${set('login')} /><//>
      <${FormField} name="name" label=${labels.name} error=${errorAt(error, 'name', labels)}>
        <input name="name" value=${form.name} onInput=${set('name')} /><//>
      <${FormField} name="email" label=${labels.email} error=${errorAt(error, 'email', labels)}>
        <input name="email" type="email" value=${form.email} onInput=${set('email')} /><//>
      <${FormField} name="role" label=${labels.role} error=${errorAt(error, 'role', labels)}>
        <select name="role" value=${form.role} onChange=${set('role')}>
          ${roles.map((r) => html`<option value=${r}>${tv('role', r)}</option>`)}</select><//>
      <p class="muted">${t('recruit.password_note')}</p>
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('recruit.hire')}</button></div>
    </form>
  <//>`;
}

export function Recruitment() {
  const app = useApp();
  const [position, setPosition] = useState('');
  // candidates are for managers and admins only (the server refuses others): nothing to load
  const may = wsAtLeast(app.me, 'manager');
  const positions = useLoad(() => (may ? api.get('/positions') : Promise.resolve(null)), []);
  const list = useLoad(() => (may ? api.get('/candidates' + (position ? '?position=' + enc(position) : ''))
    : Promise.resolve(null)), [position]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [hiring, setHiring] = useState(null);
  const all = (positions.data && positions.data.positions) || [];
  const candidates = (list.data && list.data.candidates) || [];
  const admin = wsAtLeast(app.me, 'admin');

  const move = async (c, to) => {
    setError(null); setNotice(null);
    if (to === 'hired') { setHiring(c); return; }
    try {
      await api.post('/candidates/' + enc(c.id) + '/stage', { stage: to, version: c.version });
      setNotice([t('recruit.moved', { name: c.name, stage: stageLabel(to) })]);
    } catch (err) { setError(err); }
    list.reload();
  };
  const hired = (r) => {
    setHiring(null);
    setNotice([t('recruit.hired', { name: r.candidate.name, login: r.user.login, role: tv('role', r.user.role) }),
      r.project ? t('recruit.joined', { project: r.project }) : null, r.filled ? t('recruit.filled') : null].filter(Boolean));
    list.reload();
    positions.reload();
  };
  const projectOf = (c) => { const p = all.find((x) => x.id === c.position); return p ? p.project : null; };
  if (!may) return html`<${Empty} title=${t('err.forbidden')} />`;

  return html`<section class="recruitment">
    <${PageHead} title=${t('recruit.title')} subtitle=${t('recruit.sub')}
      actions=${html`<a class="btn" id="recruit-candidates" href="#/candidates">${t('recruit.new_candidate')}</a>`} />
    <div class="card inline-form recruit-filter">
      <${FormField} name="position" label=${t('recruit.position')}>
        <select name="position" id="recruit-position" value=${position} onChange=${(e) => setPosition(e.currentTarget.value)}>
          <option value="">${t('recruit.all_positions')}</option>
          ${all.map((p) => html`<option value=${String(p.id)}>${p.title} (${t('ent.position.status.' + p.status)})</option>`)}
        </select><//>
    </div>
    <${ErrorBanner} error=${list.error} onRetry=${list.reload} />
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} labels=${{ stage: t('ent.candidate.stage') }} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}>
      <span id="recruit-notice">${notice.join(' ')}</span><//>` : null}
    ${list.loading && !list.data ? html`<div class="card"><${Skeleton} rows=${4} /></div>`
      : html`<div class="recruit-board" id="recruit-board">${STAGES.map((s) => {
        const cs = candidates.filter((c) => c.stage === s);
        return html`<section class="recruit-column" data-stage=${s} aria-label=${stageLabel(s)}>
          <h2 class="recruit-column-head">${stageLabel(s)} <span class="muted recruit-count">${cs.length}</span></h2>
          <ul class="recruit-cards">${cs.length ? cs.map((c) => html`<${Card} key=${c.id} c=${c} onMove=${move} />`)
            : html`<li class="muted recruit-empty">${t('recruit.empty_column')}</li>`}</ul>
        </section>`;
      })}</div>`}
    ${hiring ? html`<${HireDialog} c=${hiring} project=${projectOf(hiring)} admin=${admin}
      onClose=${() => setHiring(null)} onHired=${hired} />` : null}
  </section>`;
}
