/**
 * Prefetching batch loaders. A batch is plain uint8 buffers (images N*H*W*3 HWC RGB, labels
 * N*H*W train ids) that the tensor layer uploads as they are and normalises on the device.
 *
 * Threads: sharp decodes and resizes on libuv's thread pool, so `concurrency` (samples in
 * flight) is what runs in parallel. libuv's pool has 4 threads unless UV_THREADPOOL_SIZE is set
 * in the environment before Node starts; more samples in flight than pool threads just queue.
 * Each sharp operation uses `sharpThreads` libvips threads (default 1: parallelism across
 * samples beats parallelism inside one image at these sizes).
 */
import sharp from 'sharp';
import type { Sample } from './sample-source.js';
import { Limiter, Prefetcher, type PrefetchStats } from './prefetch.js';
import { Rng } from './random.js';
import type { SampleSource } from './sample-source.js';
import type { BatchPlan, SamplePlan, TwoScaleSampler, TwoScaleState } from './sampler.js';
import { applyRecipe, resizeSample, type Recipe, type Size, type TwoScaleConfig } from './transforms.js';

export interface Batch {
  /** N*H*W*3 uint8, HWC RGB per sample. */
  images: Buffer;
  /** N*H*W uint8 train ids (255 = ignore; all 255 for a dataset without labels). */
  labels: Buffer;
  /** N*H*W uint8 pseudo-label train ids, when the dataset has pseudo-labels. */
  pseudo?: Buffer;
  n: number;
  height: number;
  width: number;
  /** Image list lines of the samples. */
  names: string[];
  /** Dataset indices of the samples. */
  indices: number[];
  /** Recipe of each sample (two-scale loaders). */
  recipes?: Recipe[];
  /** Step number of the plan (two-scale) or batch number (sequential). */
  step: number;
}

export interface LoaderOptions {
  /** Batches produced ahead of the consumer (default 2). */
  depth?: number;
  /** Samples decoded and transformed at once (default 4, libuv's default pool size). */
  concurrency?: number;
  /** libvips threads per sharp operation (default 1). */
  sharpThreads?: number;
}

/** Sets sharp's per-operation thread count and turns off its file cache (inputs are read once). */
export function configureSharp(threads = 1): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`sharpThreads must be a positive integer, got ${threads}`);
  sharp.concurrency(threads);
  sharp.cache(false);
}

/** Copies samples (all of one size) into one batch. */
export function assembleBatch(samples: { index: number; sample: Sample; recipe?: Recipe }[], step: number, withPseudo: boolean): Batch {
  const first = samples[0].sample.image;
  const { width, height } = first;
  const n = samples.length;
  const pixels = width * height;
  const images = Buffer.allocUnsafe(n * pixels * 3);
  const labels = Buffer.allocUnsafe(n * pixels);
  const pseudo = withPseudo ? Buffer.allocUnsafe(n * pixels) : undefined;
  samples.forEach(({ sample }, i) => {
    if (sample.image.width !== width || sample.image.height !== height) {
      throw new Error(
        `cannot batch ${sample.name} (${sample.image.width}x${sample.image.height}) with ${samples[0].sample.name} ` +
          `(${width}x${height}); give the loader a resize size or use batch size 1`,
      );
    }
    sample.image.data.copy(images, i * pixels * 3);
    if (sample.label) sample.label.data.copy(labels, i * pixels);
    else labels.fill(255, i * pixels, (i + 1) * pixels);
    if (pseudo) {
      if (sample.pseudo) sample.pseudo.data.copy(pseudo, i * pixels);
      else pseudo.fill(255, i * pixels, (i + 1) * pixels);
    }
  });
  const batch: Batch = {
    images,
    labels,
    n,
    height,
    width,
    names: samples.map((s) => s.sample.name),
    indices: samples.map((s) => s.index),
    step,
  };
  if (pseudo) batch.pseudo = pseudo;
  if (samples.every((s) => s.recipe !== undefined)) batch.recipes = samples.map((s) => s.recipe as Recipe);
  return batch;
}

/**
 * Waits for every sample of a batch, then fails with the first error: no decode of a failed
 * batch is left running once the loader reports the failure.
 */
async function settleAll<T>(tasks: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** An async iterator of batches; `close()` (or leaving a for-await loop) stops it cleanly. */
export class BatchLoader<P = unknown> implements AsyncIterableIterator<Batch> {
  constructor(private readonly prefetcher: Prefetcher<P, Batch>) {}

  next(): Promise<IteratorResult<Batch, undefined>> {
    return this.prefetcher.next();
  }

  return(): Promise<IteratorResult<Batch, undefined>> {
    return this.prefetcher.return();
  }

  close(): Promise<void> {
    return this.prefetcher.close();
  }

  stats(): PrefetchStats {
    return this.prefetcher.stats();
  }

  /** The plan of the batch delivered last. */
  get lastPlan(): P | undefined {
    return this.prefetcher.lastPlan;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

export interface TwoScaleLoaderOptions extends LoaderOptions {
  /** Any dataset layout (Cityscapes, GTA5, SYNTHIA). */
  dataset: SampleSource;
  sampler: TwoScaleSampler;
  config: TwoScaleConfig;
  /** Stop after this many batches (default: endless). */
  steps?: number;
}

interface TwoScalePlan {
  batch: BatchPlan;
  /** Sampler state right after this plan: resuming from it continues with the next batch. */
  after: TwoScaleState;
}

export class TwoScaleLoader extends BatchLoader<TwoScalePlan> {
  constructor(
    prefetcher: Prefetcher<TwoScalePlan, Batch>,
    private readonly initial: TwoScaleState,
  ) {
    super(prefetcher);
  }

  /** Sampler state to save for resume: after the last delivered batch (not after prefetched ones). */
  samplerState(): TwoScaleState {
    return this.lastPlan?.after ?? this.initial;
  }
}

/** The loader of a sampler's plans, whatever turns a plan's raw sample into a batch sample. */
export type PlannedLoaderOptions = Omit<TwoScaleLoaderOptions, 'config'>;

/** Turns one planned sample into its transformed sample, drawing only from the plan's random state. */
export type PlannedTransform = (plan: SamplePlan, raw: Sample) => Promise<Sample>;

/** Endless (or `steps`-long) batches from the sampler's plans, each sample through `transform`. */
export function createPlannedLoader(options: PlannedLoaderOptions, transform: PlannedTransform): TwoScaleLoader {
  const { dataset, sampler } = options;
  configureSharp(options.sharpThreads ?? 1);
  const limiter = new Limiter(options.concurrency ?? 4);
  const initial = sampler.state();
  let planned = 0;
  const prefetcher = new Prefetcher<TwoScalePlan, Batch>({
    depth: options.depth,
    plan: () => {
      if (options.steps !== undefined && planned >= options.steps) return undefined;
      planned++;
      const batch = sampler.next();
      return { batch, after: sampler.state() };
    },
    produce: async ({ batch }) => {
      const samples = await settleAll(
        batch.samples.map((s) =>
          limiter.run(async () => {
            try {
              const raw = await dataset.read(s.index);
              const sample = await transform(s, raw);
              return { index: s.index, sample, recipe: s.recipe };
            } catch (err) {
              throw dataset.sampleError(s.index, err);
            }
          }),
        ),
      );
      return assembleBatch(samples, batch.step, dataset.hasPseudo);
    },
  });
  return new TwoScaleLoader(prefetcher, initial);
}

/** Endless (or `steps`-long) two-scale batches from the sampler's plans. */
export function createTwoScaleLoader(options: TwoScaleLoaderOptions): TwoScaleLoader {
  const { config } = options;
  return createPlannedLoader(options, (s, raw) => applyRecipe(s.recipe, raw, config, Rng.fromState(s.rng)));
}

export interface SequentialLoaderOptions extends LoaderOptions {
  dataset: SampleSource;
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Resize every sample to this size (bicubic image, nearest maps); default: as stored. */
  size?: Size;
  /** Dataset indices to visit, in order (default: all). */
  indices?: readonly number[];
}

/** One pass over the dataset in list order (evaluation, pseudo-labelling). */
export function createSequentialLoader(options: SequentialLoaderOptions): BatchLoader<{ step: number; indices: number[] }> {
  const { dataset } = options;
  configureSharp(options.sharpThreads ?? 1);
  const limiter = new Limiter(options.concurrency ?? 4);
  const order = options.indices ?? Array.from({ length: dataset.size }, (_, i) => i);
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  let position = 0;
  let step = 0;
  const prefetcher = new Prefetcher<{ step: number; indices: number[] }, Batch>({
    depth: options.depth,
    plan: () => {
      if (position >= order.length) return undefined;
      const indices = order.slice(position, position + batchSize);
      position += indices.length;
      return { step: step++, indices };
    },
    produce: async (plan) => {
      const samples = await settleAll(
        plan.indices.map((index) =>
          limiter.run(async () => {
            try {
              const raw = await dataset.read(index);
              return { index, sample: options.size ? await resizeSample(raw, options.size) : raw };
            } catch (err) {
              throw dataset.sampleError(index, err);
            }
          }),
        ),
      );
      return assembleBatch(samples, plan.step, dataset.hasPseudo);
    },
  });
  return new BatchLoader(prefetcher);
}
