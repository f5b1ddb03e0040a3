// feedback.js - a project's customer feedback (/p/:code/feedback): the summary (NPS and the
// average rating of the project, per member who served and per product, with their counts:
// GET .../feedback/summary, computed by the server from the counts) above the records and
// their form (every category; a rating, an NPS score or both; the customer by name, a sale or
// deal by its number) on the generic noun screen. A rep changes only what they recorded.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { num, today } from '../format.js';
import { EntityPage } from '../components/entity-page.js';
import { useLoad, ErrorBanner, Skeleton } from '../components/ui.js';
import { customerField, customerCell } from './activities.js';

// A score the server wrote with two decimals (NPS 20.00, a rating 4.33); null as a dash.
const score = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));
const npsClass = (v) => (v === null || v === undefined ? '' : v > 0 ? ' nps-good' : v < 0 ? ' nps-bad' : '');

function GroupTable({ id, title, rows, keyName, none }) {
  if (!rows.length) return null;
  return html`<div class="table-wrap"><table class="table fb-table" id=${id}>
    <caption>${title}</caption>
    <thead><tr><th></th><th class="num">${t('fb.count')}</th><th class="num">${t('fb.avg_rating')}</th>
      <th class="num">${t('fb.responses')}</th><th class="num">${t('fb.mix')}</th><th class="num">${t('fb.nps')}</th></tr></thead>
    <tbody>${rows.map((g) => html`<tr data-key=${g[keyName] === null ? '' : g[keyName]}>
      <td>${g[keyName] === null ? html`<span class="muted">${none}</span>` : html`<span title=${g[keyName]}>${g.name || g[keyName]}</span>`}</td>
      <td class="num">${num(g.count)}</td><td class="num fb-rating">${score(g.rating_avg)}</td>
      <td class="num">${num(g.responses)}</td><td class="num">${g.promoters} / ${g.passives} / ${g.detractors}</td>
      <td class=${'num fb-nps strong' + npsClass(g.nps)}>${score(g.nps)}</td></tr>`)}</tbody>
  </table></div>`;
}

function Summary({ code, version }) {
  const r = useLoad(() => api.get('/projects/' + enc(code) + '/feedback/summary'), [code, version]);
  if (r.loading && !r.data) return html`<div class="card"><${Skeleton} rows=${3} /></div>`;
  if (r.error) return html`<${ErrorBanner} error=${r.error} onRetry=${r.reload} />`;
  const s = r.data;
  return html`<div class="card fb-summary" id="feedback-summary">
    <div class="card-head"><h2>${t('fb.summary')}</h2></div>
    <div class="stat-strip">
      <div class="stat"><span class="stat-label">${t('fb.nps')}</span><span class=${'stat-value num' + npsClass(s.total.nps)} id="fb-nps">${score(s.total.nps)}</span></div>
      <div class="stat"><span class="stat-label">${t('fb.avg_rating')}</span><span class="stat-value num" id="fb-rating">${score(s.total.rating_avg)}</span></div>
      <div class="stat"><span class="stat-label">${t('fb.count')}</span><span class="stat-value num" id="fb-count">${num(s.total.count)}</span></div>
      <div class="stat"><span class="stat-label">${t('fb.mix')}</span><span class="stat-value num" id="fb-mix">${s.total.promoters} / ${s.total.passives} / ${s.total.detractors}</span></div>
    </div>
    <${GroupTable} id="fb-by-member" title=${t('fb.by_member')} rows=${s.members} keyName="member" none=${t('fb.none_member')} />
    <${GroupTable} id="fb-by-product" title=${t('fb.by_product')} rows=${s.products} keyName="product" none=${t('fb.none_product')} />
    <p class="muted fb-how">${t('fb.how')}</p>
  </div>`;
}

export function Feedback({ code }) {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const extras = {
    notice: html`<${Summary} code=${code} version=${version} />`,
    onChange: bump,
    reloadKey: version,
    fields: {
      date: (spec) => ({ ...spec, default: today() }),
      customer: customerField(true),
      rating: (spec) => ({ ...spec, inputmode: 'numeric' }),
      nps: (spec) => ({ ...spec, inputmode: 'numeric' }),
      sale: (spec) => ({ ...spec, inputmode: 'numeric' }),
      deal: (spec) => ({ ...spec, inputmode: 'numeric' }),
    },
    cells: {
      customer: customerCell,
      sale: (rec) => (rec.sale ? '#' + rec.sale : '—'),
      deal: (rec) => (rec.deal ? '#' + rec.deal : '—'),
    },
    recName: (r) => (r.customer_name || '#' + r.customer) + ' · ' + t('ent.feedback.category.' + r.category),
  };
  return html`<${EntityPage} name="feedback" project=${code} extras=${extras} key=${'feedback' + code} />`;
}
