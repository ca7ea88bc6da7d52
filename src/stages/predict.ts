// `diga predict`: a trained network over a user's images. Decoding runs ahead of
// inference and encoding runs behind it (both in sharp's threads), so the network
// is rarely idle. Outputs mirror the input tree under one folder per kind. A corrupt
// image, or one over the pixel limit (told from its header, before it is decoded), is
// reported by name and skipped; the run goes on. No output is written outside
// <out>/<kind>/, over an input, or over an existing file without --overwrite. Every output
// is written whole or not at all, so Ctrl-C stops after the images under way and --resume
// takes an existing output as done.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import { saveTensors } from '../checkpoint/tensors.js';
import { collectImages, type ImageInput } from '../data/image-inputs.js';
import { decodeImage, imageSize, readBytes, type RgbImage } from '../data/images.js';
import { encodeGreyPng, encodePalettePng, encodeRgb, overlay } from '../data/writers.js';
import { FolderLock } from '../engine/run/folder-lock.js';
import { InterruptFlag } from '../engine/run/interrupt.js';
import { Progress } from '../engine/run/progress.js';
import type { AmpMode } from '../inference/forward.js';
import { createPredictor, type Prediction, type Predictor, type PredictorOptions } from '../inference/predictor.js';
import { applyLut } from '../labels/index.js';
import { weightFile } from '../models/weights.js';
import { checkOutputFolder, makeOutputFolder, placeUnder, realPath } from '../paths/index.js';
import { plural } from '../plural.js';

export const OUTPUT_KINDS = ['train-ids', 'color', 'overlay', 'label-ids', 'probs'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export interface PredictRunOptions extends PredictorOptions {
  /** Image files, folders and globs. */
  inputs: string[];
  /** A list file of images, relative to `root`. */
  list?: string;
  root?: string;
  out: string;
  save?: OutputKind[];
  /** Overlay colour weight, 0..1 (default 0.5). */
  opacity?: number;
  /** Images per forward (consecutive images of one size). */
  batch?: number;
  /** Replace outputs that already exist. */
  overwrite?: boolean;
  /** Keep outputs that already exist (an interrupted run's) and write only the missing ones. */
  resume?: boolean;
  say?: (line: string) => void;
  /** Show a progress bar (default true). */
  progress?: boolean;
  /** Called with the count of images done after each one predicted. */
  onImage?: (done: number) => void;
}

export interface PredictSummary {
  predicted: number;
  skipped: Array<{ file: string; reason: string }>;
  seconds: number;
  imagesPerSecond: number;
  weights: string;
  /** The autocast the network ran under ('off': float32). */
  amp: AmpMode;
  out: string;
  /** Images the input folders hold inside --out's output folders: earlier outputs, left out. */
  leftOut: number;
  /** Inputs that were a file already taken under another name (through links), predicted once. */
  repeated: string[];
  /** Images given in all. */
  total: number;
  /** Images whose every output was there already (--resume): not predicted again. */
  alreadyDone: number;
  /** Stopped by Ctrl-C (or SIGTERM) before every image was done; each output written is whole. */
  interrupted: boolean;
}

const EXTENSION: Record<OutputKind, string> = {
  'train-ids': '.png',
  color: '.png',
  overlay: '.jpg',
  'label-ids': '.png',
  probs: '.safetensors',
};

/** Where `kind` of `input` goes: <out>/<kind>/<input's path, extension replaced>, and never outside <out>/<kind>/. */
export function outputPath(out: string, kind: OutputKind, input: ImageInput): string {
  return placeUnder(join(out, kind), input.rel.replace(/\.[^./]+$/, '') + EXTENSION[kind], `the ${kind} output of ${input.file}`);
}

/** The folders predict writes into under `out`, every kind's (an earlier run may have written others). */
export const outputFolders = (out: string): string[] => OUTPUT_KINDS.map((k) => join(out, k));

/**
 * Refuses outputs in the way: one that is an input (through a link), one that is not a plain
 * file, and without --overwrite or --resume any that exists.
 */
function refuseExisting(out: string, kinds: readonly OutputKind[], inputs: readonly ImageInput[], keep: { overwrite: boolean; resume: boolean }): void {
  const reads = new Set(inputs.map((i) => realPath(i.file)));
  const existing = inputs.flatMap((i) => kinds.map((k) => outputPath(out, k, i))).filter((f) => existsSync(f));
  for (const file of existing) {
    if (reads.has(realPath(file))) throw new Error(`the output ${file} is also an input image; give another --out`);
    if (!statSync(file).isFile()) throw new Error(`${file} is in the way of an output and is not a file; move it, or give another --out`);
  }
  if (existing.length > 0 && !keep.overwrite && !keep.resume) {
    const exist = existing.length === 1 ? 'exists' : 'exist';
    throw new Error(
      `${plural(existing.length, 'output')} already ${exist} (first: ${existing[0]}); give another --out, or --overwrite to replace them, ` +
        'or --resume to keep them and predict only the images still missing an output (an interrupted run)',
    );
  }
}

async function writeOutputs(p: Predictor, o: PredictRunOptions, kinds: readonly OutputKind[], input: ImageInput, image: RgbImage, r: Prediction): Promise<void> {
  const map = { data: Buffer.from(r.trainIds.buffer, r.trainIds.byteOffset, r.trainIds.length), width: r.width, height: r.height };
  const write = (kind: OutputKind, bytes: Uint8Array) => {
    const file = outputPath(o.out, kind, input);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, [bytes]);
  };
  for (const kind of kinds) {
    // An output there is whole (written atomically): an interrupted run wrote it.
    if (o.resume && existsSync(outputPath(o.out, kind, input))) continue;
    if (kind === 'train-ids') write(kind, await encodeGreyPng(map));
    else if (kind === 'color') write(kind, encodePalettePng(map, p.labels));
    else if (kind === 'overlay') write(kind, await encodeRgb(overlay(image, map, o.opacity ?? 0.5, p.labels), 'jpeg'));
    else if (kind === 'label-ids') {
      write(kind, await encodeGreyPng({ ...map, data: Buffer.from(applyLut(map.data, p.labels.trainIdToLabelIdLut)) }));
    } else if (kind === 'probs' && r.probs) {
      const half = r.probs.to({ dtype: 'float16' });
      try {
        saveTensors(outputPath(o.out, kind, input), new Map([['probs', half]]), { classes: JSON.stringify(p.labels.classNames) });
      } finally {
        half.dispose();
      }
    }
  }
}

/** Predicts every input image and writes the asked outputs; see PredictRunOptions. */
export async function runPredict(o: PredictRunOptions): Promise<PredictSummary> {
  const kinds = o.save ?? ['color'];
  for (const k of kinds) if (!OUTPUT_KINDS.includes(k)) throw new Error(`unknown output "${k}"; --save takes ${OUTPUT_KINDS.join(', ')}`);
  const batch = o.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`--batch must be a positive integer, got ${batch}`);
  if (o.resume && o.overwrite) throw new Error('give --resume (keep the outputs there, predict the images still missing one) or --overwrite (replace them), not both');
  // Before any image is read: --out can be written into, and the weights are weights (not a training state).
  checkOutputFolder(o.out, '--out');
  if (o.backend !== 'onnx') weightFile(o.weights, o.teacher ? 'teacher' : 'student');
  let leftOut = 0;
  const repeats: string[] = [];
  const inputs = collectImages(o.inputs, { list: o.list, root: o.root, outputs: outputFolders(o.out), onLeftOut: () => leftOut++, onRepeat: (f) => repeats.push(f) });
  // Every output's place, refused before anything is made if it would leave <out>/<kind>/.
  for (const input of inputs) for (const kind of kinds) outputPath(o.out, kind, input);
  makeOutputFolder(o.out, '--out');
  // One run at a time writes into --out.
  const lock = FolderLock.acquire(o.out);
  try {
    refuseExisting(o.out, kinds, inputs, { overwrite: o.overwrite ?? false, resume: o.resume ?? false });
    const todo = o.resume ? inputs.filter((input) => !kinds.every((k) => existsSync(outputPath(o.out, k, input)))) : inputs;
    return { ...(await predictAll(o, kinds, batch, todo)), leftOut, repeated: repeats, total: inputs.length, alreadyDone: inputs.length - todo.length };
  } finally {
    lock.release();
  }
}

/** An image decoded for its turn, with the memory warning to say before it is predicted. */
interface Decoded {
  image: RgbImage;
  warning?: string;
}

/** Reads `file`; one over the predictor's limit is refused from its header, before its pixels are decoded. */
async function load(predictor: Predictor, file: string): Promise<Decoded> {
  const bytes = await readBytes(file, 'image');
  const warning = predictor.admit(file, await imageSize(bytes, file));
  return { image: await decodeImage(bytes, file, { maxPixels: predictor.maxPixels }), warning };
}

async function predictAll(
  o: PredictRunOptions,
  kinds: readonly OutputKind[],
  batch: number,
  inputs: ImageInput[],
): Promise<Omit<PredictSummary, 'leftOut' | 'repeated' | 'total' | 'alreadyDone'>> {
  const started = Date.now();
  const predictor = await createPredictor(o);
  // Ctrl-C ends the loop after the images under way are written, so that the lock is released and the outputs counted.
  const interrupt = new InterruptFlag({
    stopping: 'stopping once the images under way are written',
    leaving: 'at once (every output on disk is whole: --resume continues)',
  });
  const progress = new Progress({ title: 'predict', total: inputs.length, enabled: o.progress ?? true, unit: 'images' });
  const skipped: PredictSummary['skipped'] = [];
  // Said without a progress bar too: it comes before a prediction that may run out of memory.
  const warn = (line: string): void => {
    if (o.progress === false) process.stderr.write(`${line}\n`);
    else progress.log(line);
  };
  const writes = new Set<Promise<void>>();
  // A few images decode ahead of the network; their errors are kept for their turn.
  const ahead = Math.max(4, 2 * batch);
  const decoded: Array<Promise<Decoded | Error> | undefined> = [];
  const decode = (i: number) => {
    if (i < inputs.length && decoded[i] === undefined) decoded[i] = load(predictor, inputs[i].file).catch((e: unknown) => e as Error);
  };
  let done = 0;
  let predicted = 0;
  // A failed write (a full disk) ends the run; it is kept here and thrown at the next image.
  let writeError: unknown;
  try {
    let i = 0;
    while (i < inputs.length && !interrupt.requested) {
      for (let k = i; k < i + ahead; k++) decode(k);
      const group: Array<{ input: ImageInput; image: RgbImage }> = [];
      while (i < inputs.length && group.length < batch) {
        decode(i);
        const next = await decoded[i]!;
        if (next instanceof Error) {
          skipped.push({ file: inputs[i].file, reason: next.message });
          progress.log(`skipped ${inputs[i].file}: ${next.message}`);
          decoded[i] = undefined;
          i++;
          done++;
          continue;
        }
        const { image, warning } = next;
        if (group.length > 0 && (image.width !== group[0].image.width || image.height !== group[0].image.height)) break;
        if (warning) warn(`warning: ${warning}`);
        group.push({ input: inputs[i], image });
        decoded[i] = undefined;
        i++;
      }
      if (group.length === 0) continue;
      const results = await predictor.predictBatch(group.map((g) => g.image), { probs: kinds.includes('probs') });
      group.forEach((g, b) => {
        const w = writeOutputs(predictor, o, kinds, g.input, g.image, results[b])
          .catch((err: unknown) => void (writeError ??= err))
          .finally(() => {
            results[b].probs?.dispose();
            writes.delete(w);
          });
        writes.add(w);
      });
      // Encoding keeps up with the network: at most a few images wait to be written.
      while (writes.size > ahead) await Promise.race(writes);
      if (writeError !== undefined) throw writeError;
      done += group.length;
      predicted += group.length;
      progress.update(done);
      for (let k = group.length - 1; k >= 0; k--) o.onImage?.(done - k);
    }
    await Promise.all(writes);
    if (writeError !== undefined) throw writeError;
  } finally {
    interrupt.dispose();
    progress.stop();
    predictor.dispose();
  }
  const seconds = (Date.now() - started) / 1000;
  const interrupted = done < inputs.length;
  return { predicted, skipped, seconds, imagesPerSecond: predicted / seconds, weights: predictor.weightsFile, amp: predictor.amp, out: o.out, interrupted };
}
