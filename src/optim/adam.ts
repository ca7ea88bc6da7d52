// Adam, step for step what torch.optim.Adam computes (no amsgrad), over whole parameter lists at
// once (foreach operators): the image translator's optimiser.
import { zeroGrads } from './zero-grad.js';
import { foreach, keep, noGrad, op, Tensor, tidy, zerosLike } from '../tensor/index.js';
import type { TensorHandle } from '../native/types.js';

export interface AdamOptions {
  lr: number;
  /** Decay of the first and second moment averages, default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the root of the second moment, default 1e-8. */
  eps?: number;
  /** L2 penalty added to the gradient (not decoupled), default 0. */
  weightDecay?: number;
}

/** The translator's settings: betas (0.5, 0.999), no weight decay. */
export const TRANSLATOR_ADAM = { betas: [0.5, 0.999] as [number, number], weightDecay: 0 } as const;

/**
 * What resuming needs: the optimiser's step count and lr, and per parameter its own step count
 * (a parameter without gradient at a step does not count it) and moment averages (null before
 * its first step).
 */
export interface AdamState {
  step: number;
  lr: number;
  steps: number[];
  expAvg: Array<Tensor | null>;
  expAvgSq: Array<Tensor | null>;
}

const foreachAddList = op('_foreach_add', 'List');
const foreachSqrt = op('_foreach_sqrt');
const foreachDivScalar = op('_foreach_div_', 'Scalar');
const wrapList = (hs: unknown) => (hs as TensorHandle[]).map((h) => Tensor.fromHandle(h));
const handles = (ts: Tensor[]) => ts.map((t) => t.handle);

function checkNumber(value: number, what: string, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new RangeError(`Adam: ${what} must be ${rule}, got ${value}`);
  return value;
}

/**
 * torch.optim.Adam: per parameter, t += 1; d = grad (+ weightDecay·p); m = β1·m + (1 − β1)·d;
 * v = β2·v + (1 − β2)·d²; p −= lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + eps). Parameters whose
 * gradient is null are left alone, their t included.
 */
export class Adam {
  readonly params: readonly Tensor[];
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  #lr: number;
  #step = 0;
  #steps: number[];
  #expAvg: Array<Tensor | null>;
  #expAvgSq: Array<Tensor | null>;

  constructor(params: Tensor[], options: AdamOptions) {
    if (!Array.isArray(params) || !params.every((p) => p instanceof Tensor)) throw new TypeError('Adam: params must be an array of tensors');
    if (new Set(params).size !== params.length) throw new TypeError('Adam: a tensor is listed twice');
    this.params = params.slice();
    this.#lr = checkNumber(options.lr, 'lr', (v) => v >= 0, 'a finite non-negative number');
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    const beta = (v: number) => v >= 0 && v < 1;
    this.betas = [checkNumber(b1, 'betas[0]', beta, 'in [0, 1)'), checkNumber(b2, 'betas[1]', beta, 'in [0, 1)')];
    this.eps = checkNumber(options.eps ?? 1e-8, 'eps', (v) => v >= 0, 'a finite non-negative number');
    this.weightDecay = checkNumber(options.weightDecay ?? 0, 'weightDecay', (v) => v >= 0, 'a finite non-negative number');
    this.#steps = params.map(() => 0);
    this.#expAvg = params.map(() => null);
    this.#expAvgSq = params.map(() => null);
  }

  get lr(): number {
    return this.#lr;
  }
  setLr(lr: number): void {
    this.#lr = checkNumber(lr, 'lr', (v) => v >= 0, 'a finite non-negative number');
  }
  /** Steps taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  step(): void {
    noGrad(() =>
      tidy(() => {
        const idx = this.params.flatMap((p, i) => (p.grad === null ? [] : [i]));
        this.#step += 1;
        if (idx.length === 0) return;
        const ps = idx.map((i) => this.params[i]);
        const gs = ps.map((p) => p.grad as Tensor);
        for (const i of idx) {
          this.#steps[i] += 1;
          if (this.#expAvg[i] === null) {
            this.#expAvg[i] = keep(zerosLike(this.params[i]));
            this.#expAvgSq[i] = keep(zerosLike(this.params[i]));
          }
        }
        const d = this.weightDecay !== 0 ? wrapList(foreachAddList([handles(gs), handles(ps), this.weightDecay])) : gs;
        const m = idx.map((i) => this.#expAvg[i] as Tensor);
        const v = idx.map((i) => this.#expAvgSq[i] as Tensor);
        const [b1, b2] = this.betas;
        foreach.mul_(m, b1);
        foreach.add_(m, d, 1 - b1);
        foreach.mul_(v, b2);
        foreach.addcmul_(v, d, d, 1 - b2);
        // Bias corrections are scalars per step count; parameters usually share one.
        for (const t of new Set(idx.map((i) => this.#steps[i]))) {
          const at = idx.flatMap((i, k) => (this.#steps[i] === t ? [k] : []));
          const denom = wrapList(foreachSqrt([handles(at.map((k) => v[k]))]));
          foreachDivScalar([handles(denom), Math.sqrt(1 - b2 ** t)], true);
          foreach.add_(denom, this.eps);
          foreach.addcdiv_(at.map((k) => ps[k]), at.map((k) => m[k]), denom, -this.#lr / (1 - b1 ** t));
        }
      }),
    );
  }

  /** Clears the gradients: to null (the default), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    zeroGrads(this.params, setToNone);
  }

  /** A copy of the state; the caller owns (and disposes) its tensors. */
  stateDict(): AdamState {
    const copy = (t: Tensor | null) => (t === null ? null : noGrad(() => t.clone()));
    return { step: this.#step, lr: this.#lr, steps: this.#steps.slice(), expAvg: this.#expAvg.map(copy), expAvgSq: this.#expAvgSq.map(copy) };
  }

  /** Restores a state from stateDict(); the tensors are copied to each parameter's device and dtype. */
  loadStateDict(state: AdamState): void {
    const n = this.params.length;
    for (const key of ['steps', 'expAvg', 'expAvgSq'] as const) {
      const list = state?.[key];
      if (!Array.isArray(list) || list.length !== n) {
        throw new TypeError(`Adam.loadStateDict: expected ${n} entries in ${key} (one per parameter), got ${Array.isArray(list) ? list.length : typeof list}`);
      }
    }
    if (!Number.isInteger(state.step) || state.step < 0) throw new TypeError(`Adam.loadStateDict: step must be a non-negative integer, got ${state.step}`);
    state.steps.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0) throw new TypeError(`Adam.loadStateDict: the step count of parameter ${i} must be a non-negative integer, got ${t}`);
      for (const key of ['expAvg', 'expAvgSq'] as const) {
        const b = state[key][i];
        if ((b === null) !== (t === 0)) throw new TypeError(`Adam.loadStateDict: parameter ${i} has step count ${t} but ${b === null ? 'no' : 'an'} ${key}`);
        if (b === null) continue;
        if (!(b instanceof Tensor)) throw new TypeError(`Adam.loadStateDict: ${key} ${i} is not a tensor or null`);
        const want = this.params[i].shape;
        if (b.shape.length !== want.length || b.shape.some((d, j) => d !== want[j])) {
          throw new TypeError(`Adam.loadStateDict: ${key} ${i} has shape [${b.shape.join(', ')}], parameter ${i} has [${want.join(', ')}]`);
        }
      }
    });
    const lr = checkNumber(state.lr, 'lr', (v) => v >= 0, 'a finite non-negative number');
    const place = (list: Array<Tensor | null>) =>
      noGrad(() => list.map((b, i) => (b === null ? null : keep(b.to({ device: this.params[i].device, dtype: this.params[i].dtype, copy: true })))));
    const expAvg = place(state.expAvg);
    const expAvgSq = place(state.expAvgSq);
    this.disposeState();
    this.#expAvg = expAvg;
    this.#expAvgSq = expAvgSq;
    this.#steps = state.steps.slice();
    this.#step = state.step;
    this.#lr = lr;
  }

  /** Frees the moment averages (the optimiser then starts over as if new). */
  dispose(): void {
    this.disposeState();
    this.#step = 0;
  }

  private disposeState(): void {
    for (const t of [...this.#expAvg, ...this.#expAvgSq]) t?.dispose();
    this.#expAvg = this.params.map(() => null);
    this.#expAvgSq = this.params.map(() => null);
    this.#steps = this.params.map(() => 0);
  }
}
