import { describe, expect, test } from 'vitest';
import * as t from '../../src/tensor/index.js';
const { F } = t;

const close = (a: number[], b: number[], tol = 1e-6) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(tol));

describe('functional', () => {
  test('conv2d with padding, stride and groups against hand sums', () => {
    const x = t.arange(16, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 4, 4);
    const w = t.ones([1, 1, 3, 3], { dtype: 'float64' });
    // Each output is the sum of a 3x3 window.
    expect(F.conv2d(x, w).tolist()).toEqual([[[[45, 54], [81, 90]]]]);
    expect(F.conv2d(x, w, null, { stride: 2, padding: 1 }).tolist()).toEqual([[[[10, 24], [51, 90]]]]);
    // Depthwise: two channels, each with its own 1x1 weight.
    const x2 = t.cat([x, x.mul(2)], 1);
    const wg = t.tensor([1, 10], { dtype: 'float64' }).reshape(2, 1, 1, 1);
    const y = F.conv2d(x2, wg, t.tensor([0, 1], { dtype: 'float64' }), { groups: 2 });
    expect(y.select(1, 1).flatten().tolist()).toEqual(x.mul(20).add(1).flatten().tolist());
  });

  test('softmax and logSoftmax', () => {
    const x = t.tensor([[0, Math.log(3)]], { dtype: 'float64' });
    close(F.softmax(x, 1).flatten().tolist() as number[], [0.25, 0.75]);
    close(F.logSoftmax(x, 1).flatten().tolist() as number[], [Math.log(0.25), Math.log(0.75)]);
  });

  test('crossEntropy and nllLoss with ignoreIndex', () => {
    const logits = t.tensor([[2, 0, 0], [0, 3, 0], [1, 1, 1]], { dtype: 'float64' });
    const target = t.tensor([0, 2, 255], { dtype: 'int64' });
    const ce = (row: number[], k: number) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[k];
    const expected = (ce([2, 0, 0], 0) + ce([0, 3, 0], 2)) / 2;
    expect(Math.abs(F.crossEntropy(logits, target, { ignoreIndex: 255 }).item() - expected)).toBeLessThan(1e-12);
    const nll = F.nllLoss(F.logSoftmax(logits, 1), target, { ignoreIndex: 255, reduction: 'sum' }).item();
    expect(Math.abs(nll - 2 * expected)).toBeLessThan(1e-12);
    // Spatial targets (N, H, W) work too.
    const l4 = t.zeros([1, 3, 2, 2], { dtype: 'float64' });
    const t4 = t.tensor([[[0, 1], [2, 255]]], { dtype: 'int64' });
    expect(Math.abs(F.crossEntropy(l4, t4, { ignoreIndex: 255 }).item() - Math.log(3))).toBeLessThan(1e-12);
  });

  test('interpolate: nearest, bilinear with and without alignCorners, bicubic', () => {
    const x = t.tensor([[[[0, 1], [2, 3]]]], { dtype: 'float64' });
    expect(F.interpolate(x, { size: [4, 4], mode: 'nearest' }).select(2, 0).flatten().tolist()).toEqual([0, 0, 1, 1]);
    const ac = F.interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true });
    expect(ac.flatten().tolist()).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
    const nac = F.interpolate(x, { size: [4, 4], mode: 'bilinear', alignCorners: false });
    close(nac.select(2, 0).flatten().tolist() as number[], [0, 0.25, 0.75, 1]);
    const bc = F.interpolate(x, { scaleFactor: 2, mode: 'bicubic', alignCorners: true });
    expect(bc.shape).toEqual([1, 1, 4, 4]);
    const flat = bc.flatten().tolist() as number[];
    close([flat[0], flat[15]], [0, 3]);
    expect(() => F.interpolate(x, { mode: 'bilinear' })).toThrow(/exactly one of size and scaleFactor/);
  });

  test('pooling, oneHot, cdist, dropout', () => {
    const x = t.arange(16, undefined, 1, { dtype: 'float64' }).reshape(1, 1, 4, 4);
    expect(F.adaptiveAvgPool2d(x, 1).item()).toBe(7.5);
    expect(F.avgPool2d(x, 2).flatten().tolist()).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(F.oneHot(t.tensor([0, 2], { dtype: 'int64' }), 3).tolist()).toEqual([[1, 0, 0], [0, 0, 1]]);
    const a = t.tensor([[0, 0], [3, 4]]);
    expect(F.cdist(a, a).tolist()).toEqual([[0, 5], [5, 0]]);
    const ones = t.ones([1000]);
    expect(F.dropout(ones, 0.3, false).sum().item()).toBe(1000);
    expect(F.dropout(ones, 1, true).sum().item()).toBe(0);
    const kept = F.dropout(ones, 0.5, true);
    // Survivors are scaled by 1/(1-p).
    expect(kept.unique().values.tolist()).toEqual([0, 2]);
  });
});
