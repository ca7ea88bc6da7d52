// The translator's edge loss (docs/method.md, the translator stage): the translated image must
// keep the source image where the label map has edges, so objects keep their outlines.
import { autocast, F, type Tensor, tensor, tidy } from '../tensor/index.js';

/** Where |Laplacian of the label map| exceeds this, a pixel is an edge. */
const EDGE_THRESHOLD = 0.1;

/**
 * The 5×5 Laplacian of (N, C, H, W) float maps, each channel on its own, as kornia 0.5.8's
 * `laplacian(x, 5)` with its default normalisation: ones with centre −24, divided by their
 * absolute sum 48; reflect padding 2, so the output has the input's size (H, W ≥ 3).
 */
export function laplacian5(x: Tensor): Tensor {
  const s = x.shape;
  if (s.length !== 4) throw new TypeError(`laplacian5: input must be (N, C, H, W), got shape [${s.join(', ')}]`);
  if (s[2] < 3 || s[3] < 3) throw new RangeError(`laplacian5: reflect padding by 2 needs H, W ≥ 3, got ${s[2]}×${s[3]}`);
  return tidy(() => {
    const taps = new Array<number>(25).fill(1 / 48);
    taps[12] = -24 / 48;
    const kernel = tensor(taps, { dtype: x.dtype, device: x.device }).reshape(1, 1, 5, 5).expand(s[1], 1, 5, 5).contiguous();
    return F.conv2d(F.reflectionPad2d(x, [2, 2, 2, 2]), kernel, null, { groups: s[1] });
  });
}

/**
 * The edge mask of labels (B, H, W) of class ids: 1 where |laplacian5(labels as floats)| > 0.1,
 * the ignore value 255 included as a value like any other, repeated on `channels` channels:
 * (B, channels, H, W) of 0 and 1 in float32.
 */
export function labelEdgeMask(labels: Tensor, channels = 3): Tensor {
  const ls = labels.shape;
  if (ls.length !== 3) throw new TypeError(`labelEdgeMask: labels must be (B, H, W), got shape [${ls.join(', ')}]`);
  return tidy(() => {
    // In float32 even under autocast: ids up to 255 in bfloat16 would put edges in flat regions.
    const deviceType = labels.device.startsWith('cuda') ? 'cuda' : 'cpu';
    const lap = autocast({ deviceType, enabled: false }, () => laplacian5(labels.float().unsqueeze(1)));
    return lap.abs().gt(EDGE_THRESHOLD).float().expand(ls[0], channels, ls[1], ls[2]).contiguous();
  });
}

/** mean |source·E − translated·E| with E = labelEdgeMask(labels), over all pixels and channels. */
export function edgeLoss(translated: Tensor, source: Tensor, labels: Tensor): Tensor {
  const ts = translated.shape;
  const ss = source.shape;
  if (ts.length !== 4 || ts.join() !== ss.join()) {
    throw new TypeError(`edgeLoss: translated and source images must have one (B, C, H, W) shape, got [${ts.join(', ')}] and [${ss.join(', ')}]`);
  }
  if (labels.shape.length !== 3 || labels.shape[0] !== ts[0] || labels.shape[1] !== ts[2] || labels.shape[2] !== ts[3]) {
    throw new TypeError(`edgeLoss: labels must be (B, H, W) = [${ts[0]}, ${ts[2]}, ${ts[3]}], got [${labels.shape.join(', ')}]`);
  }
  return tidy(() => {
    const mask = labelEdgeMask(labels, ts[1]).to(translated.dtype);
    return source.mul(mask).sub(translated.mul(mask)).abs().mean();
  });
}
