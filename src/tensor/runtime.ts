// The runtime: versions, threads, memory, CUDA and autocast.
import { native } from '../native/binding.js';
import type { CpuCacheStats, FlopCount, NativeInfo, NativeMemory } from '../native/types.js';
import { checkDevice } from './device.js';
import type { DType } from './dtype.js';

export type RuntimeInfo = NativeInfo;

export function info(): RuntimeInfo {
  return native().info();
}

/** Live tensors and bytes: tensor handles alive, distinct host storages, CUDA allocator figures. */
export interface MemoryInfo {
  numTensors: number;
  numStorages: number;
  cpuBytes: number;
  cuda: NativeMemory['cuda'];
}

export function memory(): MemoryInfo {
  return native().memory();
}

/**
 * The caching allocator of large CPU tensors (1 MiB and up): freed blocks are
 * kept by size and reused, so a loop's passes do not map and zero fresh memory
 * each time. Cached bytes stay with the process until `empty()`.
 */
export const cpuCache = {
  stats(): CpuCacheStats {
    return native().cpuCache();
  },
  /** Returns every cached block to the system. */
  empty(): void {
    native().cpuCacheEmpty();
  },
};

export function setNumThreads(n: number): void {
  native().setNumThreads(n);
}

export function getNumThreads(): number {
  return native().getNumThreads();
}

export const cuda = {
  isAvailable(): boolean {
    return native().info().cudaAvailable;
  },
  deviceCount(): number {
    return native().info().devices.length - 1;
  },
  synchronize(device = 'cuda'): void {
    native().cudaSynchronize(checkDevice(device));
  },
  resetPeakMemoryStats(device = 'cuda'): void {
    native().cudaResetPeakStats(checkDevice(device));
  },
  emptyCache(): void {
    native().cudaEmptyCache();
  },
  /** cuDNN autotuning of convolution algorithms (fastest for fixed input shapes). */
  setCudnnBenchmark(on: boolean): void {
    native().setCudnnBenchmark(on);
  },
};

export interface AutocastOptions {
  dtype?: 'bfloat16' | 'float16';
  /** 'cuda' (default) or 'cpu' (bfloat16 only). */
  deviceType?: 'cuda' | 'cpu';
  enabled?: boolean;
}

/**
 * Runs fn with automatic mixed precision: eligible ops (convolutions, matmuls)
 * run in the lower precision, numerically sensitive ones in float32.
 * On CPU only bfloat16 is supported, as in PyTorch.
 */
export function autocast<T>(options: AutocastOptions, fn: () => T): T {
  const deviceType = options.deviceType ?? 'cuda';
  const dtype: DType = options.dtype ?? (deviceType === 'cuda' ? 'float16' : 'bfloat16');
  const enabled = options.enabled ?? true;
  if (deviceType === 'cuda' && enabled && !native().info().cudaAvailable) {
    throw new Error("autocast on 'cuda' needs a CUDA device, and none is available; use { deviceType: 'cpu', dtype: 'bfloat16' } on the CPU");
  }
  if (deviceType === 'cpu' && dtype !== 'bfloat16') {
    throw new Error('CPU autocast supports bfloat16 only');
  }
  const prev = native().setAutocast(deviceType, enabled, dtype);
  try {
    const r = fn();
    if (r instanceof Promise) throw new TypeError('autocast() takes a synchronous function');
    return r;
  } finally {
    native().setAutocast(deviceType, prev.enabled, prev.dtype);
  }
}

export type { FlopCount } from '../native/types.js';

/**
 * Counts the multiply-add FLOPs (2 per MAC) of the convolutions and matrix
 * products that fn dispatches, forward and backward, on every thread.
 * Elementwise ops are not counted. Counting slows ops down; time separately.
 */
export function countFlops<T>(fn: () => T): { result: T; flops: FlopCount } {
  native().flopCounterStart();
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new TypeError('countFlops() takes a synchronous function');
  } catch (err) {
    native().flopCounterStop();
    throw err;
  }
  return { result, flops: native().flopCounterStop() };
}
