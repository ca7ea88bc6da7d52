// Charts as inline SVG, drawn here rather than by a charting library so that the page
// needs nothing from the network and stays one file. Line charts carry their data in a
// `data-hover` attribute for the page's script (values under the pointer); bars carry a
// `data-tip`.
import { extent } from '../../engine/run/curve-points.js';
import type { Points, Series } from '../types.js';
import { esc, jsonAttr, short } from './escape.js';

export const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const W = 720;
const PAD = { l: 58, r: 16, t: 30, b: 36 };

/** About five round-numbered ticks covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The legend's items in rows across the top; `bottom` is where the plot may start. */
function legend(names: string[]): { svg: string; bottom: number } {
  let x = PAD.l;
  let y = 14;
  const items = names.map((name, i) => {
    const width = 28 + name.length * 6.2;
    if (x > PAD.l && x + width > W - PAD.r) {
      x = PAD.l;
      y += 16;
    }
    const item = `<rect x="${x.toFixed(1)}" y="${y - 8}" width="12" height="8" fill="${COLOURS[i % COLOURS.length]}"/><text x="${(x + 16).toFixed(1)}" y="${y}">${esc(name)}</text>`;
    x += width;
    return item;
  });
  return { svg: items.join(''), bottom: y + 16 };
}

export interface LineChartOptions {
  series: Series[];
  /** The step axis: every chart of a stage passes the same, so they line up. */
  xDomain: [number, number];
  /** Fixed y range (e.g. [0, 1] for shares); default: the data's, padded. */
  yDomain?: [number, number];
  /** Values shown as percentages. */
  percent?: boolean;
  /** A marked point (the best evaluation). */
  mark?: { x: number; y: number; label: string };
  height?: number;
  label: string;
}

export function lineChart(o: LineChartOptions): string {
  const key = legend(o.series.map((s) => s.name));
  const top = Math.max(PAD.t, key.bottom);
  const H = (o.height ?? 240) + top - PAD.t;
  const [x0, x1raw] = o.xDomain;
  const x1 = x1raw > x0 ? x1raw : x0 + 1;
  // Loops, not Math.min(...values): spread, a long curve overflows the call stack.
  const values = o.series.flatMap((s) => s.points.map((p) => p[1]));
  let [y0, y1] = o.yDomain ?? extent(values.length, (i) => values[i]) ?? [0, 1];
  if (!o.yDomain) {
    const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 1;
    y0 = y0 >= 0 && y0 - pad < 0 ? 0 : y0 - pad;
    y1 += pad;
  }
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0 || 1)) * (H - top - PAD.b);
  const fmt = (v: number) => (o.percent ? `${short(v * 100)}` : short(v));
  const parts = [
    `<svg class="chart line" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.label)}" data-hover="${jsonAttr({
      px: [sx(x0), sx(x1)], x: [x0, x1], py: [sy(y0), sy(y1)], y: [y0, y1], percent: !!o.percent,
      series: o.series.map((s, i) => ({ name: s.name, colour: COLOURS[i % COLOURS.length], points: s.points })),
    })}">`,
    `<rect class="plot" x="${PAD.l}" y="${top}" width="${W - PAD.l - PAD.r}" height="${H - top - PAD.b}"/>`,
    key.svg,
  ];
  for (const t of ticks(y0, y1)) {
    parts.push(`<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${PAD.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  for (const t of ticks(x0, x1, 6)) {
    parts.push(`<text class="tick" x="${sx(t).toFixed(1)}" y="${H - PAD.b + 16}" text-anchor="middle">${esc(short(t))}</text>`);
  }
  parts.push(`<text class="axis" x="${W - PAD.r}" y="${H - 4}" text-anchor="end">step</text>`);
  o.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length === 0) return;
    const d = pts.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    // Few points (evaluations): each one drawn, so a single evaluation still shows.
    if (pts.length <= 30) for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${colour}"/>`);
  });
  if (o.mark) {
    const mx = sx(o.mark.x);
    const my = sy(o.mark.y);
    parts.push(`<circle class="best" cx="${mx.toFixed(1)}" cy="${my.toFixed(1)}" r="6"/>`);
    parts.push(`<text class="best-label" x="${mx.toFixed(1)}" y="${(my - 10).toFixed(1)}" text-anchor="${mx > W - 120 ? 'end' : 'middle'}">${esc(o.mark.label)}</text>`);
  }
  parts.push(`<line class="guide" x1="0" x2="0" y1="${top}" y2="${H - PAD.b}" visibility="hidden"/>`, '</svg>');
  return parts.join('');
}

export interface BarChartOptions {
  categories: string[];
  groups: Array<{ name: string; values: Array<number | null> }>;
  /** Categories drawn as absent (a label, no bar). */
  absent?: boolean[];
  percent?: boolean;
  yDomain?: [number, number];
  label: string;
}

/** Grouped bars: one group of bars per category, one colour per group. */
export function barChart(o: BarChartOptions): string {
  const key = legend(o.groups.map((g) => g.name));
  const top = Math.max(PAD.t, key.bottom);
  const H = 300 + top - PAD.t;
  const bottom = 86;
  const values = o.groups.flatMap((g) => g.values);
  const [lo, hi] = extent(values.length, (i) => values[i] ?? Number.NaN) ?? [0, 0];
  const [y0, y1] = o.yDomain ?? [Math.min(0, lo), Math.max(hi, 0) * 1.08 || 1];
  const sy = (y: number) => H - bottom - ((y - y0) / (y1 - y0 || 1)) * (H - top - bottom);
  const slot = (W - PAD.l - PAD.r) / Math.max(1, o.categories.length);
  const bar = (slot * 0.8) / Math.max(1, o.groups.length);
  const fmt = (v: number) => (o.percent ? short(v * 100) : short(v));
  const parts = [
    `<svg class="chart bars" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.label)}">`,
    `<rect class="plot" x="${PAD.l}" y="${top}" width="${W - PAD.l - PAD.r}" height="${H - top - bottom}"/>`,
    key.svg,
  ];
  for (const t of ticks(y0, y1)) {
    parts.push(`<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${PAD.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  o.categories.forEach((name, c) => {
    const left = PAD.l + c * slot + slot * 0.1;
    const cx = left + slot * 0.4;
    parts.push(`<text class="tick cat" transform="translate(${cx.toFixed(1)},${H - bottom + 10}) rotate(-45)" text-anchor="end">${esc(name)}</text>`);
    if (o.absent?.[c]) {
      parts.push(`<text class="absent" transform="translate(${(cx + 3).toFixed(1)},${H - bottom - 4}) rotate(-90)">absent</text>`);
      return;
    }
    o.groups.forEach((g, i) => {
      const v = g.values[c];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const top = sy(Math.max(v, 0));
      const h = Math.max(Math.abs(sy(v) - sy(0)), 0.5);
      parts.push(
        `<rect x="${(left + i * bar).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(bar - 1, 1).toFixed(1)}" height="${h.toFixed(1)}" ` +
          `fill="${COLOURS[i % COLOURS.length]}" data-tip="${esc(`${name}, ${g.name}: ${fmt(v)}${o.percent ? ' %' : ''}`)}"/>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The step axis of a stage's charts: from 0 to its configured steps. */
export function stepDomain(steps: number, points: Points[]): [number, number] {
  let last = Math.max(steps, 1);
  for (const p of points) for (const [x] of p) if (x > last) last = x;
  return [0, last];
}
