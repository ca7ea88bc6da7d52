/**
 * Looks of a rendered scene: the normal daylight look and the shifted looks (dusk, fog) used to
 * give the unlabelled part of a generated dataset a different appearance from the labelled part,
 * and the `flat` look of a generated *source* set (a game-engine stand-in: flat colours, no
 * texture or sensor noise, a warm cast). `finish` turns the canvas's float colours into 8-bit
 * RGB with the look's grading and noise.
 */
import type { Rng } from '../random.js';
import type { Canvas } from './canvas.js';
import { flattenColours } from './flatten.js';

export type ShiftName = 'none' | 'dusk' | 'fog';
export const SHIFT_NAMES: readonly ShiftName[] = ['none', 'dusk', 'fog'];

/** Every look a scene can have: the shifts, and the flat look of generated source sets. */
export type LookName = ShiftName | 'flat';

export interface Style {
  name: 'day' | 'dusk' | 'fog' | 'flat';
  /** Scales non-emitting colours. */
  exposure: number;
  tint: readonly [number, number, number];
  saturation: number;
  contrast: number;
  /** Fog: colours fade to `fogColour` with depth; visibility in metres (Infinity: no fog). */
  visibility: number;
  fogColour: readonly [number, number, number];
  skyTop: readonly [number, number, number];
  skyHorizon: readonly [number, number, number];
  /** Cloud cover 0..1. */
  clouds: number;
  /** Sky colours are emitted light (kept bright when exposure is low). */
  skyGlows: boolean;
  /** Probability that a window is lit. */
  litWindows: number;
  /** Lamps and vehicle lights are on. */
  lightsOn: boolean;
  /** Strength of the sun: contrast of sunlit and shadowed surfaces (0..1). */
  sun: number;
  /** Sensor noise amplitude. */
  noise: number;
  vignette: number;
  /** Fine texture smoothed away within each label region (the flat look). */
  flat: boolean;
}

const jitter = (rng: Rng, c: readonly number[], amount: number): [number, number, number] => [
  c[0] * (1 + rng.range(-amount, amount)),
  c[1] * (1 + rng.range(-amount, amount)),
  c[2] * (1 + rng.range(-amount, amount)),
];

/** The flat look: saturated, warm, evenly lit, no clouds, no noise or vignette. */
function flatStyle(rng: Rng): Style {
  return {
    name: 'flat',
    exposure: rng.range(1, 1.1),
    tint: jitter(rng, [1.1, 1, 0.84], 0.03),
    saturation: rng.range(1.2, 1.3),
    contrast: rng.range(1.05, 1.15),
    visibility: Infinity,
    fogColour: [0, 0, 0],
    skyTop: jitter(rng, [0.2, 0.62, 0.98], 0.05),
    skyHorizon: jitter(rng, [0.72, 0.9, 1], 0.03),
    clouds: 0,
    skyGlows: false,
    litWindows: 0.02,
    lightsOn: false,
    sun: rng.range(0.8, 1),
    noise: 0,
    vignette: 0,
    flat: true,
  };
}

/** A look for one image: the named style with per-image variation. */
export function sampleStyle(shift: LookName, rng: Rng): Style {
  if (shift === 'flat') return flatStyle(rng);
  if (shift === 'dusk') {
    return {
      name: 'dusk',
      exposure: rng.range(0.32, 0.48),
      tint: jitter(rng, [1.15, 0.88, 0.72], 0.05),
      saturation: rng.range(0.7, 0.9),
      contrast: rng.range(0.9, 1.05),
      visibility: Infinity,
      fogColour: [0, 0, 0],
      skyTop: jitter(rng, [0.16, 0.17, 0.38], 0.1),
      skyHorizon: jitter(rng, [0.98, 0.55, 0.28], 0.08),
      clouds: rng.range(0, 0.5),
      skyGlows: true,
      litWindows: rng.range(0.25, 0.55),
      lightsOn: true,
      sun: rng.range(0, 0.15),
      noise: rng.range(0.03, 0.05),
      vignette: rng.range(0.2, 0.35),
      flat: false,
    };
  }
  if (shift === 'fog') {
    const grey = rng.range(0.68, 0.82);
    return {
      name: 'fog',
      exposure: rng.range(0.9, 1.05),
      tint: jitter(rng, [0.97, 1, 1.04], 0.03),
      saturation: rng.range(0.55, 0.75),
      contrast: rng.range(0.8, 0.95),
      visibility: rng.range(22, 55),
      fogColour: jitter(rng, [grey, grey * 1.01, grey * 1.04], 0.02),
      skyTop: [grey, grey, grey * 1.03],
      skyHorizon: [grey * 1.05, grey * 1.05, grey * 1.06],
      clouds: 0,
      skyGlows: false,
      litWindows: 0.03,
      lightsOn: rng.bool(0.5),
      sun: 0,
      noise: rng.range(0.015, 0.03),
      vignette: rng.range(0, 0.1),
      flat: false,
    };
  }
  return {
    name: 'day',
    exposure: rng.range(0.88, 1.12),
    tint: jitter(rng, [1, 1, 1], 0.05),
    saturation: rng.range(0.85, 1.15),
    contrast: rng.range(0.95, 1.1),
    visibility: Infinity,
    fogColour: [0, 0, 0],
    skyTop: jitter(rng, [0.35, 0.55, 0.85], 0.12),
    skyHorizon: jitter(rng, [0.75, 0.83, 0.92], 0.06),
    clouds: rng.range(0, 0.8),
    skyGlows: false,
    litWindows: 0.02,
    lightsOn: false,
    sun: rng.range(0.2, 1),
    noise: rng.range(0.01, 0.03),
    vignette: rng.range(0, 0.2),
    flat: false,
  };
}

/** Grades the canvas colours with the style and quantises to 8-bit RGB. */
export function finish(canvas: Canvas, style: Style, seed: number): Buffer {
  const { width, height, depth, glow } = canvas;
  const rgb = style.flat ? flattenColours(canvas) : canvas.rgb;
  const out = Buffer.allocUnsafe(width * height * 3);
  const fog = Number.isFinite(style.visibility);
  const [tr, tg, tb] = style.tint;
  const [fr, fg, fb] = style.fogColour;
  const e = style.exposure;
  const cx = width / 2;
  const cy = height / 2;
  const norm = 1 / (cx * cx + cy * cy);
  // Sensor noise from one xorshift stream over the pixels: cheaper than hashing each one.
  let state = (seed | 0) || 0x9e3779b9;
  const noise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296 - 0.5;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const o = i * 3;
      let r = rgb[o];
      let g = rgb[o + 1];
      let b = rgb[o + 2];
      if (glow[i] === 0) {
        r *= e * tr;
        g *= e * tg;
        b *= e * tb;
      }
      if (fog) {
        const t = depth[i] === Infinity ? 1 : 1 - Math.exp(-depth[i] / style.visibility);
        r += (fr - r) * t;
        g += (fg - g) * t;
        b += (fb - b) * t;
      }
      const lum = 0.299 * r + 0.587 * g + 0.114 * b;
      r = lum + (r - lum) * style.saturation;
      g = lum + (g - lum) * style.saturation;
      b = lum + (b - lum) * style.saturation;
      const dx = x - cx;
      const dy = y - cy;
      const v = (1 - style.vignette * (dx * dx + dy * dy) * norm) * style.contrast;
      const base = 0.5 * (1 - style.contrast);
      const n = style.noise;
      r = (r * v + base + noise() * n) * 255;
      g = (g * v + base + noise() * n) * 255;
      b = (b * v + base + noise() * n) * 255;
      out[o] = r < 0 ? 0 : r > 255 ? 255 : r + 0.5;
      out[o + 1] = g < 0 ? 0 : g > 255 ? 255 : g + 0.5;
      out[o + 2] = b < 0 ? 0 : b > 255 ? 255 : b + 0.5;
    }
  }
  return out;
}
