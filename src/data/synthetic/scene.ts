/**
 * One street scene: camera, street layout, traffic, people and furniture, sky; rendered into an
 * RGB image and a map of Cityscapes label ids. Everything random comes from the Rng given, so a
 * scene is a pure function of its seed, size and look.
 */
import type { Rng } from '../random.js';
import { Camera } from './camera.js';
import { Canvas } from './canvas.js';
import { shadeGround } from './draw.js';
import { fbm2, hash2 } from './noise.js';
import { draw, type Drawable } from './drawable.js';
import { pole, trafficLight, trafficSign } from './furniture.js';
import { person, twoWheeler } from './people.js';
import { bush, tree } from './vegetation.js';
import { bus, car, tram, truck } from './vehicles.js';
import { LABEL } from './shapes.js';
import { drawGround } from './ground.js';
import { lineSide } from './roadside.js';
import { planStreet, type Street, type StreetSide } from './street.js';
import { finish, sampleStyle, type LookName, type Style } from './style.js';

export interface SceneOptions {
  width: number;
  height: number;
  /** Look of the scene: `none` is daylight, `flat` the look of generated source sets. */
  shift?: LookName;
}

export interface Scene {
  /** H*W*3 RGB. */
  image: Buffer;
  /** H*W Cityscapes label ids. */
  labelIds: Buffer;
  width: number;
  height: number;
}

const Z_FAR = 140;

/** Where along the street things stand: denser near the camera, as in a real view. */
function depthAlong(rng: Rng, near: number, far: number): number {
  const t = rng.uniform();
  return near + (far - near) * t * t;
}

function traffic(rng: Rng, style: Style, s: Street): Drawable[] {
  const out: Drawable[] = [];
  s.lanes.forEach((X, i) => {
    const front = s.oncoming[i];
    let z = rng.range(7, 20);
    while (z < 90) {
      const r = rng.uniform();
      let length: number;
      if (r < 0.55) {
        out.push(...car(rng, style, X + rng.range(-0.3, 0.3), z, front));
        length = 4.5;
      } else if (r < 0.63) {
        out.push(...truck(rng, style, X, z, front));
        length = 9;
      } else if (r < 0.72) {
        out.push(...bus(rng, style, X, z, front));
        length = 12;
      } else length = 0;
      z += length + rng.range(4, 30);
    }
  });
  if (s.rails.length > 0 && rng.bool(0.75)) {
    const X = (s.rails[0] + s.rails[1]) / 2;
    out.push(...tram(rng, style, X, rng.range(12, 45), rng.bool(0.5)));
  }
  return out;
}

/** Cars parked along the curb of one side, inside the road. */
function parked(rng: Rng, style: Style, side: StreetSide): Drawable[] {
  const out: Drawable[] = [];
  if (!rng.bool(0.6)) return out;
  let z = rng.range(3, 12);
  while (z < 70) {
    if (rng.bool(0.75)) out.push(...car(rng, style, side.sign * (side.roadEdge - 1.1), z, rng.bool(0.2)));
    z += rng.range(5, 9);
  }
  return out;
}

/** Things on and along one sidewalk: people, poles, signs, lights, trees, parked bicycles. */
function sidewalkLife(rng: Rng, style: Style, s: Street, side: StreetSide): Drawable[] {
  const out: Drawable[] = [];
  const inner = side.roadEdge + side.verge;
  const curb = inner + 0.45;
  const people = rng.int(6);
  for (let i = 0; i < people; i++) {
    out.push(person(rng, side.sign * rng.range(inner + 0.5, inner + side.sidewalk - 0.4), depthAlong(rng, 4, 60)));
  }
  let z = rng.range(3, 15);
  while (z < 80) {
    const r = rng.uniform();
    const X = side.sign * curb;
    if (r < 0.45) out.push(pole(rng, style, X, z, -side.sign));
    else if (r < 0.75) out.push(trafficSign(rng, X, z));
    else out.push(trafficLight(rng, style, X, z));
    z += rng.range(7, 22);
  }
  if (rng.bool(0.5)) {
    const X = side.sign * (side.verge > 0 ? side.roadEdge + side.verge / 2 : inner + 1.2);
    let zt = rng.range(4, 12);
    while (zt < 90) {
      out.push(tree(rng, X, zt));
      zt += rng.range(7, 15);
    }
  }
  if (side.kind === 'park') {
    const n = rng.intBetween(2, 8);
    for (let i = 0; i < n; i++) {
      const X = side.sign * (side.outer + rng.range(2, 22));
      const zt = rng.range(5, 80);
      out.push(rng.bool(0.6) ? tree(rng, X, zt) : bush(rng, X, zt));
    }
  }
  if (rng.bool(0.25)) {
    const n = rng.intBetween(1, 3);
    const z0 = rng.range(5, 25);
    for (let i = 0; i < n; i++) {
      out.push(twoWheeler(rng, side.sign * (inner + side.sidewalk - 0.6), z0 + i * 0.7, false, false));
    }
  }
  return out;
}

/** Cyclists and motorcyclists near the road edges, and people crossing. */
function roadLife(rng: Rng, s: Street): Drawable[] {
  const out: Drawable[] = [];
  const riders = rng.bool(0.5) ? rng.intBetween(1, 3) : 0;
  for (let i = 0; i < riders; i++) {
    const sign = rng.bool(0.5) ? 1 : -1;
    const edge = sign > 0 ? s.right.roadEdge : s.left.roadEdge;
    out.push(twoWheeler(rng, sign * (edge - rng.range(0.6, 1.4)), depthAlong(rng, 6, 45), rng.bool(0.3), true));
  }
  if (s.crosswalk && rng.bool(0.7)) {
    const n = rng.intBetween(1, 4);
    for (let i = 0; i < n; i++) {
      const X = rng.range(-s.left.roadEdge, s.right.roadEdge);
      out.push(person(rng, X, rng.range(s.crosswalk.z0, s.crosswalk.z1)));
    }
  }
  return out;
}

function drawSky(canvas: Canvas, cam: Camera, style: Style, seed: number): void {
  const { width, height } = canvas;
  const [t0, t1, t2] = style.skyTop;
  const [h0, h1, h2] = style.skyHorizon;
  const glow = style.skyGlows ? 1 : 0;
  const horizon = Math.max(1, cam.horizon);
  for (let y = 0; y < height; y++) {
    const t = Math.min(1, Math.max(0, y / horizon)) ** 1.5;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (canvas.depth[i] !== Infinity) continue;
      let r = t0 + (h0 - t0) * t;
      let g = t1 + (h1 - t1) * t;
      let b = t2 + (h2 - t2) * t;
      if (style.clouds > 0) {
        const c = fbm2((x / width) * 5, (y / height) * 12, seed);
        const cover = Math.max(0, (c - (1 - style.clouds)) * 3);
        const k = Math.min(1, cover);
        const grey = 0.85 + 0.1 * fbm2((x / width) * 14, (y / height) * 30, seed + 2);
        r += (grey - r) * k;
        g += (grey - g) * k;
        b += (grey * 1.02 - b) * k;
      }
      canvas.depth[i] = Infinity;
      canvas.label[i] = LABEL.sky;
      canvas.rgb[i * 3] = r;
      canvas.rgb[i * 3 + 1] = g;
      canvas.rgb[i * 3 + 2] = b;
      canvas.glow[i] = glow;
    }
  }
}

/** The bonnet of the car carrying the camera (an ignored region in Cityscapes). */
function drawHood(canvas: Canvas, rng: Rng): void {
  const { width, height } = canvas;
  const h0 = height * rng.range(0.05, 0.11);
  const paint = rng.pick<readonly [number, number, number]>([
    [0.1, 0.1, 0.12],
    [0.5, 0.5, 0.52],
    [0.2, 0.22, 0.3],
  ]);
  for (let x = 0; x < width; x++) {
    const d = (x - width / 2) / (width / 2);
    const top = height - h0 * (1 - 0.45 * d * d);
    for (let y = Math.max(0, Math.floor(top)); y < height; y++) {
      const shine = 0.8 + 0.5 * Math.exp(-(((y - top) / (h0 * 0.3)) ** 2));
      canvas.put(y * width + x, 0, LABEL.egoVehicle, paint[0] * shine, paint[1] * shine, paint[2] * shine, 0);
    }
  }
}

/** Renders one scene. */
export function renderScene(rng: Rng, options: SceneOptions): Scene {
  const { width, height } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
    throw new Error(`scene size must be integers of at least 16x16, got ${height}x${width}`);
  }
  const style = sampleStyle(options.shift ?? 'none', rng.fork('style'));
  const layout = rng.fork('layout');
  const cam = new Camera(width, height, height * layout.range(0.36, 0.48), layout.range(1.3, 1.8), layout.range(0.5, 0.72));
  const street = planStreet(layout, style);
  const canvas = new Canvas(width, height);
  drawGround(canvas, cam, street);

  const things = rng.fork('things');
  const drawables: Drawable[] = [
    ...lineSide(things, style, street, street.left, Z_FAR),
    ...lineSide(things, style, street, street.right, Z_FAR),
    ...traffic(things, style, street),
    ...parked(things, style, street.left),
    ...parked(things, style, street.right),
    ...sidewalkLife(things, style, street, street.left),
    ...sidewalkLife(things, style, street, street.right),
    ...roadLife(things, street),
  ];
  if (things.bool(0.4)) {
    // The street ends at a building across it.
    const z = things.range(70, 130);
    const top = things.range(8, 25);
    const colour = [0.55, 0.52, 0.5].map((c) => c * things.range(0.8, 1.2));
    drawables.push({
      kind: 'billboard',
      X: 0,
      z,
      halfWidth: 60,
      top,
      shape: (u, v, p) => {
        const win = (u / 3) % 1 > 0.5 && (v / 3) % 1 > 0.4 && v > 3;
        const k = win ? 0.45 : 0.9 + 0.1 * hash2(Math.floor(u), Math.floor(v), 5);
        p.r = colour[0] * k;
        p.g = colour[1] * k;
        p.b = colour[2] * k;
        p.glow = 0;
        return LABEL.building;
      },
    });
  }
  // Contact shadows under vehicles, before anything stands on the ground.
  for (const d of drawables) {
    if (d.kind === 'billboard' && d.halfWidth > 0.8 && d.halfWidth < 1.4 && d.top < 4 && d.top > 1.2) {
      shadeGround(canvas, cam, d.X, d.z + 2, d.halfWidth * 1.05, 2.4, 0.55);
    }
  }
  for (const d of drawables) draw(canvas, cam, d);
  drawSky(canvas, cam, style, rng.fork('sky').nextUint32());
  const hood = rng.fork('hood');
  if (hood.bool(0.5)) drawHood(canvas, hood);
  const image = finish(canvas, style, rng.fork('noise').nextUint32());
  return { image, labelIds: Buffer.from(canvas.label.buffer, canvas.label.byteOffset, canvas.label.length), width, height };
}
