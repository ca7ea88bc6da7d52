// Supervised segmentation loss (docs/method.md §3): pixel-wise cross entropy with an ignore label,
// on logits upsampled to the label size.
import { F, type Tensor, tidy } from '../tensor/index.js';
import { resizeLogits } from './resize.js';

export type LossAverage = 'all-pixels' | 'valid-pixels';

export interface SegLossOptions {
  /** Label value left out of the loss (default 255). */
  ignoreIndex?: number;
  /**
   * How the summed per-pixel loss is averaged:
   * - 'all-pixels' (default): divided by every pixel, ignored ones included. This is what the
   *   published DiGA code computes (cross entropy with reduction 'none', then `.mean()`), and
   *   what its reference numbers pin.
   * - 'valid-pixels': divided by the pixels whose label is not ignored (PyTorch's reduction
   *   'mean'); an image with no valid pixel gives 0 rather than NaN.
   */
  average?: LossAverage;
}

/** The main and auxiliary logits of the segmentation head. */
export interface MainAux {
  main: Tensor;
  aux: Tensor;
}

/** Weight of the auxiliary head's term in every main + auxiliary combination. */
export const AUX_WEIGHT = 0.1;

/**
 * Cross entropy of logits (B, C, h, w) against labels (B, H, W) of class ids. Logits are
 * first resized bilinearly (align_corners = true) to (H, W) when their size differs.
 * Returns a scalar tensor that carries the logits' gradient.
 */
export function segLoss(logits: Tensor, labels: Tensor, options: SegLossOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? 255;
  const average = options.average ?? 'all-pixels';
  if (average !== 'all-pixels' && average !== 'valid-pixels') {
    throw new TypeError(`segLoss: average must be 'all-pixels' or 'valid-pixels', got ${JSON.stringify(average)}`);
  }
  const ls = labels.shape;
  if (ls.length !== 3) throw new TypeError(`segLoss: labels must be (B, H, W), got shape [${ls.join(', ')}]`);
  if (labels.dtype.startsWith('float') || labels.dtype === 'bfloat16' || labels.dtype === 'bool') {
    throw new TypeError(`segLoss: labels must hold integer class ids, got dtype ${labels.dtype}`);
  }
  return tidy(() => {
    const up = resizeLogits(logits, [ls[1], ls[2]], 'segLoss');
    if (up.shape[0] !== ls[0]) {
      throw new TypeError(`segLoss: logits have batch ${up.shape[0]} but labels have batch ${ls[0]}`);
    }
    const target = labels.dtype === 'int64' ? labels : labels.long();
    let perPixel: Tensor;
    try {
      perPixel = F.crossEntropy(up, target, { ignoreIndex, reduction: 'none' });
    } catch (err) {
      const classes = up.shape[1];
      throw new RangeError(`segLoss: ${(err as Error).message.split('\n')[0]} Labels must be class ids in 0..${classes - 1} or ${ignoreIndex} (ignored).`);
    }
    if (average === 'all-pixels') return perPixel.mean();
    const valid = target.ne(ignoreIndex).sum();
    return perPixel.sum().div(valid.clamp(1));
  });
}

/** seg(main) + 0.1 · seg(aux), the loss on both heads' logits. */
export function mainAuxLoss(logits: MainAux, labels: Tensor, options: SegLossOptions = {}): Tensor {
  return tidy(() => segLoss(logits.main, labels, options).add(segLoss(logits.aux, labels, options).mul(AUX_WEIGHT)));
}
