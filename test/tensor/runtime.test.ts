import { describe, expect, test } from 'vitest';
import * as t from '../../src/tensor/index.js';
const { F } = t;

describe('runtime', () => {
  test('info reports the libtorch found', () => {
    const i = t.info();
    expect(i.torchVersion).toMatch(/^\d+\.\d+/);
    expect(i.devices[0].device).toBe('cpu');
    expect(typeof i.cudaAvailable).toBe('boolean');
    expect(i.numThreads).toBeGreaterThanOrEqual(1);
  });

  test('threads default to the core count and can be set', () => {
    const n = t.getNumThreads();
    t.setNumThreads(1);
    expect(t.getNumThreads()).toBe(1);
    t.setNumThreads(n);
    expect(() => t.setNumThreads(0)).toThrow(TypeError);
  });

  test('seeds: same seed, same numbers; generators are independent and restorable', () => {
    t.manualSeed(7);
    const a = t.rand([5]).tolist();
    t.manualSeed(7);
    expect(t.rand([5]).tolist()).toEqual(a);
    const g = new t.Generator({ seed: 3 });
    const first = t.randn([4], { generator: g }).tolist();
    const h = new t.Generator({ seed: 3 });
    expect(t.randn([4], { generator: h }).tolist()).toEqual(first);
    const state = g.getState();
    const next = t.randint(0, 100, [6], { generator: g }).tolist();
    g.setState(state);
    expect(t.randint(0, 100, [6], { generator: g }).tolist()).toEqual(next);
    expect(t.randperm(5, { generator: g.manualSeed(1) }).shape).toEqual([5]);
  });

  test('autocast: CPU bfloat16 runs convolutions in bfloat16; CUDA-only requests fail clearly', () => {
    const x = t.randn([1, 3, 8, 8]);
    const w = t.randn([4, 3, 3, 3]);
    const y = t.autocast({ deviceType: 'cpu', dtype: 'bfloat16' }, () => F.conv2d(x, w));
    expect(y.dtype).toBe('bfloat16');
    expect(F.conv2d(x, w).dtype).toBe('float32');
    expect(() => t.autocast({ deviceType: 'cpu', dtype: 'float16' }, () => 0)).toThrow(/bfloat16 only/);
    if (!t.cuda.isAvailable()) {
      expect(() => t.autocast({ dtype: 'bfloat16' }, () => 0)).toThrow(/needs a CUDA device/);
      expect(() => t.cuda.synchronize()).toThrow(/not available/);
    }
  });
});

describe('errors', () => {
  test('libtorch errors become JS errors with the first line of the message', () => {
    let msg = '';
    try {
      t.ones([2, 3]).matmul(t.ones([2, 3]));
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
    expect(msg).not.toMatch(/Exception raised from/);
    expect(() => t.ones([2]).view([3])).toThrow(/shape '\[3\]' is invalid/);
  });

  test('wrong argument types are TypeErrors', () => {
    expect(() => t.ones([2]).add('x' as unknown as number)).toThrow(TypeError);
    expect(() => t.zeros([2.5])).toThrow(TypeError);
    expect(() => t.zeros([2], { dtype: 'float8' as t.DType })).toThrow(/unknown dtype/);
    expect(() => t.ones([2]).matmul({} as t.Tensor)).toThrow(TypeError);
    expect(() => t.ones([2, 2]).sum(0.5)).toThrow(/must be an integer/);
  });

  test('unknown or missing devices list the devices there are', () => {
    expect(() => t.zeros([1], { device: 'tpu' })).toThrow(/unknown device 'tpu'.*available: cpu/);
    if (!t.cuda.isAvailable()) {
      expect(() => t.zeros([1], { device: 'cuda:1' })).toThrow(/CUDA is not available.*available: cpu/);
      expect(() => t.ones([1]).to('cuda')).toThrow(/CUDA is not available/);
    }
  });
});
