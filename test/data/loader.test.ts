import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CityscapesDataset } from '../../src/data/dataset.js';
import { createSequentialLoader, createTwoScaleLoader, type Batch } from '../../src/data/loader.js';
import { Limiter, Prefetcher } from '../../src/data/prefetch.js';
import { TwoScaleSampler } from '../../src/data/sampler.js';
import type { GenerateSummary } from '../../src/data/synthetic/generate.js';
import type { TwoScaleConfig } from '../../src/data/transforms.js';
import { makeDataset } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Prefetcher', () => {
  it('delivers in plan order although items finish out of order', async () => {
    let n = 0;
    const p = new Prefetcher<number, number>({
      depth: 4,
      plan: () => (n < 10 ? n++ : undefined),
      produce: async (i) => {
        await sleep((10 - i) * 2);
        return i * i;
      },
    });
    const got: number[] = [];
    for await (const v of p) got.push(v);
    expect(got).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  });

  it('never holds more than `depth` items ahead of the consumer', async () => {
    let n = 0;
    let started = 0;
    let consumed = 0;
    let maxAhead = 0;
    const p = new Prefetcher<number, number>({
      depth: 3,
      plan: () => n++,
      produce: async (i) => {
        started++;
        maxAhead = Math.max(maxAhead, started - consumed);
        await sleep(1);
        return i;
      },
    });
    for (let i = 0; i < 15; i++) {
      const r = await p.next();
      expect(r.value).toBe(i);
      consumed++;
      await sleep(3); // a slow consumer: the queue fills up to its bound
      expect(p.stats().queued).toBeLessThanOrEqual(3);
    }
    await p.close();
    expect(maxAhead).toBeLessThanOrEqual(4);
    expect(started).toBeLessThanOrEqual(15 + 3);
  });

  it('surfaces an error at the item that failed, then stops', async () => {
    let n = 0;
    const p = new Prefetcher<number, number>({
      depth: 3,
      plan: () => n++,
      produce: async (i) => {
        if (i === 2) throw new Error('item 2 broke: /data/x.png');
        return i;
      },
    });
    expect((await p.next()).value).toBe(0);
    expect((await p.next()).value).toBe(1);
    await expect(p.next()).rejects.toThrow('/data/x.png');
    await expect(p.next()).rejects.toThrow('/data/x.png');
  });

  it('closes cleanly when a for-await loop stops early, waiting for work in flight', async () => {
    let n = 0;
    let running = 0;
    const p = new Prefetcher<number, number>({
      depth: 3,
      plan: () => n++,
      produce: async (i) => {
        running++;
        await sleep(5);
        running--;
        return i;
      },
    });
    for await (const v of p) if (v === 2) break;
    expect(running).toBe(0);
    expect((await p.next()).done).toBe(true);
    const planned = n;
    await sleep(10);
    expect(n).toBe(planned);
  });
});

describe('Limiter', () => {
  it('caps tasks in flight', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(2);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(limiter.running).toBe(0);
  });
});

describe('batch loaders on a generated dataset', () => {
  let data: GenerateSummary;
  let ds: CityscapesDataset;
  const config: TwoScaleConfig = { crop: { height: 32, width: 64 }, full: { height: 64, width: 128 } };
  beforeAll(async () => {
    data = await makeDataset();
    ds = await CityscapesDataset.open({ root: data.out, split: 'train', imageList: data.lists.train.images, labelList: data.lists.train.labels });
  });

  async function take(loader: AsyncIterableIterator<Batch> & { close(): Promise<void> }, n: number): Promise<Batch[]> {
    const out: Batch[] = [];
    for (let i = 0; i < n; i++) out.push((await loader.next()).value as Batch);
    await loader.close();
    return out;
  }

  it('delivers two-scale batches of plain buffers, in step order', async () => {
    const loader = createTwoScaleLoader({ dataset: ds, sampler: TwoScaleSampler.create({ size: ds.size, seed: 1 }), config, depth: 2, concurrency: 3 });
    const batches = await take(loader, 4);
    batches.forEach((b, i) => {
      expect(b.step).toBe(i);
      expect([b.n, b.height, b.width]).toEqual([3, 32, 64]);
      expect(b.images.length).toBe(3 * 32 * 64 * 3);
      expect(b.labels.length).toBe(3 * 32 * 64);
      expect(b.pseudo).toBeUndefined();
      expect(b.recipes).toEqual(['low', 'high', 'high']);
      expect(b.names).toHaveLength(3);
      expect(b.labels.every((v) => v <= 18 || v === 255)).toBe(true);
    });
  });

  it('gives identical batches for a seed, whatever the concurrency, and resumes from its sampler state', async () => {
    const run = (concurrency: number, seed = 5) =>
      take(createTwoScaleLoader({ dataset: ds, sampler: TwoScaleSampler.create({ size: ds.size, seed }), config, concurrency, depth: 3 }), 5);
    const a = await run(1);
    const b = await run(4);
    a.forEach((batch, i) => {
      expect(batch.images.equals(b[i].images)).toBe(true);
      expect(batch.labels.equals(b[i].labels)).toBe(true);
      expect(batch.names).toEqual(b[i].names);
    });
    const c = await run(2, 6);
    expect(c.map((x) => x.images.toString('base64'))).not.toEqual(a.map((x) => x.images.toString('base64')));

    // Stop after 2 batches (more are prefetched), resume from the saved state: batches 2.. again.
    const first = createTwoScaleLoader({ dataset: ds, sampler: TwoScaleSampler.create({ size: ds.size, seed: 5 }), config, depth: 3 });
    await first.next();
    await first.next();
    const saved = JSON.parse(JSON.stringify(first.samplerState()));
    await first.close();
    const resumed = await take(createTwoScaleLoader({ dataset: ds, sampler: TwoScaleSampler.restore(saved), config }), 3);
    resumed.forEach((batch, i) => {
      expect(batch.step).toBe(i + 2);
      expect(batch.images.equals(a[i + 2].images)).toBe(true);
    });
  });

  it('surfaces a corrupt file at the consumer, naming it', async () => {
    const victim = ds.entry(4).image;
    const keep = readFileSync(victim);
    writeFileSync(victim, keep.subarray(0, 64));
    try {
      // Every index is visited within an epoch: 8 high-scale samples over 4 steps.
      const loader = createTwoScaleLoader({ dataset: ds, sampler: TwoScaleSampler.create({ size: ds.size, seed: 2 }), config, steps: 8 });
      const err = await (async () => {
        for await (const _ of loader) void _;
      })().catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(victim);
      expect((err as Error).message).toMatch(/list line 5 of .*train\.txt/);
    } finally {
      writeFileSync(victim, keep);
    }
  });

  it('passes over a dataset once in list order, with optional resize', async () => {
    const loader = createSequentialLoader({ dataset: ds, batchSize: 3, size: { height: 32, width: 64 } });
    const batches: Batch[] = [];
    for await (const b of loader) batches.push(b);
    expect(batches.map((b) => b.n)).toEqual([3, 3, 2]);
    expect(batches.flatMap((b) => b.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(batches.flatMap((b) => b.names)).toEqual(ds.entries.map((e) => e.name));
    const full = createSequentialLoader({ dataset: ds });
    const one = (await full.next()).value as Batch;
    await full.close();
    expect([one.height, one.width]).toEqual([64, 128]);
  });
});
