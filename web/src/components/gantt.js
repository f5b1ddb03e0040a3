// gantt.js - the plan as a Gantt timeline (GET .../tasks/gantt): an ECharts custom series of a
// bar per task from its start to the end of its due day, milestones as diamonds, arrows from
// what a task waits for to the task, today's line, and the critical path (computed by the
// server) drawn in red. Beside the canvas a list of the bars as buttons, so every bar is
// reachable by keyboard (a bar may also be dragged along the time axis): ← → move a task by a day, Shift+← → change its due day, Enter (or a
// click on a bar in the chart) opens a form of its dates, with what the task waits for (add or
// take away a prerequisite). Every date change is a PATCH at the task's version; the server
// judges it (a due before the start, a cycle of dependencies: refused in the reader's language).
import { useState, useMemo, useRef } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { CustomChart } from 'echarts/charts';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { date, dayMs, dayOf } from '../format.js';
import { EChart } from './charts.js';
import { useLoad, ErrorBanner, Skeleton, Modal, Empty } from './ui.js';
import { FormField, errorAt, errorIsAt } from './fields.js';

echarts.use([CustomChart]);

const DAY = 86400000;
const COLOR = { todo: '#2563eb', doing: '#d97706', done: '#16a34a', critical: '#dc2626', arrow: '#64748b', today: '#7c3aed' };
const shift = (s, n) => dayOf(dayMs(s) + n * DAY);

function option(g) {
  const tasks = g.tasks;
  const row = new Map(tasks.map((x, i) => [x.id, i]));
  const critical = new Set(g.critical);
  const min = Math.min(...tasks.map((x) => dayMs(x.start)), dayMs(g.today)) - DAY;
  const max = Math.max(...tasks.map((x) => dayMs(x.due)), dayMs(g.today)) + 2 * DAY;
  const bars = {
    type: 'custom', name: 'tasks',
    encode: { x: [1, 2], y: 0 },
    data: tasks.map((x, i) => ({ value: [i, dayMs(x.start), dayMs(x.due) + DAY, x.id], task: x })),
    renderItem: (params, a) => {
      const x = tasks[params.dataIndex];
      const s = a.coord([a.value(1), a.value(0)]);
      const e = a.coord([a.value(2), a.value(0)]);
      const h = a.size([0, 1])[1] * 0.55;
      const fill = critical.has(x.id) ? COLOR.critical : COLOR[x.status];
      const stroke = critical.has(x.id) ? '#7f1d1d' : 'transparent';
      if (x.milestone) {
        const cx = (s[0] + e[0]) / 2, r = h / 1.4;
        return { type: 'polygon', shape: { points: [[cx, s[1] - r], [cx + r, s[1]], [cx, s[1] + r], [cx - r, s[1]]] },
          style: { fill, stroke, lineWidth: 2 } };
      }
      return { type: 'rect', shape: { x: s[0], y: s[1] - h / 2, width: Math.max(2, e[0] - s[0]), height: h, r: 3 },
        style: { fill, stroke, lineWidth: 2, opacity: x.status === 'done' ? 0.6 : 1 } };
    },
  };
  const arrows = {
    type: 'custom', name: 'deps', silent: true,
    data: g.deps.filter((d) => row.has(d.task) && row.has(d.on)).map((d) => {
      const on = tasks[row.get(d.on)], to = tasks[row.get(d.task)];
      return { value: [dayMs(on.due) + DAY, row.get(d.on), dayMs(to.start), row.get(d.task)],
        critical: critical.has(d.on) && critical.has(d.task) };
    }),
    renderItem: (params, a) => {
      const p0 = a.coord([a.value(0), a.value(1)]);
      const p1 = a.coord([a.value(2), a.value(3)]);
      const midX = Math.max(p0[0] + 6, p1[0] - 6);
      const color = arrows.data[params.dataIndex].critical ? COLOR.critical : COLOR.arrow;
      return { type: 'group', children: [
        { type: 'polyline', shape: { points: [p0, [midX, p0[1]], [midX, p1[1]], [p1[0] - 1, p1[1]]] }, style: { stroke: color, fill: 'none', lineWidth: 1.5 } },
        { type: 'polygon', shape: { points: [[p1[0], p1[1]], [p1[0] - 6, p1[1] - 4], [p1[0] - 6, p1[1] + 4]] }, style: { fill: color } },
      ] };
    },
  };
  const todayLine = {
    type: 'custom', name: 'today', silent: true, data: [[dayMs(g.today)]],
    renderItem: (params, a) => {
      const x = a.coord([a.value(0), 0])[0];
      const c = params.coordSys;
      return { type: 'group', children: [
        { type: 'line', shape: { x1: x, y1: c.y, x2: x, y2: c.y + c.height }, style: { stroke: COLOR.today, lineWidth: 2, lineDash: [4, 3] } },
        { type: 'text', style: { text: t('task.today'), x: x + 3, y: c.y + 2, fill: COLOR.today, fontSize: 11 } },
      ] };
    },
  };
  return {
    grid: { left: 8, right: 16, top: 24, bottom: 28, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p) => (p.data && p.data.task ? t('task.bar_label',
      { title: p.data.task.title, start: date(p.data.task.start), due: date(p.data.task.due) }) : '') },
    xAxis: { type: 'time', min, max, splitLine: { show: true, lineStyle: { color: '#eef2f7' } } },
    yAxis: { type: 'category', inverse: true, data: tasks.map((x) => '#' + x.id + ' ' + (x.title.length > 14 ? x.title.slice(0, 13) + '…' : x.title)),
      axisTick: { show: false } },
    series: [bars, arrows, todayLine],
  };
}

// What a task waits for: each prerequisite with a button that takes it away, and a select of
// the project's other tasks to add one (POST/DELETE .../tasks/{id}/deps; a cycle is refused
// naming it). Dependencies carry no version: the task's dates form stays valid.
function Deps({ rec, base, tasks, onChanged }) {
  const [deps, setDeps] = useState(rec.depends_on);
  const [pick, setPick] = useState('');
  const [error, setError] = useState(null);
  const name = (id) => { const x = tasks.find((y) => y.id === id); return '#' + id + (x ? ' ' + x.title : ''); };
  const change = async (fn) => {
    setError(null);
    try { const r = await fn(); setDeps(r.depends_on); setPick(''); onChanged(); } catch (err) { setError(err); }
  };
  const add = () => change(() => api.post(base + '/' + enc(rec.id) + '/deps', { depends_on: Number(pick) }));
  const remove = (id) => change(() => api.del(base + '/' + enc(rec.id) + '/deps/' + enc(id)));
  return html`<div class="task-deps" id="task-deps">
    <h3>${t('task.deps_title')}</h3>
    <${ErrorBanner} error=${error} onDismiss=${() => setError(null)} labels=${{ depends_on: t('field.depends_on') }} />
    <ul>${deps.map((id) => html`<li key=${id} data-on=${id}><span>${name(id)}</span>
      <button type="button" class="btn btn-small" aria-label=${t('task.remove_dep') + ': ' + name(id)} onClick=${() => remove(id)}>${t('task.remove_dep')}</button></li>`)}</ul>
    <div class="task-deps-add"><label class="field"><span class="field-label">${t('field.depends_on')}</span>
      <select name="depends_on" value=${pick} onChange=${(e) => setPick(e.currentTarget.value)}>
        <option value="">—</option>
        ${tasks.filter((x) => !deps.includes(x.id)).map((x) => html`<option value=${String(x.id)}>${'#' + x.id + ' ' + x.title}</option>`)}
      </select></label>
      <button type="button" class="btn" id="dep-add" disabled=${!pick} onClick=${add}>${t('task.add_dep')}</button></div>
  </div>`;
}

// The form of a bar's dates: start and due (a milestone: its one day); then what it waits for.
function DatesDialog({ rec, base, tasks, onClose, onSaved, onDeps }) {
  const [form, setForm] = useState({ start: rec.start, due: rec.due });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const labels = { start: t('ent.task.start'), due: t('ent.task.due') };
  const save = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = { version: rec.version, start: form.start, due: rec.milestone ? form.start : form.due };
    try { onSaved(rec, await api.patch(base + '/' + enc(rec.id), body)); } catch (err) { setError(err); }
    setBusy(false);
  };
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  return html`<${Modal} title=${t('task.edit_dates_title', { title: rec.title })} onClose=${onClose}>
    <form id="dates-form" class="form-grid" onSubmit=${save} novalidate>
      ${errorIsAt(error, Object.keys(labels)) ? null : html`<${ErrorBanner} error=${error} labels=${labels} />`}
      <${FormField} name="start" label=${labels.start} error=${errorAt(error, 'start', labels)}>
        <input type="date" name="start" value=${form.start} onInput=${set('start')} /><//>
      ${rec.milestone ? null : html`<${FormField} name="due" label=${labels.due} error=${errorAt(error, 'due', labels)}>
        <input type="date" name="due" value=${form.due} onInput=${set('due')} /><//>`}
      <div class="form-actions"><button type="button" class="btn" onClick=${onClose}>${t('action.cancel')}</button>
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('action.save')}</button></div>
    </form>
    <${Deps} rec=${rec} base=${base} tasks=${tasks} onChanged=${onDeps} />
  <//>`;
}

export function Gantt({ base, tick, mayEdit, onSaved, onError }) {
  const g = useLoad(() => api.get(base + '/gantt'), [base, tick]);
  const [editing, setEditing] = useState(null);
  const live = useRef({});
  const opt = useMemo(() => (g.data && g.data.tasks.length ? option(g.data) : null), [g.data]);
  if (g.loading && !g.data) return html`<div class="card"><${Skeleton} rows=${5} /></div>`;
  if (g.error) return html`<${ErrorBanner} error=${g.error} onRetry=${g.reload} />`;
  const data = g.data;
  if (!data.tasks.length) return html`<${Empty} title=${t('task.gantt_empty')} />`;
  const critical = new Set(data.critical);
  const byId = new Map(data.tasks.map((x) => [x.id, x]));
  // a task's new dates and version, from the answer of its change, at once (the plan is read
  // again after, for the critical path): a second move or the dates form right after starts
  // from the version just written, not from the one the chart last read (a 409 of one's own)
  const took = (saved) => {
    if (!saved || !g.data) return;
    g.setData({ ...g.data, tasks: g.data.tasks.map((x) => (x.id === saved.id
      ? { ...x, start: saved.start, due: saved.due, version: saved.version } : x)) });
  };
  const patch = async (rec, start, due) => {
    try { took(await api.patch(base + '/' + enc(rec.id), { version: rec.version, start, due })); onSaved(rec); }
    catch (err) { onError(err); }
  };
  // a bar dragged along the time axis: moved by the whole days between press and release
  Object.assign(live.current, { patch, mayEdit, tasks: data.tasks });
  const onInit = (chart, el) => {
    let drag = null;
    chart.on('mousedown', (p) => {
      if (p.seriesName === 'tasks' && p.data && p.data.task && live.current.mayEdit(p.data.task)) drag = { id: p.data.task.id, x: p.event.offsetX };
    });
    chart.getZr().on('mouseup', (e) => {
      const d = drag;
      drag = null;
      if (!d) return;
      const n = Math.round((chart.convertFromPixel({ xAxisIndex: 0 }, e.offsetX) - chart.convertFromPixel({ xAxisIndex: 0 }, d.x)) / DAY);
      const rec = live.current.tasks.find((x) => x.id === d.id);
      if (!n || !rec) return;
      live.current.dragged = true;
      live.current.patch(rec, shift(rec.start, n), shift(rec.due, n));
    });
    // where a task's bar sits on the canvas (its middle, page-independent pixels): for tools
    // that drive the chart as a user would (the e2e test drags a bar by it)
    el.ganttBarAt = (id) => {
      const rows = live.current.tasks;
      const i = rows.findIndex((x) => x.id === id);
      if (i < 0) return null;
      const mid = (dayMs(rows[i].start) + dayMs(rows[i].due) + DAY) / 2;
      return chart.convertToPixel({ xAxisIndex: 0, yAxisIndex: 0 }, [mid, i]);
    };
    el.ganttDayWidth = () => chart.convertToPixel({ xAxisIndex: 0 }, DAY * 2) - chart.convertToPixel({ xAxisIndex: 0 }, DAY);
  };
  const onKey = (rec) => (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setEditing(rec); return; }
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const n = e.key === 'ArrowLeft' ? -1 : 1;
    if (e.shiftKey && !rec.milestone) patch(rec, rec.start, shift(rec.due, n));
    else patch(rec, shift(rec.start, n), shift(rec.due, n));
  };
  return html`<div class="card gantt-card" id="gantt">
    <p class="muted" id="gantt-critical">${t('task.critical_sum', { list: data.critical.map((id) => '#' + id).join(' → '), days: data.critical_days })}</p>
    <${EChart} option=${opt} className="gantt-chart" label=${t('task.tab_gantt')}
      data=${{ 'data-bars': String(data.tasks.length), 'data-critical': data.critical.join(','), 'data-deps': String(data.deps.length) }}
      onInit=${onInit}
      onClick=${(p) => {
        if (live.current.dragged) { live.current.dragged = false; return; }
        if (p.data && p.data.task && mayEdit(p.data.task)) setEditing(p.data.task);
      }} />
    <p class="muted">${t('task.gantt_keys')}</p>
    <ul class="gantt-bars" aria-label=${t('task.tab_gantt')}>${data.tasks.map((x) => html`<li key=${x.id}>
      <button type="button" class=${'gantt-bar' + (critical.has(x.id) ? ' critical' : '') + (x.milestone ? ' milestone' : '')}
        data-id=${x.id} data-start=${x.start} data-due=${x.due} disabled=${!mayEdit(x)}
        aria-label=${t('task.bar_label', { title: x.title, start: date(x.start), due: date(x.due) })}
        onKeyDown=${onKey(x)} onClick=${() => setEditing(x)}>
        <span>#${x.id} ${x.title}</span>
        <span class="muted">${date(x.start)}${x.milestone ? '' : ' – ' + date(x.due)} · ${x.milestone ? t('task.milestone') : t('task.days', { n: x.days })}</span>
        ${critical.has(x.id) ? html`<span class="chip chip-off_track">${t('task.critical')}</span>` : null}
        ${x.depends_on.length ? html`<span class="muted">${t('task.depends_on', { list: x.depends_on.filter((d) => byId.has(d)).map((d) => '#' + d).join(', ') })}</span>` : null}
      </button></li>`)}</ul>
    ${editing ? html`<${DatesDialog} rec=${editing} base=${base} tasks=${data.tasks} onClose=${() => setEditing(null)}
      onDeps=${g.reload}
      onSaved=${(rec, saved) => { took(saved); setEditing(null); onSaved(rec); }} />` : null}
  </div>`;
}
