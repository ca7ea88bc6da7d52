/**
 * Joint geometric transforms: image, label and pseudo-label of one sample always receive the
 * same geometry. Images are resampled by sharp (bicubic or bilinear); label maps by nearest
 * neighbour here, with the same pixel-centre convention as sharp, so maps stay aligned.
 * Flips and crops are plain row copies. All randomness comes from the Rng passed in.
 */
import sharp from 'sharp';
import type { Sample } from './sample-source.js';
import type { LabelMap, RgbImage } from './images.js';
import type { Rng } from './random.js';

export interface Size {
  height: number;
  width: number;
}

export type ImageKernel = 'cubic' | 'linear';

/** Sizes of the two-scale recipe (docs/method.md §1): crop 512x1024 and full 1024x2048 for Cityscapes. */
export interface TwoScaleConfig {
  crop: Size;
  full: Size;
  /** Probability of a horizontal flip (default 0.5). */
  flipProbability?: number;
  /** Range of the independent width and height factors of rescale-and-crop (default [0.7, 1]). */
  rescaleRange?: readonly [number, number];
}

export const CITYSCAPES_TWO_SCALE: TwoScaleConfig = Object.freeze({
  crop: { height: 512, width: 1024 },
  full: { height: 1024, width: 2048 },
});

function checkSize(size: Size, what: string): void {
  if (!Number.isInteger(size.height) || !Number.isInteger(size.width) || size.height < 1 || size.width < 1) {
    throw new Error(`${what} must be positive integers HxW, got ${size.height}x${size.width}`);
  }
}

/** Resamples an RGB image with sharp. */
export async function resizeImage(image: RgbImage, size: Size, kernel: ImageKernel = 'cubic'): Promise<RgbImage> {
  checkSize(size, 'resize target');
  if (image.width === size.width && image.height === size.height) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size.width, size.height, { kernel, fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== size.width || info.height !== size.height) {
    throw new Error(`image resize to ${size.width}x${size.height} gave ${info.width}x${info.height}x${info.channels}`);
  }
  return { data, width: size.width, height: size.height };
}

/** Nearest-neighbour resize of a label map; output pixel centres map to source pixel centres. */
export function resizeLabel(map: LabelMap, size: Size): LabelMap {
  checkSize(size, 'resize target');
  if (map.width === size.width && map.height === size.height) return map;
  const { width: W, height: H } = map;
  const cols = new Int32Array(size.width);
  for (let x = 0; x < size.width; x++) cols[x] = Math.min(W - 1, Math.floor(((x + 0.5) * W) / size.width));
  const out = Buffer.allocUnsafe(size.width * size.height);
  for (let y = 0; y < size.height; y++) {
    const row = Math.min(H - 1, Math.floor(((y + 0.5) * H) / size.height)) * W;
    const o = y * size.width;
    for (let x = 0; x < size.width; x++) out[o + x] = map.data[row + cols[x]];
  }
  return { data: out, width: size.width, height: size.height };
}

/**
 * Copies the window (x, y, w, h) of a buffer with `channels` bytes per pixel, optionally
 * mirrored: with `flip`, the window is taken from the horizontally flipped buffer.
 */
function window(
  src: Buffer,
  W: number,
  H: number,
  channels: number,
  x: number,
  y: number,
  w: number,
  h: number,
  flip: boolean,
): Buffer {
  if (x < 0 || y < 0 || x + w > W || y + h > H) {
    throw new Error(`crop ${w}x${h} at (${x}, ${y}) does not fit in ${W}x${H}`);
  }
  const out = Buffer.allocUnsafe(w * h * channels);
  const rowBytes = w * channels;
  for (let r = 0; r < h; r++) {
    const srcRow = (y + r) * W * channels;
    const dst = r * rowBytes;
    if (!flip) {
      src.copy(out, dst, srcRow + x * channels, srcRow + (x + w) * channels);
      continue;
    }
    // Flipped column j of the window is source column W-1-x-j.
    let s = srcRow + (W - 1 - x) * channels;
    if (channels === 1) {
      for (let j = 0; j < w; j++, s--) out[dst + j] = src[s];
    } else if (channels === 3) {
      for (let j = 0, d = dst; j < w; j++, s -= 3, d += 3) {
        out[d] = src[s];
        out[d + 1] = src[s + 1];
        out[d + 2] = src[s + 2];
      }
    } else {
      for (let j = 0, d = dst; j < w; j++, s -= channels) {
        for (let c = 0; c < channels; c++) out[d++] = src[s + c];
      }
    }
  }
  return out;
}

function mapSample(sample: Sample, image: (i: RgbImage) => RgbImage, label: (m: LabelMap) => LabelMap): Sample {
  return {
    name: sample.name,
    image: image(sample.image),
    label: sample.label && label(sample.label),
    pseudo: sample.pseudo && label(sample.pseudo),
  };
}

/** Resizes image (bicubic by default) and maps (nearest). */
export async function resizeSample(sample: Sample, size: Size, kernel: ImageKernel = 'cubic'): Promise<Sample> {
  const image = await resizeImage(sample.image, size, kernel);
  return mapSample(sample, () => image, (m) => resizeLabel(m, size));
}

/** Crops the window (x, y, size) of the sample, taken after an optional horizontal flip. */
export function cropSample(sample: Sample, x: number, y: number, size: Size, flip = false): Sample {
  checkSize(size, 'crop size');
  const { width: W, height: H } = sample.image;
  return mapSample(
    sample,
    (i) => ({ data: window(i.data, W, H, 3, x, y, size.width, size.height, flip), ...size }),
    (m) => ({ data: window(m.data, W, H, 1, x, y, size.width, size.height, flip), ...size }),
  );
}

export function flipSample(sample: Sample): Sample {
  const size = { height: sample.image.height, width: sample.image.width };
  return cropSample(sample, 0, 0, size, true);
}

/** Draws a uniform crop position; the sample must be at least the crop size. */
export function randomCropPosition(from: Size, crop: Size, rng: Rng): { x: number; y: number } {
  if (from.width < crop.width || from.height < crop.height) {
    throw new Error(
      `cannot crop ${crop.height}x${crop.width} from a ${from.height}x${from.width} image; ` +
        `use a smaller crop or a larger full size`,
    );
  }
  const x = rng.int(from.width - crop.width + 1);
  const y = rng.int(from.height - crop.height + 1);
  return { x, y };
}

/** Random crop (uniform position), after an optional flip. */
export function randomCrop(sample: Sample, crop: Size, rng: Rng, flip = false): Sample {
  const { x, y } = randomCropPosition(sample.image, crop, rng);
  return cropSample(sample, x, y, crop, flip);
}

/**
 * Random rescale-and-crop (docs/method.md §1): width and height scaled by independent uniform factors in
 * `range` (bilinear image, nearest maps), then a random crop; where the rescaled sample is
 * smaller than the crop, the sample is resized to the crop size instead.
 */
export async function randomRescaleCrop(
  sample: Sample,
  crop: Size,
  rng: Rng,
  range: readonly [number, number] = [0.7, 1],
): Promise<Sample> {
  const fw = rng.range(range[0], range[1]);
  const fh = rng.range(range[0], range[1]);
  const scaled = {
    width: Math.max(1, Math.round(sample.image.width * fw)),
    height: Math.max(1, Math.round(sample.image.height * fh)),
  };
  if (scaled.width < crop.width || scaled.height < crop.height) return resizeSample(sample, crop, 'linear');
  const rescaled = await resizeSample(sample, scaled, 'linear');
  return randomCrop(rescaled, crop, rng);
}

/** The two-scale recipes of docs/method.md §1. */
export type Recipe = 'low' | 'high' | 'high-rescale';

function flipProbability(config: TwoScaleConfig): number {
  return config.flipProbability ?? 0.5;
}

/** Low scale: the whole image resized to the crop size (bicubic / nearest), random flip. */
export async function lowScale(sample: Sample, config: TwoScaleConfig, rng: Rng): Promise<Sample> {
  const flip = rng.bool(flipProbability(config));
  const resized = await resizeSample(sample, config.crop, 'cubic');
  return flip ? flipSample(resized) : resized;
}

/** High scale: the image at full size, random flip, random crop. */
export async function highScale(sample: Sample, config: TwoScaleConfig, rng: Rng): Promise<Sample> {
  const flip = rng.bool(flipProbability(config));
  const full = await resizeSample(sample, config.full, 'cubic');
  return randomCrop(full, config.crop, rng, flip);
}

/** High scale for self-training's unlabelled samples: full size, flip, random rescale-and-crop. */
export async function highScaleRescale(sample: Sample, config: TwoScaleConfig, rng: Rng): Promise<Sample> {
  const flip = rng.bool(flipProbability(config));
  const full = await resizeSample(sample, config.full, 'cubic');
  return randomRescaleCrop(flip ? flipSample(full) : full, config.crop, rng, config.rescaleRange);
}

export function applyRecipe(recipe: Recipe, sample: Sample, config: TwoScaleConfig, rng: Rng): Promise<Sample> {
  switch (recipe) {
    case 'low':
      return lowScale(sample, config, rng);
    case 'high':
      return highScale(sample, config, rng);
    case 'high-rescale':
      return highScaleRescale(sample, config, rng);
    default:
      throw new Error(`unknown recipe ${String(recipe)}; expected low, high or high-rescale`);
  }
}
