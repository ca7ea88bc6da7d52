/**
 * What a scene is made of: billboards (upright shapes facing the camera) and side planes
 * (shapes on vertical planes along the street), with the paint helper their shapes use.
 */
import type { Camera } from './camera.js';
import type { Canvas, Paint } from './canvas.js';
import { drawBillboard, drawSidePlane, type Billboard, type SidePlane } from './draw.js';
import type { Rgb } from './shapes.js';

export type Drawable = ({ kind: 'billboard' } & Billboard) | ({ kind: 'side' } & SidePlane);

export const billboard = (b: Billboard): Drawable => ({ kind: 'billboard', ...b });
export const side = (p: SidePlane): Drawable => ({ kind: 'side', ...p });

export function draw(canvas: Canvas, cam: Camera, d: Drawable): void {
  if (d.kind === 'billboard') drawBillboard(canvas, cam, d);
  else drawSidePlane(canvas, cam, d);
}

/** Sets the paint to colour c scaled by k; `glow` marks emitted light. */
export function fill(p: Paint, c: Rgb, k = 1, glow = 0): void {
  p.r = c[0] * k;
  p.g = c[1] * k;
  p.b = c[2] * k;
  p.glow = glow;
}
