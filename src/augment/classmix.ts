// ClassMix across domains (spec §5 stage 4): paste half of the classes of a source image, and
// its ignored pixels, onto a target image and its labels.
import { type Generator, noGrad, randperm, stack, type Tensor, tensor, tidy } from '../tensor/index.js';

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

/** Label values of one source label map pasted onto the target: ⌊n/2⌋ of its n values drawn by `rng`, and always `ignoreIndex`. */
function chooseValues(labels: Tensor, rng: Generator, ignoreIndex: number): number[] {
  const present = Array.from(labels.unique().values.cpu().toTypedArray() as BigInt64Array, Number);
  const order = Array.from(randperm(present.length, { generator: rng, device: rng.device }).cpu().toTypedArray() as BigInt64Array, Number);
  const chosen = order.slice(0, Math.floor(present.length / 2)).map((i) => present[i]);
  if (!chosen.includes(ignoreIndex)) chosen.push(ignoreIndex);
  return chosen;
}

/**
 * Mixes `source` (B, C, H, W) with labels (B, H, W) into `target` (same shapes; in DiGA the
 * augmented unlabelled images and their consensus labels). Per sample, the n label values
 * present in the source (ignoreIndex counts as one) are shuffled by `rng` and the first ⌊n/2⌋
 * kept, plus ignoreIndex; the mask covers exactly the source pixels with a kept value. Reads
 * each sample's label values back from the device (a few numbers). No gradient is recorded.
 */
export function classMix(
  source: Tensor,
  sourceLabels: Tensor,
  target: Tensor,
  targetLabels: Tensor,
  rng: Generator,
  ignoreIndex = 255,
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
      const masks: Tensor[] = [];
      for (let b = 0; b < s[0]; b++) {
        const labels = srcLabels.select(0, b);
        const chosen = tensor(chooseValues(labels, rng, ignoreIndex), { dtype: 'int64', device });
        masks.push(labels.unsqueeze(-1).eq(chosen).any(-1));
      }
      const mask = stack(masks);
      return {
        image: source.where(mask.unsqueeze(1), target.to({ device, dtype: source.dtype })),
        label: srcLabels.where(mask, targetLabels.to({ device, dtype: 'int64' })),
        mask,
      };
    }),
  );
}
