// Per-sample class mean feature vectors (docs/method.md §5 stages 3 and 4): for each sample and each
// class with enough pixels in its mask, the mean of the pixel features over that mask.
import { arange, F, noGrad, type Tensor, tidy } from '../tensor/index.js';
import { CITYSCAPES_19 } from '../labels/cityscapes.js';

export interface ClassMeanOptions {
  /**
   * Ground truth (B, H, W) or (B, 1, H, W); when given, a class's mask keeps only the pixels
   * where label and prediction agree. Resized by nearest neighbour to the feature size when
   * it differs (as the published code does).
   */
  label?: Tensor;
  /** Fewest pixels a mask needs to give a vector (default 5). */
  minPixels?: number;
  /** default: Cityscapes' 19 */
  numClasses?: number;
}

/** Every (sample, class) mean, kept or not: fixed shapes, so computing them never waits on the device. */
export interface DenseClassMeans {
  /** (B, N, C): mean feature of class n in sample b (0 where the mask is empty). */
  means: Tensor;
  /** (B, N) bool: the mask had at least minPixels pixels. */
  keep: Tensor;
}

export interface ClassMeans {
  /** (K, C): one row per (sample, class) kept, samples in order, classes ascending within a sample. */
  vectors: Tensor;
  /** (K,) int64 class id of each row. */
  ids: Tensor;
}

function labelAtFeatureSize(label: Tensor, batch: number, size: [number, number]): Tensor {
  const s = label.shape;
  const ok = (s.length === 3 || (s.length === 4 && s[1] === 1)) && s[0] === batch;
  if (!ok) throw new TypeError(`classMeanVectors: label must be (B, H, W) or (B, 1, H, W) with B = ${batch}, got shape [${s.join(', ')}]`);
  const [H, W] = s.slice(-2);
  const l4 = label.reshape(batch, 1, H, W);
  const resized = H === size[0] && W === size[1] ? l4 : F.interpolate(l4.float(), { size, mode: 'nearest' });
  return resized.reshape(batch, size[0], size[1]).long();
}

/**
 * Class means of `features` (B, C, h, w) over the masks `pred == c` (B, h, w) (and `label == c`
 * with a label), for every sample and class, with which ones have enough pixels. One batched
 * matmul over one-hot masks; no wait on the device. No gradient is recorded.
 */
export function classMeansDense(features: Tensor, pred: Tensor, options: ClassMeanOptions = {}): DenseClassMeans {
  const fs = features.shape;
  const ps = pred.shape;
  if (fs.length !== 4) throw new TypeError(`classMeanVectors: features must be (B, C, h, w), got shape [${fs.join(', ')}]`);
  const [B, C, h, w] = fs;
  if (ps.length !== 3 || ps[0] !== B || ps[1] !== h || ps[2] !== w) {
    throw new TypeError(`classMeanVectors: pred must be (B, h, w) = [${B}, ${h}, ${w}] like the features, got [${ps.join(', ')}]`);
  }
  const numClasses = options.numClasses ?? CITYSCAPES_19.classes;
  const minPixels = options.minPixels ?? 5;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`classMeanVectors: numClasses must be a positive integer, got ${numClasses}`);
  if (!Number.isFinite(minPixels) || minPixels < 1) throw new RangeError(`classMeanVectors: minPixels must be at least 1, got ${minPixels}`);
  return noGrad(() =>
    tidy(() => {
      const device = features.device;
      const cls = pred.to({ device, dtype: 'int64' });
      const classIds = arange(numClasses, undefined, 1, { device });
      let masks = cls.unsqueeze(-1).eq(classIds); // (B, h, w, N)
      if (options.label !== undefined) {
        const label = labelAtFeatureSize(options.label.to({ device }), B, [h, w]);
        masks = masks.logicalAnd(label.eq(cls).unsqueeze(-1));
      }
      const counts = masks.sum([1, 2]); // (B, N) int64
      const sums = features.reshape(B, C, h * w).bmm(masks.reshape(B, h * w, numClasses).to({ dtype: features.dtype })); // (B, C, N)
      const means = sums.div(counts.clamp(1).to({ dtype: features.dtype }).unsqueeze(1)).transpose(1, 2).contiguous(); // (B, N, C)
      return { means, keep: counts.ge(minPixels) };
    }),
  );
}

/**
 * The kept class means as rows, samples in order and classes ascending within a sample.
 * Waits on the device for the number K of rows; training uses classMeansDense instead.
 */
export function classMeanVectors(features: Tensor, pred: Tensor, options: ClassMeanOptions = {}): ClassMeans {
  return noGrad(() =>
    tidy(() => {
      const { means, keep } = classMeansDense(features, pred, options);
      const [B, N] = keep.shape;
      const classIds = arange(N, undefined, 1, { device: features.device });
      return { vectors: means.index([keep]), ids: classIds.expand(B, N).index([keep]) };
    }),
  );
}
