// Endless batches for domain adaptation: a two-scale sampler's low and high parts (each its own
// shuffled stream, low first), every sample through the adaptation transforms. As with the
// semi-supervised loader, each sample draws only from the random state its plan carries, so a
// resumed run gets the same batches, redraws included.
import { adaptSample, type AdaptationConfig } from './adaptation.js';
import { createPlannedLoader, type PlannedLoaderOptions, type TwoScaleLoader } from './loader.js';
import { Rng } from './random.js';

export interface AdaptationLoaderOptions extends PlannedLoaderOptions {
  config: AdaptationConfig;
}

/**
 * E.g. the GTA5 warm-up's source: `TwoScaleSampler.create({ size, seed, low: 1, high: 2 })` and
 * `{ crop: 512x896, low: 720x1280, high: 1052x1914, transform: 'rescale-crop', redraw: true }`.
 */
export function createAdaptationLoader(options: AdaptationLoaderOptions): TwoScaleLoader {
  const { config } = options;
  // The sampler's high recipe would name a semi-supervised transform: here the config decides.
  const highRecipe = options.sampler.state().highRecipe;
  if (highRecipe !== 'high') {
    throw new Error(`an adaptation loader takes its transform from its config (${config.transform}); create the sampler without highRecipe (got ${highRecipe})`);
  }
  return createPlannedLoader(options, async (plan, raw) => {
    const part = plan.recipe === 'low' ? 'low' : 'high';
    return (await adaptSample(part, raw, config, Rng.fromState(plan.rng))).sample;
  });
}
