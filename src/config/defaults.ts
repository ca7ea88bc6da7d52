// The paper's recipe (docs/method.md §1–§6) and the named presets. Folder
// defaults are the published scripts' own (work_dir/weights_DiGA_semiseg_1_16_*).
import { join } from 'node:path';
import { packageRoot } from '../native/binding.js';
import type { PartialRunConfig, RunConfig } from './schema.js';

const lists = join(packageRoot, 'data', 'cityscapes-lists');

export const PAPER: RunConfig = {
  cityDataPath: 'data/cityscapes',
  dataListPathCityImgGt: join(lists, 'split_train', 'train_image_labeled_1-16.txt'),
  dataListPathCityLblGt: join(lists, 'split_train', 'train_label_labeled_1-16.txt'),
  dataListPathCityImg: join(lists, 'split_train', 'train_image_unlabeled_1-16.txt'),
  dataListPathCityLbl: join(lists, 'split_train', 'train_label_unlabeled_1-16.txt'),
  dataListPathValImg: join(lists, 'val.txt'),
  dataListPathValLbl: join(lists, 'val_label.txt'),
  dataListPathTrainImg: join(lists, 'train.txt'),
  dataListPathTrainLbl: join(lists, 'train_label.txt'),
  trainSplit: 'train',
  valSplit: 'val',

  weightDir: 'work_dir/weights_DiGA_semiseg_1_16_warm_up',
  loadWeightDir: 'work_dir/weights_DiGA_semiseg_1_16_warm_up',
  saveWeightDir: 'work_dir/weights_DiGA_semiseg_1_16_ST',
  saveFormat: 'safetensors',
  logDir: 'work_dir/log_DiGA_semiseg_1_16_warm_up',
  genImgDir: 'work_dir/generated_imgs_DiGA_semiseg_1_16_warm_up',
  centroidDir: 'work_dir/class_centroids_1_16',
  // Relative to cityDataPath: data/cityscapes/pseudo_train_1_16_warm_up.
  pseudoDir: 'pseudo_train_1_16_warm_up',

  device: 'cpu',
  model: 'hrnet48',
  labels: 'cityscapes-19',
  pretrained: null,
  steps: 80_000,
  selfTrainSteps: null,
  evalEvery: 1000,
  checkpointEvery: 1000,
  stopAt: 0,
  logEvery: 50,
  imageEvery: 1000,
  seed: 0,
  amp: 'auto',
  channelsLast: false,
  activationCheckpointing: false,
  cudnnBenchmark: true,
  resume: false,
  overwrite: false,
  threads: 0,
  distTimeoutS: 300,

  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 5e-4,
  lrPower: 1,
  emaMax: 0.999,
  auxWeight: 0.1,
  distilWeight: 0.5,
  ceAverage: 'all-pixels',

  lowPerStep: 1,
  highPerStep: 2,
  cropSize: [512, 1024],
  fullSize: [1024, 2048],
  rescaleMin: 0.7,
  augBeta: 0.4,
  augSpace: 'normalised',
  unlabelledBnPass: true,
  loaderConcurrency: 4,
  loaderDepth: 4,

  evalScales: [[1024, 2048], [512, 1024]],
  evalLimit: 0,
  evalBatch: 1,

  centroidEpochs: 5,
  centroidMinPixels: 5,
  centroidCountCap: 3000,
  centroidMomentum: 1e-4,
  refineRounds: 1,

  source: null,
  sourceDataPath: 'data/GTA5',
  dataListPathSource: null,
  sourceSizes: [[720, 1280], [1052, 1914]],
  targetSizes: [[512, 1024], [1024, 2048]],
  sourceRedraw: true,
  segLoss: 'ce',
  ohemThreshold: 0.7,
  ohemMinKept: 100_000,
  distilCrossWeight: 0.5,
  selfTrainDistilWeight: null,
  selfTrainAugBeta: null,
  warmUpJitterP: 0.5,
  warmUpGrayscaleP: 0.3,
  warmUpLrSchedule: 'poly',
  sgdRepeats: 'published',

  translator: 'published',
  translatorSteps: 50_000,
  translatorLr: 1e-4,
  translatorBetas: [0.5, 0.999],
  translatorSaveEvery: 2000,
  selfReconstructionWeight: 0.001,
  translatorPath: null,
  vggWeights: null,
};

/** Cityscapes as the adaptation target: all 2975 train images unlabelled, val for evaluation. */
const ADAPTATION_TARGET: PartialRunConfig = {
  cityDataPath: 'data/Cityscapes',
  dataListPathCityImg: join(lists, 'train.txt'),
  dataListPathCityLbl: join(lists, 'train_label.txt'),
  weightDir: 'work_dir/weights_DiGA_warm_up',
  loadWeightDir: 'work_dir/weights_DiGA_warm_up',
  saveWeightDir: 'work_dir/weights_DiGA_ST',
  logDir: 'work_dir/log_DiGA_warm_up',
  genImgDir: 'work_dir/generated_imgs_DiGA_warm_up',
  centroidDir: 'work_dir/class_centroids',
  pseudoDir: 'pseudo_train_warm_up',
  lr: 2.5e-4,
  lrPower: 0.9,
  cropSize: [512, 896],
  selfTrainAugBeta: 0.3,
  selfTrainDistilWeight: 0.25,
  selfTrainSteps: 80_000,
};

/** The list files `diga make-data` writes under `root` (labelled fraction 1/8). */
export function demoLists(root: string): PartialRunConfig {
  const l = (name: string) => join(root, 'lists', name);
  return {
    cityDataPath: root,
    dataListPathCityImgGt: l('split_train/train_image_labeled_1-8.txt'),
    dataListPathCityLblGt: l('split_train/train_label_labeled_1-8.txt'),
    dataListPathCityImg: l('split_train/train_image_unlabeled_1-8.txt'),
    dataListPathCityLbl: l('split_train/train_label_unlabeled_1-8.txt'),
    dataListPathValImg: l('val.txt'),
    dataListPathValLbl: l('val_label.txt'),
    dataListPathTrainImg: l('train.txt'),
    dataListPathTrainLbl: l('train_label.txt'),
  };
}

/** Named presets: overrides on top of the paper's recipe. */
export const RUN_PRESETS: Record<string, PartialRunConfig> = {
  paper: {},
  /** GTA5 → Cityscapes (docs/method.md, "Domain adaptation"): DeepLabV2, 19 classes. */
  gta5: {
    ...ADAPTATION_TARGET,
    source: 'gta5',
    sourceDataPath: 'data/GTA5',
    model: 'deeplabv2',
    labels: 'cityscapes-19',
    steps: 80_000,
    distilWeight: 0.5,
    distilCrossWeight: 0.5,
    selfReconstructionWeight: 0.001,
  },
  /** SYNTHIA (RAND-CITYSCAPES) → Cityscapes: 16 classes, OHEM, the published warm-up's linear ramp. */
  synthia: {
    ...ADAPTATION_TARGET,
    source: 'synthia',
    sourceDataPath: 'data/SYNTHIA',
    sourceSizes: [[760, 1280], [1140, 1920]],
    model: 'deeplabv2-c16',
    labels: 'cityscapes-16',
    steps: 60_000,
    segLoss: 'ohem',
    distilWeight: 0.25,
    distilCrossWeight: 0.25,
    warmUpLrSchedule: 'ramp',
    warmUpJitterP: 0.7,
    warmUpGrayscaleP: 0.1,
    selfReconstructionWeight: 0.025,
  },
  /** The built-in demo: generated street scenes, a CPU-sized network, minutes not days. */
  demo: {
    ...demoLists('data/synthetic'),
    weightDir: 'work_dir/demo/warm-up',
    loadWeightDir: 'work_dir/demo/warm-up',
    saveWeightDir: 'work_dir/demo/self-train',
    logDir: 'work_dir/demo/logs',
    genImgDir: 'work_dir/demo/images',
    centroidDir: 'work_dir/demo/centroids',
    // Inside the dataset folder, as the published pseudo-labels are.
    pseudoDir: 'pseudo-labels',
    model: 'hrnet18-small',
    steps: 300,
    selfTrainSteps: 120,
    evalEvery: 100,
    checkpointEvery: 100,
    logEvery: 10,
    imageEvery: 100,
    lr: 1e-2,
    cropSize: [128, 256],
    fullSize: [256, 512],
    evalScales: [[256, 512], [128, 256]],
    centroidEpochs: 1,
    centroidMomentum: 1e-2,
  },
};
