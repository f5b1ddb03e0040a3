// reviews.js - a project's peer reviews (/p/:code/reviews; core/review.c): a member scores
// each other member's teamwork from 1 to 5 with a comment, one review each, changed later at
// its version; the screen shows the caller's own aggregate (what the others gave them: the
// count and the mean), never who gave what. Managers (the project's owner and managers,
// workspace admins and managers) see every review and every member's aggregate. Viewers have
// none. Written while the project runs or once it is closed; the server judges.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { useApp } from '../app-context.js';
import { useProjectAccess } from '../components/access.js';
import { useLoad, ErrorBanner, Skeleton, PageHead, Empty, confirmed } from '../components/ui.js';
import { FormField, errorAt } from '../components/fields.js';

const SCORES = [1, 2, 3, 4, 5];
const stars = (n) => '★'.repeat(n) + '☆'.repeat(5 - n);
const score = (v) => (v == null ? '—' : v.toFixed(1));

// The caller's review of one member: a new one, or theirs to change or delete.
function ReviewRow({ code, member, review, onSaved }) {
  const [f, setF] = useState({ teamwork: review ? String(review.teamwork) : '', comment: review ? review.comment : '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const labels = { teamwork: t('ent.review.teamwork'), comment: t('ent.review.comment'), reviewee: t('ent.review.reviewee') };
  const base = '/projects/' + enc(code) + '/reviews';
  const submit = async (e) => {
    e.preventDefault();
    if (!f.teamwork) { setError({ field: 'teamwork', message: t('review.pick_score') }); return; }
    if ([...f.comment].length > 2000) { setError({ field: 'comment', message: t('lesson.too_long', { max: 2000 }) }); return; }
    setBusy(true); setError(null); setSaved(false);
    const body = { teamwork: Number(f.teamwork), comment: f.comment.trim() };
    try {
      if (review) await api.patch(base + '/' + review.id, { ...body, version: review.version });
      else await api.post(base, { ...body, reviewee: member.login });
      setSaved(true);
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const remove = async () => {
    if (!confirmed(t('review.confirm_delete', { name: member.name || member.login }))) return;
    setError(null);
    try { await api.del(base + '/' + review.id, review.version); onSaved(); } catch (err) { setError(err); }
  };
  return html`<form class="card review-form" data-reviewee=${member.login} onSubmit=${submit} novalidate>
    <div class="review-who"><strong>${member.name || member.login}</strong> <span class="muted">${member.login}</span>
      ${review ? html`<span class="chip chip-on_track review-done">${t('review.done')}</span>` : null}</div>
    ${error && !['teamwork', 'comment'].includes(error.field) ? html`<${ErrorBanner} error=${error} labels=${labels} />` : null}
    <div class="form-grid">
      <${FormField} name="teamwork" label=${labels.teamwork} error=${errorAt(error, 'teamwork', labels)} hint=${t('review.teamwork_hint')}>
        <select name="teamwork" value=${f.teamwork} onChange=${(e) => setF({ ...f, teamwork: e.currentTarget.value })}>
          <option value="">${t('review.pick')}</option>
          ${SCORES.map((n) => html`<option value=${String(n)}>${stars(n)} ${t('review.score.' + n)}</option>`)}
        </select><//>
      <${FormField} wide name="comment" label=${labels.comment} error=${errorAt(error, 'comment', labels)}>
        <textarea name="comment" rows="2" value=${f.comment} onInput=${(e) => setF({ ...f, comment: e.currentTarget.value })}></textarea><//>
    </div>
    <div class="form-actions">
      ${saved ? html`<span class="muted review-saved" role="status">${t('review.saved')}</span>` : null}
      ${review ? html`<button type="button" class="btn btn-danger-ghost review-delete" onClick=${remove}>${t('action.delete')}</button>` : null}
      <button type="submit" class="btn btn-primary review-save" disabled=${busy}>${review ? t('action.save') : t('review.submit')}</button>
    </div>
  </form>`;
}

function Summary({ lines, id, title }) {
  return html`<div class="card" id=${id}><h2>${title}</h2>
    <div class="table-wrap"><table class="table review-summary">
      <thead><tr><th>${t('review.member')}</th><th class="num">${t('review.count')}</th><th class="num">${t('ent.review.teamwork')}</th></tr></thead>
      <tbody>${lines.map((s) => html`<tr key=${s.login} data-login=${s.login}>
        <th scope="row">${s.name || s.login}</th><td class="num" data-col="reviews">${s.reviews}</td>
        <td class="num" data-col="teamwork">${score(s.teamwork)} ${s.teamwork != null ? html`<span class="stars" aria-hidden="true">${stars(Math.round(s.teamwork))}</span>` : null}</td></tr>`)}
      </tbody></table></div></div>`;
}

export function Reviews({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const board = useLoad(() => api.get('/projects/' + enc(code) + '/reviews'), [code]);
  const can = access.can;
  const me = can.login;
  const data = board.data || { reviews: [], summary: [] };
  const others = access.members.filter((m) => m.role !== 'viewer' && m.login !== me);
  // a member who may write (a workspace viewer on the team reads their own line, writes none)
  const amMember = can.writeReviews && access.members.some((m) => m.login === me && m.role !== 'viewer');
  const mine = (login) => data.reviews.find((r) => r.reviewer === me && r.reviewee === login);
  const draft = access.project && access.project.status === 'draft';
  if (access.loading || (board.loading && !board.data)) return html`<section><${PageHead} title=${t('review.title')} /><${Skeleton} rows=${5} /></section>`;
  if (board.error && board.error.status === 403) {
    return html`<section><${PageHead} title=${t('review.title')} /><${Empty} title=${t('review.viewers')} hint=${t('review.viewers_hint')} /></section>`;
  }
  const own = data.summary.find((s) => s.login === me);
  return html`<section class="reviews-screen">
    <${PageHead} title=${t('review.title')} subtitle=${t('review.sub', { code })} />
    <${ErrorBanner} error=${board.error || access.error} onRetry=${board.reload} />
    ${own && !can.seeAllReviews ? html`<div class="card review-own" id="review-own"><h2>${t('review.own_title')}</h2>
      <p class="review-own-figure"><strong class="num" id="review-own-score">${score(own.teamwork)}</strong>
        ${own.teamwork != null ? html`<span class="stars" aria-hidden="true">${stars(Math.round(own.teamwork))}</span>` : null}
        <span class="muted" id="review-own-count">${t('review.own_count', { n: own.reviews })}</span></p>
      <p class="muted">${t('review.own_hint')}</p></div>` : null}
    ${can.seeAllReviews ? html`<${Summary} id="review-summary" title=${t('review.summary_title')} lines=${data.summary} />` : null}
    ${amMember && !draft ? html`<h2 class="section-title">${t('review.write_title')}</h2>
      <p class="muted">${t('review.write_hint')}</p>
      <div class="review-forms">${others.map((m) => html`<${ReviewRow} key=${m.login + ':' + ((mine(m.login) || {}).version || 0)}
        code=${code} member=${m} review=${mine(m.login)} onSaved=${board.reload} />`)}</div>` : null}
    ${draft ? html`<p class="muted" id="review-draft">${t('review.draft')}</p>` : null}
    ${can.seeAllReviews ? html`<div class="card" id="review-all"><h2>${t('review.all_title')}</h2>
      ${data.reviews.length ? html`<div class="table-wrap"><table class="table review-table">
        <thead><tr><th>${t('ent.review.reviewer')}</th><th>${t('ent.review.reviewee')}</th><th class="num">${t('ent.review.teamwork')}</th><th>${t('ent.review.comment')}</th></tr></thead>
        <tbody>${data.reviews.map((r) => html`<tr key=${r.id} data-id=${r.id}>
          <td>${r.reviewer_name || r.reviewer}</td><td>${r.reviewee_name || r.reviewee}</td>
          <td class="num" data-col="teamwork">${r.teamwork}</td><td>${r.comment}</td></tr>`)}</tbody></table></div>`
        : html`<p class="muted">${t('review.none')}</p>`}</div>` : null}
  </section>`;
}
