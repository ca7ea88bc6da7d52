// Comparisons, logic and ordering: bool masks, elementwise extremes, sorts.
import { op } from '../dispatch.js';
import type { Tensor, TensorOrScalar } from '../tensor.js';
import { binaryMethod, methodsFor, tensorOrScalarOp, unaryMethod, wrap, wrapPair } from './wrap.js';

// Methods named as their ATen operator, with Tensor and Scalar overloads.
const COMPARISONS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

// Methods of two tensors, by their ATen operators.
const BINARY = {
  maximum: 'maximum', minimum: 'minimum', logicalAnd: 'logical_and', logicalOr: 'logical_or', logicalXor: 'logical_xor',
} as const;

export type ComparisonMethods = Record<(typeof COMPARISONS)[number], (other: TensorOrScalar) => Tensor> &
  Record<keyof typeof BINARY, (other: Tensor) => Tensor> & {
    logicalNot(): Tensor;
    /** True where the element is neither inf nor NaN. */
    isfinite(): Tensor;
    /** The k largest (or smallest) along dim: [values, indices]. */
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): [Tensor, Tensor];
    /** Sorted along dim: [values, indices]. */
    sort(dim?: number, descending?: boolean): [Tensor, Tensor];
  };

const ops = { topk: op('topk'), sort: op('sort') };

const comparisons = methodsFor(COMPARISONS, (name) => {
  const f = tensorOrScalarOp(op(name, 'Tensor'), op(name, 'Scalar'), 1, `${name}(other)`);
  return function (this: Tensor, other: TensorOrScalar): Tensor {
    return wrap(f([this.handle, other]));
  };
});

export const comparisonMethods: ComparisonMethods & ThisType<Tensor> = {
  ...comparisons,
  ...methodsFor(BINARY, (name) => binaryMethod(op(name))),
  logicalNot: unaryMethod(op('logical_not')),
  isfinite: unaryMethod(op('isfinite')),
  topk(k, dim = -1, largest = true, sorted = true) {
    return wrapPair(ops.topk([this.handle, k, dim, largest, sorted]));
  },
  sort(dim = -1, descending = false) {
    return wrapPair(ops.sort([this.handle, dim, descending]));
  },
};
