// `diga make-data`: writes a generated street-scene dataset in the Cityscapes layout, or with
// --source a labelled source set in the GTA5 layout (the flat look) for domain adaptation.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { generateDataset, type GenerateSummary } from '../../data/synthetic/generate.js';
import { generateSourceDataset, type GenerateSourceSummary } from '../../data/synthetic/generate-source.js';
import { SHIFT_NAMES, type ShiftName } from '../../data/synthetic/style.js';
import { NUM_CLASSES } from '../../labels/cityscapes.js';
import { checkOutputFolder } from '../../paths/index.js';
import { plural } from '../../plural.js';

function parseCount(min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/u.test(text.trim()) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

export function parseSize(text: string): { height: number; width: number } {
  const m = /^(\d+)x(\d+)$/iu.exec(text.trim());
  if (!m) throw new InvalidArgumentError('expected HxW, e.g. 256x512');
  const height = Number(m[1]);
  const width = Number(m[2]);
  if (height < 16 || width < 16) throw new InvalidArgumentError('height and width must be at least 16');
  return { height, width };
}

function parseFraction(text: string): number {
  const f = Number(text);
  if (!Number.isFinite(f) || f <= 0 || f > 1) throw new InvalidArgumentError('expected a number in (0, 1]');
  return f;
}

interface MakeDataOptions {
  out?: string;
  train: number;
  val: number;
  size?: { height: number; width: number };
  source?: boolean;
  seed: number;
  labelledFraction: number;
  shift: ShiftName;
  shiftVal?: boolean;
  workers?: number;
  json?: boolean;
}

export function formatSummary(s: GenerateSummary): string {
  const total = s.classPixels.reduce((a, b) => a + b, 0) + s.ignoredPixels;
  return [
    `wrote ${s.train} train + ${plural(s.val, 'val image')} (${s.height}x${s.width}) to ${s.out} in ${s.seconds.toFixed(1)} s (${s.imagesPerSecond.toFixed(1)} images/s)`,
    `split ${s.splitName}: ${s.labelled} labelled, ${s.unlabelled} unlabelled${s.shift !== 'none' ? ` (unlabelled${s.shiftVal ? ' and val' : ''} rendered at ${s.shift})` : ''}`,
    `classes present: ${s.classesPresent.length} of ${NUM_CLASSES}; ignored pixels ${((100 * s.ignoredPixels) / total).toFixed(1)}%`,
    `lists: ${s.lists.labelled.images}`,
    `       ${s.lists.unlabelled?.images ?? '(no unlabelled images)'}`,
    `       ${s.lists.val?.images ?? '(no val images)'}`,
  ].join('\n');
}

export function formatSourceSummary(s: GenerateSourceSummary): string {
  const total = s.classPixels.reduce((a, b) => a + b, 0) + s.ignoredPixels;
  return [
    `wrote ${plural(s.count, 'source image')} (${s.height}x${s.width}, GTA5 layout, ${s.look} look) to ${s.out} in ${s.seconds.toFixed(1)} s (${s.imagesPerSecond.toFixed(1)} images/s)`,
    `classes present: ${s.classesPresent.length} of ${NUM_CLASSES}; ignored pixels ${((100 * s.ignoredPixels) / total).toFixed(1)}%`,
    `list: ${s.list}`,
  ].join('\n');
}

const DEFAULTS = {
  target: { out: 'data/synthetic', size: { height: 256, width: 512 } },
  // Smaller than the target images: every source image is resized anyway, and the demo renders on few cores.
  source: { out: 'data/synthetic-source', size: { height: 192, width: 384 } },
} as const;

/** Target-set flags that mean nothing for a source set. */
const TARGET_ONLY = ['val', 'labelledFraction', 'shift', 'shiftVal'] as const;

export function registerMakeData(program: Command): void {
  program
    .command('make-data')
    .description('generate a street-scene dataset in the Cityscapes layout (images, label ids, lists), or with --source a labelled source set in the GTA5 layout')
    .option('--out <dir>', `output folder (default: ${DEFAULTS.target.out}; ${DEFAULTS.source.out} with --source)`)
    .option('--source', 'write a labelled source set instead: GTA5 layout (images/, labels/ of Cityscapes label ids, train.txt), flat colours, no texture, a warm cast')
    .option('--train <n>', 'training images (with --source: source images)', parseCount(1), 400)
    .option('--val <n>', 'validation images', parseCount(0), 100)
    .addOption(new Option('--size <HxW>', 'image size (default: 256x512; 192x384 with --source)').argParser(parseSize))
    .option('--seed <n>', 'random seed', parseCount(0), 0)
    .option('--labelled-fraction <f>', 'fraction of training images in the labelled list', parseFraction, 0.125)
    .addOption(new Option('--shift <look>', 'look of the unlabelled images').choices(SHIFT_NAMES).default('none'))
    .option('--shift-val', 'give the validation images the shifted look too')
    .option('--workers <n>', 'threads rendering scenes (default: one per core, at most 4; 0: none)', parseCount(0))
    .option('--json', 'print the summary as JSON')
    .option('--overwrite', 'replace a dataset already in --out (its images, labels and lists)')
    .action(async (opts: MakeDataOptions & { overwrite?: boolean }, command: Command) => {
      const kind = opts.source ? 'source' : 'target';
      const out = opts.out ?? DEFAULTS[kind].out;
      const size = opts.size ?? DEFAULTS[kind].size;
      if (opts.source) {
        const given = TARGET_ONLY.filter((key) => command.getOptionValueSource(key) === 'cli');
        if (given.length > 0) throw new Error(`--source writes a source set only; ${given.map((k) => `--${k.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`)}`).join(', ')} apply to the target set`);
      }
      checkOutputFolder(out, '--out');
      clearOutput(out, opts.overwrite ?? false, GENERATED[kind]);
      let bar = process.stderr.isTTY && !opts.json ? new SingleBar({ format: 'make-data [{bar}] {value}/{total} images' }) : null;
      bar?.start(opts.source ? opts.train : opts.train + opts.val, 0);
      try {
        const common = { out, height: size.height, width: size.width, seed: opts.seed, workers: opts.workers, onProgress: (done: number) => bar?.update(done) };
        const summary = opts.source
          ? await generateSourceDataset({ ...common, count: opts.train })
          : await generateDataset({
              ...common,
              train: opts.train,
              val: opts.val,
              labelledFraction: opts.labelledFraction,
              shift: opts.shift,
              shiftVal: opts.shiftVal ?? false,
            });
        bar?.stop();
        bar = null;
        const text = 'list' in summary ? formatSourceSummary(summary) : formatSummary(summary);
        process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${text}\n`);
      } finally {
        bar?.stop();
      }
    });
}

/** What make-data writes in its folder. */
const GENERATED = {
  target: ['leftImg8bit', 'gtFine', 'lists', 'synthetic.json'],
  source: ['images', 'labels', 'train.txt', 'synthetic-source.json'],
} as const;

/** A non-empty --out is refused (old images would sit beside new ones) unless --overwrite clears what make-data wrote. */
function clearOutput(out: string, overwrite: boolean, generated: readonly string[]): void {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  if (!overwrite) {
    throw new Error(`${out} is not empty (${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', ...' : ''}); give another --out, or --overwrite to replace the dataset there`);
  }
  for (const name of generated) rmSync(join(out, name), { recursive: true, force: true });
}
