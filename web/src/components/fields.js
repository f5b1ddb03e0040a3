// fields.js - form fields that say a server error where it belongs: when the server names a
// field (error.field), its translated message (components/ui.js errorText) is shown under
// that field, the control is marked aria-invalid and described by the message, and the
// label is tied to the control. Errors that name no field of the form stay in the banner.
import { cloneElement, toChildArray } from 'preact';
import { useRef } from 'preact/hooks';
import { html } from '../html.js';
import { errorText } from './ui.js';

let seq = 0;
const nextId = () => 'f' + (++seq);

// The message for field key from a server error (or the form's own check), else ''.
export function errorAt(error, key, labels) {
  if (!error || !error.field) return '';
  const f = String(error.field).split('.').pop();
  const keys = Array.isArray(key) ? key : [key];
  return keys.includes(f) || keys.includes(error.field) ? errorText(error, labels) : '';
}

// Whether the error names one of keys (then the banner need not repeat it).
export function errorIsAt(error, keys) {
  if (!error || !error.field) return false;
  const f = String(error.field).split('.').pop();
  return keys.includes(f) || keys.includes(error.field);
}

// <FormField label hint error wide name>control</FormField>
export function FormField({ label, hint, error, wide, name, children, cls }) {
  const kids = toChildArray(children);
  const own = useRef(null);
  if (!own.current) own.current = 'fld-' + (name || 'x') + '-' + nextId();
  const id = (kids[0] && kids[0].props && kids[0].props.id) || own.current;
  const msgId = id + '-msg';
  const ctl = kids.map((k, i) => (i === 0 && k && k.props
    ? cloneElement(k, { id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error || hint ? msgId : undefined })
    : k));
  return html`<div class=${'field' + (wide ? ' field-wide' : '') + (error ? ' field-invalid' : '') + (cls ? ' ' + cls : '')}
      data-field=${name || undefined}>
    <label class="field-label" for=${id}>${label}</label>
    ${ctl}
    ${error ? html`<span class="field-error" id=${msgId} role="alert">${error}</span>`
      : hint ? html`<span class="field-hint" id=${msgId}>${hint}</span>` : null}
  </div>`;
}
