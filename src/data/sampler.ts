/**
 * Infinite shuffled index streams and the two-scale batch plan built on them. A plan fixes,
 * before any file is read, which samples a step uses and the random state of each sample's
 * transform, so that a prefetching loader gives the same batches whatever order its reads
 * finish in, and a resumed run continues the same sequence.
 */
import { Rng, type RngState } from './random.js';
import type { Recipe } from './transforms.js';

export interface StreamState {
  size: number;
  /** Generator the epoch permutations are forked from (never advanced). */
  base: RngState;
  epoch: number;
  position: number;
}

/** Endless sequence of indices 0..size-1: each epoch is a fresh permutation. */
export class ShuffledStream {
  private order: number[] | null = null;

  private constructor(
    private readonly size: number,
    private readonly base: Rng,
    private epoch: number,
    private position: number,
  ) {}

  static create(size: number, rng: Rng): ShuffledStream {
    if (!Number.isInteger(size) || size < 1) throw new Error(`cannot sample from a set of ${size} items`);
    return new ShuffledStream(size, rng.clone(), 0, 0);
  }

  static restore(state: StreamState): ShuffledStream {
    const { size, epoch, position } = state;
    if (!Number.isInteger(size) || size < 1 || !Number.isInteger(epoch) || epoch < 0 || !Number.isInteger(position) || position < 0 || position > size) {
      throw new Error(`invalid sampler stream state ${JSON.stringify(state)}`);
    }
    return new ShuffledStream(size, Rng.fromState(state.base), epoch, position);
  }

  state(): StreamState {
    return { size: this.size, base: this.base.state(), epoch: this.epoch, position: this.position };
  }

  /** Epochs completed so far (plus the fraction of the current one). */
  get progress(): number {
    return this.epoch + this.position / this.size;
  }

  next(): number {
    if (this.position >= this.size) {
      this.epoch++;
      this.position = 0;
      this.order = null;
    }
    this.order ??= this.base.fork(this.epoch).permutation(this.size);
    return this.order[this.position++];
  }
}

export interface SamplePlan {
  index: number;
  recipe: Recipe;
  /** State of the generator the sample's transform draws from. */
  rng: RngState;
}

export interface BatchPlan {
  step: number;
  samples: SamplePlan[];
}

export interface TwoScaleOptions {
  /** Number of items in the set. */
  size: number;
  seed: number;
  /** Low-scale samples per batch (default 1). */
  low?: number;
  /** High-scale samples per batch (default 2). */
  high?: number;
  /** Recipe of the high-scale samples: flip + crop (`high`, default) or rescale-and-crop. */
  highRecipe?: Extract<Recipe, 'high' | 'high-rescale'>;
}

export interface TwoScaleState {
  step: number;
  low: StreamState;
  high: StreamState;
  transforms: RngState;
  counts: { low: number; high: number };
  highRecipe: Extract<Recipe, 'high' | 'high-rescale'>;
}

/** Batches of `low` low-scale and `high` high-scale samples, each part from its own shuffled stream. */
export class TwoScaleSampler {
  private constructor(
    private step: number,
    private readonly low: ShuffledStream,
    private readonly high: ShuffledStream,
    private readonly transforms: Rng,
    private readonly counts: { low: number; high: number },
    private readonly highRecipe: Extract<Recipe, 'high' | 'high-rescale'>,
  ) {}

  static create(options: TwoScaleOptions): TwoScaleSampler {
    const counts = { low: options.low ?? 1, high: options.high ?? 2 };
    for (const [key, n] of Object.entries(counts)) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`${key}-scale count must be a non-negative integer, got ${n}`);
    }
    if (counts.low + counts.high === 0) throw new Error('a two-scale batch needs at least one sample');
    const root = Rng.fromSeed(options.seed);
    return new TwoScaleSampler(
      0,
      ShuffledStream.create(options.size, root.fork('low')),
      ShuffledStream.create(options.size, root.fork('high')),
      root.fork('transforms'),
      counts,
      options.highRecipe ?? 'high',
    );
  }

  static restore(state: TwoScaleState): TwoScaleSampler {
    if (!Number.isInteger(state?.step) || state.step < 0) throw new Error(`invalid sampler state step ${state?.step}`);
    return new TwoScaleSampler(
      state.step,
      ShuffledStream.restore(state.low),
      ShuffledStream.restore(state.high),
      Rng.fromState(state.transforms),
      { ...state.counts },
      state.highRecipe,
    );
  }

  state(): TwoScaleState {
    return {
      step: this.step,
      low: this.low.state(),
      high: this.high.state(),
      transforms: this.transforms.state(),
      counts: { ...this.counts },
      highRecipe: this.highRecipe,
    };
  }

  get batchSize(): number {
    return this.counts.low + this.counts.high;
  }

  /** Epochs of the set seen by the high-scale stream. */
  get epochs(): number {
    return this.high.progress;
  }

  /** The plan of the next step: low-scale samples first, then high-scale ones. */
  next(): BatchPlan {
    const step = this.step++;
    const stepRng = this.transforms.fork(step);
    const samples: SamplePlan[] = [];
    for (let i = 0; i < this.counts.low; i++) {
      samples.push({ index: this.low.next(), recipe: 'low', rng: stepRng.fork(samples.length).state() });
    }
    for (let i = 0; i < this.counts.high; i++) {
      samples.push({ index: this.high.next(), recipe: this.highRecipe, rng: stepRng.fork(samples.length).state() });
    }
    return { step, samples };
  }
}
