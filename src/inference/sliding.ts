// Sliding-window inference for images much larger than the training crops: the
// network runs on overlapping windows (stride two thirds of the window), each
// window's logits are upsampled to the window and averaged where windows overlap.
import { F, tidy, zeros, type Tensor } from '../tensor/index.js';
import type { ForwardFn, Size2 } from './multiscale.js';
import type { SegModel } from '../models/index.js';

/** The smallest window side: below it a window holds too few network strides to label anything. */
export const MIN_WINDOW = 32;

/** Window starts along one side of `length`: the last window ends at the edge. */
export function windowStarts(length: number, window: number, stride: number): number[] {
  if (length <= window) return [0];
  const steps = Math.ceil((length - window) / stride);
  return Array.from({ length: steps + 1 }, (_, i) => Math.min(i * stride, length - window));
}

/** A forward that runs `inner` window by window; its `main` has the input's full size. */
export function slidingForward(window: Size2, inner: ForwardFn): ForwardFn {
  return (model: SegModel, x: Tensor) =>
    tidy(() => {
      const [n, , height, width] = x.shape;
      const wh = Math.min(window[0], height);
      const ww = Math.min(window[1], width);
      const ys = windowStarts(height, wh, Math.max(1, Math.ceil((2 * wh) / 3)));
      const xs = windowStarts(width, ww, Math.max(1, Math.ceil((2 * ww) / 3)));
      const sum = zeros([n, model.classes, height, width], { device: x.device });
      const count = zeros([1, 1, height, width], { device: x.device });
      for (const y of ys) {
        for (const x0 of xs) {
          tidy(() => {
            const crop = x.narrow(2, y, wh).narrow(3, x0, ww);
            const logits = F.interpolate(inner(model, crop).main, { size: [wh, ww], mode: 'bilinear', alignCorners: true });
            sum.narrow(2, y, wh).narrow(3, x0, ww).add_(logits);
            count.narrow(2, y, wh).narrow(3, x0, ww).add_(1);
          });
        }
      }
      // In place: a second map of this scale's size would only add to a large image's peak.
      return { main: sum.div_(count) };
    });
}
