// Multi-scale max fusion (docs/method.md §6): the network runs (eval mode) on the image
// at each size; main logits are upsampled (bilinear, align_corners) to the
// output size and fused by element-wise maximum.
import type { SegModel, SegOutputs } from '../models/index.js';
import { F, noGrad, tidy, type Tensor } from '../tensor/index.js';

export type Size2 = [number, number];

/** How the network is run: plainly by default; the stages pass their --amp / channels-last forward. */
export type ForwardFn = (model: SegModel, x: Tensor) => Pick<SegOutputs, 'main'>;
const plain: ForwardFn = (model, x) => model.forward(x);

function resize(x: Tensor, size: Size2): Tensor {
  const [h, w] = x.shape.slice(2);
  return h === size[0] && w === size[1] ? x : F.interpolate(x, { size, mode: 'bilinear', alignCorners: true });
}

/** Fused logits N×classes×outSize for normalised images x (N×3×H×W). */
export function multiScaleLogits(model: SegModel, x: Tensor, scales: Size2[], outSize: Size2, forward: ForwardFn = plain): Tensor {
  return noGrad(() =>
    tidy(() => {
      let fused: Tensor | undefined;
      for (const size of scales) {
        const logits = resize(forward(model, resize(x, size)).main, outSize);
        fused = fused === undefined ? logits : fused.maximum(logits);
      }
      return fused!;
    }),
  );
}

/**
 * multiScaleLogits with a network that answers asynchronously (onnxruntime): `main` gives the
 * main logits of a resized batch. The same resizing and fusion, with lifetimes kept by hand
 * because tensors cannot be tracked across await.
 */
export async function multiScaleLogitsAsync(x: Tensor, scales: Size2[], outSize: Size2, main: (x: Tensor) => Promise<Tensor>): Promise<Tensor> {
  let fused: Tensor | undefined;
  for (const size of scales) {
    // resize gives its input back at the same size: only what it made is freed.
    const input = tidy(() => resize(x, size));
    const raw = await main(input).finally(() => input !== x && input.dispose());
    const logits = tidy(() => resize(raw, outSize));
    if (logits !== raw) raw.dispose();
    if (fused === undefined) {
      fused = logits;
      continue;
    }
    const max = fused.maximum(logits);
    fused.dispose();
    logits.dispose();
    fused = max;
  }
  return fused!;
}

/** Arg-max train ids N×outSize (int64) by multi-scale max fusion. */
export function multiScalePredict(model: SegModel, x: Tensor, scales: Size2[], outSize: Size2, forward: ForwardFn = plain): Tensor {
  return tidy(() => multiScaleLogits(model, x, scales, outSize, forward).argmax(1));
}
