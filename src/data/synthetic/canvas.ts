/**
 * The render target: linear-ish RGB floats, Cityscapes label ids and a depth buffer. Every
 * write is depth-tested, so objects can be drawn in any order and still occlude correctly.
 */
export class Canvas {
  readonly rgb: Float32Array;
  readonly label: Uint8Array;
  readonly depth: Float32Array;
  /** 1 where the pixel's colour is emitted light (lit windows, lamps), kept bright at dusk. */
  readonly glow: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const n = width * height;
    this.rgb = new Float32Array(n * 3);
    this.label = new Uint8Array(n);
    this.depth = new Float32Array(n).fill(Infinity);
    this.glow = new Uint8Array(n);
  }

  /** Writes a pixel if it is not behind what is already there. */
  put(i: number, z: number, label: number, r: number, g: number, b: number, glow = 0): void {
    if (z > this.depth[i]) return;
    this.depth[i] = z;
    this.label[i] = label;
    const o = i * 3;
    this.rgb[o] = r;
    this.rgb[o + 1] = g;
    this.rgb[o + 2] = b;
    this.glow[i] = glow;
  }
}

/** Scratch colour written by shape functions; `glow` marks emitted light. */
export interface Paint {
  r: number;
  g: number;
  b: number;
  glow: number;
}

export const newPaint = (): Paint => ({ r: 0, g: 0, b: 0, glow: 0 });

export function setPaint(p: Paint, c: readonly number[], k = 1): void {
  p.r = c[0] * k;
  p.g = c[1] * k;
  p.b = c[2] * k;
  p.glow = 0;
}
