// Every option of a diga run, validated. Names are the camelCase of the CLI
// flags (which keep the published scripts' names in kebab-case). Defaults are
// the paper's recipe; presets and config files override them, flags override those.
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const positiveInt = z.number().int().positive();
/** The most intra-op threads a run may ask for. */
export const MAX_THREADS = 4 * availableParallelism();
const size = z.tuple([positiveInt, positiveInt]);

export const runConfigSchema = z
  .object({
    // --- data: the Cityscapes layout and list files
    cityDataPath: z.string().describe('dataset root (leftImg8bit/ and gtFine/ inside)'),
    dataListPathCityImgGt: z.string().describe('labelled images list'),
    dataListPathCityLblGt: z.string().describe('labelled labels list'),
    dataListPathCityImg: z.string().describe('unlabelled images list (also the images pseudo-label labels)'),
    dataListPathCityLbl: z.string().describe('unlabelled labels list (used only to report pseudo-label quality and in pictures)'),
    dataListPathValImg: z.string().describe('validation images list'),
    dataListPathValLbl: z.string().describe('validation labels list'),
    dataListPathTrainImg: z.string().describe('the images the centroid stage reads (all of train)'),
    dataListPathTrainLbl: z.string().describe('their labels (never used for the centroids)'),
    trainSplit: z.string().describe('the split folder of training images'),
    valSplit: z.string(),

    // --- outputs
    weightDir: z.string().describe('where warm-up writes its weights'),
    loadWeightDir: z.string().describe('the weights pseudo-label, centroids, self-train and evaluate read'),
    saveWeightDir: z.string().describe('where self-training writes its weights'),
    saveFormat: z.enum(['safetensors', 'pth', 'both']).describe("best student/teacher weights as safetensors, as the published code's .pth, or both"),
    logDir: z.string(),
    genImgDir: z.string().describe('sample grids'),
    centroidDir: z.string().describe('the folder holding feat_centroids, or the file itself'),
    pseudoDir: z.string().describe('pseudo-label folder; a relative path is relative to cityDataPath, as published'),

    // --- run
    device: z.string(),
    model: z.string().describe("model preset (each family's presets: the --model help of a stage command)"),
    labels: z.string().describe('the label set the datasets and the model use (cityscapes-19, or cityscapes-16 for SYNTHIA)'),
    pretrained: z.string().nullable().describe('ImageNet-pretrained backbone file'),
    steps: positiveInt,
    selfTrainSteps: positiveInt.nullable().describe('self-training steps (null: as --steps)'),
    evalEvery: positiveInt,
    checkpointEvery: positiveInt,
    stopAt: z.number().int().nonnegative().describe('stop after this step with the state saved, for --resume later (0: run to the end)'),
    logEvery: positiveInt,
    imageEvery: z.number().int().nonnegative().describe('sample grids every N steps (0: never)'),
    seed: z.number().int().nonnegative(),
    amp: z.enum(['auto', 'off', 'bf16', 'fp16']).describe(
      'mixed precision; auto: bf16 for training steps on GPUs with compute capability ≥ 8.0, float32 elsewhere; what writes or scores labels ' +
        '(predict, evaluate, pseudo-label, centroids, evaluation during training) stays float32 under auto, on every device, and uses bf16 or fp16 only when given',
    ),
    channelsLast: z.boolean().describe('channels-last weights and inputs (faster convolutions on GPUs)'),
    activationCheckpointing: z.boolean().describe("recompute the backbone stages in backward instead of keeping their activations"),
    cudnnBenchmark: z.boolean().describe('cuDNN autotuning on CUDA devices'),
    resume: z.boolean(),
    overwrite: z.boolean().describe("a fresh run may replace a previous run's state and best weights in its folder"),
    // More threads than 4x the cores only contend (100 000 of them drove a machine's load to 500).
    threads: z
      .number()
      .int()
      .min(0)
      .max(MAX_THREADS, `threads must be 0 (all cores) or at most ${MAX_THREADS} (4x the ${availableParallelism()} cores)`)
      .describe('intra-op threads (0: all cores)'),
    tensorboard: z.boolean().describe('training stages also write TensorBoard event files into <log-dir>/tensorboard/<stage>/'),
    strict: z.boolean().describe('data problems that are warnings by default (repeated list lines) stop the run instead'),
    distTimeoutS: z.number().positive().describe('seconds a collective may wait for the other ranks'),

    // --- optimiser and losses (docs/method.md §3, §4)
    lr: z.number().positive(),
    momentum: z.number().min(0).max(1),
    weightDecay: z.number().nonnegative(),
    lrPower: z.number().positive(),
    emaMax: z.number().min(0).max(1),
    auxWeight: z.number().nonnegative(),
    distilWeight: z.number().nonnegative(),
    ceAverage: z.enum(['all-pixels', 'valid-pixels']),

    // --- batches and augmentation (docs/method.md §1)
    lowPerStep: z.number().int().nonnegative(),
    highPerStep: z.number().int().nonnegative(),
    cropSize: size.describe('training crop [H, W]'),
    fullSize: size.describe('full image size [H, W]'),
    rescaleMin: z.number().positive().max(1),
    augBeta: z.number().min(0).max(1),
    augSpace: z.enum(['normalised', 'unit']),
    unlabelledBnPass: z.boolean().describe("warm-up: the student's no-grad training-mode pass over unlabelled images each step (moves its BatchNorm statistics, as published)"),
    loaderConcurrency: positiveInt,
    loaderDepth: positiveInt,

    // --- evaluation and pseudo-labels (docs/method.md §6)
    evalScales: z.array(size).min(1).describe('input sizes fused by max (the first is the output size)'),
    evalLimit: z.number().int().nonnegative().describe('evaluate on the first N val images only (0: all)'),
    evalBatch: positiveInt.describe('images per forward in evaluation and pseudo-labelling (all of one size)'),

    // --- centroids and self-training (docs/method.md §5)
    centroidEpochs: positiveInt,
    centroidMinPixels: positiveInt,
    centroidCountCap: positiveInt,
    centroidMomentum: z.number().min(0).max(1),
    refineRounds: z.number().int().nonnegative().describe('extra pseudo-label + self-train rounds in `pipeline`'),

    // --- domain adaptation (docs/method.md, "Domain adaptation"); source null: the semi-supervised setting
    source: z.enum(['gta5', 'synthia']).nullable().describe('the labelled synthetic source of domain adaptation (null: semi-supervised, labelled Cityscapes)'),
    sourceDataPath: z.string().describe('the source dataset root (GTA5: images/, labels/; SYNTHIA: RGB/, GT/LABELS/)'),
    dataListPathSource: z.string().nullable().describe('the source images list, one file name per line (null: every image of the source folder)'),
    sourceSizes: z.tuple([size, size]).describe('[low, high]: each source image is first resized to these sizes'),
    targetSizes: z.tuple([size, size]).describe('[low, high]: each target (Cityscapes) image is first resized to these sizes'),
    sourceRedraw: z.boolean().describe("redraw a source crop that shows too few classes (at most 5 draws), as the published loaders do"),
    segLoss: z.enum(['ce', 'ohem']).describe('segmentation loss: cross entropy, or online hard example mining (SYNTHIA)'),
    ohemThreshold: z.number().min(0).max(1),
    ohemMinKept: positiveInt,
    distilCrossWeight: z.number().nonnegative().describe("weight of the distillation term where the second view's teacher supervises the clean view's student"),
    selfTrainDistilWeight: z.number().nonnegative().nullable().describe('distillation weight in self-training (null: as distilWeight)'),
    selfTrainAugBeta: z.number().min(0).max(1).nullable().describe('photometric blend in self-training (null: as augBeta)'),
    warmUpJitterP: z.number().min(0).max(1).describe("warm-up: probability of the photometric augmentation's colour jitter (self-training keeps 0.5)"),
    warmUpGrayscaleP: z.number().min(0).max(1).describe("warm-up: probability of the photometric augmentation's grayscale step (self-training keeps 0.3)"),
    warmUpLrSchedule: z.enum(['poly', 'ramp']).describe('warm-up learning rate: poly, base·(1 − i/N)^power; ramp, base·i/N (what the published SYNTHIA warm-up computes); self-training is always poly'),
    sourceOnly: z.boolean().describe('adaptation warm-up trained on the source alone (no translator, no distillation, no target pass): the source-only baseline'),
    sourceOnlyBaseline: z.boolean().describe('`pipeline`: also train the source-only network first and report its target mIoU'),
    sgdRepeats: z
      .enum(['published', 'torch-1.13', 'once'])
      .describe("parameters the published optimiser lists several times: stepped once per listing as PyTorch 1.7 did, as 1.13 does, or once"),
    // --- the image translator (stage 0 of domain adaptation)
    translator: z.enum(['published', 'small', 'tiny']).describe('translator network sizes'),
    translatorSteps: positiveInt,
    translatorLr: z.number().positive(),
    translatorBetas: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]),
    translatorSaveEvery: positiveInt,
    selfReconstructionWeight: z.number().nonnegative().describe('weight of the translator\'s self-reconstruction L1 terms'),
    translatorPath: z.string().nullable().describe('the folder holding enc_s and dec_s2t (null: the warm-up weight folder)'),
    vggWeights: z.string().nullable().describe("torchvision's ImageNet vgg19 .pth for the translator's perceptual loss (null: that loss is left out, with a warning)"),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;

/** A partial config as given in a file or preset: every key optional, unknown keys refused. */
export const partialConfigSchema = runConfigSchema.partial().strict();
export type PartialRunConfig = z.infer<typeof partialConfigSchema>;
