import { describe, expect, test } from 'vitest';
import { argumentNames, namedOp } from '../../src/tensor/dispatch.js';
import { scalarTypeCode } from '../../src/tensor/dtype.js';
import * as t from '../../src/tensor/index.js';
import { wrap } from '../../src/tensor/ops/wrap.js';

describe('operators called by argument name', () => {
  test('argument names come from the schema, in order, without the keyword marker', () => {
    expect(argumentNames(t.schemaOf('to', 'dtype_layout'))).toEqual([
      'self', 'dtype', 'layout', 'device', 'pin_memory', 'non_blocking', 'copy', 'memory_format',
    ]);
    // Bracketed defaults and annotated types hold commas and parentheses of their own.
    expect(argumentNames('aten::f(Tensor(a!) self, int[2] stride=[1, 1], str mode="a,b", *, int? n=None) -> (Tensor, Tensor)')).toEqual([
      'self', 'stride', 'mode', 'n',
    ]);
    expect(argumentNames('aten::g() -> Tensor')).toEqual([]);
  });

  test('the arguments not named take their defaults', () => {
    const full = namedOp('full');
    const x = wrap(full({ size: [2], fill_value: 3, dtype: scalarTypeCode('float32') }));
    expect(x.dtype).toBe('float32');
    expect(x.tolist()).toEqual([3, 3]);
    const clamp = namedOp('clamp');
    const y = wrap(clamp({ self: x.handle, max: 1 }));
    expect(y.tolist()).toEqual([1, 1]);
  });

  test('an unknown name is refused with the operator and the names it knows', () => {
    const to = namedOp('to', 'dtype_layout');
    const x = t.ones([2]);
    expect(() => to({ self: x.handle, dtyp: scalarTypeCode('float64') })).toThrow(
      "aten::to.dtype_layout: unknown argument 'dtyp'; its arguments are self, dtype, layout, device, pin_memory, non_blocking, copy, memory_format",
    );
    expect(() => to({ self: x.handle, toString: 1 })).toThrow(TypeError);
    // The schema was read once; later calls still check their names.
    expect(wrap(to({ self: x.handle, dtype: scalarTypeCode('float64') })).dtype).toBe('float64');
  });

  test('the Tensor methods are non-enumerable prototype methods, as class methods are', () => {
    const x = t.ones([1]);
    const proto = Object.getPrototypeOf(x);
    expect(Object.keys(proto)).toEqual([]);
    expect(typeof proto.add).toBe('function');
  });
});
