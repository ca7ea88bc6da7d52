// Between Tensors and the generic operator call: handles and checked numbers
// in, Tensors out. Shared by the Tensor methods and the tensor functions.
// Only function declarations here: the op files call some of them while the
// Tensor class module is still loading (see tensor.ts).
import type { OpResult, TensorHandle } from '../../native/types.js';
import { checkDevice, type Device } from '../device.js';
import type { OpCaller } from '../dispatch.js';
import { type DType, scalarTypeCode } from '../dtype.js';
import { type Scalar, Tensor } from '../tensor.js';

/** A value's kind, for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** The native handle of a Tensor argument (anything else is refused). */
export function handleOf(x: Tensor): TensorHandle {
  if (!(x instanceof Tensor)) throw new TypeError(`expected a Tensor, got ${describe(x)}`);
  return x.handle;
}

/** The handle of an optional tensor argument, null when absent. */
export function optionalHandle(t: Tensor | null | undefined): TensorHandle | null {
  return t ? t.handle : null;
}

/** A number or boolean argument; `what` names it in the error. */
export function scalar(x: unknown, what: string): Scalar {
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new TypeError(`${what} must be a Tensor or a number, got ${describe(x)}`);
  }
  return x;
}

/** The scalar type code of an optional dtype argument, null when absent. */
export function optionalDType(dtype: DType | undefined): number | null {
  return dtype === undefined ? null : scalarTypeCode(dtype);
}

/** A checked optional device argument, null when absent. */
export function optionalDevice(device: Device | string | undefined): string | null {
  return device === undefined ? null : checkDevice(device);
}

/** One dim or several, as the int[] an operator takes. */
export function dimList(dim: number | number[] | undefined): number[] | undefined {
  if (dim === undefined) return undefined;
  return Array.isArray(dim) ? dim : [dim];
}

export function wrap(r: OpResult): Tensor {
  return new Tensor(r as TensorHandle);
}

export function wrapPair(r: OpResult): [Tensor, Tensor] {
  const [a, b] = r as TensorHandle[];
  return [new Tensor(a), new Tensor(b)];
}

export function wrapList(r: OpResult): Tensor[] {
  return (r as TensorHandle[]).map((x) => new Tensor(x));
}

/**
 * One caller over an operator's Tensor and Scalar overloads, picked by the
 * argument at `at`: a Tensor goes in as its handle, anything else as a
 * checked number named `what` in the error.
 */
export function tensorOrScalarOp(tensorOp: OpCaller, scalarOp: OpCaller, at: number, what: string): OpCaller {
  return (args, discardResult) => {
    const x = args[at];
    if (x instanceof Tensor) {
      args[at] = x.handle;
      return tensorOp(args, discardResult);
    }
    args[at] = scalar(x, what);
    return scalarOp(args, discardResult);
  };
}

/**
 * A method table of one shape: `make` builds each method from the value its
 * name maps to (an ATen operator's name, say), or from the name itself when
 * given a list of names.
 */
export function methodsFor<K extends string, V extends string, M>(table: Readonly<Record<K, V>>, make: (value: V) => M): Record<K, M>;
export function methodsFor<K extends string, M>(names: readonly K[], make: (name: K) => M): Record<K, M>;
export function methodsFor(table: Readonly<Record<string, string>> | readonly string[], make: (value: string) => unknown): Record<string, unknown> {
  const entries = Array.isArray(table) ? table.map((name: string) => [name, name]) : Object.entries(table);
  return Object.fromEntries(entries.map(([name, value]) => [name, make(value)]));
}

/** A method of the tensor alone. */
export function unaryMethod(f: OpCaller): (this: Tensor) => Tensor {
  return function (this: Tensor): Tensor {
    return wrap(f([this.handle]));
  };
}

/** A method of the tensor and one other tensor. */
export function binaryMethod(f: OpCaller): (this: Tensor, other: Tensor) => Tensor {
  return function (this: Tensor, other: Tensor): Tensor {
    return wrap(f([this.handle, handleOf(other)]));
  };
}
