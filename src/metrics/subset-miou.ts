// Means over a subset of the classes (SYNTHIA's 13-class mIoU), from the per-class IoUs of
// the full evaluation: no script of the benchmark computes them, so they are derived here.
import type { LabelSet, SubsetMetric } from '../labels/label-set.js';

/** The mean of the defined IoUs of `trainIds` (undefined ones are left out, as in mIoU); null if none is defined. */
export function subsetMiou(iou: ReadonlyArray<number | null>, trainIds: readonly number[]): number | null {
  let sum = 0;
  let count = 0;
  for (const id of trainIds) {
    if (!Number.isInteger(id) || id < 0 || id >= iou.length) {
      throw new RangeError(`subsetMiou: train id ${id} is outside the ${iou.length} IoU values`);
    }
    const v = iou[id];
    if (v === null || Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? null : sum / count;
}

/** Every subset metric the label set names, with its value. */
export function subsetScores(iou: ReadonlyArray<number | null>, labels: LabelSet): Array<{ metric: SubsetMetric; value: number | null }> {
  return labels.subsetMetrics.map((metric) => ({ metric, value: subsetMiou(iou, metric.trainIds) }));
}
