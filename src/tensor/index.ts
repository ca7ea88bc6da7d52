// The tensor layer's public surface.
export { Tensor, type Scalar, type TensorOrScalar, type NestedArray, type MemoryFormat, type ToOptions } from './tensor.js';
export { type DType, DTYPES, itemSize, isFloating } from './dtype.js';
export { type Device, checkDevice } from './device.js';
export * from './creation.js';
export * as F from './functional.js';
export * as foreach from './foreach.js';
export { noGrad, enableGrad, isGradEnabled, backward } from './autograd.js';
export { tidy, keep, dispose } from './scope.js';
export { manualSeed, Generator, getRngState, setRngState } from './random.js';
export { info, memory, cpuCache, setNumThreads, getNumThreads, cuda, autocast, countFlops, type FlopCount, type MemoryInfo, type RuntimeInfo, type AutocastOptions } from './runtime.js';
export { op, schemaOf } from './dispatch.js';
