// Online hard example mining cross entropy, the segmentation loss of the SYNTHIA setting
// (docs/method.md, the adaptation setting's losses): only the pixels the network is least sure
// of count, at least `minKept` of them once fewer than that are below the threshold.
import { F, type Tensor, tidy } from '../tensor/index.js';
import { resizeLogits } from './resize.js';

export interface OhemOptions {
  /** Label value left out of the loss (default 255). */
  ignoreIndex?: number;
  /** Pixels whose labelled-class probability is below this always count (default 0.7). */
  thresh?: number;
  /** At least this many of the least confident valid pixels count (default 100 000). */
  minKept?: number;
}

export const OHEM_DEFAULTS = { ignoreIndex: 255, thresh: 0.7, minKept: 100_000 } as const;

/**
 * OHEM cross entropy of logits (B, C, h, w) against labels (B, H, W); logits are resized
 * bilinearly (align_corners = true) to (H, W) first. With p the softmax probability of each
 * valid pixel's labelled class and p_sorted its ascending order,
 * τ = max(p_sorted[min(minKept, n_valid − 1)], thresh) and the loss is the mean cross entropy
 * over the valid pixels with p < τ. Where no pixel is kept (no valid pixel at all, or every p at
 * or above τ) the published code returns NaN; this returns 0, still attached to the logits so
 * that backward runs and gives zero gradients.
 */
export function ohemCrossEntropy(logits: Tensor, labels: Tensor, options: OhemOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? OHEM_DEFAULTS.ignoreIndex;
  const thresh = options.thresh ?? OHEM_DEFAULTS.thresh;
  const minKept = options.minKept ?? OHEM_DEFAULTS.minKept;
  if (!Number.isInteger(minKept) || minKept < 0) throw new RangeError(`ohemCrossEntropy: minKept must be a non-negative integer, got ${minKept}`);
  if (!Number.isFinite(thresh)) throw new RangeError(`ohemCrossEntropy: thresh must be a finite number, got ${thresh}`);
  const ls = labels.shape;
  if (ls.length !== 3) throw new TypeError(`ohemCrossEntropy: labels must be (B, H, W), got shape [${ls.join(', ')}]`);
  if (labels.dtype.startsWith('float') || labels.dtype === 'bfloat16' || labels.dtype === 'bool') {
    throw new TypeError(`ohemCrossEntropy: labels must hold integer class ids, got dtype ${labels.dtype}`);
  }
  return tidy(() => {
    const up = resizeLogits(logits, [ls[1], ls[2]], 'ohemCrossEntropy');
    if (up.shape[0] !== ls[0]) {
      throw new TypeError(`ohemCrossEntropy: logits have batch ${up.shape[0]} but labels have batch ${ls[0]}`);
    }
    const target = labels.dtype === 'int64' ? labels : labels.long();
    const perPixel = F.crossEntropy(up, target, { ignoreIndex, reduction: 'none' });
    const valid = target.ne(ignoreIndex);
    // The probabilities only choose pixels; no gradient goes through them (as published).
    const safeTarget = target.maskedFill(valid.logicalNot(), 0).unsqueeze(1);
    const p = F.softmax(up.detach(), 1).gather(1, safeTarget).squeeze(1);
    const validP = p.maskedSelect(valid);
    const n = validP.numel();
    if (n === 0) return perPixel.sum().mul(0);
    const [sorted] = validP.sort();
    const tau = sorted.select(0, Math.min(minKept, n - 1)).clamp(thresh);
    const kept = p.lt(tau).logicalAnd(valid).to(perPixel.dtype);
    return perPixel.mul(kept).sum().div(kept.sum().clamp(1));
  });
}
