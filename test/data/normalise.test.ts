// The two input channel orders: BGR is the RGB normalisation with channels reversed and the
// mean reordered (DIGA-UDA.md §1); the RGB path is the published semi-supervised one.
import { describe, expect, it } from 'vitest';
import { uploadBatch, disposeBatch } from '../../src/data/device-batch.js';
import type { Batch } from '../../src/data/loader.js';
import { MEAN_BGR, MEAN_RGB, NORMALISATION, SCALE } from '../../src/data/normalise.js';
import { pictureOf } from '../../src/engine/pictures.js';
import { DEEPLABV2 } from '../../src/models/deeplabv2/index.js';
import { HRNET_OCR } from '../../src/models/hrnet-ocr/index.js';
import * as t from '../../src/tensor/index.js';

const pixels = [
  [0, 0, 0],
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [10, 200, 77],
  [255, 255, 255],
];
/** One 2×3 image of the pixels above as a loader batch (HWC RGB). */
function batch(): Batch {
  return { images: Buffer.from(pixels.flat()), labels: Buffer.alloc(6, 255), n: 1, height: 2, width: 3, names: ['a'], indices: [0], step: 0 };
}
const at = (x: t.Tensor, c: number, i: number) => (x.select(0, 0).select(0, c).flatten().tolist() as number[])[i];

describe('normalisation channel order', () => {
  it('RGB: (rgb − mean) / 128 per channel, as before', () => {
    const b = uploadBatch(batch(), 'cpu');
    pixels.forEach((p, i) => {
      for (let c = 0; c < 3; c++) expect(at(b.images, c, i)).toBeCloseTo((p[c] - MEAN_RGB[c]) / SCALE, 5);
    });
    disposeBatch(b);
  });

  it('BGR: channel 0 is blue, with the published mean (104.00698793, 116.66876762, 122.67891434)', () => {
    expect([...MEAN_BGR]).toEqual([104.00698793, 116.66876762, 122.67891434]);
    const b = uploadBatch(batch(), 'cpu', 'bgr');
    pixels.forEach((p, i) => {
      expect(at(b.images, 0, i)).toBeCloseTo((p[2] - 104.00698793) / 128, 5);
      expect(at(b.images, 1, i)).toBeCloseTo((p[1] - 116.66876762) / 128, 5);
      expect(at(b.images, 2, i)).toBeCloseTo((p[0] - 122.67891434) / 128, 5);
    });
    // The same as the RGB batch with its channels reversed, bit for bit.
    const rgb = uploadBatch(batch(), 'cpu');
    expect(b.images.sub(rgb.images.flip(1)).abs().max().item()).toBe(0);
    disposeBatch(b);
    disposeBatch(rgb);
  });

  it('inverts in either order: pictures come back RGB, unit space keeps the order', () => {
    const u8 = t.randint(0, 256, [2, 4, 5, 3], { dtype: 'uint8' });
    for (const order of ['rgb', 'bgr'] as const) {
      const x = NORMALISATION.fromUint8Nhwc(u8, order);
      expect(NORMALISATION.toUint8Nhwc(x, order).sub(u8).abs().max().item()).toBe(0);
      expect(NORMALISATION.fromUnit(NORMALISATION.toUnit(x, order), order).sub(x).abs().max().item()).toBeLessThan(1e-5);
    }
    const bgr = NORMALISATION.fromUint8Nhwc(u8, 'bgr');
    // toUnit of a BGR tensor is bgr/255: its channel 0 is the blue plane.
    const blue = u8.select(3, 2).float().div(255);
    expect(NORMALISATION.toUnit(bgr, 'bgr').select(1, 0).sub(blue).abs().max().item()).toBeLessThan(1e-6);
    expect(pictureOf(bgr, 1, 'bgr').data.equals(u8.select(0, 1).contiguous().toBuffer())).toBe(true);
    // Reading a BGR tensor as RGB swaps red and blue: the order matters.
    expect(pictureOf(bgr, 1).data.equals(u8.select(0, 1).contiguous().toBuffer())).toBe(false);
    expect(() => NORMALISATION.fromUint8Nhwc(u8, 'rgba' as 'rgb')).toThrow(/unknown channel order rgba/);
  });

  it('each model family names its input order', () => {
    expect(DEEPLABV2.inputOrder).toBe('bgr');
    expect(HRNET_OCR.inputOrder).toBe('rgb');
  });
});
