// Loss and mIoU curves as PNG images, drawn as SVG and rasterised by sharp.
import sharp from 'sharp';
import { writeFileAtomic } from '../../checkpoint/atomic.js';
import { extent } from './curve-points.js';

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

/** An SVG line chart of the series (x: step). */
export function lineChartSvg(title: string, series: Series[], width = 720, height = 360): string {
  const pad = { l: 60, r: 150, t: 30, b: 40 };
  // Each pair counted only where both of its values are finite, as drawn; loops, not Math.min(...): a long curve overflows the stack.
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const [x0, x1] = extent(all.length, (i) => all[i][0]) ?? [0, 1];
  const [y0, y1] = extent(all.length, (i) => all[i][1]) ?? [0, 1];
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (width - pad.l - pad.r);
  const sy = (y: number) => height - pad.b - ((y - y0) / (y1 - y0 || 1)) * (height - pad.t - pad.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.l}" y="18" font-size="14">${esc(title)}</text>`,
    `<line x1="${pad.l}" y1="${height - pad.b}" x2="${width - pad.r}" y2="${height - pad.b}" stroke="black"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${height - pad.b}" stroke="black"/>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const y = y0 + ((y1 - y0) * k) / 4;
    const x = x0 + ((x1 - x0) * k) / 4;
    parts.push(`<text x="${pad.l - 6}" y="${sy(y) + 4}" text-anchor="end">${y.toPrecision(3)}</text>`);
    parts.push(`<text x="${sx(x)}" y="${height - pad.b + 16}" text-anchor="middle">${Math.round(x)}</text>`);
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 0) {
      const d = pts.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
      if (pts.length === 1) parts.push(`<circle cx="${sx(pts[0][0])}" cy="${sy(pts[0][1])}" r="3" fill="${colour}"/>`);
    }
    parts.push(`<rect x="${width - pad.r + 10}" y="${pad.t + i * 18}" width="12" height="3" fill="${colour}"/>`);
    parts.push(`<text x="${width - pad.r + 28}" y="${pad.t + i * 18 + 5}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export async function writeLineChart(path: string, title: string, series: Series[]): Promise<void> {
  const png = await sharp(Buffer.from(lineChartSvg(title, series))).png().toBuffer();
  writeFileAtomic(path, [png]);
}
