// The points of a curve as drawn: a chart is a few hundred pixels wide, so a curve of more
// points than it can show keeps, of each stretch of steps, its lowest and highest point
// (a spike stays visible). Shorter curves keep every point.

export type CurvePoint = [number, number];

/** The most points a curve keeps. */
export const CURVE_POINTS = 2000;

/**
 * The points (x(i), y(i)) for i in 0..n-1 whose both values are finite, in order, at most
 * about `max` of them.
 */
export function curvePoints(n: number, x: (i: number) => number, y: (i: number) => number, max = CURVE_POINTS): CurvePoint[] {
  const finite = new Uint32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(x(i)) && Number.isFinite(y(i))) finite[count++] = i;
  const out: CurvePoint[] = [];
  if (count <= max) {
    for (let k = 0; k < count; k++) out.push([x(finite[k]), y(finite[k])]);
    return out;
  }
  const stretches = Math.max(1, Math.floor(max / 2));
  for (let s = 0; s < stretches; s++) {
    const from = Math.floor((s * count) / stretches);
    const to = Math.floor(((s + 1) * count) / stretches);
    let low = from;
    let high = from;
    for (let k = from + 1; k < to; k++) {
      if (y(finite[k]) < y(finite[low])) low = k;
      if (y(finite[k]) > y(finite[high])) high = k;
    }
    const [a, b] = low < high ? [low, high] : [high, low];
    out.push([x(finite[a]), y(finite[a])]);
    if (b !== a) out.push([x(finite[b]), y(finite[b])]);
  }
  return out;
}

/** The smallest and largest of `values(i)` for i in 0..n-1 that are finite; null when none is. */
export function extent(n: number, values: (i: number) => number): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values(i);
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}
