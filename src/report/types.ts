// The data behind a run report (`buildReport`), section by section. A section a run
// folder has no record of is null or empty: the page then says "not recorded".

/**
 * A curve: [step, value] pairs in step order. A curve of more than CURVE_POINTS (2000) steps
 * keeps, of each stretch of steps, its lowest and highest point (engine/run/curve-points.ts).
 */
export type Points = Array<[number, number]>;

export interface Series {
  name: string;
  points: Points;
}

export interface ConfigEntry {
  key: string;
  value: unknown;
  /** The preset's value (the paper's recipe under the preset); undefined where it has none. */
  presetValue: unknown;
  differs: boolean;
}

export interface StageTiming {
  /** "warm-up", "pseudo-label", "centroids", "self-train", "evaluate". */
  stage: string;
  /** The self-training round (1, 2, ...) a stage belongs to; null outside rounds. */
  round: number | null;
  seconds: number | null;
  secondsPerStep: number | null;
  imagesPerSecond: number | null;
  maxRssBytes: number | null;
  devicePeakBytes: number | null;
}

export interface RunSection {
  /** The arguments the command was given (after `diga`). */
  argv: string[] | null;
  preset: string;
  config: ConfigEntry[];
  versions: { diga: string; libtorch: string; node: string; deviceName: string } | null;
  device: string | null;
  stages: StageTiming[];
  /** The whole pipeline's wall time, where a pipeline ran. */
  totalSeconds: number | null;
}

export interface TrainingStage {
  /** "warm-up", "self-train round 1", ... */
  label: string;
  stage: 'warm-up' | 'self-train';
  round: number | null;
  /** The configured number of steps (the charts' step axis runs to it). */
  steps: number;
  /** The last step logged. */
  lastStep: number;
  terms: Series[];
  lr: Points;
  miou: Points;
  best: { step: number; miou: number } | null;
}

export interface ClassColumn {
  label: string;
  /** IoU per class of the evaluation this column shows; null where undefined. */
  iou: Array<number | null>;
  /** The step of that evaluation (the kept weights' step); null for the final evaluation. */
  step: number | null;
  /** The mIoU the run logged for it. */
  miou: number | null;
}

export interface ClassSection {
  names: string[];
  columns: ClassColumn[];
  /** Classes with no pixel in the val set (their IoU is no score, not 0). */
  absent: boolean[];
  /** IoU of the last column minus the first, per class; null where either is undefined or the class is absent. */
  gain: Array<number | null>;
}

export interface PseudoLabelRound {
  round: number;
  images: number | null;
  /** Against the unlabelled set's ground truth; null where it has none. */
  miou: number | null;
  iou: Array<number | null> | null;
  /** Each class's share of the pseudo-labelled pixels, and of the labelled set's label pixels. */
  histogram: number[] | null;
  labelledHistogram: number[] | null;
}

export interface ConsensusRound {
  label: string;
  round: number | null;
  /** The share of pseudo-labelled pixels consensus kept, at each log step. */
  kept: Points;
  /** Per class over every logged step: pixels kept, pixels pseudo-labelled, and their ratio. */
  perClass: Array<{ kept: number; pseudo: number; share: number | null }>;
}

export interface DriftRound {
  label: string;
  round: number | null;
  /** Distance of each centroid from where the round started, at its last log step. */
  last: number[];
  lastStep: number;
  /** The mean and the largest distance over the classes, at each log step. */
  mean: Points;
  max: Points;
}

export interface SampleGrid {
  /** Relative to the run folder, with forward slashes (the page links it). */
  file: string;
  stage: string;
  round: number | null;
  step: number;
}

export interface DistributedSection {
  ranks: number;
  /** Every passing replica check (each check that fails stops the run). */
  checks: Array<{ label: string; step: number; tensors: number }>;
}

export interface Report {
  runDir: string;
  /** When the report was built (ISO time). */
  generated: string;
  classNames: string[];
  run: RunSection | null;
  training: TrainingStage[];
  classes: ClassSection | null;
  pseudoLabels: PseudoLabelRound[];
  consensus: ConsensusRound[];
  centroidDrift: DriftRound[];
  samples: SampleGrid[];
  /** Null for a single-process run. */
  distributed: DistributedSection | null;
}
