// Operations that overwrite the tensor and return it (PyTorch's trailing underscore).
import { op, type OpCaller } from '../dispatch.js';
import type { Scalar, Tensor, TensorOrScalar } from '../tensor.js';
import { handleOf, scalar, tensorOrScalarOp } from './wrap.js';

export interface InplaceMethods {
  add_(other: TensorOrScalar, alpha?: number): this;
  sub_(other: TensorOrScalar, alpha?: number): this;
  mul_(other: TensorOrScalar): this;
  div_(other: TensorOrScalar): this;
  copy_(src: Tensor, nonBlocking?: boolean): this;
  zero_(): this;
  fill_(value: Scalar): this;
  clamp_(min?: number | null, max?: number | null): this;
  /** this += value * t1 * t2 */
  addcmul_(t1: Tensor, t2: Tensor, value?: number): this;
  /** this += value * t1 / t2 */
  addcdiv_(t1: Tensor, t2: Tensor, value?: number): this;
  /** this += weight * (end - this) */
  lerp_(end: Tensor, weight: TensorOrScalar): this;
  maskedFill_(mask: Tensor, value: Scalar): this;
  scatter_(dim: number, index: Tensor, src: TensorOrScalar): this;
  uniform_(from?: number, to?: number): this;
  normal_(mean?: number, std?: number): this;
}

const ops = {
  add_: tensorOrScalarOp(op('add_', 'Tensor'), op('add_', 'Scalar'), 1, 'add_(other)'),
  sub_: tensorOrScalarOp(op('sub_', 'Tensor'), op('sub_', 'Scalar'), 1, 'sub_(other)'),
  mul_: tensorOrScalarOp(op('mul_', 'Tensor'), op('mul_', 'Scalar'), 1, 'mul_(other)'),
  div_: tensorOrScalarOp(op('div_', 'Tensor'), op('div_', 'Scalar'), 1, 'div_(other)'),
  copy_: op('copy_'), zero_: op('zero_'), fill_: op('fill_', 'Scalar'), clamp_: op('clamp_'),
  addcmul_: op('addcmul_'), addcdiv_: op('addcdiv_'),
  lerp_: tensorOrScalarOp(op('lerp_', 'Tensor'), op('lerp_', 'Scalar'), 2, 'lerp_(weight)'),
  maskedFill_: op('masked_fill_', 'Scalar'),
  scatter_: tensorOrScalarOp(op('scatter_', 'src'), op('scatter_', 'value'), 3, 'scatter_(src)'),
  uniform_: op('uniform_'), normal_: op('normal_'),
};

// Runs f on args for its effect on self, which it returns.
function inPlace<S extends Tensor>(self: S, f: OpCaller, args: unknown[]): S {
  f(args, true);
  return self;
}

export const inplaceMethods: InplaceMethods & ThisType<Tensor> = {
  add_(other, alpha = 1) {
    return inPlace(this, ops.add_, [this.handle, other, alpha]);
  },
  sub_(other, alpha = 1) {
    return inPlace(this, ops.sub_, [this.handle, other, alpha]);
  },
  mul_(other) {
    return inPlace(this, ops.mul_, [this.handle, other]);
  },
  div_(other) {
    return inPlace(this, ops.div_, [this.handle, other]);
  },
  copy_(src, nonBlocking = false) {
    return inPlace(this, ops.copy_, [this.handle, handleOf(src), nonBlocking]);
  },
  zero_() {
    return inPlace(this, ops.zero_, [this.handle]);
  },
  fill_(value) {
    return inPlace(this, ops.fill_, [this.handle, scalar(value, 'fill_(value)')]);
  },
  clamp_(min, max) {
    return inPlace(this, ops.clamp_, [this.handle, min ?? null, max ?? null]);
  },
  addcmul_(t1, t2, value = 1) {
    return inPlace(this, ops.addcmul_, [this.handle, handleOf(t1), handleOf(t2), value]);
  },
  addcdiv_(t1, t2, value = 1) {
    return inPlace(this, ops.addcdiv_, [this.handle, handleOf(t1), handleOf(t2), value]);
  },
  lerp_(end, weight) {
    return inPlace(this, ops.lerp_, [this.handle, handleOf(end), weight]);
  },
  maskedFill_(mask, value) {
    return inPlace(this, ops.maskedFill_, [this.handle, handleOf(mask), scalar(value, 'maskedFill_(value)')]);
  },
  scatter_(dim, index, src) {
    return inPlace(this, ops.scatter_, [this.handle, dim, handleOf(index), src]);
  },
  uniform_(from = 0, to = 1) {
    return inPlace(this, ops.uniform_, [this.handle, from, to]);
  },
  normal_(mean = 0, std = 1) {
    return inPlace(this, ops.normal_, [this.handle, mean, std]);
  },
};
