/**
 * Data-loader throughput: two-scale batches per second as fast as a consumer can take them,
 * images per second, and the CPU each batch costs the JS thread (time the event loop was busy)
 * and the whole process (JS thread plus libuv's pool, where sharp decodes and resizes).
 * Without a dataset, a synthetic one is generated in a temporary folder (and its generation
 * speed reported too).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CityscapesDataset } from '../data/dataset.js';
import { createTwoScaleLoader } from '../data/loader.js';
import { TwoScaleSampler } from '../data/sampler.js';
import { generateDataset } from '../data/synthetic/generate.js';
import type { Size } from '../data/transforms.js';

export interface BenchLoaderOptions {
  /** Dataset root; omitted: a synthetic dataset is generated for the run. */
  root?: string;
  split?: string;
  imageList?: string;
  labelList?: string;
  /** Full size (default: the dataset's image size) and crop size (default: half of it). */
  full?: Size;
  crop?: Size;
  /** Timed steps (default 20) after untimed warm-up steps (default 2). */
  steps?: number;
  warmup?: number;
  depth?: number;
  concurrency?: number;
  highRecipe?: 'high' | 'high-rescale';
  seed?: number;
  /** Size and count of the generated dataset (default 256x512, 24 images). */
  generate?: { height: number; width: number; train: number };
}

export interface BenchLoaderResult {
  dataset: string;
  imageSize: Size;
  crop: Size;
  batchSize: number;
  steps: number;
  depth: number;
  concurrency: number;
  stepsPerSecond: number;
  imagesPerSecond: number;
  /** Milliseconds the JS thread was busy per batch. */
  jsCpuMsPerBatch: number;
  /** CPU milliseconds of the whole process per batch (JS thread and thread pool). */
  processCpuMsPerBatch: number;
  /** Generation speed of the synthetic dataset, when one was generated. */
  generatedImagesPerSecond?: number;
}

export async function benchLoader(options: BenchLoaderOptions = {}): Promise<BenchLoaderResult> {
  let temp: string | undefined;
  let generatedImagesPerSecond: number | undefined;
  let root = options.root;
  let imageList = options.imageList;
  let labelList = options.labelList;
  let split = options.split ?? 'train';
  try {
    if (root === undefined) {
      temp = mkdtempSync(path.join(tmpdir(), 'diga-bench-loader-'));
      const g = options.generate ?? { height: 256, width: 512, train: 24 };
      const summary = await generateDataset({ out: temp, train: g.train, val: 0, height: g.height, width: g.width, seed: options.seed ?? 0 });
      generatedImagesPerSecond = summary.imagesPerSecond;
      root = temp;
      imageList = summary.lists.train.images;
      labelList = summary.lists.train.labels;
      split = 'train';
    }
    if (imageList === undefined) throw new Error('benchLoader needs imageList when root is given');
    const dataset = await CityscapesDataset.open({ root, split, imageList, labelList });
    const first = await dataset.read(0);
    const full = options.full ?? { height: first.image.height, width: first.image.width };
    const crop = options.crop ?? { height: Math.floor(full.height / 2), width: Math.floor(full.width / 2) };
    const steps = options.steps ?? 20;
    const warmup = options.warmup ?? 2;
    const depth = options.depth ?? 2;
    const concurrency = options.concurrency ?? 4;
    const loader = createTwoScaleLoader({
      dataset,
      sampler: TwoScaleSampler.create({ size: dataset.size, seed: options.seed ?? 0, highRecipe: options.highRecipe }),
      config: { crop, full },
      depth,
      concurrency,
      steps: warmup + steps,
    });
    let batchSize = 0;
    for (let i = 0; i < warmup; i++) batchSize = (await loader.next()).value?.n ?? 0;
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const started = performance.now();
    let images = 0;
    for await (const batch of loader) {
      images += batch.n;
      batchSize = batch.n;
    }
    const seconds = (performance.now() - started) / 1000;
    const busy = performance.eventLoopUtilization(elu);
    const used = process.cpuUsage(cpu);
    return {
      dataset: root,
      imageSize: { height: first.image.height, width: first.image.width },
      crop,
      batchSize,
      steps,
      depth,
      concurrency,
      stepsPerSecond: steps / seconds,
      imagesPerSecond: images / seconds,
      jsCpuMsPerBatch: busy.active / steps,
      processCpuMsPerBatch: (used.user + used.system) / 1000 / steps,
      generatedImagesPerSecond,
    };
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
