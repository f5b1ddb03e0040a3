// tasks.js - a project's plan (/p/:code/tasks): three tabs over the task noun.
//   List: the generic list and forms of the noun (components/entity-page.js): filters on the
//     assignee, status and overdue, the moves as row buttons (POST .../tasks/{id}/status).
//   Board: a column per status (todo, doing, done), each card with its moves as buttons.
//   Gantt: an ECharts custom series (components/gantt.js) of the plan the server computes
//     (GET .../tasks/gantt): a bar per task, milestones as diamonds, dependency arrows, today's
//     line and the critical path; a bar's dates change by a form opened from the bar, or by
//     keyboard on the bar's button (a versioned PATCH either way).
// The server judges every move and date; a refusal (a task that waits for others) is said in
// the reader's language, naming the tasks it waits for.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { date } from '../format.js';
import { useApp } from '../app-context.js';
import { EntityPage } from '../components/entity-page.js';
import { CLEAR } from '../components/crud.js';
import { useProjectAccess, wsAtLeast, projectAtLeast } from '../components/access.js';
import { useLoad, ErrorBanner, Banner, Chip, Skeleton, PageHead } from '../components/ui.js';
import { useLive } from '../live.js';
import { Gantt } from '../components/gantt.js';
import { CommentsButton } from '../components/comments.js';
import '../styles/forms.css';
import '../styles/tasks.css';

const STATUSES = ['todo', 'doing', 'done'];
export const statusLabel = (s) => t('ent.task.status.' + s);

// The moves a task's status allows, as the server's rules do: [to, verb].
const MOVES = {
  todo: [['doing', 'start'], ['done', 'done']],
  doing: [['done', 'done'], ['todo', 'reopen']],
  done: [['todo', 'reopen']],
};

const idFromForm = (s) => {
  const v = String(s).trim();
  if (v === '') return CLEAR;
  return /^[1-9][0-9]{0,17}$/.test(v) ? Number(v) : null;
};

const errLabels = () => ({ status: t('ent.task.status'), start: t('ent.task.start'), due: t('ent.task.due') });

function MoveButtons({ rec, onMove }) {
  return (MOVES[rec.status] || []).map(([to, verb]) => html`<button type="button" key=${to}
      class=${'btn btn-small' + (verb === 'reopen' ? '' : ' btn-primary')} name="move" data-to=${to}
      aria-label=${t('task.move_label', { action: t('task.' + verb), title: rec.title })}
      onClick=${() => onMove(rec, to)}>${t('task.' + verb)}</button>`);
}

function Board({ base, mayMove, onMove, tick }) {
  const list = useLoad(() => api.get(base + '?limit=1000'), [base, tick]);
  if (list.loading && !list.data) return html`<div class="card"><${Skeleton} rows=${4} /></div>`;
  if (list.error) return html`<${ErrorBanner} error=${list.error} onRetry=${list.reload} />`;
  const tasks = list.data.tasks;
  return html`<div class="task-board" id="task-board">${STATUSES.map((s) => {
    const col = tasks.filter((x) => x.status === s);
    return html`<section class="task-col card" key=${s} data-status=${s} aria-label=${statusLabel(s)}>
      <h2>${statusLabel(s)} <span class="muted">${col.length}</span></h2>
      ${col.length ? html`<ul class="task-cards">${col.map((x) => html`<li class=${'task-card' + (x.overdue ? ' row-overdue' : '')}
          key=${x.id} data-id=${x.id}>
        <div class="task-card-title">#${x.id} ${x.title}</div>
        <div class="muted">${x.assignee_name || x.assignee} · ${date(x.start)} – ${date(x.due)}</div>
        <div>${x.milestone ? html`<${Chip}>${t('task.milestone')}<//> ` : null}
          ${x.overdue ? html`<${Chip} kind="off_track">${t('task.overdue')}<//>` : null}</div>
        ${x.depends_on.length ? html`<div class="muted">${t('task.depends_on', { list: x.depends_on.map((d) => '#' + d).join(', ') })}</div>` : null}
        ${mayMove(x) ? html`<div class="task-card-actions"><${MoveButtons} rec=${x} onMove=${(rec, to) => onMove(rec, to, list.reload)} /></div>` : null}
      </li>`)}</ul>` : html`<p class="muted">${t('task.board_empty')}</p>`}
    </section>`;
  })}</div>`;
}

export function Tasks({ code }) {
  const app = useApp();
  const access = useProjectAccess(app.me, code);
  const [tab, setTab] = useState('list');
  const [tick, setTick] = useState(0);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const base = '/projects/' + enc(code) + '/tasks';
  const writer = wsAtLeast(app.me, 'rep');
  const manage = writer && projectAtLeast(access.can.prole, 'manager');
  const mayMove = (rec) => manage || (writer && projectAtLeast(access.can.prole, 'member') && rec.assignee === app.me.user.login);
  const refresh = () => setTick(tick + 1);
  // a task written by anyone: the list, the board and the chart are read again
  useLive(code, ['task'], () => setTick((n) => n + 1));

  const move = async (rec, to, reload) => {
    setError(null); setNotice(null);
    try {
      await api.post(base + '/' + enc(rec.id) + '/status', { status: to, version: rec.version });
      setNotice(t('task.moved', { title: rec.title, status: statusLabel(to) }));
    } catch (err) { setError(err); }
    if (reload) reload();
    refresh();
  };
  const banners = html`${notice ? html`<${Banner} kind="success" onDismiss=${() => setNotice(null)}><span id="task-notice">${notice}</span><//>` : null}
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} labels=${errLabels()} />`;
  const extras = {
    notice: banners,
    hide: ['description', 'assignee_name', 'goal', 'deal', 'problem'],
    refFilters: ['assignee'],
    rowClass: (rec) => (rec.overdue ? 'row-overdue' : ''),
    recName: (rec) => rec.title,
    cells: {
      title: (rec) => html`<span>${rec.title}</span> <${CommentsButton} on=${'task:' + rec.id} title=${rec.title} />`,
      assignee: (rec) => html`<span title=${rec.assignee}>${rec.assignee_name || rec.assignee}</span>`,
      status: (rec) => html`<${Chip}>${statusLabel(rec.status)}<//>
        ${rec.overdue ? html` <${Chip} kind="off_track">${t('task.overdue')}<//>` : null}`,
      overdue: (rec) => (rec.overdue ? t('task.overdue') : '—'),
    },
    fields: {
      // a new task is the writer's own unless they choose another member (a rep may only own theirs)
      assignee: (spec) => ({ ...spec, default: spec.options.some((o) => o.value === app.me.user.login) ? app.me.user.login : spec.default }),
      goal: (spec) => ({ ...spec, type: 'text', inputmode: 'numeric', options: undefined, default: '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: idFromForm, invalid: t('form.invalid') }),
      deal: (spec) => ({ ...spec, type: 'text', inputmode: 'numeric', options: undefined, default: '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: idFromForm, invalid: t('form.invalid') }),
      problem: (spec) => ({ ...spec, type: 'text', inputmode: 'numeric', options: undefined, default: '',
        toForm: (v) => (v === undefined || v === null ? '' : String(v)), fromForm: idFromForm, invalid: t('form.invalid') }),
    },
    reloadKey: tick,
    extraActions: (rec, reload) => (mayMove(rec) ? html`<${MoveButtons} rec=${rec} onMove=${(r, to) => move(r, to, reload)} />` : null),
  };
  const tabs = [['list', t('task.tab_list')], ['board', t('task.tab_board')], ['gantt', t('task.tab_gantt')]];
  return html`<div class="tasks-screen">
    <div class="tabs" role="tablist" aria-label=${t('ent.task.plural')}>
      ${tabs.map(([k, label]) => html`<button type="button" role="tab" key=${k} id=${'tab-' + k} class=${'tab' + (tab === k ? ' active' : '')}
        aria-selected=${tab === k ? 'true' : 'false'} onClick=${() => { setTab(k); setError(null); setNotice(null); }}>${label}</button>`)}
    </div>
    ${tab === 'list' ? html`<${EntityPage} name="task" project=${code} extras=${extras} />` : null}
    ${tab !== 'list' ? html`<${PageHead} title=${t('ent.task.plural')} subtitle=${t('ent.task.sub')} />` : null}
    ${tab === 'board' ? html`<div>${banners}<${Board} base=${base} mayMove=${mayMove} onMove=${move} tick=${tick} /></div>` : null}
    ${tab === 'gantt' ? html`<div>${banners}<${Gantt} base=${base} tick=${tick} mayEdit=${mayMove}
      onSaved=${(rec) => { setNotice(t('task.dates_saved', { title: rec.title })); refresh(); }}
      onError=${(err) => { setError(err); refresh(); }} /></div>` : null}
  </div>`;
}


