// Operations over lists of tensors in one native call each (the optimiser and
// the EMA teacher update hundreds of parameters per step).
import { op } from './dispatch.js';
import { wrapList } from './ops/wrap.js';
import type { Tensor } from './tensor.js';

const ops = {
  addList: op('_foreach_add_', 'List'), addScalar: op('_foreach_add_', 'Scalar'),
  mulScalar: op('_foreach_mul_', 'Scalar'), mulList: op('_foreach_mul_', 'List'),
  addcmul: op('_foreach_addcmul_', 'Scalar'), addcdiv: op('_foreach_addcdiv_', 'Scalar'),
  zero: op('_foreach_zero_'), norm: op('_foreach_norm', 'Scalar'),
};

// _foreach_lerp_ arrived after libtorch 1.13; fall back to two foreach calls.
let lerpOp: ReturnType<typeof op> | null | undefined;
function foreachLerp(): ReturnType<typeof op> | null {
  if (lerpOp === undefined) {
    try {
      const candidate = op('_foreach_lerp_', 'Scalar');
      candidate([[], [], 0], true);
      lerpOp = candidate;
    } catch {
      lerpOp = null;
    }
  }
  return lerpOp;
}

function list(ts: Tensor[]): unknown[] {
  return ts.map((t) => t.handle);
}

function sameLength(a: Tensor[], b: Tensor[], what: string): void {
  if (a.length !== b.length) throw new TypeError(`${what}: lists differ in length (${a.length} vs ${b.length})`);
}

/** self[i] += alpha * other[i]  (or += scalar) */
export function add_(self: Tensor[], other: Tensor[] | number, alpha = 1): void {
  if (typeof other === 'number') {
    ops.addScalar([list(self), other], true);
  } else {
    sameLength(self, other, 'foreach.add_');
    ops.addList([list(self), list(other), alpha], true);
  }
}

/** self[i] *= scalar  (or *= other[i]) */
export function mul_(self: Tensor[], other: Tensor[] | number): void {
  if (typeof other === 'number') {
    ops.mulScalar([list(self), other], true);
  } else {
    sameLength(self, other, 'foreach.mul_');
    ops.mulList([list(self), list(other)], true);
  }
}

/** self[i] += value * t1[i] * t2[i] */
export function addcmul_(self: Tensor[], t1: Tensor[], t2: Tensor[], value = 1): void {
  sameLength(self, t1, 'foreach.addcmul_');
  sameLength(self, t2, 'foreach.addcmul_');
  ops.addcmul([list(self), list(t1), list(t2), value], true);
}

/** self[i] += value * t1[i] / t2[i] */
export function addcdiv_(self: Tensor[], t1: Tensor[], t2: Tensor[], value = 1): void {
  sameLength(self, t1, 'foreach.addcdiv_');
  sameLength(self, t2, 'foreach.addcdiv_');
  ops.addcdiv([list(self), list(t1), list(t2), value], true);
}

/** self[i] += weight * (end[i] - self[i]) */
export function lerp_(self: Tensor[], end: Tensor[], weight: number): void {
  sameLength(self, end, 'foreach.lerp_');
  const lerp = foreachLerp();
  if (lerp !== null) {
    lerp([list(self), list(end), weight], true);
  } else {
    ops.mulScalar([list(self), 1 - weight], true);
    ops.addList([list(self), list(end), weight], true);
  }
}

export function zero_(self: Tensor[]): void {
  ops.zero([list(self)], true);
}

/** self[i] = src[i] (the list form of copy_). */
export function copy_(self: Tensor[], src: Tensor[]): void {
  sameLength(self, src, 'foreach.copy_');
  // No list form of copy_ in every libtorch we support; copies are rare (stage starts).
  for (let i = 0; i < self.length; i++) self[i].copy_(src[i]);
}

/** The p-norm of each tensor, as a list of scalar tensors (one native call). */
export function norm(self: Tensor[], ord = 2): Tensor[] {
  return wrapList(ops.norm([list(self), ord]));
}
