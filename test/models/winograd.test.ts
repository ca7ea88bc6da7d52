import { describe, expect, test } from 'vitest';
import { inferenceConvs, setWinograd } from '../../src/inference/convolutions.js';
import { SegModel } from '../../src/models/index.js';
import { manualSeed, randn, type Tensor } from '../../src/tensor/index.js';
import { batchNormsFarFromIdentity, maxRelativeError } from './helpers.js';

// hrnet18-small has 3x3 convolutions of 32+ channels each side (the wider
// branches, the OCR head's 270 → 64), which Winograd takes, and narrow ones it does not.
function model(): SegModel {
  manualSeed(3);
  return batchNormsFarFromIdentity(new SegModel('hrnet18-small')).eval();
}

function argmaxAgreement(a: Tensor, b: Tensor): number {
  return a.argmax(1).eq(b.argmax(1)).to('float32').mean().item();
}

const linked = inferenceConvs().onednn;

describe.skipIf(!linked)('folded convolutions through oneDNN, with Winograd', () => {
  test('run Winograd and direct convolutions, and agree with the unfolded forward', () => {
    const m = model();
    // Odd sizes: stride-2 convolutions whose last window does not reach the far edge.
    for (const [h, w] of [[96, 160], [97, 131]] as const) {
      manualSeed(h);
      const x = randn([1, 3, h, w]);
      const plain = m.forward(x, { grad: false }).main;
      m.channelsLast().foldBatchNorm();
      const before = inferenceConvs().runs;
      const fast = m.forward(x.contiguous('channelsLast'), { grad: false }).main;
      const after = inferenceConvs().runs;
      m.foldBatchNorm(false);
      expect(after.winograd - before.winograd, `${h}x${w}`).toBeGreaterThan(0);
      expect(after.direct - before.direct, `${h}x${w}`).toBeGreaterThan(0);
      expect(maxRelativeError(fast, plain), `${h}x${w}`).toBeLessThan(1e-5);
      expect(argmaxAgreement(fast, plain)).toBeGreaterThanOrEqual(0.9999);
    }
  });

  test('setWinograd(false) runs direct convolutions only, which round differently', () => {
    const m = model().channelsLast().foldBatchNorm();
    manualSeed(1);
    const x = randn([1, 3, 96, 160]).contiguous('channelsLast');
    const winograd = m.forward(x, { grad: false }).main;
    setWinograd(false);
    try {
      expect(inferenceConvs().winograd).toBe(false);
      const before = inferenceConvs().runs;
      const direct = m.forward(x, { grad: false }).main;
      expect(inferenceConvs().runs.winograd).toBe(before.winograd);
      expect(maxRelativeError(winograd, direct)).toBeLessThan(1e-5);
      expect(winograd.sub(direct).abs().max().item()).toBeGreaterThan(0);
    } finally {
      setWinograd(true);
    }
    expect(inferenceConvs().winograd).toBe(true);
  });

  test('leave contiguous (NCHW) input to libtorch, with the same results', () => {
    const m = model();
    manualSeed(2);
    const x = randn([2, 3, 64, 96]);
    const plain = m.forward(x, { grad: false }).main;
    m.foldBatchNorm();
    const before = inferenceConvs().runs;
    const folded = m.forward(x, { grad: false }).main;
    const after = inferenceConvs().runs;
    // (Tensors with one pixel per row, as OCR's object context, are contiguous in both layouts and may still go to oneDNN.)
    expect(after.winograd).toBe(before.winograd);
    expect(after.prepacked + after.plain).toBeGreaterThan(before.prepacked + before.plain);
    expect(maxRelativeError(folded, plain)).toBeLessThan(1e-5);
  });
});

describe('inference convolutions', () => {
  test('report how this build runs them', () => {
    const c = inferenceConvs();
    expect(typeof c.onednn).toBe('boolean');
    if (c.onednn) expect(c.onednnVersion).toMatch(/^\d+\.\d+\.\d+$/);
    else expect(c.winograd).toBe(false);
  });
});
