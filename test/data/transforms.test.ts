import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/data/sample-source.js';
import type { LabelMap } from '../../src/data/images.js';
import { Rng } from '../../src/data/random.js';
import {
  applyRecipe,
  cropSample,
  flipSample,
  randomRescaleCrop,
  resizeLabel,
  resizeSample,
  type Recipe,
  type TwoScaleConfig,
} from '../../src/data/transforms.js';

/** 19 colours far apart (corners and midpoints of the RGB cube), so blur cannot confuse two. */
const COLOURS: [number, number, number][] = Array.from({ length: 19 }, (_, i) => [
  [0, 128, 255][i % 3],
  [0, 128, 255][Math.floor(i / 3) % 3],
  [0, 128, 255][Math.floor(i / 9) % 3],
]);

/** Blocks of classes, and an image whose colour at each pixel is its class's colour. */
function blockSample(width: number, height: number, block: number): Sample {
  const label = Buffer.alloc(width * height);
  const image = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const id = (Math.floor(x / block) * 7 + Math.floor(y / block) * 3) % 19;
      label[y * width + x] = id;
      image.set(COLOURS[id], (y * width + x) * 3);
    }
  }
  return {
    name: 'blocks',
    image: { data: image, width, height },
    label: { data: label, width, height },
    pseudo: { data: Buffer.from(label), width, height },
  };
}

function nearestClass(r: number, g: number, b: number): number {
  let best = 0;
  let bestD = Infinity;
  COLOURS.forEach(([pr, pg, pb], id) => {
    const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (d < bestD) {
      bestD = d;
      best = id;
    }
  });
  return best;
}

/**
 * Image and label agree wherever the label is uniform over a (2r+1)^2 window (away from block
 * edges, where resampling blurs colours): the nearest class colour is the label's class.
 * Returns how many pixels were checked.
 */
function expectAligned(s: Sample, r = 1): number {
  const { width: W, height: H } = s.image;
  const label = s.label as LabelMap;
  expect(label.width).toBe(W);
  expect(label.height).toBe(H);
  expect(s.pseudo?.data.equals(label.data)).toBe(true);
  let checked = 0;
  for (let y = r; y < H - r; y++) {
    for (let x = r; x < W - r; x++) {
      const id = label.data[y * W + x];
      let uniform = true;
      for (let dy = -r; dy <= r && uniform; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (label.data[(y + dy) * W + x + dx] !== id) {
            uniform = false;
            break;
          }
        }
      }
      if (!uniform) continue;
      const o = (y * W + x) * 3;
      expect(nearestClass(s.image.data[o], s.image.data[o + 1], s.image.data[o + 2]), `pixel (${x}, ${y})`).toBe(id);
      checked++;
    }
  }
  return checked;
}

const config: TwoScaleConfig = { crop: { height: 30, width: 50 }, full: { height: 60, width: 100 } };

describe('joint transforms', () => {
  it('flips image and maps together, exactly', () => {
    const s = blockSample(20, 6, 3);
    const f = flipSample(s);
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 20; x++) {
        expect(f.label?.data[y * 20 + x]).toBe(s.label?.data[y * 20 + 19 - x]);
        for (let c = 0; c < 3; c++) expect(f.image.data[(y * 20 + x) * 3 + c]).toBe(s.image.data[(y * 20 + 19 - x) * 3 + c]);
      }
    }
    expect(flipSample(f).image.data.equals(s.image.data)).toBe(true);
  });

  it('crops a window, optionally from the flipped sample', () => {
    const s = blockSample(20, 10, 3);
    const c = cropSample(s, 4, 2, { height: 5, width: 8 });
    expect(c.label?.data[0]).toBe(s.label?.data[2 * 20 + 4]);
    expect(c.label?.data[5 * 8 - 1]).toBe(s.label?.data[6 * 20 + 11]);
    const fc = cropSample(s, 4, 2, { height: 5, width: 8 }, true);
    const ref = cropSample(flipSample(s), 4, 2, { height: 5, width: 8 });
    expect(fc.image.data.equals(ref.image.data)).toBe(true);
    expect(fc.label?.data.equals(ref.label?.data as Buffer)).toBe(true);
    expect(() => cropSample(s, 15, 0, { height: 5, width: 8 })).toThrow(/does not fit in 20x10/);
  });

  it('resizes maps by nearest neighbour, keeping only existing ids', () => {
    const s = blockSample(37, 23, 4);
    const map = resizeLabel(s.label as LabelMap, { height: 50, width: 81 });
    const ids = new Set(s.label?.data);
    expect(map.data.every((v) => ids.has(v))).toBe(true);
    // Pixel centres map to pixel centres: the corners stay the corners.
    expect(map.data[0]).toBe(s.label?.data[0]);
    expect(map.data[50 * 81 - 1]).toBe(s.label?.data[23 * 37 - 1]);
  });

  it('keeps image and labels aligned through resize (down and up)', async () => {
    const s = blockSample(100, 60, 10);
    expect(expectAligned(await resizeSample(s, { height: 30, width: 50 }))).toBeGreaterThan(200);
    expect(expectAligned(await resizeSample(s, { height: 85, width: 140 }, 'linear'))).toBeGreaterThan(2000);
  });

  it('keeps image and labels aligned through every two-scale recipe', async () => {
    // A source smaller than the full size exercises the resize to full size as well.
    for (const source of [blockSample(100, 60, 10), blockSample(80, 48, 8)]) {
      for (const recipe of ['low', 'high', 'high-rescale'] as Recipe[]) {
        for (let seed = 0; seed < 4; seed++) {
          const out = await applyRecipe(recipe, source, config, Rng.fromSeed(seed));
          expect(out.image.width).toBe(50);
          expect(out.image.height).toBe(30);
          expect(expectAligned(out), `${recipe} seed ${seed}`).toBeGreaterThan(100);
        }
      }
    }
  });

  it('rescale-and-crop resizes to the crop when the rescaled sample would be smaller', async () => {
    const s = blockSample(100, 60, 10);
    // Crop 55x95 from factors in [0.7, 1]: most draws are smaller than the crop.
    for (let seed = 0; seed < 6; seed++) {
      const out = await randomRescaleCrop(s, { height: 55, width: 95 }, Rng.fromSeed(seed));
      expect([out.image.width, out.image.height]).toEqual([95, 55]);
      expectAligned(out);
    }
  });

  it('is deterministic for a seed and varies across seeds', async () => {
    const s = blockSample(100, 60, 10);
    for (const recipe of ['low', 'high', 'high-rescale'] as Recipe[]) {
      const a = await applyRecipe(recipe, s, config, Rng.fromSeed(5));
      const b = await applyRecipe(recipe, s, config, Rng.fromSeed(5));
      expect(a.image.data.equals(b.image.data)).toBe(true);
      expect(a.label?.data.equals(b.label?.data as Buffer)).toBe(true);
      const outs = await Promise.all([1, 2, 3, 4, 6, 7].map((seed) => applyRecipe(recipe, s, config, Rng.fromSeed(seed))));
      const distinct = new Set(outs.map((o) => o.label?.data.toString('base64')));
      expect(distinct.size, recipe).toBeGreaterThan(1);
    }
  });

  it('refuses a crop larger than the full size, with both sizes in the message', async () => {
    const bad: TwoScaleConfig = { crop: { height: 80, width: 50 }, full: { height: 60, width: 100 } };
    await expect(applyRecipe('high', blockSample(100, 60, 10), bad, Rng.fromSeed(1))).rejects.toThrow(/80x50 from a 60x100/);
  });
});
