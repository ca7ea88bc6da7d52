// The options of each stage command. Each published script's flags keep their
// published meaning, kebab-cased: the same flag can mean different things in
// different commands (`--weight-dir` is where warm-up saves and where
// pseudo-label, centroids and evaluate read; `--data-list-path-city-img` is the
// unlabelled list in training and the centroid set in `centroids`), so every
// command has its own table, maps its flags onto the stage-neutral config keys
// and accepts nothing else. Flags override the config file, which overrides
// the preset, which overrides the command's published defaults.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { readConfigFile, resolveConfig, runPresetNames } from '../config/load.js';
import { weightFile } from '../models/weights.js';
import { modelOfWeights } from '../models/weights-model.js';
import { presetHelp } from '../models/registry.js';
import { MAX_THREADS, type PartialRunConfig, type RunConfig } from '../config/schema.js';
import { distEnv } from '../distributed/env.js';
import { launchWorkers, stripLaunchFlags } from '../distributed/launch.js';
import { packageRoot } from '../native/binding.js';

type Parser = (value: string) => unknown;

const int: Parser = (v) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
};
const intIn =
  (min: number, max: number, what: string): Parser =>
  (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`);
    return n;
  };
const num: Parser = (v) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
};
const sizeAtLeast =
  (min: number, what: string): Parser =>
  (v) => {
    const m = /^(\d+)x(\d+)$/.exec(v);
    if (!m) throw new InvalidArgumentError('expected HxW, e.g. 512x1024');
    const hw = [Number(m[1]), Number(m[2])];
    if (hw.some((n) => n < min)) throw new InvalidArgumentError(`${what} must be at least ${min}x${min} pixels`);
    return hw;
  };
const size = sizeAtLeast(1, 'height and width');
/** 0 (every core, the default) or 1 to 4× the cores: more threads than that only contend. */
const threads: Parser = (v) => {
  const n = Number(v);
  const max = MAX_THREADS;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`expected 0 (all cores) or an integer from 1 to ${max} (4x the ${availableParallelism()} cores)`);
  return n;
};
const oneOf =
  (...choices: string[]): Parser =>
  (v) => {
    if (!choices.includes(v)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return v;
  };
/** The value parsers, for commands that are not stages (predict, export). */
export const parsers = { int, intIn, num, size, sizeAtLeast, threads, oneOf };

/** The published `--dump_logs` is an argparse bool; here any value but false/0/no turns it on. */
const bool: Parser = (v) => !/^(false|0|no|off)$/i.test(v);

/** A flag and the config key it sets. */
interface Flag {
  flag: string;
  key: keyof RunConfig;
  help: string;
  parse?: Parser;
  /** Turns the parsed value into the config value (default: as it is). */
  to?: (value: unknown) => unknown;
}

const flag = (spec: string, key: keyof RunConfig, help: string, parse?: Parser, to?: Flag['to']): Flag => ({ flag: spec, key, help, parse, to });

const DATA_ROOT = [flag('--city-data-path <dir>', 'cityDataPath', 'the Cityscapes root (leftImg8bit/, gtFine/)')];
/**
 * The adaptation scripts' source flags. Either path picks its adaptation preset when no
 * --preset is given (runConfigFrom), as the published script it comes from is that setting.
 */
const SOURCE = [
  flag('--gta5-data-path <dir>', 'sourceDataPath', 'domain adaptation from GTA5: its root (images/, labels/); picks --preset gta5'),
  flag('--synthia-data-path <dir>', 'sourceDataPath', 'domain adaptation from SYNTHIA RAND-CITYSCAPES: its root (RGB/, GT/LABELS/); picks --preset synthia'),
  flag('--data-list-path-gta5 <file>', 'dataListPathSource', 'GTA5 image names, one per line (default: every image in images/)'),
  flag('--data-list-path-synthia <file>', 'dataListPathSource', 'SYNTHIA image names, one per line (default: every image in RGB/)'),
];
const ADAPTATION = [
  flag('--translator-path <dir>', 'translatorPath', 'the folder holding the translator (enc_s, dec_s2t; default: the warm-up weight folder)'),
  flag('--sgd-repeats <mode>', 'sgdRepeats', 'adaptation: backbone weights the published optimiser lists several times, stepped as PyTorch 1.7 did (published), as 1.13 does, or once', oneOf('published', 'torch-1.13', 'once')),
];
const LABELLED = [
  flag('--data-list-path-city-img-gt <file>', 'dataListPathCityImgGt', 'labelled images list'),
  flag('--data-list-path-city-lbl-gt <file>', 'dataListPathCityLblGt', 'their labels list'),
];
const UNLABELLED = [
  flag('--data-list-path-city-img <file>', 'dataListPathCityImg', 'unlabelled images list'),
  flag('--data-list-path-city-lbl <file>', 'dataListPathCityLbl', 'their labels list (pictures only; never trained on)'),
];
const VAL = [
  flag('--data-list-path-val-img <file>', 'dataListPathValImg', 'validation images list'),
  flag('--data-list-path-val-lbl <file>', 'dataListPathValLbl', 'validation labels list'),
];
/** pseudolabel_generator.py: the images it labels are the unlabelled set. */
const TO_LABEL = [
  flag('--data-list-path-train-img <file>', 'dataListPathCityImg', 'the images to label (default: the unlabelled 1/16 list)'),
  flag('--data-list-path-train-lbl <file>', 'dataListPathCityLbl', 'their labels list (to report how good the pseudo-labels are)'),
];
/** calc_centroids.py: its city lists are all of train (labels never used). */
const CENTROID_SET = [
  flag('--data-list-path-city-img <file>', 'dataListPathTrainImg', 'the images centroids are computed on (default: all of train)'),
  flag('--data-list-path-city-lbl <file>', 'dataListPathTrainLbl', 'their labels list (read, never used)'),
];
const PIPELINE_CENTROID_SET = [
  flag('--data-list-path-centroid-img <file>', 'dataListPathTrainImg', 'the images centroids are computed on (default: all of train)'),
  flag('--data-list-path-centroid-lbl <file>', 'dataListPathTrainLbl', 'their labels list (read, never used)'),
];
const READ_WEIGHTS = [
  flag('--weight-dir <dir>', 'loadWeightDir', 'the weight folder to read (student.safetensors or the published student.pth)'),
  flag('--load-weight-dir <dir>', 'loadWeightDir', 'the same as --weight-dir'),
];
const SAVE_FORMAT = flag('--save-format <format>', 'saveFormat', "best weights as safetensors, the published code's .pth, or both", oneOf('safetensors', 'pth', 'both'));
const LOGS = [
  flag('--log-dir <dir>', 'logDir', 'JSONL log and loss/mIoU curves'),
  flag('--gen-img-dir <dir>', 'genImgDir', 'sample grids'),
];
const CENTROIDS_IN = flag('--centroid-dir <path>', 'centroidDir', 'the feat_centroids file, or the folder holding it');
const PSEUDO_IN = flag('--pseudo-dir <dir>', 'pseudoDir', 'pseudo-label folder, relative to --city-data-path (or absolute)');
const PRETRAINED = flag('--pretrained <file>', 'pretrained', 'pretrained backbone (.pth): the ImageNet HRNet, or for domain adaptation the DeepLab ResNet-101 init (DeepLab_resnet_pretrained_init-f81d91e8.pth)');
const MODEL = [flag('--model <preset>', 'model', presetHelp())];
const RUNTIME = [
  flag('--device <device>', 'device', 'cpu, cuda or cuda:N'),
  flag('--threads <n>', 'threads', 'CPU threads, up to 4x the cores (0: all cores)', threads),
];
const SIZES = [
  flag('--crop-size <HxW>', 'cropSize', 'training crop', size),
  flag('--full-size <HxW>', 'fullSize', 'full image size', size),
];
const SEED = flag('--seed <n>', 'seed', 'random seed', int);
const EVAL_BATCH = flag('--eval-batch <n>', 'evalBatch', 'images per forward in evaluation and pseudo-labelling (default 1)', int);
const EVAL_LIMIT = flag('--eval-limit <n>', 'evalLimit', 'evaluate on the first N val images (0: all)', int);
const TRAINING = [
  flag('--steps <n>', 'steps', 'training steps', int),
  flag('--eval-every <n>', 'evalEvery', 'evaluate every N steps', int),
  flag('--checkpoint-every <n>', 'checkpointEvery', 'save the training state every N steps', int),
  flag('--stop-at <step>', 'stopAt', 'stop after this step with the state saved, to continue later with --resume (0: run to the end)', int),
  flag('--log-every <n>', 'logEvery', 'log losses every N steps', int),
  flag('--image-every <n>', 'imageEvery', 'write sample grids every N steps (0: never)', int),
  flag('--lr <x>', 'lr', 'base learning rate', num),
  SEED,
  SAVE_FORMAT,
  EVAL_LIMIT,
  EVAL_BATCH,
  ...SIZES,
];

export type StageCommand = 'translate' | 'warm-up' | 'pseudo-label' | 'centroids' | 'self-train' | 'evaluate' | 'pipeline' | 'demo';

/** Each command's flags, in the order --help lists them. */
export const COMMAND_FLAGS: Record<StageCommand, Flag[]> = {
  // train_domain_translator.py (domain adaptation, stage 0)
  translate: [
    ...SOURCE, ...DATA_ROOT, ...UNLABELLED,
    flag('--weight-dir <dir>', 'weightDir', 'where enc_s and dec_s2t (and the translator state) are saved: the warm-up weight folder, as published'),
    flag('--translator-path <dir>', 'translatorPath', 'save the translator here instead of --weight-dir'),
    ...LOGS,
    flag('--vgg-weights <file>', 'vggWeights', "torchvision's ImageNet vgg19 .pth, for the perceptual loss (without it that term is left out)"),
    flag('--translator <preset>', 'translator', 'translator sizes: published | small | tiny', oneOf('published', 'small', 'tiny')),
    flag('--steps <n>', 'translatorSteps', 'translator steps (published: 50 000)', int),
    flag('--lr <x>', 'translatorLr', 'Adam learning rate (published: 1e-4, poly 0.9)', num),
    flag('--save-every <n>', 'translatorSaveEvery', 'write enc_s and dec_s2t every N steps (and at the end)', int),
    flag('--checkpoint-every <n>', 'checkpointEvery', 'save the full translator state every N steps', int),
    flag('--stop-at <step>', 'stopAt', 'stop after this step with the state saved, to continue later with --resume (0: run to the end)', int),
    flag('--log-every <n>', 'logEvery', 'log losses every N steps', int),
    flag('--image-every <n>', 'imageEvery', 'write translated samples every N steps (0: never)', int),
    SEED, SAVE_FORMAT, ...SIZES, ...MODEL, ...RUNTIME,
  ],
  // train_DiGA_semiseg_warm_up.py; train_DiGA_gta2city_warm_up.py with --gta5-data-path
  'warm-up': [
    ...SOURCE, ...ADAPTATION, ...DATA_ROOT, ...LABELLED, ...UNLABELLED, ...VAL,
    flag('--weight-dir <dir>', 'weightDir', 'where the best student/teacher and the training state are saved'),
    ...LOGS, PRETRAINED, ...MODEL, ...TRAINING, ...RUNTIME,
  ],
  // pseudolabel_generator.py
  'pseudo-label': [
    ...DATA_ROOT, ...TO_LABEL, ...READ_WEIGHTS,
    // The published --output-dir is a plain path; pseudoDir is kept absolute so it is not read against the dataset root.
    flag('--output-dir <dir>', 'pseudoDir', 'where the pseudo-label PNGs are written', undefined, (v) => resolve(String(v))),
    ...MODEL, EVAL_BATCH, ...RUNTIME,
  ],
  // calc_centroids.py
  centroids: [
    ...SOURCE, ...DATA_ROOT, ...CENTROID_SET, ...READ_WEIGHTS,
    flag('--centroid-dir <dir>', 'centroidDir', 'the folder feat_centroids is written to (or the feat_centroids path itself)'),
    ...MODEL, ...SIZES, SEED, ...RUNTIME,
  ],
  // train_DiGA_semiseg_self_training.py; train_DiGA_gta2city_self_training.py with --gta5-data-path
  'self-train': [
    ...SOURCE, ...ADAPTATION, ...DATA_ROOT, ...LABELLED, ...UNLABELLED, ...VAL,
    flag('--load-weight-dir <dir>', 'loadWeightDir', 'the warm-up (or previous round) weights to start from'),
    flag('--save-weight-dir <dir>', 'saveWeightDir', 'where the best student/teacher and the training state are saved'),
    CENTROIDS_IN, PSEUDO_IN, ...LOGS, ...MODEL, ...TRAINING, ...RUNTIME,
  ],
  // evaluate_val.py
  evaluate: [...DATA_ROOT, ...VAL, ...READ_WEIGHTS, ...MODEL, EVAL_LIMIT, EVAL_BATCH, ...RUNTIME],
  pipeline: [
    ...SOURCE, ...ADAPTATION, ...DATA_ROOT, ...LABELLED, ...UNLABELLED, ...VAL, ...PIPELINE_CENTROID_SET,
    flag('--weight-dir <dir>', 'weightDir', 'where warm-up saves its weights'),
    flag('--save-weight-dir <dir>', 'saveWeightDir', 'where self-training saves (later rounds add -round2, ...)'),
    flag('--centroid-dir <dir>', 'centroidDir', 'class centroids (one folder per round inside)'),
    flag('--pseudo-dir <dir>', 'pseudoDir', 'pseudo-labels, relative to --city-data-path (later rounds add -round2, ...)'),
    ...LOGS, PRETRAINED, ...MODEL, ...TRAINING,
    flag('--self-train-steps <n>', 'selfTrainSteps', 'self-training steps (default: --steps)', int),
    ...RUNTIME,
  ],
  demo: [...MODEL, ...TRAINING, flag('--self-train-steps <n>', 'selfTrainSteps', 'self-training steps (default: --steps)', int), ...RUNTIME],
};

/** Where a command's published script's defaults differ from the shared ones (config/defaults.ts). */
const COMMAND_DEFAULTS: Partial<Record<StageCommand, PartialRunConfig>> = {
  'self-train': { logDir: 'work_dir/log_DiGA_semiseg_1_16_ST', genImgDir: 'work_dir/generated_imgs_DiGA_semiseg_1_16_ST' },
  pipeline: { logDir: 'work_dir/log_DiGA_semiseg_1_16', genImgDir: 'work_dir/generated_imgs_DiGA_semiseg_1_16' },
};

const TRAINS = new Set<StageCommand>(['translate', 'warm-up', 'self-train', 'pipeline', 'demo']);

/**
 * --amp's help: for commands that train, and for those that only write or score labels
 * (predict too). Both word resolveAmp's rule; the speed and label figures are the README's
 * CPU inference bench (fp32 vs bf16 as predict runs them) and full-resolution label counts.
 */
export const AMP_HELP = {
  training:
    'precision: auto | off | bf16 | fp16 (CUDA); auto: bf16 training steps on GPUs with compute capability ≥ 8.0, else float32; ' +
    'evaluation, pseudo-labels and centroids stay float32 unless bf16 or fp16 is given',
  labels:
    'precision: off or auto (the default): float32 | bf16 | fp16 (CUDA); bf16 is 1.2–1.3× faster on CPUs with native bf16 ' +
    'but changes ~0.4 % of label pixels (README, "Inference on the CPU")',
};
const DISTRIBUTED = new Set<StageCommand>(['translate', 'warm-up', 'pseudo-label', 'centroids', 'self-train', 'evaluate', 'pipeline']);

export interface RunOptionValues {
  config?: string;
  preset?: string;
  cudaDeviceId?: number;
  amp?: string;
  resume?: boolean;
  [key: string]: unknown;
}

/** Adds `command`'s options to `cmd`. */
export function addRunOptions(cmd: Command, command: StageCommand): Command {
  for (const f of COMMAND_FLAGS[command]) {
    if (f.parse) cmd.option(f.flag, f.help, f.parse as (v: string, p: unknown) => unknown);
    else cmd.option(f.flag, f.help);
  }
  cmd
    .option('--cuda-device-id <n>', 'the published flag: same as --device cuda:N', int)
    .addOption(new Option('--amp <mode>', TRAINS.has(command) ? AMP_HELP.training : AMP_HELP.labels).choices(['auto', 'off', 'bf16', 'fp16']))
    .option('--channels-last', 'channels-last weights and inputs')
    .option('--strict', 'stop on data problems that are otherwise warnings (list lines that repeat an earlier line)');
  if (TRAINS.has(command)) {
    cmd.option('--activation-checkpointing', 'recompute backbone stages in backward (less memory, more compute)');
    cmd.option('--no-tensorboard', 'write no TensorBoard event files (by default each training stage writes them into <log-dir>/tensorboard/<stage>/)');
    if (command !== 'demo') cmd.option('--dump-logs [bool]', 'also write what the stage prints to <log-dir>/output.txt (the published flag)', bool);
  }
  if (command === 'translate' || command === 'warm-up' || command === 'self-train') cmd.option('--resume', 'continue from the saved training state');
  if (command === 'translate' || command === 'warm-up' || command === 'self-train' || command === 'pipeline') {
    cmd.option('--overwrite', "start over in a weight folder that holds a previous run's state or best weights (they are deleted)");
  }
  if (command === 'warm-up' || command === 'pipeline' || command === 'demo') {
    cmd.option('--no-unlabelled-bn-pass', "warm-up: skip the student's no-grad pass over unlabelled images (it moves BatchNorm statistics, as published)");
  }
  if (DISTRIBUTED.has(command)) {
    cmd
      .option('--nproc-per-node <n>', 'data-parallel worker processes on this machine (one per GPU, or CPU workers)', intIn(1, 1024, 'the process count'))
      .option('--nnodes <n>', 'machines in a multi-machine run', intIn(1, 65536, 'the machine count'))
      .option('--node-rank <n>', "this machine's index in a multi-machine run", intIn(0, 65535, 'the machine index'))
      .option('--master-addr <host>', 'address of rank 0 for rendezvous')
      .option('--master-port <port>', 'port of rank 0 for rendezvous', intIn(1, 65535, 'a port'))
      .option('--rdzv-timeout <s>', 'seconds every rank may take to join the rendezvous (default: distTimeoutS, 300; env DIGA_RDZV_TIMEOUT)', num);
  }
  return cmd
    .option('--config <file>', 'YAML or JSON config (validated; unknown keys are errors)')
    .addOption(new Option('--preset <name>', 'preset the config starts from').choices(runPresetNames()));
}

/** The long name of a flag spec: '--weight-dir <dir>' → '--weight-dir'. */
const longName = (spec: string) => spec.split(' ')[0];
/** commander's attribute name for a flag: '--weight-dir' → 'weightDir'. */
const attribute = (spec: string) => longName(spec).slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The resolved, validated config for `command`'s option values. */
export function runConfigFrom(command: StageCommand, values: RunOptionValues, defaults: { preset?: string } = {}): RunConfig {
  const overrides: Record<string, unknown> = {};
  const setBy = new Map<keyof RunConfig, string>();
  for (const f of COMMAND_FLAGS[command]) {
    const given = values[attribute(f.flag)];
    if (given === undefined) continue;
    const value = f.to ? f.to(given) : given;
    const other = setBy.get(f.key);
    if (other !== undefined && JSON.stringify(overrides[f.key]) !== JSON.stringify(value)) {
      throw new Error(`${other} and ${longName(f.flag)} name the same thing; give one of them`);
    }
    overrides[f.key] = value;
    setBy.set(f.key, longName(f.flag));
  }
  if (values.cudaDeviceId !== undefined) {
    if (values.device !== undefined) throw new Error('give --device or --cuda-device-id, not both');
    overrides.device = `cuda:${values.cudaDeviceId}`;
  }
  if (values.amp !== undefined) overrides.amp = values.amp;
  if (values.resume) overrides.resume = true;
  if (values.channelsLast) overrides.channelsLast = true;
  if (values.activationCheckpointing) overrides.activationCheckpointing = true;
  if (values.unlabelledBnPass === false) overrides.unlabelledBnPass = false;
  if (values.overwrite) overrides.overwrite = true;
  if (values.strict) overrides.strict = true;
  if (values.tensorboard === false) overrides.tensorboard = false;
  const source = adaptationSource(values);
  if (source) overrides.source = source;
  const layers = (preset: string) => ({ base: COMMAND_DEFAULTS[command], preset, file: values.config, overrides: overrides as PartialRunConfig });
  let cfg = resolveConfig(layers(values.preset ?? (source && !values.config ? source : undefined) ?? defaults.preset ?? 'paper'));
  if (cfg.source === null && values.preset === undefined && READS_WEIGHTS.has(command)) {
    const adapted = adaptationOfWeights(cfg, values, overrides);
    if (adapted) cfg = resolveConfig(layers(adapted));
  }
  return checkListFiles(command, cfg, setBy);
}

/** Commands whose published script names no dataset or network, only a weight folder. */
const READS_WEIGHTS = new Set<StageCommand>(['pseudo-label', 'evaluate']);

/**
 * The adaptation preset of the weights a reading command was pointed at, when they hold the
 * adaptation's DeepLabV2 (19 classes: gta5, 16: synthia) and the command line did not say:
 * the published pseudo-label and evaluation scripts of both settings take the same flags.
 * Sets the model to the weights' own preset unless a flag or the config file names one.
 */
function adaptationOfWeights(cfg: RunConfig, values: RunOptionValues, overrides: Record<string, unknown>): 'gta5' | 'synthia' | undefined {
  let file: string;
  try {
    file = weightFile(cfg.loadWeightDir, 'student');
  } catch {
    return undefined; // the stage itself says what is missing
  }
  const found = modelOfWeights(file);
  if (!found || found.family !== 'deeplabv2') return undefined;
  const preset = found.classes === 16 ? 'synthia' : found.classes === 19 ? 'gta5' : undefined;
  if (!preset) return undefined;
  const fileModel = values.config ? readConfigFile(values.config).model : undefined;
  if (overrides.model === undefined && fileModel === undefined && found.preset) overrides.model = found.preset;
  if (isMainProcess()) process.stderr.write(`${file} holds a DeepLabV2 of ${found.classes} classes: using --preset ${preset} (domain adaptation)\n`);
  return preset;
}

/** The source a command line names with --gta5-data-path or --synthia-data-path (both: an error). */
function adaptationSource(values: RunOptionValues): 'gta5' | 'synthia' | undefined {
  const gta5 = values.gta5DataPath !== undefined || values.dataListPathGta5 !== undefined;
  const synthia = values.synthiaDataPath !== undefined || values.dataListPathSynthia !== undefined;
  if (gta5 && synthia) throw new Error('give the GTA5 flags (--gta5-data-path, --data-list-path-gta5) or the SYNTHIA ones, not both');
  return gta5 ? 'gta5' : synthia ? 'synthia' : undefined;
}

const PUBLISHED_LIST = /(?:^|[\\/])util[\\/]loader[\\/]cityscapes_list[\\/](.+)$/;

/**
 * Every list file the command reads must exist, checked before anything runs. A list given
 * as the published repository's `./util/loader/cityscapes_list/...` path, where that
 * repository is not, is read from diga's copy of the same published lists; the published
 * README's one path with a leading `/util/...` is an error that says what it meant.
 */
function checkListFiles(command: StageCommand, cfg: RunConfig, setBy: Map<keyof RunConfig, string>): RunConfig {
  const keys = new Set(COMMAND_FLAGS[command].map((f) => f.key).filter((k) => k.startsWith('dataListPath')));
  if (command === 'warm-up' && !cfg.unlabelledBnPass && !cfg.source) {
    keys.delete('dataListPathCityImg');
    keys.delete('dataListPathCityLbl');
  }
  if (cfg.source) {
    // Domain adaptation has no labelled Cityscapes images.
    keys.delete('dataListPathCityImgGt');
    keys.delete('dataListPathCityLblGt');
  }
  const checked: Record<string, unknown> = { ...cfg };
  for (const key of keys) {
    const path = cfg[key] as string | null;
    if (path === null || existsSync(path)) continue;
    const where = setBy.get(key) ?? `the list '${key}' (from the preset or config file)`;
    const tail = PUBLISHED_LIST.exec(path)?.[1];
    const shipped = tail && join(packageRoot, 'data', 'cityscapes-lists', tail);
    if (!shipped || !existsSync(shipped)) throw new Error(`${where}: no list file ${path}`);
    if (isAbsolute(path)) {
      const relative = `.${path.slice(path.search(/[\\/]util[\\/]loader[\\/]/))}`;
      throw new Error(`${where}: no list file ${path}; did you mean the relative path ${relative}? (the leading "/" makes it absolute)`);
    }
    if (isMainProcess()) process.stderr.write(`${where}: ${path} is not here; reading diga's copy of that published list, ${shipped}\n`);
    checked[key] = shipped;
  }
  return checked as RunConfig;
}

/**
 * Starts the worker processes when --nproc-per-node asks for several and this
 * process is not already a worker; resolves true when it did (the caller stops).
 */
export async function launchIfAsked(values: RunOptionValues): Promise<boolean> {
  const nproc = (values.nprocPerNode as number | undefined) ?? 1;
  const nnodes = (values.nnodes as number | undefined) ?? 1;
  const nodeRank = (values.nodeRank as number | undefined) ?? 0;
  if (nodeRank >= nnodes) throw new Error(`--node-rank ${nodeRank} is not below --nnodes ${nnodes} (machines count from 0)`);
  const rdzvTimeout = values.rdzvTimeout as number | undefined;
  if (rdzvTimeout !== undefined && !(rdzvTimeout > 0)) throw new Error(`--rdzv-timeout ${rdzvTimeout} is not a positive number of seconds`);
  // Through the environment, so that it reaches this process's group too when another launcher started it.
  if (rdzvTimeout !== undefined) process.env.DIGA_RDZV_TIMEOUT = String(rdzvTimeout);
  if ((nproc <= 1 && nnodes <= 1) || process.env.WORLD_SIZE) return false;
  const code = await launchWorkers({
    nprocPerNode: nproc,
    nnodes,
    nodeRank,
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
