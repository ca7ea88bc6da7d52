/**
 * Rasterising world-space shapes: a billboard is a shape standing upright at one depth and
 * facing the camera (an object seen from behind or in front); a side plane is a shape on a
 * vertical plane along the street (a facade, a fence, the flank of a parked car), drawn in
 * perspective. Shapes are functions of metres, so they scale with distance by themselves.
 */
import type { Camera } from './camera.js';
import { newPaint, type Canvas, type Paint } from './canvas.js';

/** Returns the label id at object coordinates (u, v) in metres (0 = empty) and sets the paint. */
export type Shape = (u: number, v: number, p: Paint) => number;

export interface Billboard {
  /** Lateral position of the object's centre line. */
  X: number;
  /** Depth of the object. */
  z: number;
  /** Horizontal extent either side of X, in metres. */
  halfWidth: number;
  /** Highest point above the ground, in metres. */
  top: number;
  /** Lowest point above the ground (default 0). */
  bottom?: number;
  /** u is lateral offset from X, v is height above the ground. */
  shape: Shape;
}

const paint = newPaint();

export function drawBillboard(canvas: Canvas, cam: Camera, b: Billboard): void {
  if (b.z <= 0.5) return;
  const s = cam.scale(b.z);
  const x0 = Math.max(0, Math.floor(cam.column(b.X - b.halfWidth, b.z)));
  const x1 = Math.min(canvas.width - 1, Math.ceil(cam.column(b.X + b.halfWidth, b.z)));
  const y0 = Math.max(0, Math.floor(cam.row(b.top, b.z)));
  const y1 = Math.min(canvas.height - 1, Math.ceil(cam.row(b.bottom ?? 0, b.z)));
  const ground = cam.row(0, b.z);
  for (let y = y0; y <= y1; y++) {
    const v = (ground - (y + 0.5)) / s;
    const row = y * canvas.width;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5 - cam.cx) / s - b.X;
      const label = b.shape(u, v, paint);
      if (label !== 0) canvas.put(row + x, b.z, label, paint.r, paint.g, paint.b, paint.glow);
    }
  }
}

export interface SidePlane {
  /** Lateral position of the plane (must not be 0: the camera looks along it). */
  X: number;
  /** Depth range covered. */
  z0: number;
  z1: number;
  top: number;
  bottom?: number;
  /** u is the depth z, v the height above the ground. */
  shape: Shape;
}

export function drawSidePlane(canvas: Canvas, cam: Camera, p: SidePlane): void {
  if (Math.abs(p.X) < 0.05 || p.z1 <= p.z0) return;
  const z0 = Math.max(p.z0, 0.5);
  const xa = cam.column(p.X, z0);
  const xb = cam.column(p.X, p.z1);
  const x0 = Math.max(0, Math.floor(Math.min(xa, xb)));
  const x1 = Math.min(canvas.width - 1, Math.ceil(Math.max(xa, xb)));
  const bottom = p.bottom ?? 0;
  for (let x = x0; x <= x1; x++) {
    const dx = x + 0.5 - cam.cx;
    if (dx === 0 || Math.sign(dx) !== Math.sign(p.X)) continue;
    const z = (cam.f * p.X) / dx;
    if (z < z0 || z > p.z1) continue;
    const ya = Math.max(0, Math.floor(cam.row(p.top, z)));
    const yb = Math.min(canvas.height - 1, Math.ceil(cam.row(bottom, z)));
    const k = z / cam.f;
    for (let y = ya; y <= yb; y++) {
      const v = cam.h - (y + 0.5 - cam.horizon) * k;
      if (v < bottom || v > p.top) continue;
      const label = p.shape(z, v, paint);
      if (label !== 0) canvas.put(y * canvas.width + x, z, label, paint.r, paint.g, paint.b, paint.glow);
    }
  }
}

/** Darkens ground pixels inside a world-space ellipse (contact and cast shadows). */
export function shadeGround(
  canvas: Canvas,
  cam: Camera,
  X: number,
  z: number,
  halfWidth: number,
  halfDepth: number,
  factor: number,
): void {
  const zNear = Math.max(0.5, z - halfDepth);
  const zFar = z + halfDepth;
  const y0 = Math.max(0, Math.floor(cam.row(0, zFar)));
  const y1 = Math.min(canvas.height - 1, Math.ceil(cam.row(0, zNear)));
  for (let y = y0; y <= y1; y++) {
    const zy = cam.groundDepth(y + 0.5);
    const dz = (zy - z) / halfDepth;
    if (dz * dz >= 1) continue;
    const half = halfWidth * Math.sqrt(1 - dz * dz);
    const xa = Math.max(0, Math.floor(cam.column(X - half, zy)));
    const xb = Math.min(canvas.width - 1, Math.ceil(cam.column(X + half, zy)));
    for (let x = xa; x <= xb; x++) {
      const i = y * canvas.width + x;
      // Only the ground itself: anything standing here is nearer than the ground at this row.
      if (canvas.depth[i] < zy * 0.999) continue;
      const o = i * 3;
      canvas.rgb[o] *= factor;
      canvas.rgb[o + 1] *= factor;
      canvas.rgb[o + 2] *= factor;
    }
  }
}
