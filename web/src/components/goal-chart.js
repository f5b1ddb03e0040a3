// goal-chart.js - a goal's progress against time elapsed: the actual line beside the
// expected line: from zero to the target for cumulative metrics, flat at the target for levels. ECharts, tree-shaken:
// only the line chart, grid, tooltip, legend and mark line are bundled. Dates go in as UTC-midnight
// numbers with useUTC, so the axis shows the workspace's calendar dates in any browser time zone.
import { useEffect, useRef } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { html } from '../html.js';
import { t } from '../i18n/index.js';
import { valueOf, shortDate, date, today, dayMs } from '../format.js';
import { dateTicks } from './charts.js';
import { navigate } from '../app-context.js';
import { adjustMarks, adjustLine, clickedAdjustment, adjustLink } from './adjust-marks.js';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

const COLORS = { actual: '#2563eb', expected: '#94a3b8', on_track: '#16a34a', at_risk: '#d97706', off_track: '#dc2626', achieved: '#0891b2' };

// Build [date, value] pairs from the series endpoint, or from the goal alone when it has none.
export function seriesOf(goal, points) {
  const start = goal.start, due = goal.due;
  // Cumulative metrics (revenue, units, deals won, new customers, custom check-ins) grow
  // from zero through the window, so the plan is the straight line from zero at the start
  // to the target at the due date. Levels (gross margin, retention rate, average deal
  // size) are judged against the target itself: the plan is a flat line at the target.
  // Which is which the server says (goal.cumulative, from its one metric table).
  const cumulative = !!goal.cumulative;
  const target = Number(goal.target) || 0;
  let actual = [];
  if (points && points.length)
    actual = points.filter((p) => p.actual !== null && p.actual !== undefined).map((p) => [p.date, Number(p.actual)]);
  const expected = start && due ? [[start, cumulative ? 0 : target], [due, target]] : [];
  if (!actual.length && start && goal.actual !== null && goal.actual !== undefined) {
    const now = today();
    const end = now < due ? now : due;
    actual = cumulative ? [[start, 0], [end < start ? start : end, Number(goal.actual)]]
      : [[end < start ? start : end, Number(goal.actual)]];
  }
  return { actual, expected };
}

// adjustments: the project's (adjust-marks.js); the goal's own and every other kind's are
// marked where they took effect in the goal's window, and a click opens one.
export function GoalChart({ goal, points, adjustments, code }) {
  const el = useRef(null);
  const chart = useRef(null);
  const { actual, expected } = seriesOf(goal, points);
  const last = actual.length ? actual[actual.length - 1][1] : 0;
  const marks = adjustMarks((adjustments || []).filter((a) => a.kind !== 'goal' || a.record_id === goal.id),
    (day) => (goal.start && goal.due && day >= goal.start && day <= goal.due ? dayMs(day) : null));
  const markRef = useRef(marks);
  markRef.current = marks;

  useEffect(() => {
    chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
    chart.current.on('click', (e) => {
      const id = clickedAdjustment(e, markRef.current);
      if (id && code) navigate(adjustLink(code, id));
    });
    const ro = new ResizeObserver(() => chart.current && chart.current.resize());
    ro.observe(el.current);
    return () => { ro.disconnect(); chart.current.dispose(); chart.current = null; };
  }, []);

  useEffect(() => {
    if (!chart.current) return;
    // ratios read as percents (45.0%), money compact, a custom goal's count with its own unit
    const fmt = (v) => valueOf(goal.unit, goal.unit === 'count' ? Math.round(v) : v, { compact: true });
    const tip = (v) => (goal.metric === 'custom' && goal.custom_unit ? fmt(v) + ' ' + goal.custom_unit : fmt(v));
    const color = COLORS[goal.status] || COLORS.actual;
    const start = dayMs(goal.start), due = dayMs(goal.due);
    const ticks = dateTicks(start, due);
    const utc = (pairs) => pairs.map(([d, v]) => [dayMs(d), v]);
    chart.current.setOption({
      animationDuration: 400,
      grid: { left: 8, right: 16, top: 28, bottom: 4, containLabel: true },
      legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11, color: '#64748b' },
        data: [t('chart.actual'), t('chart.expected')] },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? tip(v) : v),
        axisPointer: { type: 'line' } },
      useUTC: true,
      xAxis: { type: 'time', min: start, max: due, axisLabel: { fontSize: 10, color: '#64748b', hideOverlap: true,
        showMinLabel: true, customValues: ticks, formatter: (v) => shortDate(v) },
        axisTick: { customValues: ticks }, axisLine: { lineStyle: { color: '#cbd5e1' } },
        splitLine: { show: false } },
      yAxis: { type: 'value', min: 0, axisLabel: { fontSize: 10, color: '#64748b', formatter: fmt },
        splitLine: { lineStyle: { color: '#eef2f7' } } },
      series: [
        { name: t('chart.expected'), type: 'line', data: utc(expected), symbol: 'none',
          lineStyle: { type: 'dashed', width: 1.5, color: COLORS.expected }, itemStyle: { color: COLORS.expected },
          markLine: adjustLine(marks) },
        { name: t('chart.actual'), type: 'line', data: utc(actual), symbol: 'circle', symbolSize: 5, showSymbol: actual.length < 40,
          lineStyle: { width: 2.5, color }, itemStyle: { color }, areaStyle: { color, opacity: 0.08 },
          markLine: { symbol: 'none', silent: true, label: { show: false },
            lineStyle: { color: '#e2e8f0', type: 'solid' }, data: [{ xAxis: dayMs(today()) }] } },
      ],
    }, true);
  }, [goal, points, actual.length, last, marks.length]);

  return html`<div class="goal-chart" ref=${el} data-actual=${String(last)} data-points=${String(actual.length)}
    data-marks=${marks.map((m) => m.adjustment).join(',')}
    role="img" aria-label=${t('chart.aria', { name: goal.name || '', due: date(goal.due) })}></div>`;
}
