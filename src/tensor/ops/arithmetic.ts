// Binary arithmetic, broadcasting; numbers are allowed on the right.
import { fullLike } from '../creation.js';
import { op } from '../dispatch.js';
import { Tensor, type TensorOrScalar } from '../tensor.js';
import { scalar, tensorOrScalarOp, wrap } from './wrap.js';

export interface ArithmeticMethods {
  add(other: TensorOrScalar, alpha?: number): Tensor;
  sub(other: TensorOrScalar, alpha?: number): Tensor;
  mul(other: TensorOrScalar): Tensor;
  div(other: TensorOrScalar, roundingMode?: 'trunc' | 'floor'): Tensor;
  remainder(other: TensorOrScalar): Tensor;
  pow(exponent: TensorOrScalar): Tensor;
}

const ops = {
  add: tensorOrScalarOp(op('add', 'Tensor'), op('add', 'Scalar'), 1, 'add(other)'),
  sub: tensorOrScalarOp(op('sub', 'Tensor'), op('sub', 'Scalar'), 1, 'sub(other)'),
  mul: tensorOrScalarOp(op('mul', 'Tensor'), op('mul', 'Scalar'), 1, 'mul(other)'),
  div: tensorOrScalarOp(op('div', 'Tensor'), op('div', 'Scalar'), 1, 'div(other)'),
  divMode: op('div', 'Tensor_mode'),
  remainder: tensorOrScalarOp(op('remainder', 'Tensor'), op('remainder', 'Scalar'), 1, 'remainder(other)'),
  pow: tensorOrScalarOp(op('pow', 'Tensor_Tensor'), op('pow', 'Tensor_Scalar'), 1, 'pow(exponent)'),
};

export const arithmeticMethods: ArithmeticMethods & ThisType<Tensor> = {
  add(other, alpha = 1) {
    return wrap(ops.add([this.handle, other, alpha]));
  },
  sub(other, alpha = 1) {
    return wrap(ops.sub([this.handle, other, alpha]));
  },
  mul(other) {
    return wrap(ops.mul([this.handle, other]));
  },
  div(other, roundingMode) {
    if (roundingMode === undefined) return wrap(ops.div([this.handle, other]));
    // div with a rounding mode has no Scalar overload: the number becomes a tensor like this one.
    if (!(other instanceof Tensor)) {
      using divisor = fullLike(this, scalar(other, 'div(other)'));
      return wrap(ops.divMode([this.handle, divisor.handle, roundingMode]));
    }
    return wrap(ops.divMode([this.handle, other.handle, roundingMode]));
  },
  remainder(other) {
    return wrap(ops.remainder([this.handle, other]));
  },
  pow(exponent) {
    return wrap(ops.pow([this.handle, exponent]));
  },
};
