// The confusion matrix of a segmentation, accumulated where the predictions live: an
// update launches a few device operations and never waits for them; compute() reads back once.
import { checkDevice, type Device, keep, noGrad, type Tensor, tidy, zeros } from '../tensor/index.js';
import { CITYSCAPES_19 } from '../labels/cityscapes.js';

export class ConfusionMatrix {
  readonly numClasses: number;
  readonly device: Device;
  /** (numClasses, numClasses) int64 counts, rows = ground truth, columns = prediction. Owned by this object. */
  readonly counts: Tensor;

  constructor(numClasses = CITYSCAPES_19.classes, device: Device | string = 'cpu') {
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`ConfusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
    }
    this.numClasses = numClasses;
    this.device = checkDevice(device);
    this.counts = keep(zeros([numClasses, numClasses], { dtype: 'int64', device: this.device }));
  }

  /**
   * Counts the pixels of one batch: `pred` and `gt` hold class ids in the same shape. Pixels
   * whose ground truth is outside 0..numClasses-1 (the ignore label 255) are left out, and so
   * are pixels with a prediction outside that range (an arg-max never gives one).
   */
  update(pred: Tensor, gt: Tensor): void {
    const ps = pred.shape;
    const gs = gt.shape;
    if (ps.length !== gs.length || ps.some((d, i) => d !== gs[i])) {
      throw new TypeError(`ConfusionMatrix.update: pred has shape [${ps.join(', ')}] but gt has [${gs.join(', ')}]`);
    }
    const n = this.numClasses;
    noGrad(() =>
      tidy(() => {
        const p = pred.to({ device: this.device, dtype: 'int64' }).flatten();
        const g = gt.to({ device: this.device, dtype: 'int64' }).flatten();
        const valid = g.ge(0).logicalAnd(g.lt(n)).logicalAnd(p.ge(0)).logicalAnd(p.lt(n));
        // Left-out pixels add 0 to cell 0, so every update has the same shapes (no host sync).
        const cell = g.mul(n).add(p).where(valid, 0);
        const hits = zeros([n * n], { dtype: 'int64', device: this.device }).scatterAdd(0, cell, valid.long());
        this.counts.add_(hits.view(n, n));
      }),
    );
  }

  /** Adds another matrix's counts (e.g. from another process). */
  merge(other: ConfusionMatrix): void {
    if (other.numClasses !== this.numClasses) {
      throw new TypeError(`ConfusionMatrix.merge: ${other.numClasses} classes cannot merge into ${this.numClasses}`);
    }
    noGrad(() =>
      tidy(() => {
        this.counts.add_(other.counts.to({ device: this.device }));
      }),
    );
  }

  /** The counts as a row-major Float64Array of numClasses² entries (one read from the device). */
  compute(): Float64Array {
    return tidy(() => this.counts.double().cpu().toTypedArray() as Float64Array);
  }

  reset(): void {
    noGrad(() => {
      this.counts.zero_();
    });
  }

  dispose(): void {
    this.counts.dispose();
  }
}
