// The published batch shapes of domain adaptation (docs/method.md §9, "Batches"):
// per source dataset and stage, how many low- and high-resolution samples each
// step draws from the source and the target, and which geometric transform
// follows the fixed resize. Sizes come from the run config (sourceSizes,
// targetSizes, cropSize); source crops are redrawn while they show too few
// classes (sourceRedraw).

export type AdaptationStage = 'translate' | 'warm-up' | 'self-train';
export type AdaptationSource = 'gta5' | 'synthia';

export interface PartRecipe {
  /** Samples per step resized to the low size, then to the high size. */
  low: number;
  high: number;
  /** crop: flip + random crop; rescale-crop: flip, independent U[0.7, 1] width and height factors, crop. */
  transform: 'crop' | 'rescale-crop';
}

export interface StageRecipe {
  source: PartRecipe;
  target: PartRecipe;
}

/** Images one step reads from a part. */
export const partImages = (p: PartRecipe): number => p.low + p.high;

const part = (low: number, high: number, transform: PartRecipe['transform']): PartRecipe => ({ low, high, transform });

export const ADAPTATION_RECIPES: Readonly<Record<AdaptationSource, Readonly<Record<AdaptationStage, StageRecipe>>>> = {
  gta5: {
    translate: { source: part(1, 1, 'crop'), target: part(1, 1, 'crop') },
    'warm-up': { source: part(1, 2, 'rescale-crop'), target: part(1, 2, 'crop') },
    'self-train': { source: part(2, 1, 'rescale-crop'), target: part(2, 1, 'rescale-crop') },
  },
  synthia: {
    translate: { source: part(1, 1, 'crop'), target: part(1, 1, 'crop') },
    'warm-up': { source: part(1, 3, 'crop'), target: part(1, 3, 'crop') },
    'self-train': { source: part(1, 2, 'rescale-crop'), target: part(1, 2, 'rescale-crop') },
  },
};
