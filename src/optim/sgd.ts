// Stochastic gradient descent with momentum and weight decay, step for step what
// torch.optim.SGD computes, over whole parameter lists at once (foreach operators), with
// parameter groups at their own lr multipliers and parameters listed more than once.
import { zeroGrads } from './zero-grad.js';
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
  /** How a parameter listed k > 1 times is stepped (default 'published'); see RepeatMode. */
  repeats?: RepeatMode;
}

/**
 * How a step treats a parameter its group lists k > 1 times.
 * - 'published': k updates per step, each reading and writing the one momentum buffer in turn,
 *   as PyTorch ≤ 1.7's loop did. The published DeepLabV2 optimiser list names most backbone
 *   weights 2–4 times and its authors ran PyTorch 1.7, so its weights were trained with these
 *   compounding steps: reproducing them needs the same arithmetic.
 * - 'torch-1.13': what PyTorch 1.13 computes for the same list. It gathers the buffers before
 *   updating, so on a parameter's first step each listing starts a fresh buffer (no momentum
 *   between listings; the last one is kept); once a buffer exists it is shared as in 'published'.
 * - 'once': one update per parameter and step, whatever k (the clean step).
 */
export type RepeatMode = 'published' | 'torch-1.13' | 'once';

const REPEAT_MODES: readonly RepeatMode[] = ['published', 'torch-1.13', 'once'];

/** One parameter group: its parameters, its lr multiplier and how often each is listed. */
export interface SGDGroup {
  params: Tensor[];
  /** The group's rate is lrScale times the optimiser's lr (default 1). */
  lrScale?: number;
  /** Listings of each parameter, in params order (default 1 each). */
  listings?: number[];
}

/** A model's optimiser groups by name, as SegModel.parameterGroups() gives them. */
export interface NamedParamGroup {
  lrScale: number;
  params: ReadonlyMap<string, Tensor>;
}

/** SGD groups from named groups; `listings(name)` gives each parameter's listing count (default 1). */
export function sgdGroups(groups: readonly NamedParamGroup[], listings?: (name: string) => number): SGDGroup[] {
  return groups.map((g) => ({
    params: [...g.params.values()],
    lrScale: g.lrScale,
    listings: [...g.params.keys()].map((name) => (listings === undefined ? 1 : listings(name))),
  }));
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

function isGroupList(params: Tensor[] | SGDGroup[]): params is SGDGroup[] {
  return params.length > 0 && !(params[0] instanceof Tensor);
}

/**
 * torch.optim.SGD: with d = grad + weightDecay·p, the first step sets buf = d, later steps
 * buf = momentum·buf + (1 − dampening)·d; then p −= lr·buf (or lr·(d + momentum·buf) with
 * Nesterov). Parameters whose gradient is null are left alone. A step is a handful of native
 * calls whatever the number of parameters (a few more per listing round and lr group).
 *
 * Takes a plain parameter list (one group at lr) or groups, each at lrScale · lr; `params`,
 * the momentum buffers and the state are then in group order. A tensor may be in one group once.
 */
export class SGD {
  readonly params: readonly Tensor[];
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly repeats: RepeatMode;
  /** The groups as given (a plain list is one group at scale 1). */
  readonly groups: ReadonlyArray<Readonly<Required<SGDGroup>>>;
  #lr: number;
  /** Per parameter, in params order: the lr multiplier of its group and its listing count. */
  readonly #scale: number[];
  readonly #listings: number[];
  #step = 0;
  #buffers: Array<Tensor | null>;

  constructor(params: Tensor[] | SGDGroup[], options: SGDOptions) {
    if (!Array.isArray(params)) throw new TypeError('SGD: params must be an array of tensors or of parameter groups');
    const groups = isGroupList(params) ? params : [{ params }];
    this.groups = groups.map((g, gi) => SGD.checkGroup(g, gi));
    this.params = this.groups.flatMap((g) => g.params);
    if (new Set(this.params).size !== this.params.length) {
      throw new TypeError('SGD: a tensor is listed twice; give a repeated parameter once, with its listing count');
    }
    this.#scale = this.groups.flatMap((g) => g.params.map(() => g.lrScale));
    this.#listings = this.groups.flatMap((g) => g.listings);
    this.repeats = options.repeats ?? 'published';
    if (!REPEAT_MODES.includes(this.repeats)) {
      throw new RangeError(`SGD: repeats must be one of ${REPEAT_MODES.join(', ')}, got ${JSON.stringify(options.repeats)}`);
    }
    this.#lr = checkNonNegative(options.lr, 'lr');
    this.momentum = checkNonNegative(options.momentum ?? 0.9, 'momentum');
    this.dampening = checkNonNegative(options.dampening ?? 0, 'dampening');
    this.weightDecay = checkNonNegative(options.weightDecay ?? 5e-4, 'weightDecay');
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new RangeError('SGD: Nesterov momentum needs momentum > 0 and dampening 0');
    }
    this.#buffers = this.params.map(() => null);
  }

  private static checkGroup(g: SGDGroup, gi: number): Required<SGDGroup> {
    if (g === null || typeof g !== 'object' || !Array.isArray(g.params) || !g.params.every((p) => p instanceof Tensor)) {
      throw new TypeError(`SGD: group ${gi} must have params, an array of tensors`);
    }
    const lrScale = g.lrScale ?? 1;
    if (typeof lrScale !== 'number' || !Number.isFinite(lrScale) || lrScale < 0) {
      throw new RangeError(`SGD: group ${gi}: lrScale must be a finite non-negative number, got ${lrScale}`);
    }
    const listings = g.listings ?? g.params.map(() => 1);
    if (!Array.isArray(listings) || listings.length !== g.params.length) {
      throw new TypeError(`SGD: group ${gi}: listings must give one count per parameter (${g.params.length}), got ${Array.isArray(listings) ? listings.length : typeof listings}`);
    }
    listings.forEach((k, i) => {
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`SGD: group ${gi}: the listing count of parameter ${i} must be a positive integer, got ${k}`);
    });
    return { params: g.params.slice(), lrScale, listings: listings.slice() };
  }

  get lr(): number {
    return this.#lr;
  }
  setLr(lr: number): void {
    this.#lr = checkNonNegative(lr, 'lr');
  }
  /** Each group's rate: lrScale · lr. */
  get groupLrs(): number[] {
    return this.groups.map((g) => g.lrScale * this.#lr);
  }
  /** Steps taken so far. */
  get stepCount(): number {
    return this.#step;
  }

  step(): void {
    noGrad(() =>
      tidy(() => {
        const active = this.params.flatMap((p, i) => (p.grad === null ? [] : [i]));
        this.#step += 1;
        const rounds = (i: number) => (this.repeats === 'once' ? 1 : this.#listings[i]);
        // 'torch-1.13' restarts the buffer of each listing of a parameter that had none before this step.
        const restart = new Set(this.repeats === 'torch-1.13' ? active.filter((i) => this.#buffers[i] === null) : []);
        const most = active.reduce((m, i) => Math.max(m, rounds(i)), 0);
        // Parameters are independent of one another, so a parameter's k listings can be taken
        // as k rounds over all parameters listed at least that often.
        for (let r = 0; r < most; r++) this.#update(active.filter((i) => rounds(i) > r), restart);
      }),
    );
  }

  /** One update of the parameters `idx` (whose gradients are set), inside step's scope. */
  #update(idx: number[], restart: ReadonlySet<number>): void {
    const ps = idx.map((i) => this.params[i]);
    const gs = ps.map((p) => p.grad as Tensor);
    const d = this.weightDecay !== 0 ? addLists(gs, ps, this.weightDecay) : gs;
    let update = d;
    if (this.momentum !== 0) {
      const old: number[] = [];
      idx.forEach((i, k) => {
        const buf = this.#buffers[i];
        if (buf !== null && !restart.has(i)) {
          old.push(k);
          return;
        }
        buf?.dispose();
        this.#buffers[i] = keep(d[k].clone());
      });
      if (old.length > 0) {
        const bufs = old.map((k) => this.#buffers[idx[k]] as Tensor);
        foreach.mul_(bufs, this.momentum);
        foreach.add_(bufs, old.map((k) => d[k]), 1 - this.dampening);
      }
      const bufs = idx.map((i) => this.#buffers[i] as Tensor);
      update = this.nesterov ? addLists(d, bufs, this.momentum) : bufs;
    }
    for (const scale of new Set(idx.map((i) => this.#scale[i]))) {
      const at = idx.flatMap((i, k) => (this.#scale[i] === scale ? [k] : []));
      foreach.add_(at.map((k) => ps[k]), at.map((k) => update[k]), -this.#lr * scale);
    }
  }

  /** Clears the gradients: to null (the default, as PyTorch 2), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    zeroGrads(this.params, setToNone);
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
