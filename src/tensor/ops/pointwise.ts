// Elementwise math of one tensor.
import { op } from '../dispatch.js';
import { Tensor } from '../tensor.js';
import { methodsFor, unaryMethod, wrap } from './wrap.js';

// Methods named as their ATen operator, taking nothing but the tensor.
const UNARY = [
  'neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'abs', 'sigmoid',
  'tanh', 'relu', 'floor', 'ceil', 'round', 'sign', 'reciprocal', 'sin', 'cos',
] as const;

export type PointwiseMethods = Record<(typeof UNARY)[number], () => Tensor> & {
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
};

const ops = { clamp: op('clamp'), clampT: op('clamp', 'Tensor') };

export const pointwiseMethods: PointwiseMethods & ThisType<Tensor> = {
  ...methodsFor(UNARY, (name) => unaryMethod(op(name))),
  clamp(min, max) {
    if (min instanceof Tensor || max instanceof Tensor) {
      return wrap(ops.clampT([this.handle, min instanceof Tensor ? min.handle : null, max instanceof Tensor ? max.handle : null]));
    }
    return wrap(ops.clamp([this.handle, min ?? null, max ?? null]));
  },
};
