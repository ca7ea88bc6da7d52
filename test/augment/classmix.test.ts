import { describe, expect, test } from 'vitest';
import { classMix } from '../../src/augment/classmix.js';
import { cat, Generator, randint, randn, tensor } from '../../src/tensor/index.js';
import { expectNoLeak, numbers } from '../helpers.js';

describe('ClassMix', () => {
  // Sample 0 holds 0, 1, 2, 3 and 255 (n = 5 → 2 drawn); sample 1 holds 4, 5, 6, 7 (n = 4 → 2 drawn).
  const H = 6;
  const W = 8;
  const row = (v: number[]) => v.flatMap((x) => Array<number>(W / v.length).fill(x));
  const s0 = [0, 1, 2, 3, 255, 0].map((v) => row([v, v, 1, 2]));
  const s1 = Array.from({ length: H }, (_, i) => row([4, 5, 6, 7].map((v) => (i % 2 === 0 ? v : 11 - v))));
  const sourceLabels = tensor([s0, s1], { dtype: 'int64' });
  const targetLabels = randint(0, 19, [2, H, W]);
  const source = randn([2, 3, H, W]);
  const target = randn([2, 3, H, W]);

  test('the mask covers exactly the chosen classes, ⌊n/2⌋ of them, and every 255', () => {
    for (let seed = 0; seed < 8; seed++) {
      const { image, label, mask } = classMix(source, sourceLabels, target, targetLabels, new Generator({ seed }));
      expect([mask.dtype, label.dtype, image.shape]).toEqual(['bool', 'int64', [2, 3, H, W]]);
      const m = numbers(mask);
      const src = numbers(sourceLabels);
      const tgt = numbers(targetLabels);
      for (const [b, n] of [[0, 5], [1, 4]]) {
        const pixels = [...Array(H * W).keys()].map((p) => b * H * W + p);
        const byValue = new Map<number, Set<number>>();
        for (const p of pixels) (byValue.get(src[p]) ?? byValue.set(src[p], new Set()).get(src[p])!).add(m[p]);
        // Every value is pasted everywhere or nowhere.
        for (const states of byValue.values()) expect(states.size).toBe(1);
        const chosen = [...byValue].filter(([, st]) => st.has(1)).map(([v]) => v);
        const has255 = byValue.has(255);
        if (has255) expect(chosen).toContain(255);
        // ⌊n/2⌋ values are drawn; 255 may be one of them, else it is added.
        const half = Math.floor(n / 2);
        expect(has255 ? [half, half + 1] : [half]).toContain(chosen.length);
      }
      // Mixed label and image follow the mask.
      const lab = numbers(label);
      m.forEach((k, p) => expect(lab[p]).toBe(k ? src[p] : tgt[p]));
      const img = numbers(image);
      const si = numbers(source);
      const ti = numbers(target);
      img.forEach((v, i) => {
        const b = Math.floor(i / (3 * H * W));
        const p = b * H * W + (i % (H * W));
        expect(v).toBe(m[p] ? si[i] : ti[i]);
      });
    }
  });

  test('deterministic for a seed, different across seeds', () => {
    const masks = [1, 1, 2, 3, 4].map((seed) => numbers(classMix(source, sourceLabels, target, targetLabels, new Generator({ seed })).mask).join(''));
    expect(masks[0]).toBe(masks[1]);
    expect(new Set(masks).size).toBeGreaterThan(1);
  });

  test('shapes are checked; no tensor outlives a call', () => {
    const rng = new Generator({ seed: 0 });
    expect(() => classMix(source, sourceLabels, cat([target, target], 0), targetLabels, rng)).toThrow(/target has shape \[4, 3, 6, 8\]/);
    expect(() => classMix(source, sourceLabels.slice(1, 0, 2), target, targetLabels, rng)).toThrow(/sourceLabels must be \(B, H, W\) = \[2, 6, 8\]/);
    expectNoLeak(() => classMix(source, sourceLabels, target, targetLabels, rng));
  });
});
