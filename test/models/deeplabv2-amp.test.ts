// DeepLabV2 under bf16 autocast on the CPU (`--amp bf16`, and the predictor's default on CPUs
// with native bf16): the head's GroupNorms take a bf16 activation, which CPU autocast does not
// cast for them. The forward must run, in training and in eval mode, and stay close to fp32.
import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { autocast, manualSeed, randn, tidy } from '../../src/tensor/index.js';

describe('deeplabv2 under CPU bf16 autocast', () => {
  test.each(['eval', 'train'] as const)('%s mode: runs and agrees with fp32', (mode) => {
    manualSeed(1);
    const model = new SegModel('deeplabv2-tiny');
    if (mode === 'eval') model.eval();
    tidy(() => {
      const x = randn([1, 3, 96, 128]);
      // In training mode both forwards keep every channel through Dropout2d, so they compare.
      const keepAll = () => mode === 'train' && model.setDropoutKeep(tidy(() => randn([1, 16, 1, 1]).gt(-100).float()));
      keepAll();
      const f32 = model.forward(x, { grad: false }).main;
      keepAll();
      const bf16 = autocast({ deviceType: 'cpu', dtype: 'bfloat16' }, () => model.forward(x, { grad: false }).main).float();
      expect(bf16.shape).toEqual(f32.shape);
      // Relative L2 error of the logits.
      const rel = bf16.sub(f32).pow(2).sum().sqrt().item() / f32.pow(2).sum().sqrt().item();
      // Eval mode measured 0.005 here; training mode normalises with batch statistics of one image
      // computed in bf16, which a random network amplifies (0.14 measured).
      expect(rel).toBeLessThan(mode === 'eval' ? 0.02 : 0.25);
    });
    model.dispose();
  });
});
