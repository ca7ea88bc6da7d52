// The training stages' endless two-scale loaders, built from the run's config:
// the semi-supervised ones, and the source and target loaders of domain adaptation.
import { ADAPTATION_RECIPES, partImages, type AdaptationStage, type PartRecipe } from '../config/adaptation.js';
import type { RunConfig } from '../config/schema.js';
import { createAdaptationLoader } from '../data/adaptation-loader.js';
import { createTwoScaleLoader, type TwoScaleLoader } from '../data/loader.js';
import type { SampleSource } from '../data/sample-source.js';
import { TwoScaleSampler, type TwoScaleState } from '../data/sampler.js';
import { rankSeed } from '../distributed/shard.js';
import type { StageContext } from './context.js';
import type { LoaderStates } from './train-state.js';

/** An endless two-scale loader over `dataset`, continuing from `state` on resume. */
export function twoScaleLoader(
  cfg: RunConfig,
  dataset: SampleSource,
  options: { seed: number; highRecipe?: 'high' | 'high-rescale'; state?: TwoScaleState },
): TwoScaleLoader {
  const sampler = options.state
    ? TwoScaleSampler.restore(options.state)
    : TwoScaleSampler.create({ size: dataset.size, seed: options.seed, low: cfg.lowPerStep, high: cfg.highPerStep, highRecipe: options.highRecipe });
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

const size = ([height, width]: readonly [number, number]) => ({ height, width });

/** An endless adaptation loader over `dataset` with one part recipe and the run's sizes. */
function adaptationLoader(
  cfg: RunConfig,
  dataset: SampleSource,
  recipe: PartRecipe,
  o: { sizes: RunConfig['sourceSizes']; redraw: boolean; seed: number; state?: TwoScaleState },
): TwoScaleLoader {
  const sampler = o.state ? TwoScaleSampler.restore(o.state) : TwoScaleSampler.create({ size: dataset.size, seed: o.seed, low: recipe.low, high: recipe.high });
  return createAdaptationLoader({
    dataset,
    sampler,
    config: { crop: size(cfg.cropSize), low: size(o.sizes[0]), high: size(o.sizes[1]), transform: recipe.transform, redraw: o.redraw, rescaleRange: [cfg.rescaleMin, 1] },
    depth: cfg.loaderDepth,
    concurrency: cfg.loaderConcurrency,
  });
}

/** The datasets of an adaptation stage: the labelled source, and the target (with pseudo-labels in self-training). */
export interface AdaptationSets {
  source: SampleSource;
  target: SampleSource;
}

/** Opens and checks the source and target sets (before any weights are read, so a missing file is named first). */
export async function openAdaptationSets(ctx: StageContext, options: { pseudoDir?: string; say?: (line: string) => void } = {}): Promise<AdaptationSets> {
  const source = await ctx.sourceDataset(options.say);
  const target = await ctx.dataset('unlabelled', options.pseudoDir === undefined ? {} : { pseudoDir: options.pseudoDir });
  return { source, target };
}

export interface AdaptationLoaders {
  source: TwoScaleLoader;
  target: TwoScaleLoader;
  /** Images one step reads over both. */
  imagesPerStep: number;
}

/**
 * The source (labelled, class-diversity redraw) and target (Cityscapes train, with its
 * pseudo-labels in self-training) loaders of an adaptation stage, with the published batch
 * shapes of `src/config/adaptation.ts`; `streams` continues them on resume.
 */
export function adaptationLoaders(ctx: StageContext, stage: AdaptationStage, streams: LoaderStates | undefined, sets: AdaptationSets): AdaptationLoaders {
  const source = adaptationPartLoader(ctx, stage, 'source', sets.source, streams?.source);
  const target = adaptationPartLoader(ctx, stage, 'target', sets.target, streams?.target);
  const recipe = ADAPTATION_RECIPES[ctx.cfg.source!][stage];
  return { source, target, imagesPerStep: partImages(recipe.source) + partImages(recipe.target) };
}

/** The loader of one side of an adaptation stage (a source-only run reads the source alone). */
export function adaptationPartLoader(ctx: StageContext, stage: AdaptationStage, side: 'source' | 'target', set: SampleSource, state?: TwoScaleState): TwoScaleLoader {
  const { cfg, group } = ctx;
  if (!cfg.source) throw new Error(`the ${stage} stage of domain adaptation needs a source (--gta5-data-path or --synthia-data-path)`);
  const recipe = ADAPTATION_RECIPES[cfg.source][stage][side];
  return side === 'source'
    ? adaptationLoader(cfg, set, recipe, { sizes: cfg.sourceSizes, redraw: cfg.sourceRedraw, seed: rankSeed(cfg.seed + 1, group), state })
    : adaptationLoader(cfg, set, recipe, { sizes: cfg.targetSizes, redraw: false, seed: rankSeed(cfg.seed + 2, group), state });
}
