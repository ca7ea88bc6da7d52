import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { autocast, manualSeed, noGrad, randn } from '../../src/tensor/index.js';
import { batchNormsFarFromIdentity, maxRelativeError } from './helpers.js';

/** A tiny model whose BatchNorms are far from identity, so that a wrong fold shows. */
function model(): SegModel {
  manualSeed(3);
  return batchNormsFarFromIdentity(new SegModel('tiny')).eval();
}

describe('BatchNorm folding', () => {
  const x = (() => {
    manualSeed(5);
    return randn([2, 3, 64, 96]);
  })();

  test('gives the unfolded eval outputs within float32 rounding', () => {
    const m = model();
    const plain = m.forward(x, { grad: false });
    m.foldBatchNorm();
    const folded = m.forward(x, { grad: false });
    for (const k of ['main', 'aux', 'pixelFeatures', 'backbone'] as const) {
      expect(maxRelativeError(folded[k]!, plain[k]!), k).toBeLessThan(1e-5);
    }
    // Folding rounds differently: identical bits would mean it did not run.
    expect(folded.main.sub(plain.main).abs().max().item()).toBeGreaterThan(0);
  });

  test('follows weight changes without a call (loads, in-place writes)', () => {
    const m = model().foldBatchNorm();
    m.forward(x, { grad: false });
    noGrad(() => {
      for (const [name, t] of m.stateDict()) if (name.endsWith('running_var')) t.mul_(2);
    });
    const folded = m.forward(x, { grad: false }).main;
    m.foldBatchNorm(false);
    const plain = m.forward(x, { grad: false }).main;
    expect(maxRelativeError(folded, plain)).toBeLessThan(1e-5);
  });

  test('is exact (off) in training mode and with gradients on', () => {
    const m = model();
    const evalGrad = m.forward(x).main;
    m.foldBatchNorm();
    expect(m.forward(x).main.sub(evalGrad).abs().max().item()).toBe(0);
    const other = model().train();
    const folding = model().foldBatchNorm().train();
    manualSeed(1);
    const a = other.forward(x, { grad: false }).main;
    manualSeed(1);
    const b = folding.forward(x, { grad: false }).main;
    expect(b.sub(a).abs().max().item()).toBe(0);
  });

  test('works channels-last', () => {
    const m = model();
    const plain = m.forward(x, { grad: false }).main;
    m.channelsLast().foldBatchNorm();
    expect(maxRelativeError(m.forward(x.contiguous('channelsLast'), { grad: false }).main, plain)).toBeLessThan(1e-5);
  });
});

describe('BatchNorm folding under bf16 autocast', () => {
  test('agrees with the unfolded bf16 forward', () => {
    manualSeed(5);
    const x = randn([1, 3, 64, 96]);
    const m = model();
    const run = () => autocast({ deviceType: 'cpu', dtype: 'bfloat16' }, () => m.forward(x, { grad: false }).main.to('float32'));
    const plain = run();
    m.foldBatchNorm();
    // bf16 keeps 8 bits of mantissa: the two roundings differ by a few of its steps.
    expect(maxRelativeError(run(), plain)).toBeLessThan(0.05);
  });
});
