// comments.js - the comments on one record, anywhere a record is shown: <Comments on="deal:12" />
// (GET/POST /api/v1/comments?on=…, PATCH/DELETE /api/v1/comments/{id}), and <CommentsButton>, a
// button that opens them in a dialog (a list's row: tasks, problems, risks). A comment is plain
// text: it is shown as text nodes, with http(s) links made links (rel="noopener noreferrer") and
// the @mentions that name users (the server's "mentions") highlighted — never as HTML. Writing:
// "@" opens a list of the project's members (a customer's: the users) to pick from with the
// arrows and Enter or a tap. Edit and delete show only where the server says the caller may.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { currentPath, currentQuery, navigate, route } from '../app-context.js';
import { dateTime } from '../format.js';
import { useLoad, ErrorBanner, Skeleton, Modal, confirmed } from './ui.js';
import '../styles/comments.css';

const LOGIN = /[A-Za-z0-9_.-]/;

// The pieces of a comment's text: {text}, {link: url} and {mention: login}, in order; a
// mention as the server reads one (core/mention.c): "@login" not inside a word, a sentence's
// last dot or dash not part of it, and only the logins in `names`.
export function pieces(body, names) {
  const out = [];
  const known = new Set(names || []);
  let plain = '';
  const flush = () => { if (plain) { out.push({ text: plain }); plain = ''; } };
  for (let i = 0; i < body.length;) {
    const rest = body.slice(i);
    const link = /^https?:\/\/[^\s<>"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/i.exec(rest);
    if (link && !(i > 0 && LOGIN.test(body[i - 1]))) {
      let url = link[0];
      while (/[.,;:!?)\]}]$/.test(url)) url = url.slice(0, -1);
      flush();
      out.push({ link: url });
      i += url.length;
      continue;
    }
    if (body[i] === '@' && !(i > 0 && (LOGIN.test(body[i - 1]) || body[i - 1] === '@'))) {
      let j = i + 1;
      while (j < body.length && LOGIN.test(body[j])) j++;
      while (j > i + 1 && (body[j - 1] === '.' || body[j - 1] === '-')) j--;
      const login = body.slice(i + 1, j);
      if (login && known.has(login)) {
        flush();
        out.push({ mention: login });
        i = j;
        continue;
      }
    }
    plain += body[i];
    i++;
  }
  flush();
  return out;
}

// A comment's text: text nodes, links and mentions (Preact escapes every string it renders).
export function CommentBody({ body, mentions }) {
  return html`<div class="comment-body">${pieces(body, mentions).map((p) => (p.link
    ? html`<a href=${p.link} target="_blank" rel="noopener noreferrer">${p.link}</a>`
    : p.mention ? html`<span class="mention" data-login=${p.mention}>@${p.mention}</span>` : p.text))}</div>`;
}

// The "@prefix" just before the caret, or null.
function mentionAt(text, caret) {
  const m = /(^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{0,63})$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, prefix: m[2] } : null;
}

// A text box with "@" completion from people ({login, name}).
function MentionBox({ id, value, onInput, people, disabled, placeholder, onSubmit }) {
  const box = useRef(null);
  const [at, setAt] = useState(null);
  const [pick, setPick] = useState(0);
  const matches = at ? people.filter((p) => (p.login + ' ' + (p.name || '')).toLowerCase()
    .includes(at.prefix.toLowerCase())).slice(0, 8) : [];
  const update = (text, caret) => { onInput(text); setAt(mentionAt(text, caret)); setPick(0); };
  const choose = (p) => {
    const el = box.current;
    const caret = el ? el.selectionStart : value.length;
    const text = value.slice(0, at.start) + '@' + p.login + ' ' + value.slice(caret);
    onInput(text);
    setAt(null);
    const pos = at.start + p.login.length + 2;
    requestAnimationFrame(() => { if (el) { el.focus(); el.setSelectionRange(pos, pos); } });
  };
  const onKey = (e) => {
    if (matches.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setPick((pick + 1) % matches.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setPick((pick + matches.length - 1) % matches.length); return; }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); choose(matches[pick]); return; }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setAt(null); return; }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && onSubmit) { e.preventDefault(); onSubmit(); }
  };
  const listId = id + '-mentions';
  return html`<div class="mention-box">
    <textarea id=${id} ref=${box} rows="3" value=${value} disabled=${disabled} placeholder=${placeholder}
      maxlength="4000" role="combobox" aria-autocomplete="list" aria-expanded=${matches.length ? 'true' : 'false'}
      aria-controls=${listId} aria-activedescendant=${matches.length ? listId + '-' + pick : undefined}
      onInput=${(e) => update(e.currentTarget.value, e.currentTarget.selectionStart)}
      onKeyDown=${onKey} onBlur=${() => setTimeout(() => setAt(null), 150)} />
    ${matches.length ? html`<ul class="mention-list" id=${listId} role="listbox" aria-label=${t('comments.mentions')}>
      ${matches.map((p, i) => html`<li key=${p.login} id=${listId + '-' + i} role="option" aria-selected=${i === pick ? 'true' : 'false'}
        class=${i === pick ? 'picked' : ''} data-login=${p.login}
        onMouseDown=${(e) => { e.preventDefault(); choose(p); }}><strong>@${p.login}</strong> <span class="muted">${p.name}</span></li>`)}
    </ul>` : null}
  </div>`;
}

// Who may be mentioned: the project's members, or (a customer's comments) the users.
function usePeople(project) {
  const [people, setPeople] = useState([]);
  useEffect(() => {
    let gone = false;
    const load = project ? api.get('/projects/' + enc(project) + '/members').then((d) => d.members)
      : api.get('/users').then((d) => d.users.filter((u) => u.active !== false));
    load.then((list) => { if (!gone) setPeople((list || []).map((p) => ({ login: p.login, name: p.name }))); })
      .catch(() => {});
    return () => { gone = true; };
  }, [project]);
  return people;
}

function CommentItem({ c, people, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(c.body);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true); setError(null);
    try { await api.patch('/comments/' + enc(c.id), { body: text, version: c.version }); setEditing(false); onChanged(); }
    catch (e) { setError(e); } finally { setBusy(false); }
  };
  const remove = async () => {
    if (!confirmed(t('comments.confirm_delete'))) return;
    setError(null);
    try { await api.del('/comments/' + enc(c.id), c.version); onChanged(); } catch (e) { setError(e); }
  };
  return html`<li class="comment" data-id=${c.id}>
    <div class="comment-head">
      <span class="avatar" aria-hidden="true">${(c.author_name || c.author || '?').slice(0, 1).toUpperCase()}</span>
      <strong title=${c.author}>${c.author_name || c.author}</strong>
      <time class="muted" datetime=${c.created_at}>${dateTime(c.created_at)}</time>
      ${c.edited ? html`<span class="muted comment-edited">· ${t('comments.edited')}</span>` : null}
      <span class="comment-actions">
        ${c.can_edit && !editing ? html`<button type="button" class="btn btn-ghost btn-small comment-edit" onClick=${() => { setText(c.body); setEditing(true); }}>${t('action.edit')}</button>` : null}
        ${c.can_delete ? html`<button type="button" class="btn btn-ghost btn-small comment-delete" onClick=${remove}>${t('action.delete')}</button>` : null}
      </span>
    </div>
    ${error ? html`<${ErrorBanner} error=${error} onDismiss=${() => setError(null)} />` : null}
    ${editing ? html`<div class="comment-editor">
        <${MentionBox} id=${'comment-edit-' + c.id} value=${text} onInput=${setText} people=${people} disabled=${busy} onSubmit=${save} />
        <div class="comment-buttons">
          <button type="button" class="btn btn-ghost btn-small" onClick=${() => { setEditing(false); setError(null); }}>${t('action.cancel')}</button>
          <button type="button" class="btn btn-primary btn-small comment-save" disabled=${busy} onClick=${save}>${t('comments.save')}</button>
        </div></div>`
      : html`<${CommentBody} body=${c.body} mentions=${c.mentions} />`}
  </li>`;
}

// The comments on one record, with the box to add one (where the caller may comment).
export function Comments({ on }) {
  const { data, error, loading, reload } = useLoad(() => api.get('/comments', { on }), [on]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [postError, setPostError] = useState(null);
  const info = data && data.on;
  const people = usePeople(info ? info.project : undefined);
  const list = (data && data.comments) || [];
  const boxId = 'comment-new-' + on.replace(/[^a-z0-9]/gi, '-');
  const post = async (e) => {
    if (e) e.preventDefault();
    setBusy(true); setPostError(null);
    try { await api.post('/comments', { on, body: text }); setText(''); reload(); }
    catch (err) { setPostError(err); } finally { setBusy(false); }
  };
  return html`<section class="comments" data-on=${on} aria-label=${t('comments.title')}>
    <h3 class="comments-title">${t('comments.count', { n: list.length })}</h3>
    ${error ? html`<${ErrorBanner} error=${error} onRetry=${reload} />` : null}
    ${loading && !data ? html`<${Skeleton} rows=${2} />` : null}
    ${data ? html`<ul class="comment-list">
      ${list.length ? list.map((c) => html`<${CommentItem} key=${c.id + ':' + c.version} c=${c} people=${people} onChanged=${reload} />`)
        : html`<li class="muted comments-empty">${t('comments.empty')}</li>`}</ul>` : null}
    ${info && info.can_comment ? html`<form class="comment-form" onSubmit=${post} novalidate>
        <label class="sr-only" for=${boxId}>${t('comments.placeholder')}</label>
        <${MentionBox} id=${boxId} value=${text} onInput=${setText} people=${people} disabled=${busy}
          placeholder=${t('comments.placeholder')} onSubmit=${post} />
        ${postError ? html`<${ErrorBanner} error=${postError} onDismiss=${() => setPostError(null)} />` : null}
        <div class="comment-buttons"><small class="muted">${t('comments.hint')}</small>
          <button type="submit" class="btn btn-primary btn-small comment-post" disabled=${busy || !text.trim()}>${t('comments.send')}</button></div>
      </form>`
      : info ? html`<p class="muted">${t('comments.read_only')}</p>` : null}
  </section>`;
}

// A link that opens a record's comments in a dialog: the route's ?comments= names the record
// (so a link from the inbox opens it too); closing the dialog takes it away again.
export function CommentsButton({ on, title }) {
  const [open, setOpen] = useState(() => currentQuery().comments === on);
  useEffect(() => {
    const onHash = () => setOpen(currentQuery().comments === on);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [on]);
  const path = currentPath().split('?')[0];
  const close = () => {
    const rest = { ...currentQuery() };
    delete rest.comments;
    setOpen(false);
    navigate(route(path, rest));
  };
  return html`<a class="btn btn-ghost btn-small comments-open" data-on=${on}
      href=${'#' + route(path, { ...currentQuery(), comments: on })}>${t('comments.open')}</a>
    ${open ? html`<${Modal} title=${t('comments.dialog', { title })} onClose=${close}>
      <${Comments} on=${on} /><//>` : null}`;
}
