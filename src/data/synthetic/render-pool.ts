// Renders a list of scenes and writes each as an image PNG and a label-id PNG, a bounded
// number in flight (on worker threads, or inline), counting every pixel by train id. Both
// generators (the Cityscapes-layout set and the adaptation's source set) run through here.
import { rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { LABEL_ID_TO_TRAIN_ID, NUM_CLASSES } from '../../labels/cityscapes.js';
import { inlineRenderer, workerRenderer, type SceneRequest } from './renderers.js';

/** One render thread per core, at most 4. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Writes a file under a temporary name, then renames it into place. */
export async function writeInPlace(file: string, bytes: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new Error(`cannot write ${file}: ${(err as Error).message}`);
  }
}

/** A scene to render and where its two PNGs go. */
export interface SceneJob {
  request: SceneRequest;
  image: string;
  label: string;
}

export interface RenderPoolOptions {
  /** Render threads (0: inline; default: defaultWorkers()). */
  workers?: number;
  /** Scenes in flight (default: max(4, 2 × threads)). */
  concurrency?: number;
  /** zlib level of the image PNGs (labels always use 6). */
  compressionLevel: number;
  onProgress?: (done: number, total: number) => void;
}

/** Pixels of each train id over every label written, and the ignored ones. */
export interface PixelCounts {
  classPixels: number[];
  ignoredPixels: number;
}

/** Renders and writes every job; the first failure stops new renders and is thrown once the others settle. */
export async function renderScenes(jobs: readonly SceneJob[], o: RenderPoolOptions): Promise<PixelCounts> {
  sharp.concurrency(1);
  const renderer = o.workers === 0 ? inlineRenderer() : workerRenderer(o.workers ?? defaultWorkers());
  const classPixels = new Array<number>(NUM_CLASSES).fill(0);
  let ignoredPixels = 0;
  let done = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  const limit = o.concurrency ?? Math.max(4, 2 * renderer.threads);
  try {
    for (const job of jobs) {
      while (inFlight.size >= limit) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const task = renderer
        .render(job.request)
        .then(async (scene) => {
          for (const id of scene.labelIds) {
            const t = LABEL_ID_TO_TRAIN_ID[id];
            if (t === 255) ignoredPixels++;
            else classPixels[t]++;
          }
          const raw = { width: scene.width, height: scene.height };
          const [imagePng, labelPng] = await Promise.all([
            sharp(scene.image, { raw: { ...raw, channels: 3 } }).png({ compressionLevel: o.compressionLevel }).toBuffer(),
            sharp(scene.labelIds, { raw: { ...raw, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 6 }).toBuffer(),
          ]);
          await Promise.all([writeInPlace(job.image, imagePng), writeInPlace(job.label, labelPng)]);
        })
        .then(
          () => o.onProgress?.(++done, jobs.length),
          (err: unknown) => {
            failure ??= err;
          },
        );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      // Rendering inline blocks this thread: let finished encodes be written between scenes.
      if (renderer.threads === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all(inFlight);
  } finally {
    await renderer.close();
  }
  if (failure !== undefined) throw failure;
  return { classPixels, ignoredPixels };
}
