/**
 * Vegetation: trees, bushes, hedges and distant tree lines, all with a strong fine-grained leaf
 * texture (unlike the smooth grass of terrain).
 */
import type { Rng } from '../random.js';
import type { Paint } from './canvas.js';
import { billboard, side, fill, type Drawable } from './drawable.js';
import { hash2, valueNoise } from './noise.js';
import { LABEL, vary, roundShade, type Rgb } from './shapes.js';

const GREENS: readonly Rgb[] = [
  [0.22, 0.36, 0.1],
  [0.28, 0.42, 0.14],
  [0.16, 0.3, 0.12],
  [0.34, 0.44, 0.12],
];

/** Leaf texture: strong, fine-grained light and dark (unlike the smooth grass of terrain). */
function leaves(c: Rgb, u: number, v: number, seed: number, p: Paint): void {
  const n = valueNoise(u * 7, v * 7, seed) * 0.6 + hash2(Math.floor(u * 19), Math.floor(v * 19), seed + 5) * 0.4;
  fill(p, c, 0.45 + 1.0 * n);
}

export function tree(rng: Rng, X: number, z: number): Drawable {
  const trunkH = rng.range(1.6, 3.5);
  const R = rng.range(1.4, 3.6);
  const crownV = trunkH + R * 0.8;
  const crownU = rng.range(-0.3, 0.3);
  const trunkR = rng.range(0.12, 0.22);
  const green = vary(rng, rng.pick(GREENS), 0.15);
  const bark: Rgb = vary(rng, [0.3, 0.24, 0.18], 0.15);
  const seed = rng.nextUint32();
  return billboard({
    X,
    z,
    halfWidth: R * 1.35 + 0.5,
    top: crownV + R * 1.35,
    shape: (u, v, p) => {
      const du = (u - crownU) / R;
      const dv = (v - crownV) / (R * 1.1);
      const d2 = du * du + dv * dv;
      if (d2 < 1.8) {
        const edge = 0.7 + 0.6 * valueNoise(u * 2.2, v * 2.2, seed);
        if (d2 < edge) {
          leaves(green, u, v, seed + 1, p);
          return LABEL.vegetation;
        }
      }
      if (Math.abs(u) < trunkR * (1 + 0.3 * (1 - v / trunkH)) && v < crownV) {
        fill(p, bark, roundShade(u, trunkR) * (0.85 + 0.3 * hash2(Math.floor(v * 12), 0, seed)));
        return LABEL.vegetation;
      }
      return 0;
    },
  });
}

export function bush(rng: Rng, X: number, z: number): Drawable {
  const R = rng.range(0.5, 1.3);
  const H = rng.range(0.6, 1.4);
  const green = vary(rng, rng.pick(GREENS), 0.15);
  const seed = rng.nextUint32();
  return billboard({
    X,
    z,
    halfWidth: R * 1.3,
    top: H * 1.3,
    shape: (u, v, p) => {
      const du = u / R;
      const dv = (v - H * 0.5) / (H * 0.6);
      if (du * du + dv * dv < 0.75 + 0.5 * valueNoise(u * 3, v * 3, seed) && v >= 0) {
        leaves(green, u, v, seed + 1, p);
        return LABEL.vegetation;
      }
      return 0;
    },
  });
}

/** A hedge along the street at lateral X from z0 to z1. */
export function hedge(rng: Rng, X: number, z0: number, z1: number): Drawable {
  const H = rng.range(0.8, 1.8);
  const green = vary(rng, rng.pick(GREENS), 0.15);
  const seed = rng.nextUint32();
  return side({
    X,
    z0,
    z1,
    top: H + 0.3,
    shape: (z, v, p) => {
      if (v > H + 0.3 * (valueNoise(z * 1.5, 0, seed) - 0.5)) return 0;
      leaves(green, z, v, seed + 1, p);
      return LABEL.vegetation;
    },
  });
}

/** A line of trees far behind a park, as one leafy band with a ragged top. */
export function treeLine(rng: Rng, X: number, z0: number, z1: number): Drawable {
  const H = rng.range(8, 16);
  const green = vary(rng, rng.pick(GREENS), 0.15);
  const seed = rng.nextUint32();
  return side({
    X,
    z0,
    z1,
    top: H * 1.4,
    shape: (z, v, p) => {
      if (v > H * (0.8 + 0.5 * valueNoise(z * 0.25, 0, seed))) return 0;
      leaves(green, z * 0.5, v * 0.5, seed + 1, p);
      return LABEL.vegetation;
    },
  });
}
