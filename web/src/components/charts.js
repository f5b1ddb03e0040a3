// charts.js - one ECharts canvas as a Preact component (init once, setOption on change, resize
// with its box, clicks handed to the screen), and the date ticks every time axis shares.
// ECharts is tree-shaken: only the bar and line charts, grid, tooltip, legend and mark line
// (the adjustments' markers) are bundled.
// Every chart runs with useUTC and gets calendar dates as UTC-midnight numbers (format.js
// dayMs), so a browser in UTC+8 or UTC-8 draws the workspace's dates, not a day off.
import { useEffect, useRef } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { html } from '../html.js';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export const COLORS = { revenue: '#2563eb', profit: '#16a34a', margin: '#d97706', muted: '#64748b', line: '#cbd5e1', split: '#eef2f7' };
const DAY = 86400000;

// Tick values (UTC ms) for a time axis from start to end: the start itself first (so the axis
// opens on the window's first day), then month starts (or even steps for short spans),
// thinned to at most max, and the end; none so close to another that their labels collide.
export function dateTicks(start, end, max = 5) {
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return Number.isFinite(start) ? [start] : [];
  const span = end - start;
  const gap = span / (max * 1.2);
  let inner = [];
  if (span > 62 * DAY) {
    // first days of months, every 1, 2, 3, 6 or 12 months on the calendar (quarters: Apr, Jul, Oct)
    const months = [];
    const d = new Date(start);
    for (let y = d.getUTCFullYear(), m = d.getUTCMonth() + 1; ; m++) {
      const v = Date.UTC(y, m, 1);
      if (v >= end) break;
      months.push([v, new Date(v).getUTCMonth()]);
    }
    for (const step of [1, 2, 3, 6, 12]) {
      inner = months.filter(([, m]) => m % step === 0).map(([v]) => v);
      if (inner.length <= max - 2) break;
    }
  } else {
    const days = Math.round(span / DAY);
    const step = Math.max(1, Math.ceil(days / (max - 1)));
    for (let k = step; k < days; k += step) inner.push(start + k * DAY);
  }
  inner = inner.filter((v) => v - start >= gap && end - v >= gap);
  return [start, ...inner, end];
}

// <EChart option=... onClick=(params)=>... class=... label=... />: the option is applied whole
// (notMerge) whenever it changes; useUTC is always on. onInit(chart, el), once: a screen that
// listens to more than clicks (a Gantt bar dragged).
export function EChart({ option, onClick, onInit, className, label, data }) {
  const el = useRef(null);
  const chart = useRef(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
    chart.current.on('click', (p) => click.current && click.current(p));
    if (onInit) onInit(chart.current, el.current);
    const ro = new ResizeObserver(() => chart.current && chart.current.resize());
    ro.observe(el.current);
    return () => { ro.disconnect(); chart.current.dispose(); chart.current = null; };
  }, []);

  useEffect(() => {
    if (chart.current && option) chart.current.setOption({ useUTC: true, animationDuration: 350, ...option }, true);
  }, [option]);

  return html`<div class=${'chart ' + (className || '')} ref=${el} role="img" aria-label=${label} ...${data || {}}></div>`;
}
