// Tensors as plain bytes: what a checkpoint file holds, before any tensor library sees it.
// The dtype table is the tensor layer's (a pure module: no native code is loaded).
import { DTYPES, type DType, isDType, itemSize } from '../tensor/dtype.js';

export { DTYPES, type DType, isDType, itemSize };

/** A contiguous, row-major, little-endian tensor: `data.byteLength === numel(shape) * itemSize(dtype)`. */
export interface RawTensor {
  dtype: DType;
  shape: number[];
  data: Buffer;
}

/** Tensors by name; insertion order is the order of the file. */
export type RawStateDict = Map<string, RawTensor>;

/** Number of elements of a shape (1 for a scalar's empty shape). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements, as PyTorch computes them (a zero-sized dimension counts as 1). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

export function isRawTensor(value: unknown): value is RawTensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<RawTensor>;
  return isDType(t.dtype) && Array.isArray(t.shape) && Buffer.isBuffer(t.data);
}

/** Why a value is not a well-formed RawTensor, or null when it is one. */
export function rawTensorProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'is not a tensor record ({ dtype, shape, data })';
  const t = value as Partial<RawTensor>;
  if (!isDType(t.dtype)) return `has dtype ${JSON.stringify(t.dtype)}; expected one of ${DTYPES.join(', ')}`;
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return `has shape ${JSON.stringify(t.shape)}; expected an array of non-negative integers`;
  }
  if (!Buffer.isBuffer(t.data)) return 'has data that is not a Buffer';
  const expected = numel(t.shape) * itemSize(t.dtype);
  if (t.data.byteLength !== expected) {
    return `has ${t.data.byteLength} bytes of data; shape [${t.shape.join(', ')}] of ${t.dtype} needs ${expected}`;
  }
  return null;
}
