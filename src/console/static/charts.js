// The operations charts, drawn with uPlot (served from node_modules under /console/vendor/, so the
// strict CSP of the console stays 'self'). Data come from GET /console/api/operations/series.
import { h } from './dom.js';

let uPlotModule = null;

async function uPlotLib() {
  if (!uPlotModule) uPlotModule = (await import('/console/vendor/uplot/uPlot.esm.js')).default;
  return uPlotModule;
}

const COLORS = { received: '#14558a', delivered: '#1c6b35', rejected: '#a3171b', failed: '#8a5a00', queueDepth: '#6b3fa0' };

const timeFmt = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
const dayFmt = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', hour: '2-digit', timeZone: 'Europe/Amsterdam' });

/**
 * One chart: a caption, the uPlot canvas, and the same numbers as a table for screen readers and
 * for anyone who wants the figures (the canvas itself says nothing to assistive technology).
 */
async function chart(container, { id, title, series, data, stepSeconds }) {
  const uPlot = await uPlotLib();
  const fmt = stepSeconds >= 3600 ? dayFmt : timeFmt;
  const opts = {
    title,
    width: 520,
    height: 220,
    scales: { x: { time: true } },
    axes: [
      { values: (_u, ticks) => ticks.map((t) => fmt.format(new Date(t * 1000))) },
      { label: 'aantal', values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) },
    ],
    series: [
      { label: 'tijd', value: (_u, t) => (t === null || t === undefined ? '—' : fmt.format(new Date(t * 1000))) },
      ...series.map((s) => ({ label: s.label, stroke: COLORS[s.key], width: 2, fill: s.fill ? `${COLORS[s.key]}22` : undefined, points: { show: false } })),
    ],
  };
  const box = h('figure', { className: 'chart card', id, 'data-points': String(data[0].length), 'data-total': String(series.reduce((n, s, i) => n + data[i + 1].reduce((a, b) => a + b, 0), 0)) });
  const caption = h('figcaption', { className: 'hint' }, `${title}: per ${stepSeconds >= 3600 ? 'uur' : `${stepSeconds / 60} minuten`}.`);
  container.appendChild(box);
  // As wide as its own grid cell (inside the card's padding), so charts side by side never overlap.
  const style = getComputedStyle(box);
  const inner = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  opts.width = Math.max(280, Math.floor(inner || 520));
  const plot = new uPlot(opts, data, box);
  box.appendChild(caption);
  box.appendChild(h('details', null, h('summary', null, 'Cijfers'),
    h('table', null,
      h('caption', null, title),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Tijd'), series.map((s) => h('th', { scope: 'col' }, s.label)))),
      h('tbody', null, data[0].map((t, i) => (series.some((_s, k) => data[k + 1][i] !== 0)
        ? h('tr', null, h('td', null, fmt.format(new Date(t * 1000))), series.map((_s, k) => h('td', { className: 'num' }, data[k + 1][i])))
        : null))),
    )));
  return plot;
}

/** Draws the three charts of the operations page into `container` (emptied first). */
export async function renderCharts(container, s) {
  for (const old of container.querySelectorAll('figure.chart')) old.remove();
  const times = s.times ?? [];
  const step = Number(s.stepSeconds ?? 900);
  await chart(container, {
    id: 'grafiek-doorvoer', title: 'Doorvoer', stepSeconds: step,
    series: [{ key: 'received', label: 'ontvangen' }, { key: 'delivered', label: 'bezorgd' }],
    data: [times, s.received ?? [], s.delivered ?? []],
  });
  await chart(container, {
    id: 'grafiek-fouten', title: 'Afwijzingen en mislukte bezorgpogingen', stepSeconds: step,
    series: [{ key: 'rejected', label: 'afgewezen' }, { key: 'failed', label: 'mislukte pogingen' }],
    data: [times, s.rejected ?? [], s.failed ?? []],
  });
  await chart(container, {
    id: 'grafiek-wachtrij', title: 'Wachtrij (open bezorgingen)', stepSeconds: step,
    series: [{ key: 'queueDepth', label: 'open', fill: true }],
    data: [times, s.queueDepth ?? []],
  });
}
