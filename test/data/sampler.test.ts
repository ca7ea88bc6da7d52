import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/random.js';
import { ShuffledStream, TwoScaleSampler } from '../../src/data/sampler.js';

describe('ShuffledStream', () => {
  it('visits every index once per epoch, in a new order each epoch', () => {
    const s = ShuffledStream.create(10, Rng.fromSeed(1));
    const e1 = Array.from({ length: 10 }, () => s.next());
    const e2 = Array.from({ length: 10 }, () => s.next());
    expect([...e1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...e2].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e2);
    expect(s.progress).toBe(2);
  });

  it('resumes from its state', () => {
    const a = ShuffledStream.create(7, Rng.fromSeed(2));
    for (let i = 0; i < 9; i++) a.next();
    const b = ShuffledStream.restore(JSON.parse(JSON.stringify(a.state())));
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(Array.from({ length: 20 }, () => a.next()));
    expect(() => ShuffledStream.create(0, Rng.fromSeed(1))).toThrow(/set of 0 items/);
  });
});

describe('TwoScaleSampler', () => {
  it('plans 1 low + 2 high samples per step by default, each with its own transform state', () => {
    const s = TwoScaleSampler.create({ size: 5, seed: 3 });
    const plan = s.next();
    expect(plan.step).toBe(0);
    expect(plan.samples.map((x) => x.recipe)).toEqual(['low', 'high', 'high']);
    const states = new Set(plan.samples.map((x) => JSON.stringify(x.rng)));
    expect(states.size).toBe(3);
    expect(s.next().step).toBe(1);
  });

  it('honours counts and the rescale recipe', () => {
    const s = TwoScaleSampler.create({ size: 5, seed: 3, low: 2, high: 1, highRecipe: 'high-rescale' });
    expect(s.next().samples.map((x) => x.recipe)).toEqual(['low', 'low', 'high-rescale']);
    expect(s.batchSize).toBe(3);
    expect(() => TwoScaleSampler.create({ size: 5, seed: 1, low: 0, high: 0 })).toThrow(/at least one sample/);
  });

  it('is deterministic for a seed and resumes exactly from its state', () => {
    const run = (seed: number, n: number) => {
      const s = TwoScaleSampler.create({ size: 9, seed });
      return Array.from({ length: n }, () => s.next());
    };
    expect(run(4, 12)).toEqual(run(4, 12));
    expect(run(4, 12)).not.toEqual(run(5, 12));
    const a = TwoScaleSampler.create({ size: 9, seed: 4 });
    for (let i = 0; i < 5; i++) a.next();
    const b = TwoScaleSampler.restore(JSON.parse(JSON.stringify(a.state())));
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(Array.from({ length: 10 }, () => a.next()));
  });

  it('covers the whole set in each part over an epoch', () => {
    const s = TwoScaleSampler.create({ size: 6, seed: 8 });
    const high: number[] = [];
    const low: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (const x of s.next().samples) (x.recipe === 'low' ? low : high).push(x.index);
    }
    expect([...low].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(high).size).toBe(6);
  });
});
