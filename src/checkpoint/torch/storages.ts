import type { DType } from '../raw.js';

// PyTorch's typed storage classes (torch.FloatStorage, ...) and the dtypes they hold.
const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  // Raw bytes; a tensor over it names its dtype separately (_rebuild_tensor_v3).
  UntypedStorage: 'uint8',
};

const DTYPE_STORAGES = new Map<DType, string>(
  Object.entries(STORAGE_DTYPES)
    .filter(([name]) => name !== 'UntypedStorage')
    .map(([name, dtype]) => [dtype, name]),
);

// The `torch.<name>` dtype objects that tensor metadata may mention.
const TORCH_DTYPES: Record<string, DType> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

export function storageDType(className: string): DType | undefined {
  return Object.hasOwn(STORAGE_DTYPES, className) ? STORAGE_DTYPES[className] : undefined;
}

export function storageClassName(dtype: DType): string {
  const name = DTYPE_STORAGES.get(dtype);
  if (name === undefined) throw new TypeError(`no storage class for dtype ${dtype}`);
  return name;
}

export function torchDType(name: string): DType | undefined {
  return Object.hasOwn(TORCH_DTYPES, name) ? TORCH_DTYPES[name] : undefined;
}
