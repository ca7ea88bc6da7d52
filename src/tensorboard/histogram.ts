// Histograms as TensorFlow's own histogram summary makes them (tsl/lib/histogram): the
// default bucket limits grow by 10% from 1e-12 to 1e20, mirrored for negative values, with 0
// between and ±DBL_MAX at the ends; a value falls in the first bucket whose limit is above
// it; a run of empty buckets is written as one. TensorBoard reads these `histo` values and
// redraws them with the data's min and max in place of the outer limits.
import type { HistogramMessage } from './proto.js';

const DEFAULT_LIMITS: readonly number[] = (() => {
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(Number.MAX_VALUE);
  return [...positive.map((v) => -v).reverse(), 0, ...positive];
})();

/** The index of the first limit above `value` (limits ascending). */
function bucketOf(limits: readonly number[], value: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The HistogramProto of `values`; they must be finite, and at least one. */
export function histogramOf(values: ArrayLike<number>): HistogramMessage {
  if (values.length === 0) throw new RangeError('a histogram needs at least one value');
  const counts = new Float64Array(DEFAULT_LIMITS.length);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // +-Infinity would fall past the last limit and NaN in no bucket at all.
    if (!Number.isFinite(v)) throw new RangeError(`a histogram takes finite values; value ${i} is ${v}`);
    counts[bucketOf(DEFAULT_LIMITS, v)] += 1;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  const bucket_limit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = DEFAULT_LIMITS[i];
    const count = counts[i++];
    if (count === 0) while (i < counts.length && counts[i] === 0) end = DEFAULT_LIMITS[i++];
    bucket_limit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit, bucket };
}
