// crud.js - a list of records with create / edit / delete through modal forms, driven by a
// description of its columns and fields; the catalog and admin screens are built on it.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { useLoad, ErrorBanner, Skeleton, Empty, Modal, Field, PageHead, confirmed } from './ui.js';

// spec: {title, subtitle, path, listKey, key, columns:[{key,label,render,cls}], fields:[{key,label,type,
//   options,required,createOnly,toForm,fromForm,hint}], canWrite, rowLink, extraActions}
export function CrudPage({ spec }) {
  const { data, error, loading, reload } = useLoad(() => api.get(spec.path), [spec.path]);
  const [editing, setEditing] = useState(null); // null | {} (new) | record
  const [actionError, setActionError] = useState(null);
  const items = (data && (data[spec.listKey] || data.items)) || [];

  const remove = async (rec) => {
    if (!confirmed(t('crud.confirm_delete', { name: rec[spec.key] }))) return;
    try { await api.del(spec.path + '/' + enc(rec[spec.key]), rec.version); reload(); } catch (e) { setActionError(e); }
  };

  return html`<section>
    <${PageHead} title=${spec.title} subtitle=${spec.subtitle}
      actions=${spec.canWrite ? html`<button class="btn btn-primary" id="crud-new" onClick=${() => setEditing({})}>${spec.newLabel || t('action.new')}</button>` : null} />
    <${ErrorBanner} error=${error} onRetry=${reload} />
    <${ErrorBanner} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${loading ? html`<div class="card"><${Skeleton} rows=${5} /></div>`
      : !error && items.length === 0 ? html`<${Empty} title=${spec.emptyTitle || t('crud.empty')} hint=${spec.emptyHint}
          action=${spec.canWrite ? html`<button class="btn btn-primary" onClick=${() => setEditing({})}>${spec.newLabel || t('action.new')}</button>` : null} />`
      : !error ? html`<div class="table-wrap card"><table class="table">
          <thead><tr>${spec.columns.map((c) => html`<th class=${c.cls || ''}>${c.label}</th>`)}${spec.canWrite ? html`<th></th>` : null}</tr></thead>
          <tbody>${items.map((rec) => html`<tr key=${rec[spec.key]}>
            ${spec.columns.map((c) => html`<td class=${c.cls || ''}>${c.render ? c.render(rec, reload) : rec[c.key]}</td>`)}
            ${spec.canWrite ? html`<td class="row-actions">
              ${spec.extraActions ? spec.extraActions(rec) : null}
              <button class="btn btn-small" onClick=${() => setEditing(rec)}>${t('action.edit')}</button>
              ${spec.noDelete ? null : html`<button class="btn btn-small btn-danger-ghost" onClick=${() => remove(rec)}>${t('action.delete')}</button>`}
            </td>` : null}
          </tr>`)}</tbody></table></div>` : null}
    ${editing ? html`<${CrudForm} spec=${spec} rec=${editing} onClose=${() => setEditing(null)}
        onSaved=${() => { setEditing(null); reload(); }} />` : null}
  </section>`;
}

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
  const fieldErrors = {};
  const body = {};
  for (const fd of spec.fields) {
    if (!isNew && fd.createOnly) continue;
    if (fd.skip && fd.skip(f, isNew)) continue;
    const raw = f[fd.key];
    if (fd.fromForm) {
      const v = fd.fromForm(raw, f);
      if (v === null) fieldErrors[fd.key] = fd.invalid || t('form.invalid');
      else if (v !== undefined) body[fd.key] = v;
    } else if (fd.type === 'checkbox') body[fd.key] = !!raw;
    else if (raw !== '' || !isNew) body[fd.key] = raw;
  }
  const submit = async (e) => {
    e.preventDefault();
    if (Object.keys(fieldErrors).length) return;
    setBusy(true); setError(null);
    try {
      if (isNew) await api.post(spec.path, body);
      else await (spec.update ? spec.update(rec, body) : api.patch(spec.path + '/' + enc(rec[spec.key]), { ...body, version: rec.version }));
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const set = (k, type) => (e) => setF({ ...f, [k]: type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });

  return html`<${Modal} title=${isNew ? (spec.newLabel || t('action.new')) : t('action.edit') + ' · ' + rec[spec.key]} onClose=${onClose}>
    <form class="form-grid" onSubmit=${submit} id="crud-form">
      <${ErrorBanner} error=${error} />
      ${spec.fields.filter((fd) => !(fd.skip && fd.skip(f, isNew)) && !(fd.editOnly && isNew)).map((fd) => {
        const dis = fd.createOnly && !isNew;
        const ctl = fd.type === 'select' ? html`<select name=${fd.key} value=${f[fd.key]} disabled=${dis} onChange=${set(fd.key)}>
              ${fd.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}</select>`
          : fd.type === 'textarea' ? html`<textarea name=${fd.key} rows="3" value=${f[fd.key]} onInput=${set(fd.key)}></textarea>`
          : fd.type === 'checkbox' ? html`<input type="checkbox" name=${fd.key} checked=${!!f[fd.key]} onChange=${set(fd.key, 'checkbox')} />`
          : html`<input name=${fd.key} type=${fd.type || 'text'} required=${fd.required && !dis} disabled=${dis}
              inputmode=${fd.inputmode} placeholder=${fd.placeholder} value=${f[fd.key]} onInput=${set(fd.key)} />`;
        return html`<${Field} label=${fd.label} hint=${fd.hint} wide=${fd.wide} error=${fieldErrors[fd.key]}>${ctl}<//>`;
      })}
      <div class="form-actions">
        <button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${isNew ? t('action.create') : t('action.save')}</button>
      </div>
    </form>
  <//>`;
}
