// Matrix products.
import { op } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { binaryMethod, methodsFor } from './wrap.js';

const PRODUCTS = ['matmul', 'mm', 'bmm', 'outer'] as const;

export type LinalgMethods = Record<(typeof PRODUCTS)[number], (other: Tensor) => Tensor>;

export const linalgMethods: LinalgMethods = methodsFor(PRODUCTS, (name) => binaryMethod(op(name)));
