// How close each pixel feature is to each class centroid (docs/method.md §5 stage 4).
import type { TensorHandle } from '../native/types.js';
import { F, noGrad, op, Tensor, tidy } from '../tensor/index.js';

// cdist's compute_mode 2 ("donot_use_mm_for_euclid_dist") takes the differences directly: the
// matmul shortcut ‖x‖² + ‖c‖² − 2x·c loses about five times the precision on these features.
const cdistOp = op('cdist');
const EXACT_DISTANCES = 2;

/**
 * softmax over classes of −‖feature − centroid‖₂ for features (B, C, h, w) and centroids
 * (N, C): (B, N, h, w). No gradient is recorded.
 */
export function centroidWeights(features: Tensor, centroids: Tensor): Tensor {
  const fs = features.shape;
  const cs = centroids.shape;
  if (fs.length !== 4) throw new TypeError(`centroidWeights: features must be (B, C, h, w), got shape [${fs.join(', ')}]`);
  if (cs.length !== 2 || cs[1] !== fs[1]) {
    throw new TypeError(`centroidWeights: centroids must be (N, ${fs[1]}) to match the features' channels, got [${cs.join(', ')}]`);
  }
  const [B, C, h, w] = fs;
  const N = cs[0];
  return noGrad(() =>
    tidy(() => {
      const pixels = features.reshape(B, C, h * w).transpose(1, 2); // (B, hw, C)
      const c = centroids.to({ device: features.device, dtype: features.dtype }).unsqueeze(0).expand(B, N, C);
      const distance = Tensor.fromHandle(cdistOp([pixels.handle, c.handle, 2, EXACT_DISTANCES]) as TensorHandle); // (B, hw, N)
      return F.softmax(distance.neg(), 2).transpose(1, 2).reshape(B, N, h, w);
    }),
  );
}
