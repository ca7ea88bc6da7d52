/**
 * What lines the street: building facades (windows, shops, doors, brick), walls, fences,
 * hedges, and parks with trees or buildings far behind.
 */
import type { Rng } from '../random.js';
import type { Paint } from './canvas.js';
import { fill, type Drawable } from './drawable.js';
import { fract, hash2, valueNoise } from './noise.js';
import { LABEL, vary, type Rgb } from './shapes.js';
import type { Street, StreetSide } from './street.js';
import type { Style } from './style.js';
import { hedge, treeLine } from './vegetation.js';

const FACADES: readonly Rgb[] = [
  [0.78, 0.7, 0.55],
  [0.58, 0.3, 0.22],
  [0.55, 0.55, 0.55],
  [0.82, 0.8, 0.76],
  [0.76, 0.58, 0.32],
  [0.72, 0.6, 0.58],
  [0.4, 0.4, 0.42],
  [0.6, 0.66, 0.7],
];

const SHOP_LIGHT: Rgb = [0.95, 0.8, 0.5];
const WINDOW_LIGHT: Rgb = [1, 0.82, 0.5];
const DOOR: Rgb = [0.3, 0.2, 0.14];

interface FacadeLook {
  colour: Rgb;
  frame: Rgb;
  glass: Rgb;
  pitch: number;
  floor: number;
  winW: number;
  winH: number;
  groundFloor: number;
  shops: boolean;
  brick: boolean;
  light: number;
  height: number;
  seed: number;
  litWindows: number;
}

function facadeLook(rng: Rng, style: Style, height: number, light: number): FacadeLook {
  const colour = vary(rng, rng.pick(FACADES), 0.12);
  return {
    colour,
    frame: rng.bool(0.5) ? [0.88, 0.88, 0.86] : vary(rng, colour, 0.3),
    glass: vary(rng, [0.18, 0.22, 0.27], 0.25),
    pitch: rng.range(2.4, 4),
    floor: rng.range(2.8, 3.5),
    winW: rng.range(0.35, 0.62),
    winH: rng.range(0.42, 0.62),
    groundFloor: rng.range(3.2, 4.4),
    shops: rng.bool(0.5),
    brick: colour[0] > colour[2] * 1.6 && rng.bool(0.7),
    light,
    height,
    seed: rng.nextUint32(),
    litWindows: style.litWindows,
  };
}

/** Facade colour at position (a along the wall, v up), in metres. */
function shadeFacade(f: FacadeLook, a: number, v: number, p: Paint): number {
  if (v > f.height) return 0;
  const g = 0.94 + 0.12 * hash2(Math.floor(a * 25), Math.floor(v * 25), f.seed);
  const bay = Math.floor(a / f.pitch);
  const fu = a / f.pitch - bay;
  if (v < f.groundFloor) {
    if (f.shops && fu > 0.12 && fu < 0.88 && v > 0.45 && v < f.groundFloor - 0.6) {
      const lit = f.litWindows > 0.2;
      if (lit) fill(p, SHOP_LIGHT, 1.3, 1);
      else fill(p, f.glass, 0.9 + 0.8 * ((v - 0.45) / f.groundFloor));
      return LABEL.building;
    }
    if (!f.shops && fu > 0.4 && fu < 0.6 && v < 2.3 && hash2(bay, 7, f.seed) < 0.3) {
      fill(p, DOOR, g);
      return LABEL.building;
    }
    fill(p, f.colour, 0.8 * g * f.light);
    return LABEL.building;
  }
  if (v > f.height - 0.45) {
    fill(p, f.colour, 1.12 * g * f.light);
    return LABEL.building;
  }
  const level = Math.floor((v - f.groundFloor) / f.floor);
  const fv = (v - f.groundFloor) / f.floor - level;
  const w0 = (1 - f.winW) / 2;
  if (fu > w0 && fu < 1 - w0 && fv > 0.25 && fv < 0.25 + f.winH && v < f.height - 0.9) {
    const edgeU = Math.min(fu - w0, 1 - w0 - fu) * f.pitch;
    const edgeV = Math.min(fv - 0.25, 0.25 + f.winH - fv) * f.floor;
    if (edgeU < 0.07 || edgeV < 0.07) {
      fill(p, f.frame, g * f.light);
      return LABEL.building;
    }
    if (hash2(bay, level, f.seed + 11) < f.litWindows) {
      fill(p, WINDOW_LIGHT, 1.5, 1);
      return LABEL.building;
    }
    // Glass reflects the sky: brighter towards the top of each pane.
    const t = (fv - 0.25) / f.winH;
    fill(p, f.glass, (0.8 + 0.9 * t) * (0.9 + 0.2 * hash2(bay, level, f.seed + 3)));
    return LABEL.building;
  }
  let k = g * f.light;
  if (f.brick) {
    const course = Math.floor(v / 0.075);
    const brickU = fract(a / 0.23 + (course % 2) * 0.5);
    if (fract(v / 0.075) < 0.14 || brickU < 0.05) k *= 0.78;
    else k *= 0.92 + 0.16 * hash2(Math.floor(a / 0.23 + (course % 2) * 0.5), course, f.seed);
  }
  fill(p, f.colour, k);
  return LABEL.building;
}

/** A building: its street facade and the end wall facing the camera. */
function building(rng: Rng, style: Style, sign: number, X: number, z0: number, z1: number, light: number): Drawable[] {
  const height = rng.range(7, 26);
  const look = facadeLook(rng, style, height, light);
  const endLook = { ...look, light: light * 0.8 };
  const depth = rng.range(8, 16);
  return [
    { kind: 'side', X: sign * X, z0, z1, top: height, shape: (z, v, p) => shadeFacade(look, z - z0, v, p) },
    {
      kind: 'billboard',
      X: sign * (X + depth / 2),
      z: z0,
      halfWidth: depth / 2,
      top: height,
      shape: (u, v, p) => shadeFacade(endLook, u * sign + depth / 2, v, p),
    },
  ];
}

function wall(rng: Rng, sign: number, X: number, z0: number, z1: number): Drawable {
  const H = rng.range(0.9, 2.8);
  const colour = vary(rng, rng.pick<Rgb>([[0.62, 0.6, 0.55], [0.7, 0.66, 0.58], [0.5, 0.48, 0.46]]), 0.08);
  const block = rng.range(0.4, 1.0);
  const seed = rng.nextUint32();
  return {
    kind: 'side',
    X: sign * X,
    z0,
    z1,
    top: H,
    shape: (z, v, p) => {
      if (v > H) return 0;
      let k = 0.9 + 0.2 * valueNoise(z * 1.3, v * 1.3, seed);
      if (v > H - 0.1) k *= 1.15;
      else if (fract(v / block) < 0.05 || fract(z / (block * 2)) < 0.025) k *= 0.75;
      fill(p, colour, k);
      return LABEL.wall;
    },
  };
}

type FenceKind = 'bars' | 'mesh' | 'boards';

function fence(rng: Rng, sign: number, X: number, z0: number, z1: number): Drawable {
  const kind = rng.pick<FenceKind>(['bars', 'mesh', 'boards']);
  const H = rng.range(1, 2);
  const colour = vary(
    rng,
    kind === 'boards' ? [0.55, 0.42, 0.3] : rng.pick<Rgb>([[0.25, 0.3, 0.25], [0.5, 0.5, 0.5], [0.15, 0.15, 0.15]]),
    0.1,
  );
  const gap = rng.range(0.1, 0.16);
  return {
    kind: 'side',
    X: sign * X,
    z0,
    z1,
    top: H,
    shape: (z, v, p) => {
      if (v > H) return 0;
      const post = fract(z / 2.5) < 0.04;
      const rail = v > H - 0.06 || Math.abs(v - 0.2) < 0.03;
      let solid: boolean;
      if (kind === 'bars') solid = fract(z / gap) < 0.35;
      else if (kind === 'mesh') solid = Math.abs(fract((z + v) / 0.12) - 0.5) < 0.1 || Math.abs(fract((z - v) / 0.12) - 0.5) < 0.1;
      else solid = fract(z / 0.14) < 0.85;
      if (!(solid || post || rail)) return 0;
      fill(p, colour, post || rail ? 0.85 : 1);
      return LABEL.fence;
    },
  };
}

/** Facades, walls, fences, hedges and parks along one side of the street. */
export function lineSide(rng: Rng, style: Style, s: Street, side: StreetSide, zFar: number): Drawable[] {
  const out: Drawable[] = [];
  // Sunlit and shadowed sides differ in brightness.
  const ambient = rng.range(0.85, 1.1);
  const light = s.shadow ? (s.shadow.sign === side.sign ? 1 - 0.35 * style.sun : 1 + 0.12 * style.sun) : ambient;
  if (side.kind === 'buildings') {
    let z = rng.range(-8, 2);
    while (z < zFar) {
      const length = rng.range(8, 28);
      const setback = rng.bool(0.25) ? rng.range(0.5, 3) : 0;
      out.push(...building(rng, style, side.sign, side.outer + setback, Math.max(z, 0.6), z + length, light));
      z += length;
      if (rng.bool(0.3)) {
        const gap = rng.range(2, 9);
        const r = rng.uniform();
        if (r < 0.35) out.push(wall(rng, side.sign, side.outer, z, z + gap));
        else if (r < 0.65) out.push(fence(rng, side.sign, side.outer, z, z + gap));
        z += gap;
      }
    }
    return out;
  }
  // A park: its edge along the sidewalk, grass, and trees or buildings far behind.
  const edge = rng.uniform();
  const z0 = rng.range(0.6, 6);
  if (edge < 0.4) out.push(fence(rng, side.sign, side.outer, z0, zFar));
  else if (edge < 0.65) out.push(hedge(rng, side.sign * side.outer, z0, zFar));
  else if (edge < 0.85) out.push(wall(rng, side.sign, side.outer, z0, zFar));
  const back = side.outer + rng.range(25, 45);
  if (rng.bool(0.6)) out.push(treeLine(rng, side.sign * back, 1, zFar * 2));
  else out.push(...building(rng, style, side.sign, back, 1, zFar * 2, light));
  return out;
}
