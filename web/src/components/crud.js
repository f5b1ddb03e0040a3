// crud.js - a list of records with create / edit / delete through modal forms, driven by a
// description of its columns and fields; the catalog and admin screens are built on it.
// A create sends only the fields a create takes (edit-only fields such as "active" are
// left out); a server error that names a field is shown under that field.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { useLoad, ErrorBanner, Skeleton, Empty, Modal, PageHead, Pager, confirmed } from './ui.js';
import { FormField, errorAt, errorIsAt } from './fields.js';
import '../styles/forms.css';

// Sent for a field the user emptied: the record's value becomes none (null).
export const CLEAR = Symbol('clear');

// A column's head: a button that sorts the list by it when the list may be sorted so.
function Head({ c, sortState }) {
  if (!sortState || !c.sort) return html`<th class=${c.cls || ''}>${c.label}</th>`;
  const on = sortState.sort === c.sort;
  const dir = on ? (sortState.order === 'desc' ? 'descending' : 'ascending') : 'none';
  return html`<th class=${c.cls || ''} aria-sort=${dir}><button type="button" class="th-sort" data-sort=${c.sort}
    onClick=${() => sortState.onSort(c.sort)}>${c.label}<span class="sort-mark" aria-hidden="true">${on ? (dir === 'descending' ? ' ▼' : ' ▲') : ''}</span></button></th>`;
}

// spec: {title, subtitle, path, itemPath, listKey, key, columns:[{key,label,render,cls,sort}],
//   fields:[{key,label,type,options,required,createOnly,editOnly,toForm,fromForm,hint,skip(f,isNew,rec),
//     render(value, setValue): the control of a field of type 'custom' (its first element takes the id)}],
//   summary(items): what is drawn above the table from the rows listed (a RACI chart),
//   canWrite, canCreate, canEdit(rec), canDelete(rec), update(rec, body), noDelete,
//   extraActions(rec, reload), rowClass(rec): a row's class (an overdue problem stands out),
//   onChange(): after a record is saved or deleted (a screen's other parts read again),
//   reloadKey: the list is read again when it changes (another part of the screen wrote),
//   newLabel, notice, toolbar, sortState:{sort,order,onSort(key)}, pager:{limit,offset,onChange}}
// path is what the list is read from; itemPath + '/' + key a record (path when not given).
export function CrudPage({ spec }) {
  const { data, error, loading, reload } = useLoad(() => api.get(spec.path), [spec.path, spec.reloadKey]);
  const [editing, setEditing] = useState(null); // null | {} (new) | record
  const [actionError, setActionError] = useState(null);
  const items = (data && (data[spec.listKey] || data.items)) || [];
  const itemPath = spec.itemPath || spec.path;
  const canCreate = spec.canCreate ?? spec.canWrite;
  const canEdit = (rec) => spec.canWrite && (!spec.canEdit || spec.canEdit(rec));
  const canDelete = (rec) => spec.canWrite && !spec.noDelete && (!spec.canDelete || spec.canDelete(rec));
  const actions = spec.canWrite && items.some((r) => canEdit(r) || canDelete(r) || spec.extraActions);
  const total = data && typeof data.total === 'number' ? data.total : items.length;

  const remove = async (rec) => {
    if (!confirmed(t('crud.confirm_delete', { name: spec.recName ? spec.recName(rec) : rec[spec.key] }))) return;
    setActionError(null);
    try { await api.del(itemPath + '/' + enc(rec[spec.key]), rec.version); reload(); if (spec.onChange) spec.onChange(); } catch (e) { setActionError(e); }
  };

  return html`<section>
    <${PageHead} title=${spec.title} subtitle=${spec.subtitle}
      actions=${canCreate ? html`<button class="btn btn-primary" id="crud-new" onClick=${() => setEditing({})}>${spec.newLabel || t('action.new')}</button>` : null} />
    ${spec.notice || null}
    ${spec.toolbar || null}
    <${ErrorBanner} error=${error} onRetry=${reload} />
    ${spec.summary && items.length ? spec.summary(items) : null}
    <${ErrorBanner} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${loading && !data ? html`<div class="card"><${Skeleton} rows=${5} /></div>`
      : !error && items.length === 0 ? html`<${Empty} title=${spec.emptyTitle || t('crud.empty')} hint=${spec.emptyHint}
          action=${canCreate ? html`<button class="btn btn-primary" onClick=${() => setEditing({})}>${spec.newLabel || t('action.new')}</button>` : null} />`
      : !error ? html`<div class="table-wrap card"><table class="table crud-table">
          <thead><tr>${spec.columns.map((c) => html`<${Head} c=${c} sortState=${spec.sortState} />`)}${actions ? html`<th class="col-actions"><span class="sr-only">${t('crud.actions')}</span></th>` : null}</tr></thead>
          <tbody>${items.map((rec) => html`<tr key=${rec[spec.key]} data-key=${rec[spec.key]}
            class=${spec.rowClass ? spec.rowClass(rec) : ''}>
            ${spec.columns.map((c) => html`<td class=${c.cls || ''}>${c.render ? c.render(rec, reload) : rec[c.key]}</td>`)}
            ${actions ? html`<td class="row-actions col-actions">
              ${spec.extraActions ? spec.extraActions(rec, reload) : null}
              ${canEdit(rec) ? html`<button class="btn btn-small" onClick=${() => setEditing(rec)}>${t('action.edit')}</button>` : null}
              ${canDelete(rec) ? html`<button class="btn btn-small btn-danger-ghost" onClick=${() => remove(rec)}>${t('action.delete')}</button>` : null}
            </td>` : null}
          </tr>`)}</tbody></table></div>
        ${spec.pager && total > spec.pager.limit ? html`<${Pager} total=${total} limit=${spec.pager.limit} offset=${spec.pager.offset} onChange=${spec.pager.onChange} />` : null}` : null}
    ${editing ? html`<${CrudForm} spec=${spec} rec=${editing} onClose=${() => setEditing(null)}
        onSaved=${() => { setEditing(null); reload(); if (spec.onChange) spec.onChange(); }} />` : null}
  </section>`;
}

const shown = (fd, f, isNew, rec) => !(fd.skip && fd.skip(f, isNew, rec)) && !(fd.editOnly && isNew);

function CrudForm({ spec, rec, onClose, onSaved }) {
  const isNew = rec[spec.key] === undefined;
  const [f, setF] = useState(() => {
    const o = {};
    for (const fd of spec.fields) {
      const v = isNew ? fd.default : rec[fd.key];
      o[fd.key] = fd.toForm ? fd.toForm(v, rec) : (v ?? '');
    }
    return o;
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const fieldErrors = {};
  const body = {};
  for (const fd of spec.fields) {
    if (!isNew && fd.createOnly) continue;
    if (!shown(fd, f, isNew, rec)) continue; // a field the form does not show is not sent
    const raw = f[fd.key];
    if (fd.fromForm) {
      const v = fd.fromForm(raw, f);
      if (v === null) fieldErrors[fd.key] = (typeof fd.invalid === 'function' ? fd.invalid(f) : fd.invalid) || t('form.invalid');
      else if (v === CLEAR) { if (!isNew) body[fd.key] = null; } else if (v !== undefined) body[fd.key] = v;
    } else if (fd.type === 'checkbox') body[fd.key] = !!raw;
    else if (raw !== '' || !isNew) body[fd.key] = raw;
  }
  const keys = spec.fields.map((fd) => fd.key);
  const labels = Object.fromEntries(spec.fields.map((fd) => [fd.key, typeof fd.label === 'function' ? fd.label(f) : fd.label]));
  const submit = async (e) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(fieldErrors).length) return;
    setBusy(true); setError(null);
    try {
      const itemPath = spec.itemPath || spec.path;
      if (isNew) await (spec.create ? spec.create(body) : api.post(itemPath, body));
      else await (spec.update ? spec.update(rec, body) : api.patch(itemPath + '/' + enc(rec[spec.key]), { ...body, version: rec.version }));
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  // from the form as it is now, not as this render drew it: a change made since is kept
  const set = (k, type) => (e) => {
    const v = type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setF((cur) => ({ ...cur, [k]: v }));
  };

  return html`<${Modal} title=${isNew ? (spec.newLabel || t('action.new')) : t('action.edit') + ' · ' + (spec.recName ? spec.recName(rec) : rec[spec.key])} onClose=${onClose}>
    <form class="form-grid" onSubmit=${submit} id="crud-form" novalidate>
      ${errorIsAt(error, keys) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      ${spec.fields.filter((fd) => shown(fd, f, isNew, rec)).map((fd) => {
        const dis = fd.createOnly && !isNew;
        const ctl = fd.type === 'custom' ? fd.render(f[fd.key], (v) => setF((cur) => ({ ...cur, [fd.key]: v })))
          : fd.type === 'select' ? html`<select name=${fd.key} value=${f[fd.key]} disabled=${dis} onChange=${set(fd.key)}>
              ${fd.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}</select>`
          : fd.type === 'textarea' ? html`<textarea name=${fd.key} rows="3" value=${f[fd.key]} onInput=${set(fd.key)}></textarea>`
          : fd.type === 'checkbox' ? html`<input type="checkbox" name=${fd.key} checked=${!!f[fd.key]} onChange=${set(fd.key, 'checkbox')} />`
          : html`<input name=${fd.key} type=${fd.type || 'text'} required=${fd.required && !dis} disabled=${dis}
              autocomplete=${fd.type === 'password' ? 'new-password' : undefined}
              inputmode=${fd.inputmode} placeholder=${fd.placeholder} value=${f[fd.key]} onInput=${set(fd.key)} />`;
        const hint = typeof fd.hint === 'function' ? fd.hint(f) : fd.hint;
        const label = typeof fd.label === 'function' ? fd.label(f) : fd.label;
        const own = fieldErrors[fd.key] && (tried || String(f[fd.key] ?? '') !== '') ? fieldErrors[fd.key] : '';
        return html`<${FormField} name=${fd.key} label=${label} hint=${hint} wide=${fd.wide}
            error=${own || errorAt(error, fd.key, labels)}>${ctl}<//>`;
      })}
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${isNew ? t('action.create') : t('action.save')}</button>
      </div>
    </form>
  <//>`;
}
