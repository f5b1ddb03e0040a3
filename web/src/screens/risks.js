// risks.js - a project's risks (/p/:code/risks): the probability × impact matrix of the open
// risks (GET .../risks/matrix; open and mitigating ones), each cell coloured by its score's band
// (low 1-4, medium 5-9, high 10-16, critical 20-25); a click on a cell narrows the list below to
// that probability and impact, a second click (or Clear) shows them all again. The list and its
// forms are the risk noun's generic ones (components/entity-page.js), highest score first, with
// the score's band and a risk due for review marked. The server computes the score and judges
// every write (managers every risk, a member the ones they own).
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { useApp } from '../app-context.js';
import { EntityPage } from '../components/entity-page.js';
import { CommentsButton } from '../components/comments.js';
import { useLoad, ErrorBanner, Chip, Skeleton } from '../components/ui.js';

const bandKind = { low: 'on_track', medium: 'draft', high: 'at_risk', critical: 'off_track' };

// The 5 × 5 matrix: probability 5 at the top, impact 1 at the left.
function Matrix({ data, cell, onPick }) {
  const rows = [5, 4, 3, 2, 1].map((p) => data.cells.filter((c) => c.probability === p));
  const picked = (c) => cell && cell.probability === c.probability && cell.impact === c.impact;
  return html`<div class="card risk-matrix" id="risk-matrix">
    <h2>${t('risk.matrix_title')}</h2>
    <p class="muted">${t('risk.matrix_sub', { n: data.open })}</p>
    <div class="table-wrap"><table class="risk-grid">
      <thead><tr><th scope="col" class="risk-axis">${t('risk.axis')}</th>
        ${[1, 2, 3, 4, 5].map((i) => html`<th scope="col" key=${i}>${t('risk.impact_n', { n: i })}</th>`)}</tr></thead>
      <tbody>${rows.map((row) => html`<tr key=${row[0].probability}>
        <th scope="row">${t('risk.probability_n', { n: row[0].probability })}</th>
        ${row.map((c) => html`<td key=${c.impact}>
          <button type="button" class=${'risk-cell band-' + c.band + (picked(c) ? ' picked' : '')}
            data-p=${c.probability} data-i=${c.impact} data-band=${c.band} aria-pressed=${picked(c) ? 'true' : 'false'}
            aria-label=${t('risk.cell_label', { p: c.probability, i: c.impact, score: c.score, band: t('risk.band.' + c.band), n: c.count })}
            onClick=${() => onPick(picked(c) ? null : { probability: c.probability, impact: c.impact })}>
            <span class="risk-count">${c.count}</span><span class="risk-score">${c.score}</span></button></td>`)}
      </tr>`)}</tbody>
    </table></div>
    <div class="risk-legend">${['low', 'medium', 'high', 'critical'].map((b) => html`<span key=${b}
      class=${'risk-swatch band-' + b}>${t('risk.band.' + b)} ${t('risk.band_range.' + b)}</span>`)}</div>
    ${cell ? html`<p class="risk-picked" id="risk-picked">${t('risk.picked', { p: cell.probability, i: cell.impact })}
      <button type="button" class="btn btn-ghost btn-small" id="risk-clear" onClick=${() => onPick(null)}>${t('action.clear')}</button></p>` : null}
  </div>`;
}

export function Risks({ code }) {
  const app = useApp();
  const [tick, setTick] = useState(0);
  const [cell, setCell] = useState(null);
  const matrix = useLoad(() => api.get('/projects/' + enc(code) + '/risks/matrix'), [code, tick]);
  const extras = {
    notice: html`${matrix.error ? html`<${ErrorBanner} error=${matrix.error} onRetry=${matrix.reload} />` : null}
      ${matrix.data ? html`<${Matrix} data=${matrix.data} cell=${cell} onPick=${setCell} />`
        : matrix.loading ? html`<div class="card"><${Skeleton} rows=${5} /></div>` : null}`,
    query: cell ? { probability: String(cell.probability), impact: String(cell.impact) } : {},
    onChange: () => setTick(tick + 1),
    hide: ['owner_name', 'mitigation'],
    refFilters: ['owner'],
    rowClass: (rec) => (rec.review_due ? 'row-overdue' : ''),
    recName: (rec) => rec.description,
    cells: {
      description: (rec) => html`<span>${rec.description}</span> <${CommentsButton} on=${'risk:' + rec.id} title=${rec.description} />`,
      owner: (rec) => html`<span title=${rec.owner}>${rec.owner_name || rec.owner}</span>`,
      score: (rec) => html`<${Chip} kind=${bandKind[rec.band]} title=${t('risk.band.' + rec.band)}>${rec.score}<//>`,
      review_due: (rec) => (rec.review_due ? html`<${Chip} kind="off_track">${t('risk.review_due')}<//>` : '—'),
    },
    fields: {
      // a new risk is the writer's own unless they choose another owner (a rep may only own theirs)
      owner: (spec) => ({ ...spec, default: spec.options.some((o) => o.value === app.me.user.login) ? app.me.user.login : spec.default }),
    },
  };
  return html`<div class="risks-screen"><${EntityPage} name="risk" project=${code} extras=${extras} /></div>`;
}
