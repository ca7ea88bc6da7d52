// The tiny model against numbers computed by the published PyTorch code
// (fixtures tiny_state_dict / tiny_forward_eval, eval mode, float32).
//
// Backbone and auxiliary logits must agree element-wise within 1e-4 of each
// tensor's largest magnitude. The OCR attention of this random tiny model is
// ill-conditioned: its logits reach ~2e4 while at a few pixels the two best
// regions are less than one logit apart, so float32 rounding alone (any other
// summation order, e.g. another BLAS) moves those pixels by ~4e-4 of the
// maximum and the gradients that flow back through them by ~7e-3. PyTorch
// 1.13.1 itself, run on this platform with the same network, lands at the same
// distances from the fixture, and agrees with this model to the last bit in
// float64. Hence: main and pixel features within 1e-4 at >= 99% of pixels
// (the ill-conditioned ones are ~0.5%) and within 1e-3 everywhere; gradients
// that pass through the attention within 2e-2 (max and L2), the classifier's
// own gradients within 1e-4. A structural error (resampling mode, concat
// order, a missing layer) breaks these by orders of magnitude.
import { beforeAll, describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { SegModel, type SegOutputs } from '../../src/models/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { fixturePath, l2RelativeError, maxRelativeError, pixelsWithin, readTensors } from './helpers.js';

describe('tiny model parity with the published code', () => {
  let model: SegModel;
  let ref: Map<string, Tensor>;
  let input: Tensor;
  let out: SegOutputs;

  beforeAll(() => {
    model = new SegModel('tiny');
    const report = model.loadStateDict(readSafetensors(fixturePath('tiny_state_dict.safetensors')).tensors);
    expect(report).toEqual({ missing: [], unexpected: [] });
    model.eval();
    ref = readTensors('tiny_forward_eval.safetensors');
    input = ref.get('input')!.clone().requiresGrad_(true);
    out = model.forward(input);
    out.main.mul(ref.get('backward.weights')!).sum().backward();
  });

  test('outputs have the reference shapes (1/4 resolution)', () => {
    expect(out.backbone.shape).toEqual([2, 120, 16, 32]);
    expect(out.aux!.shape).toEqual([2, 19, 16, 32]);
    expect(out.main.shape).toEqual([2, 19, 16, 32]);
    expect(out.pixelFeatures.shape).toEqual([2, 32, 16, 32]);
  });

  test('backbone features and auxiliary logits within 1e-4', () => {
    expect(maxRelativeError(out.backbone, ref.get('out.backbone')!)).toBeLessThan(1e-4);
    expect(maxRelativeError(out.aux!, ref.get('out.aux')!)).toBeLessThan(1e-4);
  });

  test('main logits and pixel features: 99% of pixels within 1e-4, all within 1e-3', () => {
    for (const [mine, key] of [[out.main, 'out.main'], [out.pixelFeatures, 'out.pixel_features']] as const) {
      const expected = ref.get(key)!;
      expect(pixelsWithin(mine, expected, 1e-4), key).toBeGreaterThanOrEqual(0.99);
      expect(maxRelativeError(mine, expected), key).toBeLessThan(1e-3);
      expect(l2RelativeError(mine, expected), key).toBeLessThan(1e-4);
    }
  });

  test('gradients of sum(main * weights)', () => {
    const params = model.namedParameters();
    const grads: Array<[string, Tensor]> = [['grad.input', input.grad!]];
    for (const key of ref.keys()) {
      if (key.startsWith('grad.') && key !== 'grad.input') grads.push([key, params.get(key.slice(5))!.grad!]);
    }
    expect(grads.length).toBe(5);
    for (const [key, grad] of grads) {
      const expected = ref.get(key)!;
      if (key.startsWith('grad.ocrnet.segmentation_classes.')) {
        expect(maxRelativeError(grad, expected), key).toBeLessThan(1e-4);
      } else {
        expect(maxRelativeError(grad, expected), key).toBeLessThan(2e-2);
        expect(l2RelativeError(grad, expected), key).toBeLessThan(2e-2);
      }
    }
  });
});
