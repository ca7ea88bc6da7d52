// The training stages' endless two-scale loaders, built from the run's config.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { createTwoScaleLoader, type TwoScaleLoader } from '../data/loader.js';
import { TwoScaleSampler, type TwoScaleState } from '../data/sampler.js';

/** An endless two-scale loader over `dataset`, continuing from `state` on resume. */
export function twoScaleLoader(
  cfg: RunConfig,
  dataset: CityscapesDataset,
  options: { seed: number; highRecipe?: 'high' | 'high-rescale'; state?: TwoScaleState },
): TwoScaleLoader {
  const sampler = options.state
    ? TwoScaleSampler.restore(options.state)
    : TwoScaleSampler.create({ size: dataset.entries.length, seed: options.seed, low: cfg.lowPerStep, high: cfg.highPerStep, highRecipe: options.highRecipe });
  return createTwoScaleLoader({
    dataset,
    sampler,
    config: {
      crop: { height: cfg.cropSize[0], width: cfg.cropSize[1] },
      full: { height: cfg.fullSize[0], width: cfg.fullSize[1] },
      rescaleRange: [cfg.rescaleMin, 1],
    },
    depth: cfg.loaderDepth,
    concurrency: cfg.loaderConcurrency,
  });
}

/** The next batch of an endless loader. */
export async function nextBatch(loader: TwoScaleLoader, what: string) {
  const r = await loader.next();
  if (r.done) throw new Error(`the ${what} loader ended unexpectedly`);
  return r.value;
}
