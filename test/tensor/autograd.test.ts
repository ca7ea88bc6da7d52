import { describe, expect, test } from 'vitest';
import * as t from '../../src/tensor/index.js';
const { F } = t;

/** f(x) for the finite-difference check: a little network-like expression. */
function f(x: t.Tensor, w: t.Tensor): t.Tensor {
  const h = F.conv2d(x, w, null, { padding: 1 }).tanh();
  return F.logSoftmax(h.flatten(1), 1).select(1, 3).sum().add(h.pow(2).mean());
}

describe('autograd', () => {
  test('gradients match central finite differences (float64)', () => {
    t.manualSeed(1);
    const x = t.randn([2, 1, 3, 3], { dtype: 'float64', requiresGrad: true });
    const w = t.randn([2, 1, 3, 3], { dtype: 'float64', requiresGrad: true });
    f(x, w).backward();
    const analytic = x.grad!.flatten().tolist() as number[];
    const eps = 1e-6;
    const xs = x.detach().flatten();
    for (let i = 0; i < xs.numel(); i += 3) {
      const numeric = t.noGrad(() => {
        const plus = xs.clone();
        plus.select(0, i).add_(eps);
        const minus = xs.clone();
        minus.select(0, i).sub_(eps);
        return (f(plus.view(x.shape), w).item() - f(minus.view(x.shape), w).item()) / (2 * eps);
      });
      expect(Math.abs(numeric - analytic[i])).toBeLessThan(1e-6);
    }
    expect(w.grad!.shape).toEqual([2, 1, 3, 3]);
  });

  test('gradient of a non-leaf raises a clear error unless retained', () => {
    const x = t.ones([3], { requiresGrad: true });
    const y = x.mul(2);
    const z = x.mul(3);
    z.retainGrad();
    y.add(z).sum().backward();
    expect(() => y.grad).toThrow(/not a leaf/);
    expect(z.grad!.tolist()).toEqual([1, 1, 1]);
    expect(x.grad!.tolist()).toEqual([5, 5, 5]);
  });

  test('backward needs a gradient for non-scalars and a graph', () => {
    const x = t.ones([3], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/only be implied for one-element outputs/);
    x.mul(2).backward(t.tensor([1, 2, 3]));
    expect(x.grad!.tolist()).toEqual([2, 4, 6]);
    expect(() => t.ones([1]).backward()).toThrow(/does not require grad/);
  });

  test('noGrad stops recording; grads accumulate and can be reset', () => {
    const x = t.ones([2], { requiresGrad: true });
    const y = t.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(t.isGradEnabled()).toBe(true);
    x.sum().backward();
    x.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
    x.grad = null;
    expect(x.grad).toBeNull();
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
  });

  test('multi-output backward', () => {
    const x = t.ones([2], { requiresGrad: true });
    t.backward([x.mul(2).sum(), x.mul(3).sum()]);
    expect(x.grad!.tolist()).toEqual([5, 5]);
  });
});
