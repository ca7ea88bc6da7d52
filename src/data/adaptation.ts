/**
 * The geometric transforms of the adaptation loaders (DIGA-UDA.md §1). Each part of a batch
 * resizes the whole image to its own fixed size (bicubic; maps nearest), then flips (p = 0.5),
 * then either crops (`crop`) or rescales by independent width and height factors and crops
 * (`rescale-crop`). A crop larger than the image resizes the image to the crop size instead.
 * Source loaders redraw flip and crop while the crop shows too few classes (redraw.ts). All
 * randomness comes from the Rng given: a sample's plan fixes it.
 */
import type { Sample } from './sample-source.js';
import type { Rng } from './random.js';
import { classDiversity, drawUntil, REDRAW_MAX_DRAWS } from './redraw.js';
import { cropSample, flipSample, resizeSample, type Size } from './transforms.js';

export type AdaptationTransform = 'crop' | 'rescale-crop';
export const ADAPTATION_TRANSFORMS: readonly AdaptationTransform[] = ['crop', 'rescale-crop'];

/** The parts of a two-scale batch: its low-resolution and high-resolution samples. */
export type AdaptationPart = 'low' | 'high';

export interface AdaptationConfig {
  /** Size of every sample of the batch (the published 512x896). */
  crop: Size;
  /** Size the whole image is resized to first, for the low part (e.g. GTA5 720x1280, Cityscapes 512x1024). */
  low: Size;
  /** The same for the high part (e.g. GTA5 1052x1914, Cityscapes 1024x2048). */
  high: Size;
  transform: AdaptationTransform;
  /** Redraw crops showing too few classes (source loaders). */
  redraw: boolean;
  /** Probability of a horizontal flip (default 0.5). */
  flipProbability?: number;
  /** Range of the independent width and height factors of rescale-crop (default [0.7, 1]). */
  rescaleRange?: readonly [number, number];
}

export const ADAPTATION_CROP: Size = Object.freeze({ height: 512, width: 896 });

/** A uniform random crop after an optional flip; an image smaller than the crop (either side) is resized to it (bilinear / nearest). */
export async function cropOrResize(sample: Sample, crop: Size, rng: Rng, flip: boolean): Promise<Sample> {
  const { width, height } = sample.image;
  if (width < crop.width || height < crop.height) {
    const resized = await resizeSample(sample, crop, 'linear');
    return flip ? flipSample(resized) : resized;
  }
  const x = rng.int(width - crop.width + 1);
  const y = rng.int(height - crop.height + 1);
  return cropSample(sample, x, y, crop, flip);
}

/** Width and height scaled by independent factors in `range`, truncated to integers, then cropOrResize. */
export async function rescaleThenCrop(sample: Sample, crop: Size, rng: Rng, flip: boolean, range: readonly [number, number] = [0.7, 1]): Promise<Sample> {
  const fw = rng.range(range[0], range[1]);
  const fh = rng.range(range[0], range[1]);
  const size = {
    width: Math.max(1, Math.trunc(sample.image.width * fw)),
    height: Math.max(1, Math.trunc(sample.image.height * fh)),
  };
  return cropOrResize(await resizeSample(sample, size, 'linear'), crop, rng, flip);
}

function checkConfig(config: AdaptationConfig): void {
  if (!ADAPTATION_TRANSFORMS.includes(config.transform)) {
    throw new Error(`unknown adaptation transform ${String(config.transform)}; expected ${ADAPTATION_TRANSFORMS.join(' or ')}`);
  }
  const range = config.rescaleRange;
  if (range && !(range[0] > 0 && range[0] <= range[1])) throw new Error(`rescale range must be 0 < low <= high, got [${range.join(', ')}]`);
}

/** One random flip + crop (or rescale-crop) of an already resized sample. */
export function drawAdaptationCrop(resized: Sample, config: AdaptationConfig, rng: Rng): Promise<Sample> {
  const flip = rng.bool(config.flipProbability ?? 0.5);
  return config.transform === 'crop'
    ? cropOrResize(resized, config.crop, rng, flip)
    : rescaleThenCrop(resized, config.crop, rng, flip, config.rescaleRange);
}

/**
 * The sample of one part: resized to the part's size, then flipped and cropped, redrawn (from
 * the same resized image) while `redraw` is on and the crop's labels show too few classes.
 * `draws` is how many flip/crop draws were made (1 without redraw).
 */
export async function adaptSample(part: AdaptationPart, sample: Sample, config: AdaptationConfig, rng: Rng): Promise<{ sample: Sample; draws: number }> {
  checkConfig(config);
  const size = part === 'low' ? config.low : part === 'high' ? config.high : undefined;
  if (!size) throw new Error(`unknown batch part ${String(part)}; expected low or high`);
  const resized = await resizeSample(sample, size, 'cubic');
  const redraw = config.redraw && resized.label !== undefined;
  const { value, draws } = await drawUntil(
    () => drawAdaptationCrop(resized, config, rng),
    (s) => !redraw || classDiversity((s.label as { data: Uint8Array }).data).accept,
    redraw ? REDRAW_MAX_DRAWS : 1,
  );
  return { sample: value, draws };
}
