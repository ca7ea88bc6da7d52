// Segmentation scores from a confusion matrix (rows = ground truth, columns = prediction).

export interface SegmentationScores {
  /** Per class TP / (TP + FP + FN); null where the class is neither in the ground truth nor predicted. */
  iou: Array<number | null>;
  /** Mean of the defined IoUs (a predicted class absent from the ground truth counts, with IoU 0). */
  miou: number | null;
  /** Correct pixels / all counted pixels. */
  overallAcc: number | null;
  /** Mean over classes present in the ground truth of TP / ground-truth pixels. */
  meanAcc: number | null;
  /** Σ over classes present in the ground truth of (their share of the pixels) · IoU. */
  fwavacc: number | null;
}

function toRows(confusion: Float64Array | number[][]): { n: number; at: (r: number, c: number) => number } {
  if (Array.isArray(confusion)) {
    const n = confusion.length;
    confusion.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== n) {
        throw new TypeError(`segmentationScores: the confusion matrix must be square; row ${r} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${n}`);
      }
    });
    return { n, at: (r, c) => confusion[r][c] };
  }
  if (!(confusion instanceof Float64Array)) throw new TypeError('segmentationScores: expected a Float64Array or an array of rows');
  const n = Math.round(Math.sqrt(confusion.length));
  if (n * n !== confusion.length) {
    throw new TypeError(`segmentationScores: a flat confusion matrix needs a square number of entries, got ${confusion.length}`);
  }
  return { n, at: (r, c) => confusion[r * n + c] };
}

function meanOf(values: Array<number | null>): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((s, v) => s + v, 0) / defined.length;
}

export function segmentationScores(confusion: Float64Array | number[][]): SegmentationScores {
  const { n, at } = toRows(confusion);
  const gtPixels = new Array<number>(n).fill(0);
  const predPixels = new Array<number>(n).fill(0);
  let total = 0;
  let correct = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = at(r, c);
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`segmentationScores: entry (${r}, ${c}) is ${v}; counts must be finite and non-negative`);
      gtPixels[r] += v;
      predPixels[c] += v;
      total += v;
    }
    correct += at(r, r);
  }
  const iou = gtPixels.map((g, k) => {
    const union = g + predPixels[k] - at(k, k);
    return union > 0 ? at(k, k) / union : null;
  });
  const classAcc = gtPixels.map((g, k) => (g > 0 ? at(k, k) / g : null));
  let fwavacc: number | null = null;
  if (total > 0) {
    fwavacc = 0;
    for (let k = 0; k < n; k++) if (gtPixels[k] > 0) fwavacc += (gtPixels[k] / total) * (iou[k] as number);
  }
  return {
    iou,
    miou: meanOf(iou),
    overallAcc: total > 0 ? correct / total : null,
    meanAcc: meanOf(classAcc),
    fwavacc,
  };
}

/** Pixels per class in a confusion matrix: ground truth (row sums) and prediction (column sums). */
export function classPixels(confusion: Float64Array | number[][]): { truth: number[]; predicted: number[] } {
  const { n, at } = toRows(confusion);
  const truth = new Array<number>(n).fill(0);
  const predicted = new Array<number>(n).fill(0);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      truth[r] += at(r, c);
      predicted[c] += at(r, c);
    }
  }
  return { truth, predicted };
}
