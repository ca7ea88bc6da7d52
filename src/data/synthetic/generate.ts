/**
 * Writes a generated street-scene dataset in the Cityscapes layout:
 *   <out>/leftImg8bit/{train,val}/<city>/<name>_leftImg8bit.png
 *   <out>/gtFine/{train,val}/<city>/<name>_gtFine_labelIds.png   (real Cityscapes label ids)
 *   <out>/lists/...                                               (same names as the published lists)
 *   <out>/synthetic.json                                          (the options and a summary)
 * Scenes are rendered on worker threads (or the calling thread) while sharp encodes earlier ones
 * on libuv's pool. Image
 * files are renamed into place once complete; the lists are written last, so a dataset whose
 * lists exist is complete.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../checkpoint/atomic.js';
import { CLASS_NAMES } from '../../labels/cityscapes.js';
import { formatList, type ListPair } from '../lists.js';
import { Rng } from '../random.js';
import { renderScenes } from './render-pool.js';
import { SHIFT_NAMES, type ShiftName } from './style.js';

export interface GenerateOptions {
  /** Output root. */
  out: string;
  /** Number of training images. */
  train: number;
  /** Number of validation images. */
  val: number;
  height: number;
  width: number;
  seed: number;
  /** Fraction of the training images in the labelled list (default 1/8). */
  labelledFraction?: number;
  /** Look of the unlabelled training images (default `none`: the same daylight look). */
  shift?: ShiftName;
  /** Give the validation images the shifted look too (default false). */
  shiftVal?: boolean;
  /** Images rendered, encoded and written at once (default max(4, 2 * workers)). */
  concurrency?: number;
  /**
   * Worker threads rendering scenes (default: one per core, at most 4; 0 renders on the calling
   * thread). Output is identical either way. Workers need the compiled JavaScript: from the
   * TypeScript sources the generator renders on the calling thread.
   */
  workers?: number;
  /** PNG compression level 0-9 of the images (default 3: fast, files about as small as at 6). */
  compressionLevel?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateSummary {
  out: string;
  train: number;
  val: number;
  height: number;
  width: number;
  seed: number;
  labelledFraction: number;
  shift: ShiftName;
  shiftVal: boolean;
  /** Name of the split in the list file names, e.g. `1-8`. */
  splitName: string;
  labelled: number;
  unlabelled: number;
  lists: {
    train: ListPair;
    val?: ListPair;
    labelled: ListPair;
    unlabelled?: ListPair;
  };
  /** Pixels of each train id over all generated labels (index = train id). */
  classPixels: number[];
  /** Pixels labelled 255 (ignored). */
  ignoredPixels: number;
  /** Train ids present in at least one label. */
  classesPresent: string[];
  seconds: number;
  imagesPerSecond: number;
}

const TRAIN_CITIES = ['northbridge', 'eastmoor', 'southvale'];
const VAL_CITIES = ['westholm'];

function checkOptions(o: GenerateOptions): void {
  const positive = (n: number, what: string, min: number) => {
    if (!Number.isInteger(n) || n < min) throw new Error(`${what} must be an integer >= ${min}, got ${n}`);
  };
  positive(o.train, 'train image count', 1);
  positive(o.val, 'val image count', 0);
  positive(o.height, 'height', 16);
  positive(o.width, 'width', 16);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new Error(`seed must be a non-negative integer, got ${o.seed}`);
  const f = o.labelledFraction ?? 0.125;
  if (!(f > 0 && f <= 1)) throw new Error(`labelled fraction must be in (0, 1], got ${f}`);
  const shift = o.shift ?? 'none';
  if (!SHIFT_NAMES.includes(shift)) throw new Error(`unknown shift ${shift}; expected one of ${SHIFT_NAMES.join(', ')}`);
  if (o.concurrency !== undefined) positive(o.concurrency, 'concurrency', 1);
  if (o.workers !== undefined) positive(o.workers, 'workers', 0);
  const level = o.compressionLevel ?? 3;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new Error(`compression level must be 0-9, got ${level}`);
}

/** `1-8` for 1/8; otherwise the percentage, e.g. `p30`. */
export function splitName(fraction: number): string {
  const inverse = 1 / fraction;
  if (Math.abs(inverse - Math.round(inverse)) < 1e-9) return `1-${Math.round(inverse)}`;
  return `p${Math.round(fraction * 1000) / 10}`;
}

interface Item {
  split: 'train' | 'val';
  index: number;
  city: string;
  stem: string;
  shifted: boolean;
}

function frameName(city: string, index: number): string {
  return `${city}_${String(index).padStart(6, '0')}_000019`;
}

/** Generates the dataset; resolves with a summary once every file and list is written. */
export async function generateDataset(options: GenerateOptions): Promise<GenerateSummary> {
  checkOptions(options);
  const started = performance.now();
  const out = path.resolve(options.out);
  const fraction = options.labelledFraction ?? 0.125;
  const shift = options.shift ?? 'none';
  const shiftVal = options.shiftVal ?? false;
  const level = options.compressionLevel ?? 3;
  const root = Rng.fromSeed(options.seed);

  // Which training images are labelled is decided first: the unlabelled ones get the shifted look.
  const labelledCount = Math.max(1, Math.round(options.train * fraction));
  const labelledSet = new Set(root.fork('split').permutation(options.train).slice(0, labelledCount));
  const items: Item[] = [];
  for (let i = 0; i < options.train; i++) {
    const city = TRAIN_CITIES[i % TRAIN_CITIES.length];
    items.push({ split: 'train', index: i, city, stem: frameName(city, i), shifted: shift !== 'none' && !labelledSet.has(i) });
  }
  for (let i = 0; i < options.val; i++) {
    const city = VAL_CITIES[i % VAL_CITIES.length];
    items.push({ split: 'val', index: i, city, stem: frameName(city, i), shifted: shift !== 'none' && shiftVal });
  }
  for (const split of ['train', 'val']) {
    for (const city of split === 'train' ? TRAIN_CITIES : VAL_CITIES) {
      await mkdir(path.join(out, 'leftImg8bit', split, city), { recursive: true });
      await mkdir(path.join(out, 'gtFine', split, city), { recursive: true });
    }
  }

  const streams = { train: root.fork('train'), val: root.fork('val') };
  const jobs = items.map((item) => ({
    request: { rng: streams[item.split].fork(item.index).state(), width: options.width, height: options.height, shift: item.shifted ? shift : 'none' } as const,
    image: path.join(out, 'leftImg8bit', item.split, item.city, `${item.stem}_leftImg8bit.png`),
    label: path.join(out, 'gtFine', item.split, item.city, `${item.stem}_gtFine_labelIds.png`),
  }));
  const { classPixels, ignoredPixels } = await renderScenes(jobs, { workers: options.workers, concurrency: options.concurrency, compressionLevel: level, onProgress: options.onProgress });

  const summary = writeLists(out, items, labelledSet, fraction);
  const seconds = (performance.now() - started) / 1000;
  const result: GenerateSummary = {
    out,
    train: options.train,
    val: options.val,
    height: options.height,
    width: options.width,
    seed: options.seed,
    labelledFraction: fraction,
    shift,
    shiftVal,
    splitName: splitName(fraction),
    labelled: labelledSet.size,
    unlabelled: options.train - labelledSet.size,
    lists: summary,
    classPixels,
    ignoredPixels,
    classesPresent: CLASS_NAMES.filter((_, id) => classPixels[id] > 0),
    seconds,
    imagesPerSecond: items.length / seconds,
  };
  writeFileAtomic(path.join(out, 'synthetic.json'), [Buffer.from(`${JSON.stringify(result, null, 2)}\n`)]);
  return result;
}

function writeLists(out: string, items: Item[], labelled: Set<number>, fraction: number): GenerateSummary['lists'] {
  const dir = path.join(out, 'lists');
  mkdirSync(path.join(dir, 'split_train'), { recursive: true });
  const write = (name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    writeFileAtomic(file, [Buffer.from(formatList(lines))]);
    return file;
  };
  const pair = (name: string, labelName: string, chosen: Item[]): ListPair => ({
    images: write(name, chosen.map((i) => `${i.city}/${i.stem}_leftImg8bit.png`)),
    labels: write(labelName, chosen.map((i) => `${i.city}/${i.stem}_gtFine_labelIds.png`)),
  });
  const train = items.filter((i) => i.split === 'train');
  const val = items.filter((i) => i.split === 'val');
  const lab = train.filter((i) => labelled.has(i.index));
  const unlab = train.filter((i) => !labelled.has(i.index));
  const s = splitName(fraction);
  return {
    train: pair('train.txt', 'train_label.txt', train),
    val: val.length > 0 ? pair('val.txt', 'val_label.txt', val) : undefined,
    labelled: pair(`split_train/train_image_labeled_${s}.txt`, `split_train/train_label_labeled_${s}.txt`, lab),
    unlabelled:
      unlab.length > 0
        ? pair(`split_train/train_image_unlabeled_${s}.txt`, `split_train/train_label_unlabeled_${s}.txt`, unlab)
        : undefined,
  };
}
