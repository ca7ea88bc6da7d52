/**
 * The ground plane, painted pixel by pixel in world coordinates (lateral X, depth z), so that
 * asphalt, markings, tiles and grass come out in correct perspective.
 */
import type { Camera } from './camera.js';
import { newPaint, type Canvas, type Paint } from './canvas.js';
import { fbm2, fract, hash2, valueNoise } from './noise.js';
import { LABEL } from './shapes.js';
import type { Street, StreetSide } from './street.js';

const groundPaint = newPaint();

function shadeRoad(s: Street, X: number, z: number, p: Paint): number {
  let k = 0.82 + 0.3 * fbm2(X * 2.5, z * 2.5, s.seed);
  // Patches of newer or older asphalt.
  const patch = valueNoise(X * 0.15, z * 0.08, s.seed + 9);
  if (patch > 0.72) k *= 0.82;
  for (const r of s.rails) {
    if (Math.abs(X - r) < 0.05) {
      p.r = p.g = p.b = 0.55 + 0.2 * hash2(Math.floor(z * 4), 0, s.seed);
      p.glow = 0;
      return LABEL.railTrack;
    }
  }
  if (s.crosswalk && z >= s.crosswalk.z0 && z <= s.crosswalk.z1 && fract(X / 1.0) < 0.5) {
    p.r = p.g = p.b = 0.84 * (0.92 + 0.1 * hash2(Math.floor(X * 20), Math.floor(z * 20), s.seed));
    p.glow = 0;
    return LABEL.road;
  }
  for (const m of s.markings) {
    if (Math.abs(X - m.X) < 0.075 && (!m.dashed || fract(z / 9) < 0.4)) {
      p.r = m.colour[0] * k;
      p.g = m.colour[1] * k;
      p.b = m.colour[2] * k;
      p.glow = 0;
      return LABEL.road;
    }
  }
  p.r = s.road[0] * k;
  p.g = s.road[1] * k;
  p.b = s.road[2] * k;
  p.glow = 0;
  return LABEL.road;
}

function shadeGrass(s: Street, X: number, z: number, p: Paint): number {
  // Grass is smooth at a coarse scale with faint fine grain: unlike leaves.
  const k = 0.85 + 0.25 * fbm2(X * 0.6, z * 0.6, s.seed + 3) + 0.08 * hash2(Math.floor(X * 30), Math.floor(z * 30), s.seed);
  p.r = s.grass[0] * k;
  p.g = s.grass[1] * k;
  p.b = s.grass[2] * k;
  p.glow = 0;
  return LABEL.terrain;
}

function shadeSidewalk(s: Street, X: number, z: number, p: Paint): number {
  const gu = fract(X / s.tile);
  const gz = fract(z / s.tile + (Math.floor(X / s.tile) % 2) * 0.5);
  const grout = gu < 0.06 || gz < 0.06;
  const k = (grout ? 0.72 : 0.95) * (0.92 + 0.16 * hash2(Math.floor(X / s.tile), Math.floor(z / s.tile), s.seed + 5));
  p.r = s.sidewalkColour[0] * k;
  p.g = s.sidewalkColour[1] * k;
  p.b = s.sidewalkColour[2] * k;
  p.glow = 0;
  return LABEL.sidewalk;
}

function shadeSide(s: Street, side: StreetSide, d: number, X: number, z: number, p: Paint): number {
  // d: distance beyond the road edge.
  if (d < side.verge) return shadeGrass(s, X, z, p);
  const w = d - side.verge;
  if (w < 0.18) {
    const k = 0.95 + 0.1 * hash2(Math.floor(z * 3), 0, s.seed);
    p.r = s.curb[0] * k;
    p.g = s.curb[1] * k;
    p.b = s.curb[2] * k;
    p.glow = 0;
    return LABEL.sidewalk;
  }
  if (w < side.sidewalk || side.kind === 'buildings') return shadeSidewalk(s, X, z, p);
  return shadeGrass(s, X, z, p);
}

/** Paints every ground pixel below the horizon. */
export function drawGround(canvas: Canvas, cam: Camera, s: Street): void {
  const p = groundPaint;
  const y0 = Math.max(0, Math.ceil(cam.horizon));
  for (let y = y0; y < canvas.height; y++) {
    const z = Math.min(cam.groundDepth(y + 0.5), 400);
    const k = z / cam.f;
    const row = y * canvas.width;
    for (let x = 0; x < canvas.width; x++) {
      const X = (x + 0.5 - cam.cx) * k;
      let label: number;
      if (X < -s.left.roadEdge) label = shadeSide(s, s.left, -s.left.roadEdge - X, X, z, p);
      else if (X > s.right.roadEdge) label = shadeSide(s, s.right, X - s.right.roadEdge, X, z, p);
      else label = shadeRoad(s, X, z, p);
      if (s.shadow) {
        const edge = s.shadow.sign > 0 ? s.right.outer : s.left.outer;
        if (X * s.shadow.sign > edge - s.shadow.width) {
          p.r *= 0.6;
          p.g *= 0.62;
          p.b *= 0.7;
        }
      }
      canvas.put(row + x, z, label, p.r, p.g, p.b, 0);
    }
  }
}
