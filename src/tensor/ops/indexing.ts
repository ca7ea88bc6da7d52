// Indexing by tensors: gathers, scatters and masks.
import { op } from '../dispatch.js';
import type { Tensor, TensorOrScalar } from '../tensor.js';
import { handleOf, tensorOrScalarOp, unaryMethod, wrap } from './wrap.js';

export interface IndexingMethods {
  indexSelect(dim: number, index: Tensor): Tensor;
  /** Advanced indexing: t[i0, i1, ...] with index tensors (null = full slice). */
  index(indices: Array<Tensor | null>): Tensor;
  gather(dim: number, index: Tensor): Tensor;
  scatter(dim: number, index: Tensor, src: TensorOrScalar): Tensor;
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  maskedSelect(mask: Tensor): Tensor;
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor;
  nonzero(): Tensor;
  /** where(condition, this, other): this where condition holds, else other. */
  where(condition: Tensor, other: TensorOrScalar): Tensor;
}

const ops = {
  indexSelect: op('index_select'), index: op('index', 'Tensor'), gather: op('gather'),
  scatter: tensorOrScalarOp(op('scatter', 'src'), op('scatter', 'value'), 3, 'scatter(src)'),
  scatterAdd: op('scatter_add'), maskedSelect: op('masked_select'),
  maskedFill: tensorOrScalarOp(op('masked_fill', 'Tensor'), op('masked_fill', 'Scalar'), 2, 'maskedFill(value)'),
  where: tensorOrScalarOp(op('where', 'self'), op('where', 'ScalarOther'), 2, 'where(other)'),
};

export const indexingMethods: IndexingMethods & ThisType<Tensor> = {
  indexSelect(dim, index) {
    return wrap(ops.indexSelect([this.handle, dim, handleOf(index)]));
  },
  index(indices) {
    return wrap(ops.index([this.handle, indices.map((i) => (i === null ? null : handleOf(i)))]));
  },
  gather(dim, index) {
    return wrap(ops.gather([this.handle, dim, handleOf(index), false]));
  },
  scatter(dim, index, src) {
    return wrap(ops.scatter([this.handle, dim, handleOf(index), src]));
  },
  scatterAdd(dim, index, src) {
    return wrap(ops.scatterAdd([this.handle, dim, handleOf(index), handleOf(src)]));
  },
  maskedSelect(mask) {
    return wrap(ops.maskedSelect([this.handle, handleOf(mask)]));
  },
  maskedFill(mask, value) {
    return wrap(ops.maskedFill([this.handle, handleOf(mask), value]));
  },
  nonzero: unaryMethod(op('nonzero')),
  where(condition, other) {
    return wrap(ops.where([handleOf(condition), this.handle, other]));
  },
};
