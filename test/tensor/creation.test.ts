import { describe, expect, test } from 'vitest';
import * as t from '../../src/tensor/index.js';

describe('creation', () => {
  test('zeros, ones, full, empty with dtype and shape', () => {
    expect(t.zeros([2, 3]).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(t.ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(t.full([2, 2], 7, { dtype: 'int64' }).tolist()).toEqual([[7, 7], [7, 7]]);
    const e = t.empty([4, 5], { dtype: 'float64' });
    expect(e.shape).toEqual([4, 5]);
    expect(e.dtype).toBe('float64');
    expect(t.zeros([]).shape).toEqual([]);
  });

  test('arange and linspace', () => {
    expect(t.arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(t.arange(5).dtype).toBe('int64');
    expect(t.arange(1, 2, 0.25).tolist()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(t.linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  test('random creation: ranges and dtypes', () => {
    const r = t.rand([1000]);
    expect(r.min().item()).toBeGreaterThanOrEqual(0);
    expect(r.max().item()).toBeLessThan(1);
    const n = t.randn([20000]);
    expect(Math.abs(n.mean().item())).toBeLessThan(0.05);
    expect(Math.abs(n.std().item() - 1)).toBeLessThan(0.05);
    const i = t.randint(3, 7, [1000]);
    expect(i.dtype).toBe('int64');
    expect(i.min().item()).toBe(3);
    expect(i.max().item()).toBe(6);
    const p = t.randperm(10);
    expect((p.sort()[0].tolist() as number[])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('tensor() from nested arrays, booleans and typed arrays', () => {
    const a = t.tensor([[1, 2], [3, 4]]);
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 2]);
    expect(t.tensor([true, false]).dtype).toBe('bool');
    expect(t.tensor([true, false]).tolist()).toEqual([true, false]);
    expect(t.tensor(new Int32Array([1, 2, 3])).dtype).toBe('int32');
    expect(t.tensor([1, 2, 3], { dtype: 'int64' }).toTypedArray()).toEqual(new BigInt64Array([1n, 2n, 3n]));
    expect(t.tensor([1.5, 2.5], { dtype: 'bfloat16' }).tolist()).toEqual([1.5, 2.5]);
    expect(t.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }).shape).toEqual([2, 3]);
    expect(() => t.tensor([[1, 2], [3]])).toThrow(/ragged/);
  });

  test('fromBuffer is zero-copy for aligned memory and keeps the buffer alive', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const x = t.fromBuffer(data, 'float32', [2, 2]);
    data[0] = 42;
    expect(x.tolist()).toEqual([[42, 2], [3, 4]]);
    x.mul_(2);
    expect(data[1]).toBe(4);
  });

  test('fromBuffer copies unaligned memory and checks the byte count', () => {
    const raw = Buffer.alloc(17);
    const view = raw.subarray(1);
    new DataView(view.buffer, view.byteOffset).setFloat32(0, 3.5, true);
    const x = t.fromBuffer(view, 'float32', [4]);
    expect(x.tolist()).toEqual([3.5, 0, 0, 0]);
    expect(() => t.fromBuffer(Buffer.alloc(12), 'float32', [2, 2])).toThrow(/12 bytes do not hold a float32 tensor of 4 elements/);
  });

  test('toTypedArray, item, toBuffer', () => {
    const x = t.tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    expect(x.toTypedArray()).toEqual(new Float64Array([1, 2, 3, 4]));
    expect(x.sum().item()).toBe(10);
    expect(x.transpose(0, 1).toTypedArray()).toEqual(new Float64Array([1, 3, 2, 4]));
    expect(x.toBuffer().byteLength).toBe(32);
    expect(() => x.item()).toThrow(/4 elements/);
    expect(t.tensor([1.25], { dtype: 'float16' }).toTypedArray()).toEqual(new Float32Array([1.25]));
  });

  test('every dtype converts', () => {
    for (const d of t.DTYPES) {
      const x = t.ones([3], { dtype: d });
      expect(x.dtype).toBe(d);
      expect(x.to('float32').sum().item()).toBe(3);
    }
  });
});
