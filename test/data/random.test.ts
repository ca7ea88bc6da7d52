import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/random.js';

const draw = (r: Rng, n: number) => Array.from({ length: n }, () => r.nextUint32());

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(draw(Rng.fromSeed(42), 8)).toEqual(draw(Rng.fromSeed(42), 8));
    expect(draw(Rng.fromSeed(42), 8)).not.toEqual(draw(Rng.fromSeed(43), 8));
  });

  it('matches the xoshiro128** reference sequence', () => {
    // First outputs of xoshiro128** from state (1, 2, 3, 4), from the reference C code.
    const r = Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4] });
    expect(draw(r, 4)).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('serialises its state and resumes exactly', () => {
    const a = Rng.fromSeed(7);
    draw(a, 13);
    const saved = JSON.parse(JSON.stringify(a.state()));
    const b = Rng.fromState(saved);
    expect(draw(b, 20)).toEqual(draw(a, 20));
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(/not a random generator state/);
    expect(() => Rng.fromState({ s: [1, 2] } as never)).toThrow(/not a random generator state/);
  });

  it('forks reproducible, independent streams without advancing the parent', () => {
    const parent = Rng.fromSeed(1);
    const before = parent.state();
    const x = draw(parent.fork('crop'), 5);
    expect(parent.state()).toEqual(before);
    expect(draw(parent.fork('crop'), 5)).toEqual(x);
    expect(draw(parent.fork('flip'), 5)).not.toEqual(x);
    expect(draw(parent.fork(3), 5)).not.toEqual(draw(parent.fork(4), 5));
    // Neighbouring seeds and forks must not give correlated first draws.
    let agree = 0;
    for (let i = 0; i < 2000; i++) {
      const a = Rng.fromSeed(i).fork('x').uniform() < 0.5;
      const b = Rng.fromSeed(i + 1).fork('x').uniform() < 0.5;
      if (a === b) agree++;
    }
    expect(agree / 2000).toBeGreaterThan(0.45);
    expect(agree / 2000).toBeLessThan(0.55);
  });

  it('draws uniform values and unbiased integers in range', () => {
    const r = Rng.fromSeed(3);
    const counts = new Array(6).fill(0);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 60000; i++) {
      const u = r.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      counts[r.int(6)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 60000).toBeCloseTo(0.5, 2);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow(/positive integer/);
    const range = Array.from({ length: 1000 }, () => r.range(0.7, 1));
    expect(Math.min(...range)).toBeGreaterThanOrEqual(0.7);
    expect(Math.max(...range)).toBeLessThan(1);
  });

  it('shuffles into a permutation, deterministically', () => {
    const p = Rng.fromSeed(9).permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).toEqual(Rng.fromSeed(9).permutation(50));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
