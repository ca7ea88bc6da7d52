// Creating tensors: from shapes and values, ranges, random draws, JS arrays
// and Node buffers (zero-copy where the memory allows).
import { native } from '../native/binding.js';
import type { OpResult } from '../native/types.js';
import type { Device } from './device.js';
import { namedOp, op } from './dispatch.js';
import { checkDType, type DType, dtypeOfTypedArray, itemSize } from './dtype.js';
import { optionalDevice, optionalDType, wrap } from './ops/wrap.js';
import type { Generator } from './random.js';
import { type NestedArray, type Scalar, Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device | string;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

// The factories take their arguments by name: after the size or value come
// dtype, layout, device and pin_memory, of which only dtype and device are set.
const ops = {
  zeros: namedOp('zeros'), ones: namedOp('ones'), empty: namedOp('empty', 'memory_format'), full: namedOp('full'),
  arange: namedOp('arange', 'start_step'), linspace: namedOp('linspace'),
  rand: namedOp('rand', 'generator'), randn: namedOp('randn', 'generator'),
  randint: namedOp('randint', 'low_generator'), randperm: namedOp('randperm', 'generator'),
  zerosLike: namedOp('zeros_like'), onesLike: namedOp('ones_like'), fullLike: namedOp('full_like'),
  randLike: namedOp('rand_like'), randnLike: namedOp('randn_like'), emptyLike: namedOp('empty_like'),
  cat: op('cat'), stack: op('stack'), einsum: op('einsum'),
};

function tensorOptions(o: CreateOptions, defaultDtype?: DType): { dtype: number | null; device: string | null } {
  return { dtype: optionalDType(o.dtype ?? defaultDtype), device: optionalDevice(o.device) };
}

function finish(result: OpResult, o: CreateOptions): Tensor {
  const t = wrap(result);
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function checkShape(shape: number[], what: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape;
}

export function zeros(shape: number[], o: CreateOptions = {}): Tensor {
  return finish(ops.zeros({ size: checkShape(shape, 'zeros'), ...tensorOptions(o) }), o);
}
export function ones(shape: number[], o: CreateOptions = {}): Tensor {
  return finish(ops.ones({ size: checkShape(shape, 'ones'), ...tensorOptions(o) }), o);
}
export function empty(shape: number[], o: CreateOptions = {}): Tensor {
  return finish(ops.empty({ size: checkShape(shape, 'empty'), ...tensorOptions(o) }), o);
}
/**
 * A tensor filled with value: float32 by default (JS numbers carry no int/float
 * distinction, so unlike Python an integral value does not imply int64), bool for booleans.
 */
export function full(shape: number[], value: Scalar, o: CreateOptions = {}): Tensor {
  const fallback: DType = typeof value === 'boolean' ? 'bool' : 'float32';
  return finish(ops.full({ size: checkShape(shape, 'full'), fill_value: value, ...tensorOptions(o, fallback) }), o);
}
/** [start, end) in steps; arange(n) counts 0..n-1. Integer arguments give int64. */
export function arange(start: number, end?: number, step = 1, o: CreateOptions = {}): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  return finish(ops.arange({ start: s, end: e, step, ...tensorOptions(o) }), o);
}
export function linspace(start: number, end: number, steps: number, o: CreateOptions = {}): Tensor {
  return finish(ops.linspace({ start, end, steps, ...tensorOptions(o) }), o);
}
export function rand(shape: number[], o: RandomOptions = {}): Tensor {
  return finish(ops.rand({ size: checkShape(shape, 'rand'), generator: o.generator?.handle, ...tensorOptions(o) }), o);
}
export function randn(shape: number[], o: RandomOptions = {}): Tensor {
  return finish(ops.randn({ size: checkShape(shape, 'randn'), generator: o.generator?.handle, ...tensorOptions(o) }), o);
}
/** Integers in [low, high); int64 unless a dtype is given. */
export function randint(low: number, high: number, shape: number[], o: RandomOptions = {}): Tensor {
  return finish(ops.randint({ low, high, size: checkShape(shape, 'randint'), generator: o.generator?.handle, ...tensorOptions(o, 'int64') }), o);
}
export function randperm(n: number, o: RandomOptions = {}): Tensor {
  return finish(ops.randperm({ n, generator: o.generator?.handle, ...tensorOptions(o, 'int64') }), o);
}
export function zerosLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return finish(ops.zerosLike({ self: t.handle, ...tensorOptions(o) }), o);
}
export function onesLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return finish(ops.onesLike({ self: t.handle, ...tensorOptions(o) }), o);
}
export function fullLike(t: Tensor, value: Scalar, o: CreateOptions = {}): Tensor {
  return finish(ops.fullLike({ self: t.handle, fill_value: value, ...tensorOptions(o) }), o);
}
export function emptyLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return finish(ops.emptyLike({ self: t.handle, ...tensorOptions(o) }), o);
}
export function randLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return finish(ops.randLike({ self: t.handle, ...tensorOptions(o) }), o);
}
export function randnLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return finish(ops.randnLike({ self: t.handle, ...tensorOptions(o) }), o);
}

function handles(tensors: Tensor[], what: string): unknown[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`${what}: expected a non-empty array of tensors`);
  return tensors.map((t) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${what}: expected an array of tensors`);
    return t.handle;
  });
}

export function cat(tensors: Tensor[], dim = 0): Tensor {
  return wrap(ops.cat([handles(tensors, 'cat'), dim]));
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return wrap(ops.stack([handles(tensors, 'stack'), dim]));
}
export function einsum(equation: string, ...tensors: Tensor[]): Tensor {
  return wrap(ops.einsum([equation, handles(tensors, 'einsum')]));
}
/** Elements of x where condition holds, else of y. */
export function where(condition: Tensor, x: Tensor, y: Tensor | Scalar): Tensor {
  return x.where(condition, y);
}

/**
 * A tensor over the bytes of a Buffer / typed array: zero-copy when the memory
 * is suitably aligned (the tensor then shares it and keeps it alive), else a copy.
 */
export function fromBuffer(data: ArrayBufferView | ArrayBuffer, dtype: DType, shape: number[], options: { copy?: boolean } = {}): Tensor {
  checkDType(dtype);
  checkShape(shape, 'fromBuffer');
  return new Tensor(native().fromBuffer(data, dtype, shape, options.copy ?? false));
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new TypeError('tensor(): ragged nested array');
    out.push(typeof data === 'boolean' ? (data ? 1 : 0) : data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new TypeError(`tensor(): ragged nested array (expected length ${shape[depth]} at depth ${depth})`);
  }
  for (const d of data) flatten(d, shape, depth + 1, out);
}

function encode(values: ArrayLike<number>, dtype: DType): ArrayBufferView {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int64': return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    case 'int32': return Int32Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int8': return Int8Array.from(values);
    case 'uint8': return Uint8Array.from(values);
    case 'bool': return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default: return Float32Array.from(values);
  }
}

/**
 * A tensor from numbers, nested arrays or a typed array (copied). The dtype
 * defaults to the typed array's, float32 for numbers, bool for booleans.
 */
export function tensor(data: NestedArray | ArrayBufferView, o: CreateOptions & { shape?: number[] } = {}): Tensor {
  let values: ArrayLike<number>;
  let shape: number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    const inferred = dtypeOfTypedArray(data);
    dtype = o.dtype ?? inferred;
    shape = o.shape ?? [data.byteLength / itemSize(inferred)];
    if (dtype === inferred) {
      const t = new Tensor(native().fromBuffer(data, dtype, shape, true));
      return finishConversion(t, o, dtype);
    }
    values = data instanceof BigInt64Array ? Array.from(data, Number) : (data as unknown as ArrayLike<number>);
  } else {
    shape = inferShape(data);
    const flat: number[] = [];
    flatten(data, shape, 0, flat);
    values = flat;
    const first = shape.reduce<NestedArray>((d) => (Array.isArray(d) ? d[0] : d), data);
    dtype = o.dtype ?? (typeof first === 'boolean' ? 'bool' : 'float32');
    if (o.shape) shape = o.shape;
  }
  const storageDtype: DType = dtype === 'float16' || dtype === 'bfloat16' ? 'float32' : dtype;
  const t = new Tensor(native().fromBuffer(encode(values, storageDtype), storageDtype, shape, true));
  return finishConversion(t, o, dtype);
}

function finishConversion(t: Tensor, o: CreateOptions, dtype: DType): Tensor {
  let out = t;
  if (t.dtype !== dtype || (o.device !== undefined && o.device !== 'cpu')) {
    out = t.to({ dtype, device: o.device });
    t.dispose();
  }
  if (o.requiresGrad) out.requiresGrad = true;
  return out;
}

/** A scalar (0-d) tensor. */
export function scalarTensor(value: number, o: CreateOptions = {}): Tensor {
  return full([], value, { dtype: 'float32', ...o });
}
