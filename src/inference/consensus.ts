// Bilateral consensus (docs/method.md §5 stage 4): a pseudo-label survives where the class of the
// nearest centroid agrees with it; elsewhere the pixel is ignored.
import { centroidWeights } from '../centroids/weights.js';
import { F, noGrad, type Tensor, tidy } from '../tensor/index.js';

/**
 * Pseudo-labels (B, H, W) with every pixel set to `ignoreIndex` (255) where they disagree with
 * y_feat, the arg-max of the teacher's centroid weights (B, N, h, w) resized bilinearly
 * (align_corners = true) to the label size. `size`, when given, must be that label size.
 * Returns int64 labels on the pseudo-labels' device; no gradient is recorded.
 */
export function consensusLabels(
  teacherPixelFeatures: Tensor,
  centroids: Tensor,
  pseudoLabels: Tensor,
  size?: [number, number],
  ignoreIndex = 255,
): Tensor {
  const ls = pseudoLabels.shape;
  const fs = teacherPixelFeatures.shape;
  if (ls.length !== 3) throw new TypeError(`consensusLabels: pseudo-labels must be (B, H, W), got shape [${ls.join(', ')}]`);
  if (fs.length !== 4 || fs[0] !== ls[0]) {
    throw new TypeError(`consensusLabels: features must be (B, C, h, w) with B = ${ls[0]} like the pseudo-labels, got [${fs.join(', ')}]`);
  }
  const labelSize: [number, number] = [ls[1], ls[2]];
  if (size !== undefined && (size[0] !== labelSize[0] || size[1] !== labelSize[1])) {
    throw new TypeError(`consensusLabels: size [${size.join(', ')}] differs from the pseudo-labels' size [${labelSize.join(', ')}]`);
  }
  return noGrad(() =>
    tidy(() => {
      let weights = centroidWeights(teacherPixelFeatures, centroids);
      if (fs[2] !== labelSize[0] || fs[3] !== labelSize[1]) {
        weights = F.interpolate(weights, { size: labelSize, mode: 'bilinear', alignCorners: true });
      }
      const yFeat = weights.argmax(1).to({ device: pseudoLabels.device });
      const pseudo = pseudoLabels.long();
      return pseudo.where(pseudo.eq(yFeat), ignoreIndex);
    }),
  );
}

/**
 * Per class, the pseudo-labelled pixels (`pseudo`) and those consensus kept (`kept`), both
 * (numClasses,) int64 on the labels' device; nothing is read back.
 */
export function consensusCounts(consensus: Tensor, pseudoLabels: Tensor, numClasses: number, ignoreIndex = 255): { kept: Tensor; pseudo: Tensor } {
  return noGrad(() =>
    tidy(() => {
      // Ignored pixels are counted in an extra bin, then dropped.
      const perClass = (labels: Tensor) => {
        const l = labels.long();
        return l.where(l.ne(ignoreIndex), numClasses).flatten().bincount(null, numClasses + 1).narrow(0, 0, numClasses);
      };
      return { kept: perClass(consensus), pseudo: perClass(pseudoLabels) };
    }),
  );
}
