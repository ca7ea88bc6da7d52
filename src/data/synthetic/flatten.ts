/**
 * The flat look's colour treatment: fine texture and grain are averaged away inside each label
 * region (a box blur that never mixes two labels, so region edges stay sharp and aligned with
 * the labels).
 */
import type { Canvas } from './canvas.js';

/** One horizontal or vertical pass of a box blur that only averages pixels of the centre's label. */
function maskedPass(src: Float32Array, label: Uint8Array, width: number, height: number, radius: number, vertical: boolean): Float32Array {
  const out = new Float32Array(src.length);
  const [outer, inner] = vertical ? [width, height] : [height, width];
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const i = vertical ? b * width + a : a * width + b;
      const id = label[i];
      let r = 0;
      let g = 0;
      let bl = 0;
      let n = 0;
      for (let d = Math.max(0, b - radius); d <= Math.min(inner - 1, b + radius); d++) {
        const j = vertical ? d * width + a : a * width + d;
        if (label[j] !== id) continue;
        r += src[j * 3];
        g += src[j * 3 + 1];
        bl += src[j * 3 + 2];
        n++;
      }
      out[i * 3] = r / n;
      out[i * 3 + 1] = g / n;
      out[i * 3 + 2] = bl / n;
    }
  }
  return out;
}

/** The canvas colours with texture smoothed away within label regions (the canvas is left as is). */
export function flattenColours(canvas: Canvas): Float32Array {
  const { width, height, label } = canvas;
  // About 0.5 % of the width: removes grain and leaf texture, keeps lane markings and windows.
  const radius = Math.max(1, Math.round(width / 192));
  return maskedPass(maskedPass(canvas.rgb, label, width, height, radius, false), label, width, height, radius, true);
}
