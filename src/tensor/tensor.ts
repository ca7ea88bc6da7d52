// The Tensor class: a typed, PyTorch-named view over one native tensor handle.
// This file holds the core (handle, lifetime, properties, conversion to JS,
// autograd); the operator methods live in ops/, one file a group, each a
// table of methods over the generic operator call (see dispatch.ts), and are
// installed on the prototype below. Only this file imports those tables, so
// they are always loaded before it installs them.
import { native } from '../native/binding.js';
import type { TensorHandle } from '../native/types.js';
import type { Device } from './device.js';
import { type DType, type TypedArray, typedArrayOf } from './dtype.js';
import { type ArithmeticMethods, arithmeticMethods } from './ops/arithmetic.js';
import { type ComparisonMethods, comparisonMethods } from './ops/comparison.js';
import { type ConversionMethods, conversionMethods } from './ops/conversion.js';
import { type IndexingMethods, indexingMethods } from './ops/indexing.js';
import { type InplaceMethods, inplaceMethods } from './ops/inplace.js';
import { type LinalgMethods, linalgMethods } from './ops/linalg.js';
import { type PointwiseMethods, pointwiseMethods } from './ops/pointwise.js';
import { type ReductionMethods, reductionMethods } from './ops/reduction.js';
import { type ShapeMethods, shapeMethods } from './ops/shape.js';
import { handleOf } from './ops/wrap.js';
import { trackTensor } from './scope.js';

export type { MemoryFormat, ToOptions } from './ops/conversion.js';
export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
export type NestedArray = number | boolean | NestedArray[];

// The class and this interface merge: a Tensor has every method of the tables.
export interface Tensor
  extends ArithmeticMethods, PointwiseMethods, ComparisonMethods, ReductionMethods, LinalgMethods,
    ShapeMethods, IndexingMethods, ConversionMethods, InplaceMethods {}

export class Tensor {
  readonly handle: TensorHandle;
  #shape: number[] | undefined;

  /** Wraps a native handle; use the creation functions (zeros, tensor ...) instead. */
  constructor(handle: TensorHandle) {
    this.handle = handle;
    trackTensor(this);
  }

  static fromHandle(handle: TensorHandle): Tensor {
    return new Tensor(handle);
  }

  // ---- properties -------------------------------------------------------
  get shape(): number[] {
    if (this.#shape === undefined) this.#shape = this.handle.shape();
    return this.#shape.slice();
  }
  get ndim(): number {
    return this.shape.length;
  }
  get dtype(): DType {
    return this.handle.dtype() as DType;
  }
  get device(): Device {
    return this.handle.device() as Device;
  }
  get strides(): number[] {
    return this.handle.strides();
  }
  numel(): number {
    return this.handle.numel();
  }
  size(dim?: number): number | number[] {
    if (dim === undefined) return this.shape;
    const s = this.shape;
    return s[dim < 0 ? s.length + dim : dim];
  }
  isContiguous(): boolean {
    return this.handle.isContiguous();
  }
  get isDisposed(): boolean {
    return this.handle.isDisposed();
  }

  // ---- lifetime ---------------------------------------------------------
  /** Frees the native memory now (idempotent). */
  dispose(): void {
    this.handle.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- conversion to JS -------------------------------------------------
  /** A copy of the elements; float16/bfloat16 come back as Float32Array, bool as Uint8Array. */
  toTypedArray(): TypedArray {
    const dtype = this.dtype;
    if (dtype === 'float16' || dtype === 'bfloat16') {
      using f = this.to({ dtype: 'float32' });
      return f.toTypedArray();
    }
    return typedArrayOf(dtype, native().toBuffer(this.handle));
  }
  /** The raw little-endian bytes of the elements (row-major, a copy). */
  toBuffer(): Buffer {
    return native().toBuffer(this.handle);
  }
  item(): number {
    return Number(native().item(this.handle));
  }
  /** Nested arrays of numbers (booleans for bool tensors); for small tensors. */
  tolist(): NestedArray {
    const flat = this.toTypedArray();
    const isBool = this.dtype === 'bool';
    const shape = this.shape;
    let pos = 0;
    const build = (d: number): NestedArray => {
      if (d === shape.length) {
        const v = flat[pos++];
        return isBool ? v !== 0 : Number(v);
      }
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }
  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ---- autograd ---------------------------------------------------------
  get requiresGrad(): boolean {
    return this.handle.requiresGrad();
  }
  set requiresGrad(value: boolean) {
    native().setRequiresGrad(this.handle, value);
  }
  requiresGrad_(value = true): this {
    native().setRequiresGrad(this.handle, value);
    return this;
  }
  get isLeaf(): boolean {
    return this.handle.isLeaf();
  }
  /**
   * The accumulated gradient (a new handle on the same memory), or null.
   * Throws for a non-leaf tensor that did not call retainGrad().
   */
  get grad(): Tensor | null {
    const g = native().grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  set grad(value: Tensor | null) {
    native().setGrad(this.handle, value === null ? null : handleOf(value));
  }
  retainGrad(): this {
    native().retainGrad(this.handle);
    return this;
  }
  /** Accumulates gradients into the leaves; `gradient` is required unless this has one element. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native().backward([this.handle], gradient ? [handleOf(gradient)] : null, options.retainGraph ?? false, options.createGraph ?? false);
  }
}

// Installed as class methods are: not enumerable. A name defined twice is an error.
for (const table of [
  arithmeticMethods, pointwiseMethods, comparisonMethods, reductionMethods, linalgMethods,
  shapeMethods, indexingMethods, conversionMethods, inplaceMethods,
]) {
  for (const [name, method] of Object.entries(table)) {
    if (name in Tensor.prototype) throw new Error(`Tensor.${name} is defined twice`);
    Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true });
  }
}
