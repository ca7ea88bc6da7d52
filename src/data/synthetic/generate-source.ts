/**
 * Writes a generated labelled *source* set in the GTA5 layout, for domain adaptation demos:
 *   <out>/images/00001.png ...   (the flat look: same scene generator, different appearance)
 *   <out>/labels/00001.png ...   (8-bit Cityscapes label ids, as GTA5's labels)
 *   <out>/train.txt              (the names, one per line; written last, so it marks a complete set)
 *   <out>/synthetic-source.json  (the options and a summary)
 * Scenes come from their own random stream, so a source set and a target set made with the
 * same seed do not show the same streets.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../checkpoint/atomic.js';
import { CLASS_NAMES } from '../../labels/cityscapes.js';
import { formatList } from '../lists.js';
import { Rng } from '../random.js';
import { renderScenes } from './render-pool.js';

export interface GenerateSourceOptions {
  out: string;
  /** Number of images. */
  count: number;
  height: number;
  width: number;
  seed: number;
  /** Images rendered, encoded and written at once (default max(4, 2 * workers)). */
  concurrency?: number;
  /** Worker threads rendering scenes (default one per core, at most 4; 0: the calling thread). */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateSourceSummary {
  out: string;
  count: number;
  height: number;
  width: number;
  seed: number;
  look: 'flat';
  /** The list file of names. */
  list: string;
  images: string;
  labels: string;
  /** Pixels of each Cityscapes train id over all labels. */
  classPixels: number[];
  ignoredPixels: number;
  classesPresent: string[];
  seconds: number;
  imagesPerSecond: number;
}

/** GTA5-style names: 00001.png, ... (wider only past 99 999 images). */
export function sourceImageName(index: number, count: number): string {
  return `${String(index + 1).padStart(Math.max(5, String(count).length), '0')}.png`;
}

function checkOptions(o: GenerateSourceOptions): void {
  const atLeast = (n: number, what: string, min: number) => {
    if (!Number.isInteger(n) || n < min) throw new Error(`${what} must be an integer >= ${min}, got ${n}`);
  };
  atLeast(o.count, 'source image count', 1);
  atLeast(o.height, 'height', 16);
  atLeast(o.width, 'width', 16);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`seed must be a non-negative integer, got ${o.seed}`);
  if (o.concurrency !== undefined) atLeast(o.concurrency, 'concurrency', 1);
  if (o.workers !== undefined) atLeast(o.workers, 'workers', 0);
}

export async function generateSourceDataset(options: GenerateSourceOptions): Promise<GenerateSourceSummary> {
  checkOptions(options);
  const started = performance.now();
  const out = path.resolve(options.out);
  const images = path.join(out, 'images');
  const labels = path.join(out, 'labels');
  await mkdir(images, { recursive: true });
  await mkdir(labels, { recursive: true });
  const stream = Rng.fromSeed(options.seed).fork('source');
  const names = Array.from({ length: options.count }, (_, i) => sourceImageName(i, options.count));

  const jobs = names.map((name, i) => ({
    request: { rng: stream.fork(i).state(), width: options.width, height: options.height, shift: 'flat' } as const,
    image: path.join(images, name),
    label: path.join(labels, name),
  }));
  const { classPixels, ignoredPixels } = await renderScenes(jobs, { workers: options.workers, concurrency: options.concurrency, compressionLevel: 3, onProgress: options.onProgress });

  const list = path.join(out, 'train.txt');
  writeFileAtomic(list, [Buffer.from(formatList(names))]);
  const seconds = (performance.now() - started) / 1000;
  const summary: GenerateSourceSummary = {
    out,
    count: options.count,
    height: options.height,
    width: options.width,
    seed: options.seed,
    look: 'flat',
    list,
    images,
    labels,
    classPixels,
    ignoredPixels,
    classesPresent: CLASS_NAMES.filter((_, id) => classPixels[id] > 0),
    seconds,
    imagesPerSecond: names.length / seconds,
  };
  writeFileAtomic(path.join(out, 'synthetic-source.json'), [Buffer.from(`${JSON.stringify(summary, null, 2)}\n`)]);
  return summary;
}
