// How folded inference convolutions run on the CPU: oneDNN called directly (with
// Winograd for the wide 3x3 ones) where the build links it, else libtorch's
// oneDNN ops. Only a model with foldBatchNorm() on, in eval mode without
// gradients, runs them; training and evaluation never do.
import { native } from '../native/binding.js';
import type { InferenceConvs } from '../native/types.js';

export type { InferenceConvs };

export function inferenceConvs(): InferenceConvs {
  const n = native();
  return n.inferenceConvs?.() ?? { onednn: false, onednnVersion: null, winograd: false, runs: { winograd: 0, direct: 0, prepacked: 0, plain: 0 } };
}

/**
 * Winograd convolutions on or off for this process (on by default where oneDNN is
 * linked; DIGA_WINOGRAD=off starts it off). They are about twice as fast on HRNet's
 * wide 3x3 convolutions and round differently from direct ones, about 1e-6 of the
 * output's range; off, folded inference runs direct convolutions only.
 */
export function setWinograd(on: boolean): void {
  native().setWinograd?.(on);
}
