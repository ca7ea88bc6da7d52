// The adaptation loaders' transforms (DIGA-UDA.md §1): resize, flip, crop or rescale-and-crop,
// and the source redraw, all from the plan's random state.
import { describe, expect, it } from 'vitest';
import { adaptSample, cropOrResize, drawAdaptationCrop, rescaleThenCrop, type AdaptationConfig } from '../../src/data/adaptation.js';
import { createAdaptationLoader } from '../../src/data/adaptation-loader.js';
import type { Sample } from '../../src/data/sample-source.js';
import type { Batch } from '../../src/data/loader.js';
import { Rng } from '../../src/data/random.js';
import { classDiversity } from '../../src/data/redraw.js';
import type { SampleSource } from '../../src/data/sample-source.js';
import { TwoScaleSampler } from '../../src/data/sampler.js';
import { cropSample, resizeSample } from '../../src/data/transforms.js';

/** A sample whose label is `id(x, y)` and whose image encodes the position. */
function sample(width: number, height: number, id: (x: number, y: number) => number, name = 's'): Sample {
  const label = Buffer.alloc(width * height);
  const image = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      label[y * width + x] = id(x, y);
      image.set([(x * 5) % 256, (y * 5) % 256, id(x, y) * 10], (y * width + x) * 3);
    }
  }
  return { name, image: { data: image, width, height }, label: { data: label, width, height } };
}

/** Mostly road (0); three classes in the rightmost 10 columns: most 10x10 crops show one class. */
const sparse = () => sample(40, 40, (x, y) => (x < 30 ? 0 : [1, 2, 255][Math.floor(y / 14)]));
const same = (a: Sample, b: Sample) => a.image.data.equals(b.image.data) && a.label!.data.equals(b.label!.data);

/** An Rng stand-in whose uniform draws are all `factor`; it records the bounds of integer draws. */
function recordingRng(factor: number) {
  const ints: number[] = [];
  const rng = { range: () => factor, int: (n: number) => (ints.push(n), 0), bool: () => false };
  return { rng: rng as unknown as Rng, ints };
}

describe('crop and rescale-and-crop', () => {
  it('crops uniformly where the image is large enough, and resizes to the crop where it is not', async () => {
    const s = sparse();
    const rng = Rng.fromSeed(3);
    const probe = rng.clone();
    const out = await cropOrResize(s, { height: 10, width: 12 }, rng, false);
    const x = probe.int(40 - 12 + 1);
    const y = probe.int(40 - 10 + 1);
    expect(same(out, cropSample(s, x, y, { height: 10, width: 12 }))).toBe(true);
    // Taller than the image on one side only: resized (bilinear / nearest), no random draw.
    const before = JSON.stringify(rng.state());
    const tall = await cropOrResize(s, { height: 50, width: 20 }, rng, false);
    expect(JSON.stringify(rng.state())).toBe(before);
    expect(same(tall, await resizeSample(s, { height: 50, width: 20 }, 'linear'))).toBe(true);
  });

  it('truncates the rescaled size to integers (not rounding)', async () => {
    const s = sample(10, 12, () => 0);
    const { rng, ints } = recordingRng(0.75);
    // 10 * 0.75 = 7.5 → 7 wide (rounding would give 8), 12 * 0.75 = 9 high.
    await rescaleThenCrop(s, { height: 5, width: 5 }, rng, false);
    expect(ints).toEqual([7 - 5 + 1, 9 - 5 + 1]);
  });
});

describe('source redraw', () => {
  const config: AdaptationConfig = { crop: { height: 10, width: 10 }, low: { height: 40, width: 40 }, high: { height: 80, width: 80 }, transform: 'crop', redraw: true };

  it('redraws from the same resized image until the crop shows enough classes', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, seed) => adaptSample('low', sparse(), config, Rng.fromSeed(seed))));
    const draws = results.map((r) => r.draws);
    expect(Math.max(...draws)).toBeGreaterThan(1);
    for (const r of results) {
      if (r.draws < 5) expect(classDiversity(r.sample.label!.data).accept).toBe(true);
    }
    // Each result is the draws replayed by hand: flip/crop after flip/crop from one generator.
    for (const [seed, r] of results.entries()) {
      const rng = Rng.fromSeed(seed);
      let kept: Sample | undefined;
      for (let n = 1; n <= r.draws; n++) kept = await drawAdaptationCrop(sparse(), config, rng);
      expect(same(r.sample, kept as Sample)).toBe(true);
    }
  });

  it('keeps the fifth draw when none is diverse enough, and draws once without redraw', async () => {
    const flat = sample(40, 40, () => 4);
    const capped = await adaptSample('low', flat, config, Rng.fromSeed(1));
    expect(capped.draws).toBe(5);
    const rng = Rng.fromSeed(1);
    let fifth: Sample | undefined;
    for (let n = 0; n < 5; n++) fifth = await drawAdaptationCrop(flat, config, rng);
    expect(same(capped.sample, fifth as Sample)).toBe(true);
    const once = await adaptSample('low', sparse(), { ...config, redraw: false }, Rng.fromSeed(1));
    expect(once.draws).toBe(1);
    expect(same(once.sample, await drawAdaptationCrop(sparse(), config, Rng.fromSeed(1)))).toBe(true);
  });

  it('resizes each part to its own size first (bicubic image, nearest labels)', async () => {
    const s = sparse();
    const crop = { ...config, crop: { height: 80, width: 80 }, redraw: false };
    const { sample: out } = await adaptSample('high', s, crop, Rng.fromSeed(0).fork('noflip'));
    const resized = await resizeSample(s, { height: 80, width: 80 }, 'cubic');
    const flipped = await drawAdaptationCrop(resized, crop, Rng.fromSeed(0).fork('noflip'));
    expect(same(out, flipped)).toBe(true);
    await expect(adaptSample('mid' as 'low', s, config, Rng.fromSeed(0))).rejects.toThrow(/unknown batch part mid/);
    await expect(adaptSample('low', s, { ...config, transform: 'zoom' as 'crop' }, Rng.fromSeed(0))).rejects.toThrow(/unknown adaptation transform zoom/);
  });
});

/** Samples of different sizes (as a source set's images may be), read from memory. */
function memorySource(count: number): SampleSource {
  const samples = Array.from({ length: count }, (_, i) => sample(50 + 10 * i, 30 + 4 * i, (x, y) => (x + 3 * y + i) % 7, `img${i}`));
  return {
    size: count,
    hasLabels: true,
    hasPseudo: false,
    read: async (index) => samples[index],
    sampleError: (index, err) => new Error(`sample ${index}: ${String(err)}`),
    validate: async () => undefined,
  };
}

async function take(loader: AsyncIterator<Batch>, n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for (let i = 0; i < n; i++) out.push((await loader.next()).value as Batch);
  return out;
}

describe('adaptation loader', () => {
  const config: AdaptationConfig = {
    crop: { height: 16, width: 24 },
    low: { height: 20, width: 40 },
    high: { height: 40, width: 80 },
    transform: 'rescale-crop',
    redraw: true,
  };

  it('gives low then high samples, all of the crop size, the same whatever the concurrency, and resumes exactly', async () => {
    const dataset = memorySource(5);
    const make = (concurrency: number, sampler = TwoScaleSampler.create({ size: 5, seed: 9, low: 1, high: 2 })) =>
      createAdaptationLoader({ dataset, sampler, config, concurrency });
    const a = make(1);
    const first = await take(a, 3);
    expect(first[0]).toMatchObject({ n: 3, height: 16, width: 24, recipes: ['low', 'high', 'high'] });
    const b = make(4);
    const again = await take(b, 3);
    again.forEach((batch, i) => {
      expect(batch.images.equals(first[i].images)).toBe(true);
      expect(batch.labels.equals(first[i].labels)).toBe(true);
    });
    // Resume after two batches: the third is the same.
    const c = make(1);
    await take(c, 2);
    const resumed = make(2, TwoScaleSampler.restore(c.samplerState()));
    const [third] = await take(resumed, 1);
    expect(third.images.equals(first[2].images)).toBe(true);
    expect(third.indices).toEqual(first[2].indices);
    await Promise.all([a.close(), b.close(), c.close(), resumed.close()]);
  });

  it('refuses a sampler planning a semi-supervised high recipe', () => {
    const sampler = TwoScaleSampler.create({ size: 5, seed: 0, highRecipe: 'high-rescale' });
    expect(() => createAdaptationLoader({ dataset: memorySource(5), sampler, config })).toThrow(/takes its transform from its config/);
  });
});
