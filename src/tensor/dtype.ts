// Data types: names as in PyTorch (float32 ...), libtorch's ScalarType codes
// (stable across libtorch versions; the boxed operator calls take them as
// integers) and the JS typed arrays that hold them.

export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

export const DTYPES: readonly DType[] = [
  'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool',
];

const SCALAR_TYPE: Record<DType, number> = {
  uint8: 0, int8: 1, int16: 2, int32: 3, int64: 4, float16: 5, float32: 6, float64: 7, bool: 11, bfloat16: 15,
};

const ITEM_SIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

export type TypedArray =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(ITEM_SIZE, value);
}

export function checkDType(value: unknown): DType {
  if (!isDType(value)) {
    throw new TypeError(`unknown dtype ${JSON.stringify(value)} (expected one of ${DTYPES.join(', ')})`);
  }
  return value;
}

export function scalarTypeCode(dtype: DType): number {
  return SCALAR_TYPE[checkDType(dtype)];
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  const size = ITEM_SIZE[dtype];
  if (size === undefined) throw new TypeError(`unknown dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.join(', ')})`);
  return size;
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** The dtype that holds a typed array's elements. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  throw new TypeError(`cannot infer a dtype from ${a.constructor.name}; pass { dtype }`);
}

/** A typed array viewing `buf` as elements of `dtype` (16-bit floats come back as raw Uint16Array). */
export function typedArrayOf(dtype: DType, buf: Buffer): TypedArray {
  const { buffer, byteOffset, byteLength } = buf;
  const n = byteLength / ITEM_SIZE[dtype];
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, n);
    case 'float64': return new Float64Array(buffer, byteOffset, n);
    case 'int64': return new BigInt64Array(buffer, byteOffset, n);
    case 'int32': return new Int32Array(buffer, byteOffset, n);
    case 'int16': return new Int16Array(buffer, byteOffset, n);
    case 'int8': return new Int8Array(buffer, byteOffset, n);
    case 'uint8':
    case 'bool': return new Uint8Array(buffer, byteOffset, n);
    case 'float16':
    case 'bfloat16': return new Uint16Array(buffer, byteOffset, n);
  }
}
