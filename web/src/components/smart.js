// smart.js - the SMART lint of a goal: five chips (green passes, red fails) with each
// letter's message on hover, and an expandable list that shows every message.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { t, tv, getLang } from '../i18n/index.js';

export const LETTERS = ['S', 'M', 'A', 'R', 'T'];

// A letter's verdict in the reader's language: the server sends a code with its
// parameters (values already formatted) beside the English message.
export function smartMessage(r) {
  if (!r) return '';
  const key = 'smartmsg.' + r.code;
  if (r.code && t(key) !== key) {
    const p = { ...(r.params || {}) };
    // a metric inside an English sentence is lower case ("how much revenue")
    if (p.metric) p.metric = getLang() === 'en' ? tv('metric', p.metric).toLowerCase() : tv('metric', p.metric);
    if (p.period) p.period = t('smart.period.' + p.period);
    if (r.code === 's.ok') p.scope = p.scope ? t('smartmsg.scope', { scope: p.scope }) : '';
    return t(key, p);
  }
  return r.message || (r.ok ? t('smart.ok') : '');
}

export function SmartChips({ smart, expanded: start = false, live = false }) {
  const [open, setOpen] = useState(start);
  if (!smart) return null;
  const fails = LETTERS.filter((l) => smart[l] && !smart[l].ok).length;
  return html`<div class=${'smart' + (live ? ' smart-live' : '')} data-fails=${fails}>
    <div class="smart-row">
      <span class="smart-label">SMART</span>
      ${LETTERS.map((l) => {
        const r = smart[l] || {};
        const ok = !!r.ok;
        return html`<button type="button" class=${'smart-chip ' + (ok ? 'ok' : 'bad')} data-letter=${l}
          title=${t('smart.' + l) + ': ' + smartMessage(r)}
          aria-label=${t('smart.' + l) + ' ' + (ok ? t('smart.pass') : t('smart.fail'))}
          onClick=${() => setOpen(!open)}>${l}</button>`;
      })}
      <span class=${'smart-summary ' + (fails ? 'bad' : 'ok')}>
        ${fails ? t('smart.fails', { n: fails }) : t('smart.all_ok')}</span>
      ${!live ? html`<button type="button" class="link-btn" onClick=${() => setOpen(!open)}>${open ? t('action.hide') : t('action.details')}</button>` : null}
    </div>
    ${open || live ? html`<ul class="smart-list">
      ${LETTERS.map((l) => {
        const r = smart[l] || {};
        return html`<li class=${r.ok ? 'ok' : 'bad'} data-letter=${l}>
          <span class="smart-letter">${l}</span>
          <span class="smart-name">${t('smart.' + l)}</span>
          <span class="smart-msg">${smartMessage(r)}</span></li>`;
      })}
    </ul>` : null}
  </div>`;
}
