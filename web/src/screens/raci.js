// raci.js - a project's RACI chart, drawn above its generic list (EntityPage's summary): the
// areas of work as rows, the people as columns, each cell the person's letter in that area
// (R responsible, A accountable, C consulted, I informed; the role's name on hover and in the
// legend), and an area without anyone accountable or responsible marked, since each area
// needs one person who answers for it and someone who does it.
import { html } from '../html.js';
import { t } from '../i18n/index.js';
import { Chip } from '../components/ui.js';

const LETTER = { responsible: 'R', accountable: 'A', consulted: 'C', informed: 'I' };

export function RaciChart({ items }) {
  const areas = [...new Set(items.map((r) => r.area))];
  const people = [...new Map(items.map((r) => [r.person, r.person_name || r.person])).entries()]
    .sort((a, b) => a[0].localeCompare(b[0]));
  const at = new Map(items.map((r) => [r.area + '\u0000' + r.person, r.role]));
  const missing = (area) => ['accountable', 'responsible']
    .filter((role) => !items.some((r) => r.area === area && r.role === role));
  return html`<div class="table-wrap card raci-chart" id="raci-chart">
    <table class="table">
      <caption class="raci-legend">${Object.entries(LETTER).map(([role, l]) =>
        html`<span key=${role}><b>${l}</b> ${t('ent.raci.role.' + role)}</span>`)}</caption>
      <thead><tr><th>${t('ent.raci.area')}</th>
        ${people.map(([login, name]) => html`<th key=${login} class="raci-person" title=${login}>${name}</th>`)}</tr></thead>
      <tbody>${areas.map((area) => html`<tr key=${area} data-area=${area}>
        <th scope="row">${area}
          ${missing(area).map((role) => html` <${Chip} kind="at_risk" key=${role}>${t('raci.missing', { role: t('ent.raci.role.' + role) })}<//>`)}</th>
        ${people.map(([login]) => {
          const role = at.get(area + '\u0000' + login);
          return html`<td key=${login} class="raci-cell" data-person=${login} title=${role ? t('ent.raci.role.' + role) : ''}>
            ${role ? html`<span class=${'raci-letter raci-' + role}>${LETTER[role]}</span>` : ''}</td>`;
        })}
      </tr>`)}</tbody>
    </table>
  </div>`;
}
