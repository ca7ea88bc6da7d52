// `diga predict <images...>`: a trained network over files, folders and globs.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { precisionName } from '../../inference/forward.js';
import { DEFAULT_MAX_PIXELS } from '../../inference/predictor.js';
import { MIN_WINDOW } from '../../inference/sliding.js';
import { runPredict, OUTPUT_KINDS, type OutputKind } from '../../stages/predict.js';
import { plural } from '../../plural.js';
import { AMP_HELP, parsers } from '../options.js';

interface PredictFlags {
  out: string;
  weightDir?: string;
  weights?: string;
  model?: string;
  teacher?: boolean;
  device: string;
  backend: 'torch' | 'onnx';
  amp?: 'off' | 'bf16' | 'fp16' | 'auto';
  channelsLast?: boolean;
  scales?: number[];
  flip?: boolean;
  sliding?: [number, number];
  maxMegapixels: number;
  save: OutputKind[];
  opacity: number;
  batch: number;
  list?: string;
  root?: string;
  overwrite?: boolean;
  resume?: boolean;
  progress: boolean;
}

const scaleList = (v: string): number[] => {
  const scales = v.split(',').map(Number);
  if (scales.some((s) => !(s > 0 && s <= 8))) throw new InvalidArgumentError('expected factors in (0, 8], comma-separated, e.g. 1,0.5');
  return scales;
};

const megapixels = (v: string): number => {
  const n = Number(v);
  if (!(n > 0 && n < Infinity)) throw new InvalidArgumentError('expected a positive number of megapixels, e.g. 100');
  return n;
};

const saveList = (v: string): OutputKind[] => {
  const kinds = v.split(',').map((k) => k.trim()) as OutputKind[];
  const bad = kinds.find((k) => !OUTPUT_KINDS.includes(k));
  if (bad !== undefined) throw new InvalidArgumentError(`unknown output "${bad}"; expected a comma list of ${OUTPUT_KINDS.join(', ')}`);
  return kinds;
};

const opacity = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
};

/** A word as a POSIX shell reads it back: bare where it is safe, else single-quoted. */
const shellWord = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** This command line again, to continue with --resume (an --overwrite would redo the finished images). */
function resumeCommand(argv: readonly string[]): string {
  const args = argv.filter((a) => a !== '--overwrite' && a !== '--resume');
  return `diga ${[...args, '--resume'].map(shellWord).join(' ')}`;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('run trained weights on images: palette, grey, overlay or Cityscapes label-id PNGs, per-class probabilities')
    .argument('[images...]', 'image files, folders (searched recursively) and globs')
    .requiredOption('--out <dir>', 'output folder: <out>/<kind>/ mirrors the input tree')
    .option('--weight-dir <dir>', 'a weight folder (student.safetensors or the published student.pth), as in evaluate')
    .option('--weights <file>', 'a weights file (.safetensors or .pth) instead of a folder')
    .option('--model <preset>', 'model preset (default: the one the weights record, else hrnet48)')
    .option('--teacher', "the folder's teacher weights instead of the student")
    .addOption(new Option('--backend <name>', 'torch: our network; onnx: a `diga export` file (--weights) through onnxruntime-node').choices(['torch', 'onnx']).default('torch'))
    .option('--device <device>', 'cpu, cuda or cuda:N', 'cpu')
    .addOption(new Option('--amp <mode>', AMP_HELP.labels).choices(['off', 'bf16', 'fp16', 'auto']))
    .option('--channels-last', 'channels-last memory format (the default on the CPU)')
    .option('--no-channels-last', 'keep the contiguous memory format')
    .option('--scales <factors>', 'image-size factors fused by maximum (default 1,0.5: the published evaluation)', scaleList)
    .option('--flip', 'average each scale with its mirrored image')
    .option('--sliding <HxW>', `sliding-window inference with windows of this size, at least ${MIN_WINDOW}x${MIN_WINDOW} (stride 2/3)`, parsers.sizeAtLeast(MIN_WINDOW, 'windows'))
    .option('--max-megapixels <n>', 'refuse larger images, from their header and with an estimate of the memory they would take', megapixels, DEFAULT_MAX_PIXELS / 1e6)
    .option('--save <kinds>', `comma list of ${OUTPUT_KINDS.join(', ')}`, saveList, ['color'] as OutputKind[])
    .option('--opacity <n>', 'colour weight of overlays, 0..1', opacity, 0.5)
    .option('--batch <n>', 'images per forward (consecutive images of one size)', parsers.intIn(1, 1024, '--batch'), 1)
    .option('--list <file>', 'a list file of images (one path per line)')
    .option('--root <dir>', 'the folder list paths are relative to (default: the current folder)')
    .option('--overwrite', 'replace outputs that already exist')
    .option('--resume', 'keep the outputs already there (each is whole: an interrupted run wrote it) and predict only the images still missing one')
    .option('--no-progress', 'no progress bar')
    .action(async (images: string[], o: PredictFlags) => {
      if (o.weightDir !== undefined && o.weights !== undefined) throw new Error('give --weight-dir or --weights, not both');
      if (o.backend === 'onnx' && o.weights === undefined) throw new Error('--backend onnx runs an exported file: give it as --weights <file.onnx>');
      const weights = o.weights ?? o.weightDir;
      if (weights === undefined) throw new Error('give the weights: --weight-dir <folder> or --weights <file>');
      const r = await runPredict({ ...o, inputs: images, weights, save: o.save, maxPixels: o.maxMegapixels * 1e6 });
      const say = (line: string) => process.stdout.write(`${line}\n`);
      if (r.leftOut > 0) say(`left out ${plural(r.leftOut, 'image')} inside ${r.out}'s output folders (earlier outputs, not inputs)`);
      if (r.repeated.length > 0) say(`${plural(r.repeated.length, 'image')} reached again through links (a link loop?) and predicted once, e.g. ${r.repeated[0]}`);
      if (r.alreadyDone > 0) say(`kept the outputs of ${plural(r.alreadyDone, 'image')} already done (--resume)`);
      say(`predicted ${plural(r.predicted, 'image')} in ${r.seconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(2)} images/s) with ${r.weights} in ${precisionName(r.amp)}; outputs in ${r.out}`);
      if (r.skipped.length > 0) {
        say(`skipped ${r.skipped.length}:`);
        for (const s of r.skipped) say(`  ${s.file}: ${s.reason}`);
        process.exitCode = 3;
      }
      if (r.interrupted) {
        const finished = r.alreadyDone + r.predicted;
        const left = r.total - finished - r.skipped.length;
        say(`interrupted: ${finished} of ${plural(r.total, 'image')} finished, ${left} still to predict; continue with:`);
        say(`  ${resumeCommand(process.argv.slice(2))}`);
        if (o.overwrite) say('  (outputs of earlier runs this one had not yet replaced are kept as they are; run it with --overwrite again to replace every one)');
        process.exitCode = 130;
      }
    });
}
