// ClassMix across domains (docs/method.md §5 stage 4): paste half of the classes of a source image, and
// its ignored pixels, onto a target image and its labels.
import { arange, type Generator, noGrad, rand, type Tensor, tidy, zeros } from '../tensor/index.js';
import { CITYSCAPES_19 } from '../labels/cityscapes.js';

export interface ClassMixResult {
  /** (B, C, H, W): M·source + (1 − M)·target */
  image: Tensor;
  /** (B, H, W) int64: the source label where M, else the target label */
  label: Tensor;
  /** (B, H, W) bool: M, the source pixels whose label was chosen */
  mask: Tensor;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The pasted-value mask of every sample at once, on the device: label values become slots
 * 0..numClasses−1, and ignoreIndex (or anything out of range) slot numClasses. Each sample's n
 * present slots get random keys from `rng`; the ⌊n/2⌋ smallest are kept (a uniform random
 * half, as a shuffle would give), and the ignore slot always is.
 */
function chosenMask(labels: Tensor, rng: Generator, ignoreIndex: number, numClasses: number): Tensor {
  const [B] = labels.shape;
  const device = labels.device;
  const valid = labels.ge(0).logicalAnd(labels.lt(numClasses)).logicalAnd(labels.ne(ignoreIndex));
  const slots = labels.where(valid, numClasses).reshape(B, -1);
  const S = numClasses + 1;
  const present = zeros([B, S], { dtype: 'bool', device }).scatter_(1, slots, true);
  const keys = rand([B, S], { generator: rng, device }).where(present, 2);
  const rank = keys.sort(1)[1].sort(1)[1]; // each slot's place in key order
  const half = present.sum(1, true).div(2, 'floor');
  const chosen = present.logicalAnd(rank.lt(half)).logicalOr(arange(S, undefined, 1, { device }).eq(numClasses));
  return chosen.gather(1, slots).reshape(labels.shape);
}

/**
 * Mixes `source` (B, C, H, W) with labels (B, H, W) into `target` (same shapes; in DiGA the
 * augmented unlabelled images and their consensus labels). Per sample, a uniformly random ⌊n/2⌋
 * of the n label values present in the source (ignoreIndex counts as one) are kept, plus
 * ignoreIndex; the mask covers exactly the source pixels with a kept value. Values outside
 * [0, numClasses) count as ignoreIndex. Everything stays on the device (nothing is read back).
 * No gradient is recorded.
 */
export function classMix(
  source: Tensor,
  sourceLabels: Tensor,
  target: Tensor,
  targetLabels: Tensor,
  rng: Generator,
  ignoreIndex = 255,
  numClasses = CITYSCAPES_19.classes,
): ClassMixResult {
  const s = source.shape;
  if (s.length !== 4) throw new TypeError(`classMix: source must be (B, C, H, W), got shape [${s.join(', ')}]`);
  if (!sameShape(target.shape, s)) throw new TypeError(`classMix: target has shape [${target.shape.join(', ')}], source [${s.join(', ')}]`);
  const labelShape = [s[0], s[2], s[3]];
  for (const [name, l] of [['sourceLabels', sourceLabels], ['targetLabels', targetLabels]] as const) {
    if (!sameShape(l.shape, labelShape)) throw new TypeError(`classMix: ${name} must be (B, H, W) = [${labelShape.join(', ')}], got [${l.shape.join(', ')}]`);
  }
  return noGrad(() =>
    tidy(() => {
      const device = source.device;
      const srcLabels = sourceLabels.to({ device, dtype: 'int64' });
      const mask = chosenMask(srcLabels, rng, ignoreIndex, numClasses);
      return {
        image: source.where(mask.unsqueeze(1), target.to({ device, dtype: source.dtype })),
        label: srcLabels.where(mask, targetLabels.to({ device, dtype: 'int64' })),
        mask,
      };
    }),
  );
}
