// The data behind a run's report, read from its run folder's logs: `buildReport(runDir)`.
// Every figure comes from a log record; what the logs lack (older runs) stays null or empty.
import { resolve } from 'node:path';
import { curvePoints } from '../engine/run/curve-points.js';
import type { LogReadOptions } from '../engine/run/log-reader.js';
import type { LogRecord } from '../engine/run/run-log.js';
import { byStep, readRunLogs, type RunLogs, type TrainingLog } from './run-logs.js';
import { className, classNamesOf, configEntries, presetOf } from './config-diff.js';
import { findSampleGrids } from './samples.js';
import type {
  ClassSection,
  ConsensusRound,
  DistributedSection,
  DriftRound,
  Points,
  PseudoLabelRound,
  Report,
  RunSection,
  StageTiming,
  TrainingStage,
} from './types.js';

export type * from './types.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);
const scores = (v: unknown): Array<number | null> | null =>
  Array.isArray(v) && v.every((x) => x === null || typeof x === 'number') ? (v as Array<number | null>) : null;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const shares = (xs: number[] | null) => {
  if (!xs) return null;
  const total = sum(xs);
  return total > 0 ? xs.map((x) => x / total) : null;
};

/** Column `name` of a training log's steps as a curve, over the steps read back (at most CURVE_POINTS points). */
function stepCurve(t: TrainingLog, kept: Uint32Array, name: string): Points {
  return curvePoints(kept.length, (i) => t.steps.iteration(kept[i]), (i) => t.steps.value(name, kept[i]));
}

function trainingStage(t: TrainingLog): TrainingStage {
  const kept = t.steps.kept();
  const evals = byStep(t.records, 'eval');
  const starts = t.records.filter((r) => r.kind === 'start');
  const miou: Points = evals.flatMap((r) => (num(r.miou) === null ? [] : [[r.iteration as number, r.miou as number] as [number, number]]));
  const best = miou.reduce<{ step: number; miou: number } | null>((b, [step, m]) => (b === null || m > b.miou ? { step, miou: m } : b), null);
  const lastStep = kept.length > 0 ? t.steps.iteration(kept[kept.length - 1]) : 0;
  return {
    label: t.label,
    stage: t.stage,
    round: t.round,
    steps: num(starts[starts.length - 1]?.steps) ?? lastStep,
    lastStep,
    terms: t.termNames.map((name) => ({ name, points: stepCurve(t, kept, `term:${name}`) })),
    lr: stepCurve(t, kept, 'lr'),
    miou,
    best,
  };
}

/** Seconds per step, images/s and peak memory of one training log (the fields newer runs log). */
function trainingTiming(t: TrainingLog, pipelineSeconds: number | null): StageTiming {
  const kept = t.steps.kept();
  let total = 0;
  let logged = 0;
  for (const row of kept) {
    const v = t.steps.value('secondsPerStep', row);
    if (!Number.isFinite(v)) continue;
    total += v;
    logged++;
  }
  const secondsPerStep = logged > 0 ? total / logged : t.stampSecondsPerStep;
  const start = t.records.find((r) => r.kind === 'start');
  const images = num(start?.imagesPerStep);
  const ranks = num(start?.ranks) ?? 1;
  const ends = t.records.filter((r) => r.kind === 'end').map((r) => num(r.seconds));
  return {
    stage: t.stage,
    round: t.round,
    // The pipeline's figure includes opening the datasets; a stage's own sums its runs (resumes included).
    seconds: pipelineSeconds ?? (ends.length > 0 && ends.every((e) => e !== null) ? sum(ends as number[]) : t.stampSeconds),
    secondsPerStep,
    imagesPerSecond: secondsPerStep && images ? (images * ranks) / secondsPerStep : null,
    maxRssBytes: t.maxRssBytes,
    devicePeakBytes: t.devicePeakBytes,
  };
}

function runSection(pipeline: LogRecord[], training: TrainingLog[]): RunSection | null {
  const start = pipeline.find((r) => r.kind === 'start') ?? training.flatMap((t) => t.records).find((r) => r.kind === 'start' && r.config);
  const stageRecords = pipeline.filter((r) => r.kind === 'stage');
  const secondsOf = (stage: string, round: number | null) =>
    num(stageRecords.find((r) => r.stage === stage && (r.round ?? null) === round)?.seconds);
  const stages: StageTiming[] = [];
  const none = { secondsPerStep: null, imagesPerSecond: null, maxRssBytes: null, devicePeakBytes: null };
  for (const t of training) {
    if (t.stage === 'self-train' && t.round !== null) {
      for (const stage of ['pseudo-label', 'centroids']) {
        const seconds = secondsOf(stage, t.round);
        if (seconds !== null) stages.push({ stage, round: t.round, seconds, ...none });
      }
    }
    stages.push(trainingTiming(t, secondsOf(t.stage, t.round)));
  }
  const evaluate = secondsOf('evaluate', null);
  if (evaluate !== null) stages.push({ stage: 'evaluate', round: null, seconds: evaluate, ...none });
  if (!start && stages.length === 0) return null;
  const argv = Array.isArray(start?.argv) ? (start.argv as string[]) : null;
  const config = (start?.config as Record<string, unknown> | undefined) ?? null;
  const preset = presetOf(argv);
  return {
    argv,
    preset,
    config: config ? configEntries(config, preset) : [],
    versions: (start?.versions as RunSection['versions']) ?? null,
    device: typeof start?.device === 'string' ? start.device : typeof config?.device === 'string' ? config.device : null,
    stages,
    totalSeconds: num(pipeline.find((r) => r.kind === 'end')?.seconds),
  };
}

/** Per-class IoU of each training stage's best evaluation (its kept weights), and the final evaluation. */
function classSection(training: TrainingLog[], pipeline: LogRecord[], names: string[]): ClassSection | null {
  const columns: ClassSection['columns'] = [];
  const supports: number[][] = [];
  for (const t of training) {
    const evals = byStep(t.records, 'eval').filter((r) => scores(r.iou) !== null);
    if (evals.length === 0) continue;
    const best = evals.reduce((b, r) => ((num(r.miou) ?? -1) > (num(b.miou) ?? -1) ? r : b));
    columns.push({ label: t.label, iou: scores(best.iou)!, step: best.iteration as number, miou: num(best.miou) });
    const support = nums(best.support);
    if (support) supports.push(support);
  }
  const final = pipeline.find((r) => r.kind === 'stage' && r.stage === 'evaluate');
  if (final && scores(final.iou)) {
    columns.push({ label: 'final evaluation', iou: scores(final.iou)!, step: null, miou: num(final.miou) });
    const support = nums(final.support);
    if (support) supports.push(support);
  }
  if (columns.length === 0) return null;
  let n = 0;
  for (const c of columns) n = Math.max(n, c.iou.length);
  // With the val pixel counts logged, absent means no pixel; without them (older logs), no defined IoU anywhere.
  const absent = Array.from({ length: n }, (_, k) =>
    supports.length > 0 ? supports.every((s) => (s[k] ?? 0) === 0) : columns.every((c) => c.iou[k] === null || c.iou[k] === undefined),
  );
  const first = columns[0];
  const last = columns[columns.length - 1];
  const gain = absent.map((a, k) => {
    const x = first.iou[k];
    const y = last.iou[k];
    return a || columns.length < 2 || x === null || y === null || x === undefined || y === undefined ? null : y - x;
  });
  return { names: Array.from({ length: n }, (_, k) => names[k] ?? className(k)), columns, absent, gain };
}

function pseudoLabelRounds(pipeline: LogRecord[]): PseudoLabelRound[] {
  const labelled = pipeline.find((r) => r.kind === 'labelled-histogram');
  return pipeline
    .filter((r) => r.kind === 'stage' && r.stage === 'pseudo-label')
    .map((r) => ({
      round: num(r.round) ?? 0,
      images: num(r.images),
      miou: num(r.miou),
      iou: scores(r.iou),
      histogram: shares(nums(r.histogram)),
      labelledHistogram: shares(nums(labelled?.histogram)),
    }));
}

function consensusRounds(training: TrainingLog[]): ConsensusRound[] {
  return training
    .filter((t) => t.stage === 'self-train')
    .flatMap((t) => {
      if (!t.consensus) return [];
      const kept = t.steps.kept();
      // The class count of the first step read back that logged consensus.
      let classes = Number.NaN;
      for (let i = 0; i < kept.length && !Number.isFinite(classes); i++) classes = t.steps.value('consensusClasses', kept[i]);
      if (!Number.isFinite(classes)) return [];
      const { kept: keptSums, pseudo: pseudoSums } = t.consensus;
      const perClass = Array.from({ length: classes }, (_, k) => {
        const kk = keptSums[k] ?? 0;
        const pp = pseudoSums[k] ?? 0;
        return { kept: kk, pseudo: pp, share: pp > 0 ? kk / pp : null };
      });
      return [{ label: t.label, round: t.round, kept: stepCurve(t, kept, 'consensus'), perClass }];
    });
}

function driftRounds(training: TrainingLog[]): DriftRound[] {
  return training
    .filter((t) => t.stage === 'self-train')
    .flatMap((t) => {
      if (!t.drift) return [];
      const kept = t.steps.kept();
      return [
        {
          label: t.label,
          round: t.round,
          last: t.drift.last,
          lastStep: t.drift.step,
          mean: stepCurve(t, kept, 'driftMean'),
          max: stepCurve(t, kept, 'driftMax'),
        },
      ];
    });
}

function distributedSection(training: TrainingLog[]): DistributedSection | null {
  let ranks = 1;
  for (const t of training) for (const r of t.records) if (r.kind === 'start') ranks = Math.max(ranks, num(r.ranks) ?? 1);
  if (ranks <= 1) return null;
  return {
    ranks,
    checks: training.flatMap((t) =>
      byStep(t.records, 'replicas').map((r) => ({ label: t.label, step: r.iteration as number, tensors: num(r.tensors) ?? 0 })),
    ),
  };
}

/** Reads a run folder (or its log folder) and returns every section of its report; `warn` hears of log lines that are no records. */
export function buildReport(runDir: string, options: LogReadOptions = {}): Report {
  return reportFromLogs(runDir, readRunLogs(runDir, options));
}

/** The report of logs already read (readRunLogs). */
export function reportFromLogs(runDir: string, logs: RunLogs): Report {
  const { pipeline, training } = logs;
  const start = pipeline.find((r) => r.kind === 'start') ?? training.flatMap((t) => t.records).find((r) => r.kind === 'start' && r.config);
  const classNames = classNamesOf((start?.config as Record<string, unknown> | undefined)?.labels);
  return {
    runDir: resolve(runDir),
    generated: new Date().toISOString(),
    classNames,
    run: runSection(pipeline, training),
    training: training.map(trainingStage),
    classes: classSection(training, pipeline, classNames),
    pseudoLabels: pseudoLabelRounds(pipeline),
    consensus: consensusRounds(training),
    centroidDrift: driftRounds(training),
    samples: findSampleGrids(runDir, training),
    distributed: distributedSection(training),
  };
}
