// Stochastic gradient descent with momentum and weight decay, step for step what
// torch.optim.SGD computes, over whole parameter lists at once (foreach operators).
import { foreach, keep, noGrad, op, Tensor, tidy } from '../tensor/index.js';
import type { TensorHandle } from '../native/types.js';

export interface SGDOptions {
  lr: number;
  /** default 0.9 */
  momentum?: number;
  /** default 0 */
  dampening?: number;
  /** L2 penalty added to the gradient, default 5e-4 */
  weightDecay?: number;
  /** default false */
  nesterov?: boolean;
}

/** What resuming needs: the step count, the learning rate and one momentum buffer per parameter (null before its first step). */
export interface SGDState {
  step: number;
  lr: number;
  momentumBuffers: Array<Tensor | null>;
}

// Out-of-place list add: the gradients themselves stay as backward left them.
const foreachAddList = op('_foreach_add', 'List');
function addLists(a: Tensor[], b: Tensor[], alpha: number): Tensor[] {
  return (foreachAddList([a.map((t) => t.handle), b.map((t) => t.handle), alpha]) as TensorHandle[]).map((x) => Tensor.fromHandle(x));
}

function checkNonNegative(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`SGD: ${what} must be a finite non-negative number, got ${value}`);
  }
  return value;
}

/**
 * torch.optim.SGD: with d = grad + weightDecay·p, the first step sets buf = d, later steps
 * buf = momentum·buf + (1 − dampening)·d; then p −= lr·buf (or lr·(d + momentum·buf) with
 * Nesterov). Parameters whose gradient is null are left alone. A step is a handful of native
 * calls whatever the number of parameters.
 */
export class SGD {
  readonly params: readonly Tensor[];
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  #lr: number;
  #step = 0;
  #buffers: Array<Tensor | null>;

  constructor(params: Tensor[], options: SGDOptions) {
    if (!Array.isArray(params) || !params.every((p) => p instanceof Tensor)) {
      throw new TypeError('SGD: params must be an array of tensors');
    }
    this.params = params.slice();
    this.#lr = checkNonNegative(options.lr, 'lr');
    this.momentum = checkNonNegative(options.momentum ?? 0.9, 'momentum');
    this.dampening = checkNonNegative(options.dampening ?? 0, 'dampening');
    this.weightDecay = checkNonNegative(options.weightDecay ?? 5e-4, 'weightDecay');
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new RangeError('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    }
    this.#buffers = params.map(() => null);
  }

  get lr(): number {
    return this.#lr;
  }
  setLr(lr: number): void {
    this.#lr = checkNonNegative(lr, 'lr');
  }
  /** Steps taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  step(): void {
    noGrad(() =>
      tidy(() => {
        const idx: number[] = [];
        const ps: Tensor[] = [];
        const gs: Tensor[] = [];
        this.params.forEach((p, i) => {
          const g = p.grad;
          if (g === null) return;
          idx.push(i);
          ps.push(p);
          gs.push(g);
        });
        this.#step += 1;
        if (ps.length === 0) return;
        const d = this.weightDecay !== 0 ? addLists(gs, ps, this.weightDecay) : gs;
        let update = d;
        if (this.momentum !== 0) {
          const old: number[] = [];
          idx.forEach((i, k) => {
            const buf = this.#buffers[i];
            if (buf !== null) old.push(k);
            else this.#buffers[i] = keep(d[k].clone());
          });
          if (old.length > 0) {
            const bufs = old.map((k) => this.#buffers[idx[k]] as Tensor);
            foreach.mul_(bufs, this.momentum);
            foreach.add_(bufs, old.map((k) => d[k]), 1 - this.dampening);
          }
          const bufs = idx.map((i) => this.#buffers[i] as Tensor);
          update = this.nesterov ? addLists(d, bufs, this.momentum) : bufs;
        }
        foreach.add_(ps, update, -this.#lr);
      }),
    );
  }

  /** Clears the gradients: to null (the default, as PyTorch 2), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    if (setToNone) {
      for (const p of this.params) p.grad = null;
      return;
    }
    noGrad(() =>
      tidy(() => {
        const gs = this.params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
        if (gs.length > 0) foreach.zero_(gs);
      }),
    );
  }

  /** A copy of the state; the caller owns (and disposes) its tensors. */
  stateDict(): SGDState {
    return {
      step: this.#step,
      lr: this.#lr,
      momentumBuffers: this.#buffers.map((b) => (b === null ? null : noGrad(() => b.clone()))),
    };
  }

  /** Restores a state from stateDict(); the tensors are copied to each parameter's device and dtype. */
  loadStateDict(state: SGDState): void {
    const bufs = state?.momentumBuffers;
    if (!Array.isArray(bufs) || bufs.length !== this.params.length) {
      throw new TypeError(
        `SGD.loadStateDict: expected ${this.params.length} momentum buffers (one per parameter), got ${Array.isArray(bufs) ? bufs.length : typeof bufs}`,
      );
    }
    if (!Number.isInteger(state.step) || state.step < 0) throw new TypeError(`SGD.loadStateDict: step must be a non-negative integer, got ${state.step}`);
    bufs.forEach((b, i) => {
      if (b === null) return;
      if (!(b instanceof Tensor)) throw new TypeError(`SGD.loadStateDict: momentum buffer ${i} is not a tensor or null`);
      const want = this.params[i].shape;
      if (b.shape.length !== want.length || b.shape.some((d, j) => d !== want[j])) {
        throw new TypeError(`SGD.loadStateDict: momentum buffer ${i} has shape [${b.shape.join(', ')}], parameter ${i} has [${want.join(', ')}]`);
      }
    });
    const lr = checkNonNegative(state.lr, 'lr');
    const copies = noGrad(() =>
      bufs.map((b, i) => (b === null ? null : keep(b.to({ device: this.params[i].device, dtype: this.params[i].dtype, copy: true })))),
    );
    this.disposeBuffers();
    this.#buffers = copies;
    this.#step = state.step;
    this.#lr = lr;
  }

  /** Frees the momentum buffers (the optimiser then starts over as if new). */
  dispose(): void {
    this.disposeBuffers();
    this.#step = 0;
  }

  private disposeBuffers(): void {
    for (const b of this.#buffers) b?.dispose();
    this.#buffers = this.params.map(() => null);
  }
}
