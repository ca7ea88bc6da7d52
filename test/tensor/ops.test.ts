import { describe, expect, test } from 'vitest';
import * as t from '../../src/tensor/index.js';

const m = () => t.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });

describe('elementwise maths', () => {
  test('arithmetic with broadcasting and scalars', () => {
    const a = m();
    const row = t.tensor([10, 20, 30], { dtype: 'float64' });
    expect(a.add(row).tolist()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(a.sub(1).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(a.mul(row.unsqueeze(0)).tolist()).toEqual([[10, 40, 90], [40, 100, 180]]);
    expect(a.div(2).tolist()).toEqual([[0.5, 1, 1.5], [2, 2.5, 3]]);
    expect(a.add(a, 2).tolist()).toEqual([[3, 6, 9], [12, 15, 18]]);
    expect(a.div(4, 'floor').tolist()).toEqual([[0, 0, 0], [1, 1, 1]]);
    expect(t.arange(5).add(1).dtype).toBe('int64');
    expect(a.remainder(4).tolist()).toEqual([[1, 2, 3], [0, 1, 2]]);
  });

  test('unary functions', () => {
    const x = t.tensor([-4, 1, 9], { dtype: 'float64' });
    expect(x.abs().tolist()).toEqual([4, 1, 9]);
    expect(x.abs().sqrt().tolist()).toEqual([2, 1, 3]);
    expect(x.pow(2).tolist()).toEqual([16, 1, 81]);
    expect(x.clamp(0, 5).tolist()).toEqual([0, 1, 5]);
    expect(x.clamp(null, 0).tolist()).toEqual([-4, 0, 0]);
    expect(t.tensor([0, 1], { dtype: 'float64' }).exp().tolist()).toEqual([1, Math.E]);
    expect(t.tensor([1, Math.E], { dtype: 'float64' }).log().tolist()).toEqual([0, 1]);
    expect(x.neg().tolist()).toEqual([4, -1, -9]);
    expect(x.relu().tolist()).toEqual([0, 1, 9]);
  });

  test('comparisons, logic, where, maskedFill', () => {
    const x = t.tensor([1, 5, 3]);
    expect(x.gt(2).tolist()).toEqual([false, true, true]);
    expect(x.eq(t.tensor([1, 0, 3])).tolist()).toEqual([true, false, true]);
    expect(x.le(3).logicalAnd(x.ge(2)).tolist()).toEqual([false, false, true]);
    expect(x.gt(2).logicalNot().tolist()).toEqual([true, false, false]);
    expect(x.where(x.gt(2), 0).tolist()).toEqual([0, 5, 3]);
    expect(t.where(x.gt(2), x, t.zerosLike(x)).tolist()).toEqual([0, 5, 3]);
    expect(x.maskedFill(x.eq(5), -1).tolist()).toEqual([1, -1, 3]);
  });
});

describe('reductions', () => {
  test('sum and mean with dims and keepdim', () => {
    const a = m();
    expect(a.sum().item()).toBe(21);
    expect(a.sum(0).tolist()).toEqual([5, 7, 9]);
    expect(a.sum(1, true).tolist()).toEqual([[6], [15]]);
    expect(a.mean([0, 1]).item()).toBe(3.5);
    expect(a.mean(1).tolist()).toEqual([2, 5]);
  });

  test('max/min with indices, argmax, norm', () => {
    const a = t.tensor([[3, 9, 1], [7, 2, 8]]);
    const [v, i] = a.max(1);
    expect(v.tolist()).toEqual([9, 8]);
    expect(i.tolist()).toEqual([1, 2]);
    const [mv, mi] = a.min(0, true);
    expect(mv.tolist()).toEqual([[3, 2, 1]]);
    expect(mi.tolist()).toEqual([[0, 1, 0]]);
    expect(a.max().item()).toBe(9);
    expect(a.argmax().item()).toBe(1);
    expect(a.argmax(0).tolist()).toEqual([1, 0, 1]);
    expect(t.tensor([3, 4]).norm().item()).toBe(5);
    expect(t.tensor([[3, 4], [6, 8]]).norm(2, 1).tolist()).toEqual([5, 10]);
    expect(t.tensor([1, -2, 3]).norm(1).item()).toBe(6);
  });

  test('unique and bincount', () => {
    const x = t.tensor([3, 1, 3, 255, 1, 1], { dtype: 'int64' });
    const u = x.unique({ returnCounts: true, returnInverse: true });
    expect(u.values.tolist()).toEqual([1, 3, 255]);
    expect(u.counts!.tolist()).toEqual([3, 2, 1]);
    expect(u.inverse!.tolist()).toEqual([1, 0, 1, 2, 0, 0]);
    expect(t.tensor([0, 2, 2, 4], { dtype: 'int64' }).bincount(null, 6).tolist()).toEqual([1, 0, 2, 0, 1, 0]);
  });

  test('matmul and einsum', () => {
    const a = m();
    const b = t.tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' });
    expect(a.matmul(b).tolist()).toEqual([[4, 5], [10, 11]]);
    expect(t.einsum('ij,jk->ik', a, b).tolist()).toEqual([[4, 5], [10, 11]]);
    expect(t.einsum('ij->j', a).tolist()).toEqual([5, 7, 9]);
  });
});

describe('views and shape ops', () => {
  test('reshape, view, permute, transpose, flatten', () => {
    const x = t.arange(24).reshape(2, 3, 4);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.view([6, 4]).shape).toEqual([6, 4]);
    expect(x.permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(x.transpose(0, 2).isContiguous()).toBe(false);
    expect(x.transpose(0, 2).contiguous().isContiguous()).toBe(true);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.reshape(-1).shape).toEqual([24]);
  });

  test('narrow, slice, select, indexSelect, gather, scatter', () => {
    const x = t.arange(10);
    expect(x.narrow(0, 2, 3).tolist()).toEqual([2, 3, 4]);
    expect(x.slice(0, 1, 9, 3).tolist()).toEqual([1, 4, 7]);
    expect(x.slice(0, -2).tolist()).toEqual([8, 9]);
    const a = t.arange(6).reshape(2, 3);
    expect(a.select(1, 2).tolist()).toEqual([2, 5]);
    expect(a.indexSelect(1, t.tensor([2, 0], { dtype: 'int64' })).tolist()).toEqual([[2, 0], [5, 3]]);
    expect(a.gather(1, t.tensor([[0], [2]], { dtype: 'int64' })).tolist()).toEqual([[0], [5]]);
    const s = t.zeros([2, 3]).scatter(1, t.tensor([[1], [0]], { dtype: 'int64' }), 1);
    expect(s.tolist()).toEqual([[0, 1, 0], [1, 0, 0]]);
    expect(a.index([t.tensor([1, 0], { dtype: 'int64' })]).tolist()).toEqual([[3, 4, 5], [0, 1, 2]]);
  });

  test('chunk, split, cat, stack, squeeze, unsqueeze, flip, expand, repeat', () => {
    const x = t.arange(6);
    expect(x.chunk(3).map((c) => c.tolist())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(x.split([1, 5]).map((c) => c.shape[0])).toEqual([1, 5]);
    expect(x.split(4).map((c) => c.shape[0])).toEqual([4, 2]);
    expect(t.cat([x, x]).shape).toEqual([12]);
    expect(t.stack([x, x], 1).shape).toEqual([6, 2]);
    expect(x.unsqueeze(0).unsqueeze(2).shape).toEqual([1, 6, 1]);
    expect(x.unsqueeze(0).unsqueeze(2).squeeze().shape).toEqual([6]);
    expect(x.unsqueeze(0).squeeze(0).shape).toEqual([6]);
    expect(x.flip(0).tolist()).toEqual([5, 4, 3, 2, 1, 0]);
    expect(t.tensor([[1], [2]]).expand(2, 3).tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(t.tensor([1, 2]).repeat(2).tolist()).toEqual([1, 2, 1, 2]);
  });

  test('clone and detach; channelsLast keeps shape and changes strides', () => {
    const x = t.arange(4).float();
    const c = x.clone();
    c.add_(1);
    expect(x.tolist()).toEqual([0, 1, 2, 3]);
    const y = t.rand([2, 3, 4, 5]);
    const cl = y.channelsLast();
    expect(cl.shape).toEqual([2, 3, 4, 5]);
    expect(cl.strides).toEqual([60, 1, 15, 3]);
    expect(cl.sub(y).abs().max().item()).toBe(0);
  });
});

describe('in-place and foreach ops', () => {
  test('in-place arithmetic returns this and writes through views', () => {
    const x = t.zeros([2, 3]);
    const row = x.select(0, 1);
    expect(row.add_(2).mul_(3)).toBe(row);
    expect(x.tolist()).toEqual([[0, 0, 0], [6, 6, 6]]);
    x.addcmul_(t.ones([2, 3]), t.full([2, 3], 2), 0.5);
    expect(x.tolist()).toEqual([[1, 1, 1], [7, 7, 7]]);
    x.copy_(t.ones([2, 3]));
    x.zero_();
    expect(x.sum().item()).toBe(0);
    x.fill_(2).lerp_(t.full([2, 3], 4), 0.25);
    expect(x.tolist()).toEqual([[2.5, 2.5, 2.5], [2.5, 2.5, 2.5]]);
  });

  test('foreach ops update every tensor of a list', () => {
    const a = [t.ones([2]), t.full([3], 2)];
    const b = [t.full([2], 10), t.full([3], 20)];
    t.foreach.mul_(a, 3);
    expect(a.map((x) => x.tolist())).toEqual([[3, 3], [6, 6, 6]]);
    t.foreach.add_(a, b, 0.5);
    expect(a.map((x) => x.tolist())).toEqual([[8, 8], [16, 16, 16]]);
    t.foreach.addcmul_(a, b, b, 0.01);
    expect(a.map((x) => x.tolist())).toEqual([[9, 9], [20, 20, 20]]);
    t.foreach.lerp_(a, b, 0.5);
    expect(a.map((x) => x.tolist())).toEqual([[9.5, 9.5], [20, 20, 20]]);
    t.foreach.copy_(a, b);
    expect(a.map((x) => x.tolist())).toEqual([[10, 10], [20, 20, 20]]);
    t.foreach.zero_(a);
    expect(a.map((x) => x.sum().item())).toEqual([0, 0]);
    expect(() => t.foreach.add_(a, [b[0]])).toThrow(/differ in length/);
  });
});
