// The run options every stage command accepts: the published scripts' flags
// (kebab-case, same meaning) plus diga's own. Flags override the config file,
// which overrides the preset.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { presetNames, resolveConfig } from '../config/load.js';
import type { PartialRunConfig, RunConfig } from '../config/schema.js';
import { distEnv } from '../distributed/env.js';
import { launchWorkers, stripLaunchFlags } from '../distributed/launch.js';

type Parser = (value: string) => unknown;

const int: Parser = (v) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
};
const num: Parser = (v) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
};
const size: Parser = (v) => {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError('expected HxW, e.g. 512x1024');
  return [Number(m[1]), Number(m[2])];
};

/** [flag, config key, parser, help] */
const FLAGS: Array<[string, keyof RunConfig, Parser | null, string]> = [
  ['--city-data-path <dir>', 'cityDataPath', null, 'dataset root (leftImg8bit/, gtFine/)'],
  ['--data-list-path-city-img-gt <file>', 'dataListPathCityImgGt', null, 'labelled images list'],
  ['--data-list-path-city-lbl-gt <file>', 'dataListPathCityLblGt', null, 'labelled labels list'],
  ['--data-list-path-city-img <file>', 'dataListPathCityImg', null, 'unlabelled images list'],
  ['--data-list-path-city-lbl <file>', 'dataListPathCityLbl', null, 'unlabelled labels list'],
  ['--data-list-path-val-img <file>', 'dataListPathValImg', null, 'validation images list'],
  ['--data-list-path-val-lbl <file>', 'dataListPathValLbl', null, 'validation labels list'],
  ['--data-list-path-train-img <file>', 'dataListPathTrainImg', null, 'all training images list'],
  ['--data-list-path-train-lbl <file>', 'dataListPathTrainLbl', null, 'all training labels list'],
  ['--weight-dir <dir>', 'weightDir', null, 'where warm-up saves weights'],
  ['--load-weight-dir <dir>', 'loadWeightDir', null, 'weights to start from'],
  ['--save-weight-dir <dir>', 'saveWeightDir', null, 'where self-training saves weights'],
  ['--log-dir <dir>', 'logDir', null, 'JSONL logs and curves'],
  ['--gen-img-dir <dir>', 'genImgDir', null, 'sample grids'],
  ['--output-dir <dir>', 'outputDir', null, 'evaluation outputs'],
  ['--centroid-dir <dir>', 'centroidDir', null, 'class centroids'],
  ['--pseudo-dir <dir>', 'pseudoDir', null, 'pseudo-labels'],
  ['--device <device>', 'device', null, 'cpu, cuda or cuda:N'],
  ['--model <preset>', 'model', null, 'hrnet48 | hrnet32 | hrnet18 | hrnet18-small | tiny'],
  ['--pretrained <file>', 'pretrained', null, 'ImageNet-pretrained HRNet backbone (.pth)'],
  ['--steps <n>', 'steps', int, 'training steps'],
  ['--self-train-steps <n>', 'selfTrainSteps', int, 'self-training steps in `pipeline` (default: --steps)'],
  ['--eval-every <n>', 'evalEvery', int, 'evaluate every N steps'],
  ['--checkpoint-every <n>', 'checkpointEvery', int, 'save the training state every N steps'],
  ['--stop-at <step>', 'stopAt', int, 'stop after this step with the state saved, to continue later with --resume (0: run to the end)'],
  ['--log-every <n>', 'logEvery', int, 'log losses every N steps'],
  ['--image-every <n>', 'imageEvery', int, 'write sample grids every N steps (0: never)'],
  ['--eval-limit <n>', 'evalLimit', int, 'evaluate on the first N val images (0: all)'],
  ['--eval-batch <n>', 'evalBatch', int, 'images per forward in evaluation and pseudo-labelling (default 1)'],
  ['--seed <n>', 'seed', int, 'random seed'],
  ['--threads <n>', 'threads', int, 'CPU threads (0: all cores)'],
  ['--lr <x>', 'lr', num, 'base learning rate'],
  ['--crop-size <HxW>', 'cropSize', size, 'training crop'],
  ['--full-size <HxW>', 'fullSize', size, 'full image size'],
];

export interface RunOptionValues {
  config?: string;
  preset?: string;
  cudaDeviceId?: number;
  amp?: string;
  resume?: boolean;
  [key: string]: unknown;
}

/** Adds the run options to a stage command. */
export function addRunOptions(cmd: Command): Command {
  cmd
    .option('--config <file>', 'YAML or JSON config (validated; unknown keys are errors)')
    .addOption(new Option('--preset <name>', 'preset the config starts from').choices(presetNames()))
    .addOption(new Option('--amp <mode>', 'mixed precision (auto: bf16 on GPUs with compute capability ≥ 8.0, off elsewhere)').choices(['auto', 'off', 'bf16', 'fp16']))
    .option('--resume', 'continue from the saved training state')
    .option('--channels-last', 'channels-last weights and inputs')
    .option('--activation-checkpointing', 'recompute backbone stages in backward (less memory, more compute)')
    .option('--cuda-device-id <n>', 'the published flag: same as --device cuda:N', int)
    .option('--nproc-per-node <n>', 'data-parallel worker processes on this machine (one per GPU, or CPU workers)', int)
    .option('--nnodes <n>', 'machines in a multi-machine run', int)
    .option('--node-rank <n>', "this machine's index in a multi-machine run", int)
    .option('--master-addr <host>', 'address of rank 0 for rendezvous')
    .option('--master-port <port>', 'port of rank 0 for rendezvous', int);
  for (const [flag, , parser, help] of FLAGS) {
    if (parser) cmd.option(flag, help, parser as (v: string, p: unknown) => unknown);
    else cmd.option(flag, help);
  }
  return cmd;
}

function camel(flag: string): string {
  return flag.split(' ')[0].slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The resolved, validated config for a command's option values. */
export function runConfigFrom(values: RunOptionValues, defaults: { preset?: string } = {}): RunConfig {
  const overrides: Record<string, unknown> = {};
  for (const [flag, key] of FLAGS) {
    const v = values[camel(flag)];
    if (v !== undefined) overrides[key] = v;
  }
  if (values.cudaDeviceId !== undefined) {
    if (values.device !== undefined) throw new Error('give --device or --cuda-device-id, not both');
    overrides.device = `cuda:${values.cudaDeviceId}`;
  }
  if (values.amp !== undefined) overrides.amp = values.amp;
  if (values.resume) overrides.resume = true;
  if (values.channelsLast) overrides.channelsLast = true;
  if (values.activationCheckpointing) overrides.activationCheckpointing = true;
  return resolveConfig({ preset: values.preset ?? defaults.preset ?? 'paper', file: values.config, overrides: overrides as PartialRunConfig });
}

/**
 * Starts the worker processes when --nproc-per-node asks for several and this
 * process is not already a worker; resolves true when it did (the caller stops).
 */
export async function launchIfAsked(values: RunOptionValues): Promise<boolean> {
  const nproc = (values.nprocPerNode as number | undefined) ?? 1;
  const nnodes = (values.nnodes as number | undefined) ?? 1;
  if ((nproc <= 1 && nnodes <= 1) || process.env.WORLD_SIZE) return false;
  const code = await launchWorkers({
    nprocPerNode: nproc,
    nnodes,
    nodeRank: (values.nodeRank as number | undefined) ?? 0,
    masterAddr: (values.masterAddr as string | undefined) ?? '127.0.0.1',
    masterPort: (values.masterPort as number | undefined) ?? 29500,
    argv: stripLaunchFlags(process.argv.slice(1)),
  });
  process.exitCode = code;
  return true;
}

/** Rank 0, or a single-process run: the process that prints results. */
export function isMainProcess(): boolean {
  return (distEnv()?.rank ?? 0) === 0;
}
