// The shape of the native addon's exports. Only src/ talks to these directly.

/** An opaque native tensor (owned libtorch tensor). */
export interface TensorHandle {
  dispose(): void;
  isDisposed(): boolean;
  shape(): number[];
  strides(): number[];
  dtype(): string;
  device(): string;
  requiresGrad(): boolean;
  isLeaf(): boolean;
  isContiguous(): boolean;
  numel(): number;
  same(other: TensorHandle): boolean;
}

export interface GeneratorHandle {
  manualSeed(seed: number | bigint): GeneratorHandle;
  initialSeed(): number;
  getState(): TensorHandle;
  setState(state: TensorHandle): GeneratorHandle;
  device(): string;
}

export interface NativeDeviceInfo {
  device: string;
  name?: string;
  totalMemory?: number;
  capability?: string;
}

export interface NativeInfo {
  torchVersion: string;
  torchVersionMajor: number;
  torchVersionMinor: number;
  torchVersionPatch: number;
  /** The libtorch loaded at run time (its build settings' TORCH_VERSION). */
  loadedTorchVersion: string;
  builtWithCuda: boolean;
  cudaAvailable: boolean;
  cudnnAvailable: boolean;
  cudnnVersion: number | null;
  numThreads: number;
  numInteropThreads: number;
  mkldnn: boolean;
  openmp: boolean;
  blas: string;
  config: string;
  parallelInfo: string;
  devices: NativeDeviceInfo[];
}

/** How folded inference convolutions run on the CPU (native/model/cpu_conv.h). */
export interface InferenceConvs {
  /** This build calls oneDNN directly (it links the libdnnl libtorch links, with its headers). */
  onednn: boolean;
  onednnVersion: string | null;
  /** Winograd is used for the 3x3 convolutions it suits (DIGA_WINOGRAD=off or setWinograd(false) turn it off). */
  winograd: boolean;
  /** Convolutions run by each path since the process started. */
  runs: { winograd: number; direct: number; prepacked: number; plain: number };
}

export interface CpuCacheStats {
  /** False with DIGA_CPU_CACHE=off: libtorch's own allocator is used. */
  enabled: boolean;
  /** Freed large blocks kept for reuse. */
  cachedBytes: number;
  /** Large blocks held by live tensors. */
  liveBytes: number;
  /** Most bytes kept cached (DIGA_CPU_CACHE_MB; a quarter of RAM by default). */
  limitBytes: number;
  hits: number;
  misses: number;
}

export interface NativeMemory {
  numTensors: number;
  numStorages: number;
  cpuBytes: number;
  cuda: Array<{ device: string; allocated: number; reserved: number; peakAllocated: number }>;
}

export type OpResult = TensorHandle | number | boolean | string | null | OpResult[];

export interface NativeBinding {
  TensorHandle: new () => TensorHandle;
  Generator: new (device?: string, seed?: number) => GeneratorHandle;
  fromBuffer(data: ArrayBufferView | ArrayBuffer, dtype: string, shape: number[], copy?: boolean): TensorHandle;
  toBuffer(t: TensorHandle): Buffer;
  item(t: TensorHandle): number | boolean;
  resolveOp(name: string, overload: string): number;
  opSchema(id: number): string;
  callOp(id: number, args: unknown[], discardResult?: boolean): OpResult;
  backward(tensors: TensorHandle[], grads: TensorHandle[] | null, retainGraph?: boolean, createGraph?: boolean): void;
  grad(t: TensorHandle): TensorHandle | null;
  setGrad(t: TensorHandle, g: TensorHandle | null): void;
  retainGrad(t: TensorHandle): void;
  setRequiresGrad(t: TensorHandle, value: boolean): void;
  isGradEnabled(): boolean;
  setGradEnabled(value: boolean): void;
  info(): NativeInfo;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  memory(): NativeMemory;
  cpuCache(): CpuCacheStats;
  cpuCacheEmpty(): void;
  manualSeed(seed: number): void;
  cudaSynchronize(device?: string): void;
  cudaResetPeakStats(device?: string): void;
  cudaEmptyCache(): void;
  setAutocast(deviceType: 'cuda' | 'cpu', enabled: boolean, dtype: string): { enabled: boolean; dtype: string };
  checkDevice(device: string): string;
  setCudnnBenchmark(on: boolean): void;
  getRngState(device?: string): TensorHandle;
  setRngState(state: TensorHandle, device?: string): void;
  flopCounterStart(): void;
  flopCounterStop(): FlopCount;
  /** Present when the addon was built with the network (native/model). */
  Model?: new (config: Record<string, unknown>) => unknown;
  inferenceConvs?(): InferenceConvs;
  setWinograd?(on: boolean): void;
}

/** Multiply-add FLOPs (2 per MAC) of convolutions and matrix products. */
export interface FlopCount {
  conv: number;
  convBackward: number;
  matmul: number;
  total: number;
}
