import { describe, expect, test } from 'vitest';
import * as t from '../../src/tensor/index.js';
const { F } = t;

describe('tensor lifetimes', () => {
  test('dispose frees the handle; using a disposed tensor throws, never crashes', () => {
    const before = t.memory().numTensors;
    const x = t.ones([4]);
    expect(t.memory().numTensors).toBe(before + 1);
    x.dispose();
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(t.memory().numTensors).toBe(before);
    expect(() => x.add(1)).toThrow(/tensor was disposed/);
    expect(() => x.shape).toThrow(/tensor was disposed/);
    expect(() => t.cat([x])).toThrow(/tensor was disposed/);
  });

  test('tidy disposes intermediates and keeps what it returns', () => {
    const before = t.memory().numTensors;
    const { a, n } = t.tidy(() => {
      const x = t.ones([3]);
      const y = x.mul(2).add(1);
      return { a: y, n: y.sum().item() };
    });
    expect(n).toBe(9);
    expect(a.isDisposed).toBe(false);
    expect(t.memory().numTensors).toBe(before + 1);
    a.dispose();
    const nested = t.tidy(() => {
      const inner = t.tidy(() => [t.ones([1]), t.zeros([1])]);
      t.ones([5]);
      return inner[0];
    });
    expect(t.memory().numTensors).toBe(before + 1);
    nested.dispose();
  });

  test('tidy disposes on throw; keep() escapes; async functions are refused', () => {
    const before = t.memory().numTensors;
    expect(() => t.tidy(() => { t.ones([2]); throw new Error('boom'); })).toThrow('boom');
    expect(t.memory().numTensors).toBe(before);
    let kept: t.Tensor | undefined;
    t.tidy(() => { kept = t.keep(t.ones([2])); });
    expect(kept!.isDisposed).toBe(false);
    kept!.dispose();
    expect(() => t.tidy(async () => t.ones([1]))).toThrow(/synchronous/);
    expect(t.memory().numTensors).toBe(before);
  });

  test('using disposes at the end of the block', () => {
    const before = t.memory().numTensors;
    {
      using x = t.ones([8]);
      expect(x.sum().item()).toBe(8);
    }
    // The sum's scalar tensor is still alive (not declared with using).
    expect(t.memory().numTensors).toBe(before + 1);
  });

  test('memory() counts distinct host storages in bytes', () => {
    const before = t.memory();
    const x = t.zeros([256], { dtype: 'float32' });
    const v = x.view([16, 16]);
    const after = t.memory();
    expect(after.numTensors).toBe(before.numTensors + 2);
    expect(after.cpuBytes - before.cpuBytes).toBe(1024);
    x.dispose();
    v.dispose();
  });

  test('a 1000-step forward/backward/update loop keeps the live tensor count flat', () => {
    t.manualSeed(0);
    const w = t.randn([4, 3, 3, 3], { requiresGrad: true });
    const b = t.zeros([4], { requiresGrad: true });
    const x = t.randn([2, 3, 8, 8]);
    const target = t.randint(0, 4, [2, 8, 8]);
    const params = [w, b];
    const momentum = params.map((p) => t.zerosLike(p));
    const counts: number[] = [];
    for (let i = 0; i < 1000; i++) {
      t.tidy(() => {
        const loss = F.crossEntropy(F.conv2d(x, w, b, { padding: 1 }), target);
        loss.backward();
        const grads = params.map((p) => p.grad!);
        t.noGrad(() => {
          t.foreach.mul_(momentum, 0.9);
          t.foreach.add_(momentum, grads);
          t.foreach.add_(params, momentum, -0.01);
          t.foreach.zero_(grads);
        });
      });
      if (i % 100 === 99) counts.push(t.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
  });
});
