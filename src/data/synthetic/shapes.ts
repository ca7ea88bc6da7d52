/**
 * Geometry and colour helpers for shape functions, and the Cityscapes label ids the generator
 * writes (real label ids, so the files read exactly like gtFine labelIds).
 */
import { TRAIN_ID_TO_LABEL_ID, VOID_LABEL_IDS } from '../../labels/cityscapes.js';
import type { Rng } from '../random.js';
import { hash2 } from './noise.js';

const id = (trainId: number): number => TRAIN_ID_TO_LABEL_ID[trainId];

export const LABEL = Object.freeze({
  road: id(0),
  sidewalk: id(1),
  building: id(2),
  wall: id(3),
  fence: id(4),
  pole: id(5),
  trafficLight: id(6),
  trafficSign: id(7),
  vegetation: id(8),
  terrain: id(9),
  sky: id(10),
  person: id(11),
  rider: id(12),
  car: id(13),
  truck: id(14),
  bus: id(15),
  train: id(16),
  motorcycle: id(17),
  bicycle: id(18),
  egoVehicle: VOID_LABEL_IDS['ego vehicle'],
  railTrack: VOID_LABEL_IDS['rail track'],
});

export type Rgb = readonly [number, number, number];

/** Squared distance from (u, v) to the segment a-b. */
export function segmentDist2(u: number, v: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((u - ax) * dx + (v - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = u - (ax + t * dx);
  const ey = v - (ay + t * dy);
  return ex * ex + ey * ey;
}

/** Inside the capsule of radius r around segment a-b. */
export function inCapsule(u: number, v: number, ax: number, ay: number, bx: number, by: number, r: number): boolean {
  return segmentDist2(u, v, ax, ay, bx, by) <= r * r;
}

export function inEllipse(u: number, v: number, cu: number, cv: number, ru: number, rv: number): boolean {
  const a = (u - cu) / ru;
  const b = (v - cv) / rv;
  return a * a + b * b <= 1;
}

/** Inside the axis-aligned box [u0,u1]x[v0,v1] with corner radius r. */
export function inRoundedBox(u: number, v: number, u0: number, v0: number, u1: number, v1: number, r: number): boolean {
  if (u < u0 || u > u1 || v < v0 || v > v1) return false;
  const du = u < u0 + r ? u0 + r - u : u > u1 - r ? u - (u1 - r) : 0;
  const dv = v < v0 + r ? v0 + r - v : v > v1 - r ? v - (v1 - r) : 0;
  return du * du + dv * dv <= r * r;
}

/** A colour drawn around `base` with relative variation. */
export function vary(rng: Rng, base: Rgb, amount: number): Rgb {
  const k = 1 + rng.range(-amount, amount);
  return [
    clamp01(base[0] * k * (1 + rng.range(-amount, amount) * 0.5)),
    clamp01(base[1] * k * (1 + rng.range(-amount, amount) * 0.5)),
    clamp01(base[2] * k * (1 + rng.range(-amount, amount) * 0.5)),
  ];
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Vehicle paints: mostly greys, some colours (as in real streets). */
export const CAR_PAINTS: readonly Rgb[] = [
  [0.75, 0.76, 0.78],
  [0.12, 0.12, 0.13],
  [0.9, 0.9, 0.88],
  [0.42, 0.43, 0.45],
  [0.62, 0.1, 0.1],
  [0.12, 0.22, 0.52],
  [0.2, 0.35, 0.25],
  [0.55, 0.5, 0.38],
];

export const CLOTHES: readonly Rgb[] = [
  [0.1, 0.1, 0.12],
  [0.2, 0.25, 0.45],
  [0.55, 0.12, 0.15],
  [0.85, 0.85, 0.82],
  [0.35, 0.35, 0.3],
  [0.6, 0.5, 0.3],
  [0.15, 0.4, 0.3],
  [0.75, 0.55, 0.15],
  [0.45, 0.2, 0.45],
];

export const SKIN: readonly Rgb[] = [
  [0.92, 0.75, 0.62],
  [0.8, 0.6, 0.45],
  [0.55, 0.38, 0.26],
  [0.35, 0.23, 0.16],
];

export const TYRE: Rgb = [0.06, 0.06, 0.07];
export const SPOKE: Rgb = [0.6, 0.6, 0.62];
export const RIM: Rgb = [0.45, 0.45, 0.47];
export const HUB: Rgb = [0.55, 0.55, 0.57];
export const SEAT: Rgb = [0.08, 0.08, 0.08];
export const SHOE: Rgb = [0.08, 0.07, 0.07];
export const CHROME: Rgb = [0.7, 0.7, 0.72];
export const DARK: Rgb = [0.1, 0.1, 0.1];
export const UNDERBODY: Rgb = [0.05, 0.05, 0.05];
export const PLATE: Rgb = [0.9, 0.9, 0.85];
export const CARGO: Rgb = [0.88, 0.88, 0.86];
export const CABIN_LIGHT: Rgb = [0.9, 0.85, 0.6];
export const LAMP: Rgb = [1, 0.9, 0.7];
export const POLE_GREY: Rgb = [0.5, 0.5, 0.52];
export const HEADLIGHT: Rgb = [0.95, 0.93, 0.8];
export const TAIL_LIGHT: Rgb = [0.75, 0.05, 0.05];

/** Fine grain so that flat surfaces are not perfectly flat. */
export const grain = (u: number, v: number, seed: number, amount: number): number =>
  1 - amount + 2 * amount * hash2(Math.floor(u * 40), Math.floor(v * 40), seed);

/** Cylinder shading across a pole or trunk of half width r. */
export const roundShade = (u: number, r: number): number => 0.55 + 0.45 * Math.sqrt(Math.max(0, 1 - (u / r) ** 2));
