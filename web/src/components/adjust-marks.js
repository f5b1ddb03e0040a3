// adjust-marks.js - the adjustments on the trend charts: the project's adjustments (GET
// .../adjustments) as ECharts markLine items, one dashed line where each took effect, labelled
// by its kind; a click on one opens it on the adjustments screen (/p/:code/adjustments?id=N).
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { date } from '../format.js';
import { useLoad } from './ui.js';

// The project's adjustments (an empty list until they come, or when they cannot be read).
export function useAdjustments(code) {
  const r = useLoad(() => (code ? api.get('/projects/' + enc(code) + '/adjustments') : null), [code]);
  return (r.data && r.data.adjustments) || [];
}

// One markLine item per adjustment; at(day) places it on the axis (null: not on this chart).
export function adjustMarks(items, at) {
  const out = [];
  for (const a of items) {
    const x = at(a.effective);
    if (x === null || x === undefined) continue;
    const kind = t('adjust.kind.' + a.kind);
    out.push({ xAxis: x, adjustment: a.id,
      name: t('adjust.marker', { kind, date: date(a.effective), reason: a.reason }),
      label: { show: true, formatter: kind, fontSize: 10, color: '#7c3aed', position: 'end' } });
  }
  return out;
}

// The markLine of a series that carries the marks.
export const adjustLine = (marks) => ({ symbol: 'none', silent: false, data: marks,
  lineStyle: { color: '#7c3aed', type: 'dashed', width: 1.5 }, emphasis: { lineStyle: { width: 3 } },
  tooltip: { show: true, formatter: (p) => p.name } });

// The adjustment a click on a chart names (a markLine's item), or null.
export function clickedAdjustment(e, marks) {
  if (!e || e.componentType !== 'markLine') return null;
  const m = (e.data && e.data.adjustment) ? e.data : marks[e.dataIndex];
  return m ? m.adjustment : null;
}

export const adjustLink = (code, id) => '/p/' + enc(code) + '/adjustments?id=' + id;
