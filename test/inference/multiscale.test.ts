import { describe, expect, it } from 'vitest';
import { multiScaleLogits, multiScalePredict, type ForwardFn } from '../../src/inference/multiscale.js';
import { SegModel } from '../../src/models/index.js';
import { F, manualSeed, noGrad, randn, tidy, type Tensor } from '../../src/tensor/index.js';
import { expectCloseToScale, expectNoLeak } from '../helpers.js';

manualSeed(3);
const model = new SegModel('tiny').eval();
const x = randn([1, 3, 32, 64]);
const up = (t: Tensor, size: [number, number]) => F.interpolate(t, { size, mode: 'bilinear', alignCorners: true });

describe('multi-scale max fusion', () => {
  it('runs the network at each size and takes the element-wise maximum of the upsampled logits', () => {
    const sizes: number[][] = [];
    const spy: ForwardFn = (m, input) => {
      sizes.push(input.shape.slice(2));
      return m.forward(input);
    };
    const scales: [number, number][] = [[24, 48], [32, 64], [48, 96]];
    tidy(() => {
      const fused = multiScaleLogits(model, x, scales, [32, 64], spy);
      expect(sizes).toEqual(scales);
      expect(fused.shape).toEqual([1, 19, 32, 64]);
      const expected = noGrad(() =>
        scales.map((s) => up(model.forward(up(x, s)).main, [32, 64])).reduce((a, b) => a.maximum(b)),
      );
      expectCloseToScale(fused, expected, 1e-6);
      expect(multiScalePredict(model, x, scales, [32, 64]).toTypedArray()).toEqual(fused.argmax(1).toTypedArray());
    });
  });

  it('passes the image through unresized at its own size, and records no graph', () => {
    tidy(() => {
      const seen: Tensor[] = [];
      const fused = multiScaleLogits(model, x, [[32, 64]], [8, 16], (m, input) => (seen.push(input), m.forward(input)));
      expect(seen[0]).toBe(x);
      expect(fused.requiresGrad).toBe(false);
      expectCloseToScale(fused, noGrad(() => model.forward(x).main), 1e-6);
    });
  });

  it('frees everything but its result', () => {
    expectNoLeak(() => multiScaleLogits(model, x, [[16, 32], [32, 64]], [32, 64]));
  });
});
