// The smallest image the translator trains on. Its reflection padding needs a side longer
// than the pad, and each discriminator scale halves the image once more before its stride-2
// convolutions halve it again, so a small crop fails deep inside libtorch ("Kernel size
// can't be greater than actual input size"). Walked here layer by layer, per image side, to
// refuse such a crop up front by the side it needs.
import type { CodecConfig, DiscriminatorConfig, TranslatorConfig } from './config.js';

/** The side the encoder leaves (its code's), or null where a layer cannot take `side`. */
function encoded(c: CodecConfig, side: number): number | null {
  // 7x7 convolution after a reflection pad of 3.
  if (side <= 3) return null;
  let s = side;
  for (let i = 0; i < c.resample; i++) {
    // 4x4 stride-2 convolution after a reflection pad of 1.
    if (s <= 1) return null;
    s = Math.floor(s / 2);
  }
  // Residual blocks: 3x3 convolutions after reflection pads of 1.
  return c.resBlocks > 0 && s <= 1 ? null : s;
}

/** The side of the decoder's image from a code of side `side`, or null where a layer cannot take it. */
function decoded(c: CodecConfig, side: number): number | null {
  if (c.resBlocks > 0 && side <= 1) return null;
  let s = side;
  for (let i = 0; i < c.resample; i++) {
    // Nearest x2 upsampling, then a 5x5 convolution after a reflection pad of 2.
    s *= 2;
    if (s <= 2) return null;
  }
  // The 7x7 output convolution after a reflection pad of 3.
  return s <= 3 ? null : s;
}

/** Whether every discriminator scale takes an image of side `side`. */
function discriminated(c: DiscriminatorConfig, side: number): boolean {
  let s = side;
  for (let scale = 0; scale < c.scales; scale++) {
    // 4x4 stride-2 convolutions after zero pads of 1: each needs a side of 2 or more.
    let t = s;
    for (let i = 0; i < c.layers; i++) {
      if (t < 2) return false;
      t = Math.floor(t / 2);
    }
    // 3x3 stride-2 average pooling (padded by 1) to the next scale.
    s = Math.floor((s - 1) / 2) + 1;
  }
  return true;
}

/** Whether the translator trains on images whose side (height or width) is `side`: real images and translated ones alike. */
export function translatorTakes(c: TranslatorConfig, side: number): boolean {
  const code = encoded(c.encoder, side);
  const image = code === null ? null : decoded(c.decoder, code);
  return image !== null && encoded(c.encoder, image) !== null && discriminated(c.discriminator, side) && discriminated(c.discriminator, image);
}

/** The smallest side from which on the translator takes every image side. */
export function smallestTranslatorSide(c: TranslatorConfig): number {
  let side = 4096;
  while (side > 1 && translatorTakes(c, side - 1)) side--;
  return side;
}
