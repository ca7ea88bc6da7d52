// Device, dtype and memory layout changes, and copies.
import type { Device } from '../device.js';
import { namedOp, op } from '../dispatch.js';
import { checkDType, type DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { methodsFor, optionalDevice, optionalDType, unaryMethod, wrap } from './wrap.js';

const MEMORY_FORMAT = { contiguous: 0, preserve: 1, channelsLast: 2 } as const;
export type MemoryFormat = keyof typeof MEMORY_FORMAT;

export interface ToOptions {
  device?: Device | string;
  dtype?: DType;
  nonBlocking?: boolean;
  copy?: boolean;
  memoryFormat?: MemoryFormat;
}

// The PyTorch shorthands for to(dtype), by the dtype each converts to.
const DTYPE_SHORTHANDS = {
  float: 'float32', double: 'float64', half: 'float16', bfloat16: 'bfloat16', long: 'int64', int: 'int32', bool: 'bool',
} as const satisfies Record<string, DType>;

export type ConversionMethods = Record<keyof typeof DTYPE_SHORTHANDS, () => Tensor> & {
  to(target: Device | DType | string | ToOptions, options?: ToOptions): Tensor;
  cpu(): Tensor;
  cuda(index?: number): Tensor;
  /** A copy in page-locked host memory, for fast non-blocking uploads (needs CUDA). */
  pinMemory(): Tensor;
  isPinned(): boolean;
  contiguous(memoryFormat?: MemoryFormat): Tensor;
  /** NHWC memory layout (same shape), preferred by cuDNN and oneDNN convolutions. */
  channelsLast(): Tensor;
  clone(): Tensor;
  detach(): Tensor;
};

const ops = { to: namedOp('to', 'dtype_layout'), isPinned: op('is_pinned'), contiguous: op('contiguous') };

// A string target is a device when it names one, else a dtype.
function toOptions(target: Device | DType | string | ToOptions, options: ToOptions): ToOptions {
  if (typeof target !== 'string') return { ...target, ...options };
  return target === 'cpu' || target.startsWith('cuda') ? { ...options, device: target } : { ...options, dtype: checkDType(target) };
}

export const conversionMethods: ConversionMethods & ThisType<Tensor> = {
  ...methodsFor(DTYPE_SHORTHANDS, (dtype) => function (this: Tensor): Tensor {
    return this.to({ dtype });
  }),
  to(target, options = {}) {
    const o = toOptions(target, options);
    return wrap(ops.to({
      self: this.handle,
      device: optionalDevice(o.device),
      dtype: optionalDType(o.dtype),
      non_blocking: o.nonBlocking ?? false,
      copy: o.copy ?? false,
      memory_format: o.memoryFormat === undefined ? undefined : MEMORY_FORMAT[o.memoryFormat],
    }));
  },
  cpu() {
    return this.to({ device: 'cpu' });
  },
  cuda(index = 0) {
    return this.to({ device: `cuda:${index}` });
  },
  pinMemory: unaryMethod(op('pin_memory')),
  isPinned() {
    return ops.isPinned([this.handle]) as boolean;
  },
  contiguous(memoryFormat = 'contiguous') {
    return wrap(ops.contiguous([this.handle, MEMORY_FORMAT[memoryFormat]]));
  },
  channelsLast() {
    return this.contiguous('channelsLast');
  },
  clone: unaryMethod(op('clone')),
  detach: unaryMethod(op('detach')),
};
