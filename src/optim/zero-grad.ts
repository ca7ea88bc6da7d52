// Clearing gradients, shared by the optimisers: to null (as PyTorch 2's default), or to zeros in place.
import { foreach, noGrad, tidy, type Tensor } from '../tensor/index.js';

export function zeroGrads(params: readonly Tensor[], setToNone = true): void {
  if (setToNone) {
    for (const p of params) p.grad = null;
    return;
  }
  noGrad(() =>
    tidy(() => {
      const gs = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
      if (gs.length > 0) foreach.zero_(gs);
    }),
  );
}
