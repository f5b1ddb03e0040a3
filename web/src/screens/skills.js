// skills.js - a project's skills matrix (GET /projects/{code}/skills): its sellers (owners,
// managers, members) as rows, every skill one of them is rated in as columns, each cell the
// rating 1-5 (a dash when not rated), and each skill's average over those rated, to one
// decimal as the server gives it. Ratings are made on the workspace's Skills screen, which
// the page links to for those who may write them.
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t, tv } from '../i18n/index.js';
import { useApp } from '../app-context.js';
import { wsAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Skeleton, Empty, PageHead } from '../components/ui.js';

// A column's head: a standard skill's label, an other skill's own name.
const head = (c) => (c.skill === 'other' ? c.name : t('ent.skill.skill.' + c.skill));

// A rating as a bar of five, with the number for screen readers and copying.
function Rating({ v }) {
  if (v === null || v === undefined) return html`<span class="skill-none" aria-label=${t('skills.not_rated')}>—</span>`;
  return html`<span class=${'skill-rating skill-' + v} title=${t('skills.rating', { n: v })}>${v}</span>`;
}

export function SkillsMatrix({ code }) {
  const app = useApp();
  const { data, error, loading, reload } = useLoad(() => api.get('/projects/' + enc(code) + '/skills'), [code]);
  const rate = wsAtLeast(app.me, 'manager')
    ? html`<a class="btn" id="skills-rate" href="#/skills">${t('skills.rate')}</a>` : null;
  return html`<section>
    <${PageHead} title=${t('skills.title')} subtitle=${t('skills.sub', { code })} actions=${rate} />
    <${ErrorBanner} error=${error} onRetry=${reload} />
    ${loading && !data ? html`<div class="card"><${Skeleton} rows=${5} /></div>`
      : data && !data.skills.length ? html`<${Empty} title=${t('skills.empty')} hint=${t('skills.empty_hint')} />`
      : data ? html`<div class="table-wrap card skills-matrix" id="skills-matrix"><table class="table">
        <thead><tr><th>${t('skills.member')}</th>
          ${data.skills.map((c, i) => html`<th key=${i} class="num">${head(c)}</th>`)}</tr></thead>
        <tbody>${data.members.map((m) => html`<tr key=${m.login} data-login=${m.login}>
          <th scope="row">${m.name || m.login} <span class="muted">${tv('prole', m.role)}</span></th>
          ${m.ratings.map((v, i) => html`<td key=${i} class="num" data-skill=${i}><${Rating} v=${v} /></td>`)}
        </tr>`)}</tbody>
        <tfoot><tr class="skills-average"><th scope="row">${t('skills.average')}</th>
          ${data.skills.map((c, i) => html`<td key=${i} class="num" data-skill=${i}>${c.average === null ? '—' : c.average.toFixed(1)}
            <span class="muted"> (${t('skills.rated', { n: c.rated })})</span></td>`)}</tr></tfoot>
      </table></div>` : null}
  </section>`;
}
