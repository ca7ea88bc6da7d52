// The translator's perceptual loss (docs/method.md, the translator stage): L1 distances between
// VGG19 activations after relu1_1 … relu5_1, the deeper ones weighted more.
import { F, type Tensor, tidy } from '../tensor/index.js';

/** Weights of relu1_1 … relu5_1, finest first. */
export const PERCEPTUAL_WEIGHTS = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1] as const;

/** What the loss needs of a feature network (Vgg19Features is one). */
export interface FeatureExtractor {
  forward(x: Tensor, options?: { grad?: boolean }): Tensor[];
}

/**
 * Σ_i w_i · mean|x_i − y_i| over two lists of activations, finest first; y is the target, so
 * no gradient reaches it.
 */
export function perceptualLoss(x: Tensor[], y: Tensor[]): Tensor {
  if (x.length !== PERCEPTUAL_WEIGHTS.length || y.length !== PERCEPTUAL_WEIGHTS.length) {
    throw new TypeError(`perceptualLoss: needs ${PERCEPTUAL_WEIGHTS.length} activations per side, got ${x.length} and ${y.length}`);
  }
  return tidy(() =>
    x.map((xi, i) => xi.sub(y[i].detach()).abs().mean().mul(PERCEPTUAL_WEIGHTS[i])).reduce((a, b) => a.add(b)),
  );
}

/** Widths above this are halved (2×2 average pooling) before the network sees the images, as published. */
const MAX_WIDTH = 1024;

/**
 * The perceptual loss of image x against image y (N, 3, H, W, fed to the network as given):
 * the network's activations of both, y's computed without gradient.
 */
export function vggLoss(net: FeatureExtractor, x: Tensor, y: Tensor): Tensor {
  return tidy(() => {
    let a = x;
    let b = y;
    while (a.shape[3] > MAX_WIDTH) {
      a = F.avgPool2d(a, 2, { stride: 2, countIncludePad: false });
      b = F.avgPool2d(b, 2, { stride: 2, countIncludePad: false });
    }
    const fx = net.forward(a);
    const fy = net.forward(b, { grad: false });
    return perceptualLoss(fx, fy);
  });
}
