// DiGA's "augmented view" (docs/method.md §1): aug(x) = β·N(P(x)) + (1 − β)·x, with P a
// per-sample random photometric transform and N(t) = (t − 0.5) / 0.5.
//
// By default P is applied to the normalised tensor itself, as the published
// code does (so torchvision's [0, 1] clamps act on normalised values). With
// `space: 'unit'` P is applied to the image mapped to [0, 1] and the result is
// normalised back with the input normalisation instead of N.
import type { Rng } from '../data/random.js';
import { noGrad, stack, tidy, type Tensor } from '../tensor/index.js';
import { NORMALISATION, type ChannelOrder } from '../data/normalise.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, adjustSharpness, gaussianBlur, grayscale } from './color.js';

export interface PhotometricConfig {
  beta: number;
  jitter: { brightness: number; contrast: number; saturation: number; hue: number; p: number };
  grayscaleP: number;
  blur: { kernel: number; sigma: number; p: number };
  sharpness: { factor: number; p: number };
  space: 'normalised' | 'unit';
  /** The channel order of the normalised batch (the adaptation network takes BGR); default RGB. */
  order?: ChannelOrder;
}

export const DIGA_PHOTOMETRIC: PhotometricConfig = {
  beta: 0.4,
  jitter: { brightness: 0.4, contrast: 0.4, saturation: 0.2, hue: 0.1, p: 0.5 },
  grayscaleP: 0.3,
  blur: { kernel: 3, sigma: 2, p: 0.8 },
  sharpness: { factor: 0.5, p: 0.3 },
  space: 'normalised',
};

/** What P did to one sample (for tests and sample grids). */
export interface PhotometricDraw {
  jitter: null | { order: number[]; brightness: number; contrast: number; saturation: number; hue: number };
  grayscale: boolean;
  blur: boolean;
  sharpness: boolean;
}

function uniformIn(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** Draws P's random choices for one sample, in torchvision's order. */
export function drawPhotometric(rng: Rng, cfg: PhotometricConfig = DIGA_PHOTOMETRIC): PhotometricDraw {
  let jitter: PhotometricDraw['jitter'] = null;
  if (rng.uniform() < cfg.jitter.p) {
    const order = [0, 1, 2, 3];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const j = cfg.jitter;
    jitter = {
      order,
      brightness: uniformIn(rng, Math.max(0, 1 - j.brightness), 1 + j.brightness),
      contrast: uniformIn(rng, Math.max(0, 1 - j.contrast), 1 + j.contrast),
      saturation: uniformIn(rng, Math.max(0, 1 - j.saturation), 1 + j.saturation),
      hue: uniformIn(rng, -j.hue, j.hue),
    };
  }
  return {
    jitter,
    grayscale: rng.uniform() < cfg.grayscaleP,
    blur: rng.uniform() < cfg.blur.p,
    sharpness: rng.uniform() < cfg.sharpness.p,
  };
}

/** Applies one sample's drawn transform to a (3, H, W) tensor. */
export function applyPhotometric(img: Tensor, draw: PhotometricDraw, cfg: PhotometricConfig = DIGA_PHOTOMETRIC): Tensor {
  return tidy(() => {
    let t = img;
    if (draw.jitter) {
      const j = draw.jitter;
      for (const k of j.order) {
        if (k === 0) t = adjustBrightness(t, j.brightness);
        else if (k === 1) t = adjustContrast(t, j.contrast);
        else if (k === 2) t = adjustSaturation(t, j.saturation);
        else t = adjustHue(t, j.hue);
      }
    }
    if (draw.grayscale) t = grayscale(t).expand(3, -1, -1);
    if (draw.blur) t = gaussianBlur(t, cfg.blur.kernel, cfg.blur.sigma);
    if (draw.sharpness) t = adjustSharpness(t, cfg.sharpness.factor);
    return t === img ? img.clone() : t;
  });
}

/** The augmented view of a normalised batch (N, 3, H, W); decisions come from `rng`. */
export function augmentedView(x: Tensor, rng: Rng, cfg: PhotometricConfig = DIGA_PHOTOMETRIC): Tensor {
  return noGrad(() =>
    tidy(() => {
      const samples = x.unbind(0).map((xi) => {
        const input = cfg.space === 'unit' ? NORMALISATION.toUnit(xi, cfg.order) : xi;
        const p = applyPhotometric(input, drawPhotometric(rng, cfg), cfg);
        const back = cfg.space === 'unit' ? NORMALISATION.fromUnit(p, cfg.order) : p.sub(0.5).div(0.5);
        return back.mul(cfg.beta).add(xi.mul(1 - cfg.beta));
      });
      return stack(samples, 0);
    }),
  );
}
