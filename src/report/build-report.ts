// The data behind a run's report, read from its run folder's logs: `buildReport(runDir)`.
// Every figure comes from a log record; what the logs lack (older runs) stays null or empty.
import { resolve } from 'node:path';
import type { LogRecord } from '../engine/run/run-log.js';
import { byStep, readRunLogs, type TrainingLog } from './run-logs.js';
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
const maxOf = (xs: Array<number | null>) => {
  const defined = xs.filter((x): x is number => x !== null);
  return defined.length > 0 ? Math.max(...defined) : null;
};

function trainingStage(t: TrainingLog): TrainingStage {
  const steps = byStep(t.records, 'step');
  const evals = byStep(t.records, 'eval');
  const starts = t.records.filter((r) => r.kind === 'start');
  const termNames = [...new Set(steps.flatMap((r) => Object.keys((r.terms as Record<string, number>) ?? {})))];
  const miou: Points = evals.flatMap((r) => (num(r.miou) === null ? [] : [[r.iteration as number, r.miou as number] as [number, number]]));
  const best = miou.reduce<{ step: number; miou: number } | null>((b, [step, m]) => (b === null || m > b.miou ? { step, miou: m } : b), null);
  const lastStep = steps.length > 0 ? (steps[steps.length - 1].iteration as number) : 0;
  return {
    label: t.label,
    stage: t.stage,
    round: t.round,
    steps: num(starts[starts.length - 1]?.steps) ?? lastStep,
    lastStep,
    terms: termNames.map((name) => ({
      name,
      points: steps.flatMap((r) => {
        const v = num((r.terms as Record<string, unknown>)?.[name]);
        return v === null ? [] : [[r.iteration as number, v] as [number, number]];
      }),
    })),
    lr: steps.flatMap((r) => (num(r.lr) === null ? [] : [[r.iteration as number, r.lr as number] as [number, number]])),
    miou,
    best,
  };
}

const timeOf = (r: LogRecord) => (typeof r.time === 'string' ? Date.parse(r.time) / 1000 : Number.NaN);

/** A log's runs (a resumed run appends a new one), each from its `start` record on. */
function segments(records: LogRecord[]): LogRecord[][] {
  const out: LogRecord[][] = [];
  for (const r of records) {
    if (r.kind === 'start' || out.length === 0) out.push([]);
    out[out.length - 1].push(r);
  }
  return out;
}

/**
 * For logs older than `secondsPerStep` and `end.seconds`: the median time between two log steps
 * with nothing else logged between them, and each run's time from its first record to its last.
 */
function timesFromStamps(records: LogRecord[]): { secondsPerStep: number | null; seconds: number | null } {
  const gaps: number[] = [];
  let seconds = 0;
  for (const seg of segments(records)) {
    const span = timeOf(seg[seg.length - 1]) - timeOf(seg[0]);
    if (Number.isFinite(span)) seconds += span;
    for (let i = 1; i < seg.length; i++) {
      const [a, b] = [seg[i - 1], seg[i]];
      if (a.kind === 'step' && b.kind === 'step' && (b.iteration as number) > (a.iteration as number)) {
        const g = (timeOf(b) - timeOf(a)) / ((b.iteration as number) - (a.iteration as number));
        if (Number.isFinite(g)) gaps.push(g);
      }
    }
  }
  gaps.sort((a, b) => a - b);
  return { secondsPerStep: gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : null, seconds: records.length > 1 ? seconds : null };
}

/** Seconds per step, images/s and peak memory of one training log (the fields newer runs log). */
function trainingTiming(t: TrainingLog, pipelineSeconds: number | null): StageTiming {
  const steps = byStep(t.records, 'step');
  const perStep = steps.map((r) => num(r.secondsPerStep)).filter((x): x is number => x !== null);
  const stamps = timesFromStamps(t.records);
  const secondsPerStep = perStep.length > 0 ? sum(perStep) / perStep.length : stamps.secondsPerStep;
  const start = t.records.find((r) => r.kind === 'start');
  const images = num(start?.imagesPerStep);
  const ranks = num(start?.ranks) ?? 1;
  const ends = t.records.filter((r) => r.kind === 'end').map((r) => num(r.seconds));
  const memory = t.records.map((r) => r.memory as { maxRssBytes?: unknown; devicePeakBytes?: unknown } | undefined).filter((m) => m !== undefined);
  return {
    stage: t.stage,
    round: t.round,
    // The pipeline's figure includes opening the datasets; a stage's own sums its runs (resumes included).
    seconds: pipelineSeconds ?? (ends.length > 0 && ends.every((e) => e !== null) ? sum(ends as number[]) : stamps.seconds),
    secondsPerStep,
    imagesPerSecond: secondsPerStep && images ? (images * ranks) / secondsPerStep : null,
    maxRssBytes: maxOf(memory.map((m) => num(m.maxRssBytes))),
    devicePeakBytes: maxOf(memory.map((m) => num(m.devicePeakBytes))),
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
  const n = Math.max(...columns.map((c) => c.iou.length));
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
      const steps = byStep(t.records, 'step').filter((r) => {
        const s = r.stats as Record<string, unknown> | undefined;
        return nums(s?.consensusKept) !== null && nums(s?.consensusPseudo) !== null;
      });
      if (steps.length === 0) return [];
      const kept = steps.map((r) => (r.stats as Record<string, number[]>).consensusKept);
      const pseudo = steps.map((r) => (r.stats as Record<string, number[]>).consensusPseudo);
      const points: Points = steps.flatMap((r, i) => {
        const p = sum(pseudo[i]);
        return p > 0 ? [[r.iteration as number, sum(kept[i]) / p] as [number, number]] : [];
      });
      const classes = kept[0].length;
      const perClass = Array.from({ length: classes }, (_, k) => {
        const kk = sum(kept.map((v) => v[k] ?? 0));
        const pp = sum(pseudo.map((v) => v[k] ?? 0));
        return { kept: kk, pseudo: pp, share: pp > 0 ? kk / pp : null };
      });
      return [{ label: t.label, round: t.round, kept: points, perClass }];
    });
}

function driftRounds(training: TrainingLog[]): DriftRound[] {
  return training
    .filter((t) => t.stage === 'self-train')
    .flatMap((t) => {
      const steps = byStep(t.records, 'step').filter((r) => nums((r.stats as Record<string, unknown> | undefined)?.centroidDrift) !== null);
      if (steps.length === 0) return [];
      const drift = steps.map((r) => (r.stats as Record<string, number[]>).centroidDrift);
      const at = (i: number) => steps[i].iteration as number;
      return [
        {
          label: t.label,
          round: t.round,
          last: drift[drift.length - 1],
          lastStep: at(drift.length - 1),
          mean: drift.map((d, i) => [at(i), sum(d) / d.length] as [number, number]),
          max: drift.map((d, i) => [at(i), Math.max(...d)] as [number, number]),
        },
      ];
    });
}

function distributedSection(training: TrainingLog[]): DistributedSection | null {
  const ranks = Math.max(1, ...training.flatMap((t) => t.records.filter((r) => r.kind === 'start').map((r) => num(r.ranks) ?? 1)));
  if (ranks <= 1) return null;
  return {
    ranks,
    checks: training.flatMap((t) =>
      byStep(t.records, 'replicas').map((r) => ({ label: t.label, step: r.iteration as number, tensors: num(r.tensors) ?? 0 })),
    ),
  };
}

/** Reads a run folder (or its log folder) and returns every section of its report. */
export function buildReport(runDir: string): Report {
  const { pipeline, training } = readRunLogs(runDir);
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
