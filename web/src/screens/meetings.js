// meetings.js - a project's meetings (/p/:code/meetings; core/meeting.c, api/meeting.c): the
// upcoming ones (soonest first) and the past ones (latest first) as cards; a meeting opened
// shows its agenda, minutes, decisions, attendees and action items, each item with the task it
// became (a link to the plan) or, for those who may change the meeting, a button that makes it a
// task; "Make tasks" turns every item not yet a task into one in one request (POST
// .../meetings/{id}/tasks). The form creates and edits a meeting with its attendees picked from
// the project's members and its action items as rows added and removed; items that became tasks
// are shown, not edited. Managers change every meeting, a member the ones they organise; the
// server judges every write and its refusals are said under the field they name.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { date, today } from '../format.js';
import { useApp, currentQuery } from '../app-context.js';
import { useProjectAccess, wsAtLeast, projectAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Banner, Chip, Skeleton, PageHead, Modal, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';
import { Comments } from '../components/comments.js';
import '../styles/forms.css';
import '../styles/meetings.css';

const FIELDS = ['title', 'date', 'start', 'end', 'duration', 'location', 'organizer', 'agenda', 'minutes', 'decisions'];
const labels = () => ({
  ...Object.fromEntries(FIELDS.map((f) => [f, t('ent.meeting.' + f)])),
  attendees: t('meeting.attendees'), action_items: t('meeting.action_items'), items: t('meeting.action_items'),
});

const nameOf = (members, login) => {
  const m = members.find((x) => x.login === login);
  return m ? m.name || m.login : login;
};

// One meeting as a card of the list.
function Card({ m, onOpen }) {
  const made = m.action_items.filter((i) => i.task !== null).length;
  return html`<li class="meeting-card card" data-id=${m.id}>
    <button type="button" class="meeting-open" name="open" aria-label=${t('meeting.open', { title: m.title })}
      onClick=${() => onOpen(m.id)}>${m.title}</button>
    <div class="muted">${date(m.date)} · ${t('meeting.time_range', { start: m.start, end: m.end })}
      ${m.location ? html` · ${m.location}` : null}</div>
    <div class="meeting-chips"><${Chip}>${m.organizer_name || m.organizer}<//>
      ${m.action_items.length ? html` <${Chip}>${t('meeting.items_count', { n: m.action_items.length })}<//>` : null}
      ${made ? html` <${Chip} kind="on_track">${t('meeting.tasks_count', { n: made })}<//>` : null}</div>
  </li>`;
}

// A text block kept as typed (line breaks shown, nothing read as HTML).
const Block = ({ id, label, text }) => html`<section class="meeting-block" id=${id}>
  <h3>${label}</h3>${text ? html`<p class="meeting-text">${text}</p>` : html`<p class="muted">—</p>`}</section>`;

function Detail({ code, m, mayEdit, onEdit, onDelete, onMake, onClose }) {
  const open = m.action_items.filter((i) => i.task === null);
  return html`<article class="card meeting-detail" id="meeting-detail" data-id=${m.id}>
    <div class="meeting-detail-head">
      <div><h2>${m.title}</h2>
        <p class="muted">${date(m.date)} · ${t('meeting.time_range', { start: m.start, end: m.end })}
          ${m.location ? html` · ${m.location}` : null} · ${m.organizer_name || m.organizer}</p></div>
      <div class="page-actions">
        <button type="button" class="btn btn-small" id="meeting-close" onClick=${onClose}>${t('meeting.close')}</button>
        ${mayEdit ? html`<button type="button" class="btn btn-small" id="meeting-edit" onClick=${onEdit}>${t('action.edit')}</button>
          <button type="button" class="btn btn-small btn-danger-ghost" id="meeting-delete" onClick=${onDelete}>${t('action.delete')}</button>` : null}
      </div>
    </div>
    <section class="meeting-block" id="meeting-attendees"><h3>${t('meeting.attendees')}</h3>
      ${m.attendees.length ? html`<ul class="meeting-people">${m.attendees.map((a) => html`<li key=${a.login} data-login=${a.login}>${a.name || a.login}</li>`)}</ul>`
        : html`<p class="muted">${t('meeting.no_attendees')}</p>`}</section>
    <${Block} id="meeting-agenda" label=${t('ent.meeting.agenda')} text=${m.agenda} />
    <${Block} id="meeting-minutes" label=${t('ent.meeting.minutes')} text=${m.minutes} />
    <${Block} id="meeting-decisions" label=${t('ent.meeting.decisions')} text=${m.decisions} />
    <section class="meeting-block" id="meeting-items"><div class="meeting-items-head"><h3>${t('meeting.action_items')}</h3>
      ${mayEdit && open.length ? html`<button type="button" class="btn btn-primary btn-small" id="make-tasks"
        onClick=${() => onMake([])}>${t('meeting.make_tasks')}</button>` : null}</div>
      ${m.action_items.length ? html`<div class="table-wrap"><table class="meeting-items-table">
        <thead><tr><th scope="col">${t('meeting.item_text')}</th><th scope="col">${t('meeting.item_assignee')}</th>
          <th scope="col">${t('meeting.item_due')}</th><th scope="col">${t('meeting.item_task')}</th></tr></thead>
        <tbody>${m.action_items.map((i) => html`<tr key=${i.id} data-item=${i.id}>
          <td>${i.text}</td><td>${i.assignee_name || i.assignee}</td><td>${date(i.due)}</td>
          <td>${i.task !== null ? html`<a class="task-link" data-task=${i.task} href=${'#/p/' + enc(code) + '/tasks'}>${t('meeting.task_link', { id: i.task })}</a>`
            : mayEdit ? html`<button type="button" class="btn btn-small" name="make-task" aria-label=${t('meeting.make_task', { text: i.text })}
              onClick=${() => onMake([i.id])}>${t('meeting.make_one')}</button>` : html`<span class="muted">${t('meeting.not_yet')}</span>`}</td>
        </tr>`)}</tbody></table></div>` : html`<p class="muted">${t('meeting.no_items')}</p>`}
    </section>
    <section class="meeting-block" id="meeting-comments"><${Comments} on=${'meeting:' + m.id} /></section>
  </article>`;
}

const emptyItem = (login) => ({ id: null, text: '', assignee: login, due: '', task: null });

function MeetingForm({ code, rec, members, me, manage, onSaved, onClose }) {
  const login = me.user.login;
  const isMember = members.some((x) => x.login === login);
  const [form, setForm] = useState(() => (rec ? {
    title: rec.title, date: rec.date, start: rec.start, end: rec.end, location: rec.location, organizer: rec.organizer,
    agenda: rec.agenda, minutes: rec.minutes, decisions: rec.decisions,
    attendees: rec.attendees.map((a) => a.login), items: rec.action_items.map((i) => ({ ...i })),
  } : {
    title: '', date: today(), start: '09:30', end: '10:30', location: '', organizer: isMember ? login : (members[0] || {}).login || '',
    agenda: '', minutes: '', decisions: '', attendees: [], items: [],
  }));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const L = labels();
  const set = (k) => (e) => { const v = e.currentTarget.value; setForm((f) => ({ ...f, [k]: v })); };
  const setItem = (i, k) => (e) => { const v = e.currentTarget.value; setForm((f) => ({ ...f, items: f.items.map((x, j) => (j === i ? { ...x, [k]: v } : x)) })); };
  const toggle = (who) => setForm((f) => ({ ...f, attendees: f.attendees.includes(who) ? f.attendees.filter((x) => x !== who) : [...f.attendees, who] }));
  // a member organises only their own meetings: the choice is theirs alone
  const organizers = manage ? members : members.filter((x) => x.login === login);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = {
      title: form.title.trim(), date: form.date, start: form.start, end: form.end, location: form.location.trim(),
      organizer: form.organizer, agenda: form.agenda, minutes: form.minutes, decisions: form.decisions,
      attendees: form.attendees,
      action_items: form.items.map((i) => (i.id ? { id: i.id, text: i.text.trim(), assignee: i.assignee, due: i.due || null }
        : { text: i.text.trim(), assignee: i.assignee, due: i.due || null })),
    };
    setBusy(true);
    try {
      const base = '/projects/' + enc(code) + '/meetings';
      const saved = rec ? await api.patch(base + '/' + enc(rec.id), { ...body, version: rec.version }) : await api.post(base, body);
      onSaved(saved);
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const errOf = (k) => errorAt(error, k, L);
  const itemsErr = error && /^action_items/.test(error.field || '') ? errorAt(error, [error.field], L) : '';
  return html`<${Modal} wide title=${rec ? t('meeting.edit') : t('meeting.new')} onClose=${onClose}>
    <form id="meeting-form" class="form-grid" onSubmit=${save} novalidate>
      ${error && !errorIsAt(error, FIELDS.concat(['attendees'])) && !/^action_items/.test(error.field || '')
        ? html`<${ErrorBanner} error=${error} labels=${L} />` : null}
      <${FormField} name="title" label=${L.title} error=${errOf('title')} wide>
        <input name="title" value=${form.title} maxlength="200" onInput=${set('title')} /><//>
      <${FormField} name="date" label=${L.date} error=${errOf('date')}>
        <input name="date" type="date" value=${form.date} onInput=${set('date')} /><//>
      <${FormField} name="organizer" label=${L.organizer} hint=${manage ? '' : t('meeting.organizer_hint')} error=${errOf('organizer')}>
        <select name="organizer" value=${form.organizer} onChange=${set('organizer')}>
          ${organizers.map((x) => html`<option value=${x.login}>${x.name || x.login}</option>`)}</select><//>
      <${FormField} name="start" label=${L.start} error=${errOf('start')}>
        <input name="start" type="time" value=${form.start} onInput=${set('start')} /><//>
      <${FormField} name="end" label=${L.end} hint=${t('meeting.end_hint')} error=${errOf('end')}>
        <input name="end" type="time" value=${form.end} onInput=${set('end')} /><//>
      <${FormField} name="location" label=${L.location} error=${errOf('location')} wide>
        <input name="location" value=${form.location} maxlength="200" onInput=${set('location')} /><//>
      <fieldset class="meeting-attendee-pick field-wide" data-field="attendees">
        <legend>${L.attendees}</legend>
        <div class="meeting-checks">${members.map((x) => html`<label class="check" key=${x.login}>
          <input type="checkbox" name="attendee" value=${x.login} checked=${form.attendees.includes(x.login)}
            onChange=${() => toggle(x.login)} /> ${x.name || x.login}</label>`)}</div>
        ${errOf('attendees') ? html`<span class="field-error" role="alert">${errOf('attendees')}</span>` : null}
      </fieldset>
      <${FormField} name="agenda" label=${L.agenda} error=${errOf('agenda')} wide>
        <textarea name="agenda" rows="3" onInput=${set('agenda')}>${form.agenda}</textarea><//>
      <${FormField} name="minutes" label=${L.minutes} error=${errOf('minutes')} wide>
        <textarea name="minutes" rows="4" onInput=${set('minutes')}>${form.minutes}</textarea><//>
      <${FormField} name="decisions" label=${L.decisions} error=${errOf('decisions')} wide>
        <textarea name="decisions" rows="2" onInput=${set('decisions')}>${form.decisions}</textarea><//>
      <fieldset class="meeting-item-rows field-wide" data-field="action_items">
        <legend>${L.action_items}</legend>
        ${form.items.map((it, i) => (it.task !== null && it.task !== undefined ? html`<div class="meeting-item-row converted" data-row=${i} key=${'c' + it.id}>
            <span>${it.text}</span><span class="muted">${nameOf(members, it.assignee)} · ${date(it.due)}</span>
            <span class="muted">${t('meeting.task_link', { id: it.task })} · ${t('meeting.converted')}</span></div>`
          : html`<div class="meeting-item-row" data-row=${i} key=${'r' + i} role="group" aria-label=${t('meeting.item_n', { n: i + 1 })}>
            <${FormField} name=${'item-text-' + i} label=${t('meeting.item_text')}>
              <input name="item-text" value=${it.text} maxlength="200" onInput=${setItem(i, 'text')} /><//>
            <${FormField} name=${'item-assignee-' + i} label=${t('meeting.item_assignee')}>
              <select name="item-assignee" value=${it.assignee} onChange=${setItem(i, 'assignee')}>
                ${members.map((x) => html`<option value=${x.login}>${x.name || x.login}</option>`)}</select><//>
            <${FormField} name=${'item-due-' + i} label=${t('meeting.item_due')}>
              <input name="item-due" type="date" value=${it.due} onInput=${setItem(i, 'due')} /><//>
            <button type="button" class="btn btn-small btn-danger-ghost" name="remove-item" aria-label=${t('meeting.remove_item', { n: i + 1 })}
              onClick=${() => setForm((f) => ({ ...f, items: f.items.filter((_, j) => j !== i) }))}>×</button>
          </div>`))}
        ${itemsErr ? html`<span class="field-error" id="items-error" role="alert">${itemsErr}</span>` : null}
        <button type="button" class="btn btn-small" id="add-item"
          onClick=${() => setForm((f) => ({ ...f, items: [...f.items, emptyItem(isMember ? login : (members[0] || {}).login || '')] }))}>${t('meeting.add_item')}</button>
      </fieldset>
      <div class="form-actions field-wide"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('action.save')}</button></div>
    </form>
  <//>`;
}

export function Meetings({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const [tick, setTick] = useState(0);
  // a link to a meeting's comments (?comments=meeting:ID, from the inbox) opens the meeting
  const [openId, setOpenId] = useState(() => {
    const q = /^meeting:(\d+)$/.exec(currentQuery().comments || '');
    return q ? Number(q[1]) : null;
  });
  const [editing, setEditing] = useState(null); // null, 'new' or the meeting
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const base = '/projects/' + enc(code) + '/meetings';
  const list = useLoad(() => api.get(base), [base, tick]);
  const writer = wsAtLeast(app.me, 'rep');
  const manage = writer && projectAtLeast(access.can.prole, 'manager');
  const mayCreate = writer && projectAtLeast(access.can.prole, 'member');
  const mayEdit = (m) => manage || (mayCreate && m.organizer === app.me.user.login);
  const members = access.members;
  const meetings = (list.data && list.data.meetings) || [];
  const opened = meetings.find((m) => m.id === openId);
  const refresh = () => setTick((n) => n + 1);

  const make = async (m, items) => {
    setError(null); setNotice(null);
    try {
      await api.post(base + '/' + enc(m.id) + '/tasks', { items, version: m.version });
      setNotice(t('meeting.made_tasks'));
    } catch (err) { setError(err); }
    refresh();
  };
  const remove = async (m) => {
    if (!confirmed(t('meeting.delete_confirm', { title: m.title }))) return;
    setError(null); setNotice(null);
    try {
      await api.del(base + '/' + enc(m.id), m.version);
      setNotice(t('meeting.deleted')); setOpenId(null);
    } catch (err) { setError(err); }
    refresh();
  };
  const upcoming = meetings.filter((m) => m.upcoming).sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : a.id - b.id));
  const past = meetings.filter((m) => !m.upcoming);
  const section = (id, title, rows, none) => html`<section class="meeting-section" id=${id} aria-label=${title}>
    <h2>${title} <span class="muted">${rows.length}</span></h2>
    ${rows.length ? html`<ul class="meeting-cards">${rows.map((m) => html`<${Card} key=${m.id} m=${m} onOpen=${setOpenId} />`)}</ul>`
      : html`<p class="muted">${none}</p>`}</section>`;
  return html`<div class="meetings-screen">
    <${PageHead} title=${t('ent.meeting.plural')} subtitle=${t('meeting.sub')}
      actions=${mayCreate ? html`<button type="button" class="btn btn-primary" id="meeting-new" onClick=${() => setEditing('new')}>${t('meeting.new')}</button>` : null} />
    ${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}><span id="meeting-notice">${notice}</span><//>` : null}
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} labels=${labels()} />
    ${list.error ? html`<${ErrorBanner} error=${list.error} onRetry=${list.reload} />` : null}
    ${list.loading && !list.data ? html`<div class="card"><${Skeleton} rows=${4} /></div>` : null}
    ${opened ? html`<${Detail} code=${code} m=${opened} mayEdit=${mayEdit(opened)} onClose=${() => setOpenId(null)}
        onEdit=${() => setEditing(opened)} onDelete=${() => remove(opened)} onMake=${(items) => make(opened, items)} />`
      : list.data ? html`${section('meetings-upcoming', t('meeting.upcoming'), upcoming, t('meeting.none_upcoming'))}
        ${section('meetings-past', t('meeting.past'), past, t('meeting.none_past'))}` : null}
    ${editing ? html`<${MeetingForm} code=${code} rec=${editing === 'new' ? null : editing} members=${members} me=${app.me}
      manage=${manage} onClose=${() => setEditing(null)}
      onSaved=${(saved) => { setEditing(null); setNotice(t('meeting.saved')); setOpenId(saved.id); refresh(); }} />` : null}
  </div>`;
}
