// lessons.js - a project's lessons learned (/p/:code/lessons; core/lesson.c): three lists by
// kind - what went well, what to improve, what to do next time - each lesson with its author
// and day. Every member adds lessons (a closed project's too: the team writes them as it
// closes), its author or a manager edits or deletes one, viewers read. The server judges.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { dateTime } from '../format.js';
import { useApp } from '../app-context.js';
import { useProjectAccess } from '../components/access.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Modal, confirmed } from '../components/ui.js';
import { FormField, errorAt, errorIsAt } from '../components/fields.js';

export const LESSON_KINDS = ['went_well', 'to_improve', 'next_time'];
const MAX_CHARS = 2000;

function LessonForm({ code, lesson, kind, onClose, onSaved }) {
  const [f, setF] = useState({ kind: lesson ? lesson.kind : kind, text: lesson ? lesson.text : '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const labels = { kind: t('ent.lesson.kind'), text: t('ent.lesson.text') };
  const submit = async (e) => {
    e.preventDefault();
    const text = f.text.trim();
    if (!text) { setError({ field: 'text', message: t('lesson.text_required') }); return; }
    if ([...text].length > MAX_CHARS) { setError({ field: 'text', message: t('lesson.too_long', { max: MAX_CHARS }) }); return; }
    setBusy(true); setError(null);
    const base = '/projects/' + enc(code) + '/lessons';
    try {
      if (lesson) await api.patch(base + '/' + lesson.id, { kind: f.kind, text, version: lesson.version });
      else await api.post(base, { kind: f.kind, text });
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<${Modal} title=${lesson ? t('lesson.edit') : t('lesson.new')} onClose=${onClose}>
    <form class="form-grid" id="lesson-form" onSubmit=${submit} novalidate>
      ${errorIsAt(error, ['kind', 'text']) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="kind" label=${labels.kind} error=${errorAt(error, 'kind', labels)}>
        <select name="kind" value=${f.kind} onChange=${(e) => setF({ ...f, kind: e.currentTarget.value })}>
          ${LESSON_KINDS.map((k) => html`<option value=${k}>${t('ent.lesson.kind.' + k)}</option>`)}
        </select><//>
      <${FormField} wide name="text" label=${labels.text} error=${errorAt(error, 'text', labels)} hint=${t('lesson.text_hint', { max: MAX_CHARS })}>
        <textarea name="text" rows="4" required value=${f.text} onInput=${(e) => setF({ ...f, text: e.currentTarget.value })}></textarea><//>
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${lesson ? t('action.save') : t('action.create')}</button>
      </div>
    </form>
  <//>`;
}

export function Lessons({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const list = useLoad(() => api.get('/projects/' + enc(code) + '/lessons'), [code]);
  const [form, setForm] = useState(null); // {kind} to add, {lesson} to edit
  const [error, setError] = useState(null);
  const can = access.can;
  const lessons = (list.data && list.data.lessons) || [];
  const mayEdit = (l) => can.manageLessons || (can.writeLessons && l.author === can.login);
  const remove = async (l) => {
    if (!confirmed(t('lesson.confirm_delete'))) return;
    setError(null);
    try { await api.del('/projects/' + enc(code) + '/lessons/' + l.id, l.version); list.reload(); } catch (e) { setError(e); }
  };
  return html`<section class="lessons-screen">
    <${PageHead} title=${t('lesson.title')} subtitle=${t('lesson.sub', { code })} />
    <${ErrorBanner} error=${list.error || access.error || error} onRetry=${list.error ? list.reload : null} onDismiss=${error ? () => setError(null) : null} />
    ${list.loading && !list.data ? html`<${Skeleton} kind="cards" rows=${3} />` : html`<div class="lesson-columns">
      ${LESSON_KINDS.map((k) => { const mine = lessons.filter((l) => l.kind === k); return html`<div class="card lesson-column" id=${'lessons-' + k} key=${k}>
        <div class="lesson-head"><h2>${t('ent.lesson.kind.' + k)} <span class="muted">${mine.length}</span></h2>
          ${can.writeLessons ? html`<button class="btn btn-small" id=${'lesson-add-' + k} onClick=${() => setForm({ kind: k })}>${t('lesson.add')}</button>` : null}</div>
        ${mine.length ? html`<ul class="lesson-list">${mine.map((l) => html`<li class="lesson" key=${l.id} data-id=${l.id}>
          <p class="lesson-text">${l.text}</p>
          <div class="lesson-meta muted"><span>${l.author_name || l.author}</span> · <span>${dateTime(l.created_at)}</span>
            ${mayEdit(l) ? html`<span class="lesson-actions">
              <button class="btn btn-ghost btn-small lesson-edit" onClick=${() => setForm({ lesson: l })}>${t('action.edit')}</button>
              <button class="btn btn-danger-ghost btn-small lesson-delete" onClick=${() => remove(l)}>${t('action.delete')}</button></span>` : null}</div>
        </li>`)}</ul>` : html`<p class="muted lesson-empty">${t('lesson.empty')}</p>`}
      </div>`; })}
    </div>`}
    ${form ? html`<${LessonForm} code=${code} lesson=${form.lesson} kind=${form.kind} onClose=${() => setForm(null)}
      onSaved=${() => { setForm(null); list.reload(); }} />` : null}
  </section>`;
}
