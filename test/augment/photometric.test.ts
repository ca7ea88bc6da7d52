import { describe, expect, test } from 'vitest';
import {
  adjustBrightness, adjustContrast, adjustHue, adjustSaturation, adjustSharpness, gaussianBlur, grayscale,
} from '../../src/augment/color.js';
import { augmentedView, DIGA_PHOTOMETRIC, drawPhotometric } from '../../src/augment/photometric.js';
import { Rng } from '../../src/data/random.js';
import { NORMALISATION } from '../../src/data/normalise.js';
import * as t from '../../src/tensor/index.js';

const close = (a: number[], b: number[], tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(tol));
};
const flat = (x: t.Tensor) => x.flatten().tolist() as number[];
/** A (3, 1, n) image from RGB triples. */
const img = (...px: number[][]) => t.tensor([px.map((p) => p[0]), px.map((p) => p[1]), px.map((p) => p[2])]).unsqueeze(1);

describe('photometric operations (torchvision semantics)', () => {
  test('grayscale uses ITU-R 601-2 luma', () => {
    close(flat(grayscale(img([1, 0, 0], [0, 1, 0], [0, 0, 1]))), [0.2989, 0.587, 0.114]);
  });

  test('brightness scales and clamps to [0, 1]', () => {
    close(flat(adjustBrightness(img([0.8, 0.4, 0.2]), 0.5)), [0.4, 0.2, 0.1]);
    close(flat(adjustBrightness(img([0.8, 0.4, 0.2]), 2)), [1, 0.8, 0.4]);
  });

  test('contrast blends with the mean grey level', () => {
    // Mean luma of a black and a white pixel is 0.5 (luma weights sum to 0.9999).
    const x = img([0, 0, 0], [1, 1, 1]);
    const m = 0.9999 / 2;
    close(flat(adjustContrast(x, 0.5)), [0.5 * m, 0.5 + 0.5 * m, 0.5 * m, 0.5 + 0.5 * m, 0.5 * m, 0.5 + 0.5 * m]);
  });

  test('saturation 0 gives the grey image, 1 the image', () => {
    const x = img([0.9, 0.2, 0.1]);
    const g = 0.2989 * 0.9 + 0.587 * 0.2 + 0.114 * 0.1;
    close(flat(adjustSaturation(x, 0)), [g, g, g]);
    close(flat(adjustSaturation(x, 1)), [0.9, 0.2, 0.1]);
  });

  test('hue rotates colours around the wheel', () => {
    close(flat(adjustHue(img([1, 0, 0]), 1 / 3)), [0, 1, 0]);
    close(flat(adjustHue(img([1, 0, 0]), -1 / 3)), [0, 0, 1]);
    close(flat(adjustHue(img([0.3, 0.6, 0.2]), 0)), [0.3, 0.6, 0.2]);
    // Greys have no hue.
    close(flat(adjustHue(img([0.5, 0.5, 0.5]), 0.25)), [0.5, 0.5, 0.5]);
  });

  test('Gaussian blur 3x3, sigma 2: constant stays, an impulse spreads by the kernel', () => {
    const k = [Math.exp(-0.125), 1, Math.exp(-0.125)];
    const s = k.reduce((a, b) => a + b, 0);
    const centre = (1 / s) ** 2;
    const impulse = t.zeros([3, 5, 5]);
    impulse.select(1, 2).select(1, 2).fill_(1);
    const out = gaussianBlur(impulse, 3, 2);
    expect(Math.abs(out.select(0, 0).select(0, 2).select(0, 2).item() - centre)).toBeLessThan(1e-6);
    expect(Math.abs(out.select(0, 0).sum().item() - 1)).toBeLessThan(1e-6);
    close(flat(gaussianBlur(t.full([3, 4, 4], 0.3), 3, 2)), new Array(48).fill(0.3));
  });

  test('sharpness keeps borders and blends interior pixels with the smoothed image', () => {
    const x = t.zeros([3, 3, 3]);
    x.select(1, 1).select(1, 1).fill_(0.5);
    // Smoothed centre = 5·0.5/13; factor 2 → 2·0.5 − 1·(2.5/13), clamped to [0, 1].
    const out = adjustSharpness(x, 2);
    expect(Math.abs(out.select(0, 0).select(0, 1).select(0, 1).item() - (1 - 2.5 / 13))).toBeLessThan(1e-6);
    expect(out.select(0, 0).select(0, 0).sum().item()).toBe(0);
  });
});

describe('augmented view', () => {
  test('with every transform off it is β·N(x) + (1 − β)·x', () => {
    const off = { ...DIGA_PHOTOMETRIC, jitter: { ...DIGA_PHOTOMETRIC.jitter, p: 0 }, grayscaleP: 0, blur: { ...DIGA_PHOTOMETRIC.blur, p: 0 }, sharpness: { ...DIGA_PHOTOMETRIC.sharpness, p: 0 } };
    const x = t.rand([2, 3, 4, 4]).sub(0.5);
    const y = augmentedView(x, Rng.fromSeed(1), off);
    const expected = x.mul(1.4).sub(0.4);
    expect(y.sub(expected).abs().max().item()).toBeLessThan(1e-6);
  });

  test('deterministic for a seed, different across seeds, no leaked tensors', () => {
    const x = NORMALISATION.fromUint8Nhwc(t.randint(0, 256, [3, 8, 8, 3], { dtype: 'uint8' }));
    const before = t.memory().numTensors;
    const a = augmentedView(x, Rng.fromSeed(5));
    const b = augmentedView(x, Rng.fromSeed(5));
    expect(a.sub(b).abs().max().item()).toBe(0);
    expect(t.memory().numTensors).toBe(before + 2 + 3);
    const draws = [1, 2, 3, 4, 5, 6].map((s) => JSON.stringify(drawPhotometric(Rng.fromSeed(s))));
    expect(new Set(draws).size).toBeGreaterThan(1);
  });

  test('unit-space variant round-trips the normalisation', () => {
    const u8 = t.randint(0, 256, [1, 4, 4, 3], { dtype: 'uint8' });
    const x = NORMALISATION.fromUint8Nhwc(u8);
    expect(NORMALISATION.toUint8Nhwc(x).sub(u8).abs().max().item()).toBe(0);
    const back = NORMALISATION.fromUnit(NORMALISATION.toUnit(x));
    expect(back.sub(x).abs().max().item()).toBeLessThan(1e-5);
  });
});
