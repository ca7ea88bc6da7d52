// Reductions over all elements or along dims, scans and counts.
import { op, type OpCaller } from '../dispatch.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { dimList, optionalDType, optionalHandle, wrap, wrapList, wrapPair } from './wrap.js';

export interface ReductionMethods {
  sum(dim?: number | number[], keepdim?: boolean, dtype?: DType): Tensor;
  mean(dim?: number | number[], keepdim?: boolean, dtype?: DType): Tensor;
  prod(): Tensor;
  /** Maximum values over dims (no indices). */
  amax(dim: number | number[], keepdim?: boolean): Tensor;
  amin(dim: number | number[], keepdim?: boolean): Tensor;
  /** The maximum of all elements. */
  max(): Tensor;
  /** Maximum along dim: [values, indices]. */
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  argmax(dim?: number, keepdim?: boolean): Tensor;
  argmin(dim?: number, keepdim?: boolean): Tensor;
  /** Vector p-norm over dims (all elements by default). */
  norm(p?: number, dim?: number | number[], keepdim?: boolean): Tensor;
  all(dim?: number, keepdim?: boolean): Tensor;
  any(dim?: number, keepdim?: boolean): Tensor;
  var(dim?: number | number[], unbiased?: boolean, keepdim?: boolean): Tensor;
  std(dim?: number | number[], unbiased?: boolean, keepdim?: boolean): Tensor;
  cumsum(dim: number, dtype?: DType): Tensor;
  /** Sorted unique values; with counts/inverse as in torch.unique. */
  unique(options?: { returnInverse?: boolean; returnCounts?: boolean }): { values: Tensor; inverse?: Tensor; counts?: Tensor };
  bincount(weights?: Tensor | null, minlength?: number): Tensor;
}

const ops = {
  sum: op('sum'), sumDim: op('sum', 'dim_IntList'), mean: op('mean'), meanDim: op('mean', 'dim'),
  prod: op('prod'), amax: op('amax'), amin: op('amin'),
  argmax: op('argmax'), argmin: op('argmin'), norm: op('linalg_vector_norm'),
  all: op('all'), allDim: op('all', 'dim'), any: op('any'), anyDim: op('any', 'dim'),
  var: op('var', 'correction'), std: op('std', 'correction'),
  cumsum: op('cumsum'), unique: op('_unique2'), bincount: op('bincount'),
};

// max or min: of all elements, or along dim with the indices.
function extremum(all: OpCaller, alongDim: OpCaller): ReductionMethods['max'] {
  function extreme(this: Tensor): Tensor;
  function extreme(this: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
  function extreme(this: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? wrap(all([this.handle])) : wrapPair(alongDim([this.handle, dim, keepdim]));
  }
  return extreme;
}

export const reductionMethods: ReductionMethods & ThisType<Tensor> = {
  sum(dim, keepdim = false, dtype) {
    const code = optionalDType(dtype);
    return dim === undefined ? wrap(ops.sum([this.handle, code])) : wrap(ops.sumDim([this.handle, dimList(dim), keepdim, code]));
  },
  mean(dim, keepdim = false, dtype) {
    const code = optionalDType(dtype);
    return dim === undefined ? wrap(ops.mean([this.handle, code])) : wrap(ops.meanDim([this.handle, dimList(dim), keepdim, code]));
  },
  prod() {
    return wrap(ops.prod([this.handle]));
  },
  amax(dim, keepdim = false) {
    return wrap(ops.amax([this.handle, dimList(dim), keepdim]));
  },
  amin(dim, keepdim = false) {
    return wrap(ops.amin([this.handle, dimList(dim), keepdim]));
  },
  max: extremum(op('max'), op('max', 'dim')),
  min: extremum(op('min'), op('min', 'dim')),
  argmax(dim, keepdim = false) {
    return wrap(ops.argmax([this.handle, dim ?? null, keepdim]));
  },
  argmin(dim, keepdim = false) {
    return wrap(ops.argmin([this.handle, dim ?? null, keepdim]));
  },
  norm(p = 2, dim, keepdim = false) {
    return wrap(ops.norm([this.handle, p, dimList(dim) ?? null, keepdim]));
  },
  all(dim, keepdim = false) {
    return dim === undefined ? wrap(ops.all([this.handle])) : wrap(ops.allDim([this.handle, dim, keepdim]));
  },
  any(dim, keepdim = false) {
    return dim === undefined ? wrap(ops.any([this.handle])) : wrap(ops.anyDim([this.handle, dim, keepdim]));
  },
  var(dim, unbiased = true, keepdim = false) {
    return wrap(ops.var([this.handle, dimList(dim) ?? null, unbiased ? 1 : 0, keepdim]));
  },
  std(dim, unbiased = true, keepdim = false) {
    return wrap(ops.std([this.handle, dimList(dim) ?? null, unbiased ? 1 : 0, keepdim]));
  },
  cumsum(dim, dtype) {
    return wrap(ops.cumsum([this.handle, dim, optionalDType(dtype)]));
  },
  unique(options = {}) {
    const [values, inverse, counts] = wrapList(ops.unique([this.handle, true, options.returnInverse ?? false, options.returnCounts ?? false]));
    const out: { values: Tensor; inverse?: Tensor; counts?: Tensor } = { values };
    if (options.returnInverse) out.inverse = inverse;
    else inverse.dispose();
    if (options.returnCounts) out.counts = counts;
    else counts.dispose();
    return out;
  },
  bincount(weights, minlength = 0) {
    return wrap(ops.bincount([this.handle, optionalHandle(weights), minlength]));
  },
};
