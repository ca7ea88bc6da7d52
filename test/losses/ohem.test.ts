// OHEM cross entropy (SYNTHIA) and the all-pixel cross entropy against the published code's
// numbers (fixture uda/losses_uda, float32 on CPU). Losses agree within 1e-5 relative.
import { describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { ohemCrossEntropy } from '../../src/losses/ohem.js';
import { segLoss } from '../../src/losses/segmentation.js';
import { F, full, randn, tensor, zeros } from '../../src/tensor/index.js';
import { expectCloseToScale, expectNoLeak, expectRelClose, fixture, loadReference } from '../helpers.js';

const ref = loadReference('uda/losses_uda.safetensors');
const get = (k: string) => ref.get(k)!;
const meta = readSafetensors(fixture('uda/losses_uda.safetensors')).metadata;
const caseMeta = (name: string) => JSON.parse(meta[`ohem.${name}`]) as { min_kept: number; kept: number; valid: number };

/** Pixels whose logits receive a gradient: the kept ones, where logits are already at label size. */
function keptPixels(logits: ReturnType<typeof get>, labels: ReturnType<typeof get>, minKept: number): number {
  const x = logits.detach().requiresGrad_();
  ohemCrossEntropy(x, labels, { minKept }).backward();
  return x.grad!.abs().sum(1).gt(0).sum().item();
}

describe('OHEM cross entropy', () => {
  test("'floor': upsampled logits, few confident pixels, τ = 0.7", () => {
    const { min_kept } = caseMeta('floor');
    const loss = ohemCrossEntropy(get('ohem.floor.logits'), get('ohem.floor.target'), { minKept: min_kept });
    expectRelClose(loss.item(), get('ohem.floor.expected').item());
  });

  test("'sorted': τ = p_sorted[minKept] keeps exactly minKept pixels", () => {
    const { min_kept, kept } = caseMeta('sorted');
    const logits = get('ohem.sorted.logits');
    const labels = get('ohem.sorted.target');
    expectRelClose(ohemCrossEntropy(logits, labels, { minKept: min_kept }).item(), get('ohem.sorted.expected').item());
    expect(keptPixels(logits, labels, min_kept)).toBe(kept);
  });

  test("'default': minKept 100 000 > n_valid, τ = the largest p", () => {
    const { min_kept, kept, valid } = caseMeta('default');
    expect(min_kept).toBe(100_000);
    const logits = get('ohem.sorted.logits');
    const labels = get('ohem.sorted.target');
    expectRelClose(ohemCrossEntropy(logits, labels).item(), get('ohem.default.expected').item());
    expect(keptPixels(logits, labels, min_kept)).toBe(kept);
    expect(kept).toBe(valid - 1);
  });

  test('two pixels by hand: both below 0.7, both kept; with one confident pixel only the other', () => {
    // Two classes, logits (0, 0) give p = 0.5 and CE = ln 2; (0, 3) labelled 1 gives p = 0.9526.
    const logits = tensor([[[[0, 0]], [[0, 3]]]], { dtype: 'float64' });
    const labels = tensor([[[0, 1]]], { dtype: 'int64' });
    expect(Math.abs(ohemCrossEntropy(logits, labels, { minKept: 0 }).item() - Math.LN2)).toBeLessThan(1e-12);
    // minKept 1: τ = max(p_sorted[1] = 0.9526, 0.7), and 0.5 < τ but 0.9526 is not: still ln 2 alone.
    expect(Math.abs(ohemCrossEntropy(logits, labels, { minKept: 1 }).item() - Math.LN2)).toBeLessThan(1e-12);
    // thresh 0.99 keeps both: (ln 2 + ln(1 + e^−3)) / 2.
    const both = (Math.LN2 + Math.log1p(Math.exp(-3))) / 2;
    expect(Math.abs(ohemCrossEntropy(logits, labels, { minKept: 0, thresh: 0.99 }).item() - both)).toBeLessThan(1e-12);
  });

  test('no valid pixel: 0, finite gradients of zero', () => {
    const logits = randn([1, 16, 4, 4], { requiresGrad: true });
    const loss = ohemCrossEntropy(logits, full([1, 8, 8], 255, { dtype: 'int64' }));
    expect(loss.item()).toBe(0);
    loss.backward();
    expect(logits.grad!.abs().max().item()).toBe(0);
  });

  test('every valid pixel at or above τ: 0 rather than NaN', () => {
    const logits = tensor([[[[0]], [[9]]]], { requiresGrad: true });
    const loss = ohemCrossEntropy(logits, tensor([[[1]]], { dtype: 'int64' }));
    expect(loss.item()).toBe(0);
    loss.backward();
    expect(Number.isFinite(logits.grad!.sum().item())).toBe(true);
  });

  test('gradient through the upsampling: that of the valid-pixel CE over the kept pixels alone', () => {
    const labels = get('ohem.floor.target');
    const a = get('ohem.floor.logits').detach().requiresGrad_();
    ohemCrossEntropy(a, labels, { minKept: 50 }).backward();
    // τ = 0.7 here: relabel the pixels at or above it as ignored and take the plain mean.
    const up = F.interpolate(get('ohem.floor.logits'), { size: [17, 25], mode: 'bilinear', alignCorners: true });
    const p = F.softmax(up, 1).gather(1, labels.clamp(0, 15).unsqueeze(1)).squeeze(1);
    const keptOnly = labels.maskedFill(p.ge(0.7), 255);
    expect(keptOnly.ne(255).sum().item()).toBe(caseMeta('floor').kept);
    const b = get('ohem.floor.logits').detach().requiresGrad_();
    segLoss(b, keptOnly, { average: 'valid-pixels' }).backward();
    expectCloseToScale(a.grad!, b.grad!, 1e-5);
  });

  test('leaves no tensors behind; bad inputs refused', () => {
    expectNoLeak(() => ohemCrossEntropy(get('ohem.floor.logits'), get('ohem.floor.target'), { minKept: 50 }));
    expect(() => ohemCrossEntropy(randn([1, 16, 4, 4]), zeros([1, 4, 4]))).toThrow(/integer class ids/);
    expect(() => ohemCrossEntropy(randn([1, 16, 4, 4]), zeros([1, 4, 4], { dtype: 'int64' }), { minKept: -1 })).toThrow(/minKept/);
  });
});

describe('all-pixel cross entropy (GTA5)', () => {
  test('segLoss matches cross_entropy2d of the adaptation code', () => {
    expectRelClose(segLoss(get('ce.logits'), get('ce.target')).item(), get('ce.expected').item());
  });
});
