// One training stage's log, read for the report a record at a time: its few records other
// than steps kept whole (start, eval, replicas, end), its steps folded as they are read
// into columns and sums. A paper run's log holds 80 000 step records and a long one more;
// as objects they would not fit, and no figure is drawn from them one by one.
import { forEachRecord, type LogReadOptions } from '../engine/run/log-reader.js';
import type { LogRecord } from '../engine/run/run-log.js';
import { StepTable } from '../engine/run/step-table.js';

export interface TrainingLog {
  label: string;
  stage: 'warm-up' | 'self-train';
  round: number | null;
  /** Its records other than steps, in file order. */
  records: LogRecord[];
  /**
   * Its step records, one row each: the columns `term:<name>`, `lr`, `secondsPerStep`,
   * `consensus` (the share consensus kept), `consensusClasses`, `driftMean` and `driftMax`.
   */
  steps: StepTable;
  /** The loss terms, in the order first logged. */
  termNames: string[];
  /** Per class, pixels consensus kept and pixels pseudo-labelled, summed over the steps read back; null where none logged them. */
  consensus: { kept: number[]; pseudo: number[] } | null;
  /** The centroid drift per class at the last step that logged it. */
  drift: { last: number[]; step: number } | null;
  /** The largest peak memory any record logged. */
  maxRssBytes: number | null;
  devicePeakBytes: number | null;
  /** For logs older than `secondsPerStep`: the median time between two step records with nothing between them. */
  stampSecondsPerStep: number | null;
  /** For logs older than `end.seconds`: each run's time from its first record to its last, summed. */
  stampSeconds: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const timeOf = (r: LogRecord) => (typeof r.time === 'string' ? Date.parse(r.time) / 1000 : Number.NaN);

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function largest(xs: number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Adds `v` (times `sign`) into `into`, growing it to v's length. */
function accumulate(into: number[], v: number[], sign: number): void {
  for (let k = 0; k < v.length; k++) into[k] = (into[k] ?? 0) + sign * v[k];
}

/** A growable list of float64s (the gaps between step stamps). */
class Numbers {
  #data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.#data.length) {
      const grown = new Float64Array(2 * this.#data.length);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = v;
  }

  /** The median (the upper one of an even count), or null when empty. */
  median(): number | null {
    if (this.length === 0) return null;
    const sorted = this.#data.slice(0, this.length).sort();
    return sorted[Math.floor(this.length / 2)];
  }
}

/** The consensus and drift vectors of a step record, when it logged them. */
function statsOf(r: LogRecord): { kept: number[] | null; pseudo: number[] | null; drift: number[] | null } {
  const s = isObject(r.stats) ? r.stats : {};
  const kept = nums(s.consensusKept);
  const pseudo = nums(s.consensusPseudo);
  return { kept: kept && pseudo ? kept : null, pseudo: kept && pseudo ? pseudo : null, drift: nums(s.centroidDrift) };
}

/** Where a training log's records come from: a JSONL file, read a line at a time, or records made otherwise (TensorBoard events). */
export type RecordSource = (visit: (record: LogRecord) => void, options: LogReadOptions) => void;

const fileRecords =
  (file: string): RecordSource =>
  (visit, options) => {
    forEachRecord(file, visit, options);
  };

/** Reads the training log at `file` (or from `source`); see TrainingLog. */
export function readTrainingLog(
  from: string | RecordSource,
  name: Pick<TrainingLog, 'label' | 'stage' | 'round'>,
  options: LogReadOptions = {},
): TrainingLog {
  const source = typeof from === 'string' ? fileRecords(from) : from;
  const records: LogRecord[] = [];
  const steps = new StepTable();
  const termNames = new Set<string>();
  let consensus: { kept: number[]; pseudo: number[] } | null = null;
  let drift: { row: number; last: number[] } | null = null;
  let maxRss: number | null = null;
  let devicePeak: number | null = null;
  const gaps = new Numbers();
  let count = 0;
  // Time stamps: the runs (a resumed run appends a new one, from its start record), each from
  // its first record to its last, and the record before this one.
  const stamps = { seconds: 0, first: Number.NaN, previous: null as { time: number; step: number | null } | null };
  const endRun = () => {
    const span = (stamps.previous?.time ?? Number.NaN) - stamps.first;
    if (Number.isFinite(span)) stamps.seconds += span;
  };

  source(
    (r) => {
      count++;
      const time = timeOf(r);
      if (r.kind === 'start' || stamps.previous === null) {
        endRun();
        stamps.first = time;
        stamps.previous = null;
      }
      const step = r.kind === 'step' && typeof r.iteration === 'number' ? r.iteration : null;
      const before = stamps.previous;
      if (step !== null && before !== null && before.step !== null && step > before.step) {
        const gap = (time - before.time) / (step - before.step);
        if (Number.isFinite(gap)) gaps.push(gap);
      }
      stamps.previous = { time, step };
      if (isObject(r.memory)) {
        const rss = num(r.memory.maxRssBytes);
        const peak = num(r.memory.devicePeakBytes);
        if (rss !== null && (maxRss === null || rss > maxRss)) maxRss = rss;
        if (peak !== null && (devicePeak === null || peak > devicePeak)) devicePeak = peak;
      }
      if (r.kind !== 'step') {
        records.push(r);
        return;
      }
      if (step === null) return;
      const row = steps.add(step);
      if (isObject(r.terms)) {
        for (const [term, value] of Object.entries(r.terms)) {
          termNames.add(term);
          steps.set(`term:${term}`, row, num(value) ?? Number.NaN);
        }
      }
      steps.set('lr', row, num(r.lr) ?? Number.NaN);
      steps.set('secondsPerStep', row, num(r.secondsPerStep) ?? Number.NaN);
      const s = statsOf(r);
      if (s.kept && s.pseudo) {
        const pseudo = sum(s.pseudo);
        steps.set('consensus', row, pseudo > 0 ? sum(s.kept) / pseudo : Number.NaN);
        steps.set('consensusClasses', row, s.kept.length);
        consensus ??= { kept: [], pseudo: [] };
        accumulate(consensus.kept, s.kept, 1);
        accumulate(consensus.pseudo, s.pseudo, 1);
      }
      if (s.drift) {
        steps.set('driftMean', row, sum(s.drift) / s.drift.length);
        steps.set('driftMax', row, largest(s.drift));
        if (drift === null || step >= steps.iteration(drift.row)) drift = { row, last: s.drift };
      }
    },
    options,
  );
  endRun();

  const kept = steps.kept();
  const out: TrainingLog = {
    ...name,
    records,
    steps,
    termNames: [...termNames],
    consensus,
    drift: null,
    maxRssBytes: maxRss,
    devicePeakBytes: devicePeak,
    stampSecondsPerStep: gaps.median(),
    stampSeconds: count > 1 ? stamps.seconds : null,
  };
  settleRelogged(source, out, kept, drift);
  return out;
}

/**
 * Where a resumed run logged steps again, the sums above counted both records of a step and
 * the drift may be an earlier record's: the file is read once more for those records alone.
 * A run never resumed (or resumed exactly where it saved) skips this.
 */
function settleRelogged(source: RecordSource, log: TrainingLog, kept: Uint32Array, drift: { row: number; last: number[] } | null): void {
  const { steps } = log;
  const isKept = new Uint8Array(steps.rows);
  for (const row of kept) isKept[row] = 1;
  // The last step read back that logged a drift: the rows are in step order.
  let driftRow = -1;
  for (let i = kept.length - 1; i >= 0 && driftRow < 0; i--) if (Number.isFinite(steps.value('driftMean', kept[i]))) driftRow = kept[i];
  let dropped = false;
  for (let row = 0; row < steps.rows && !dropped; row++) if (!isKept[row] && Number.isFinite(steps.value('consensusClasses', row))) dropped = true;
  const driftSettled = drift === null || drift.row === driftRow;
  if (!dropped && driftSettled) {
    if (drift) log.drift = { last: drift.last, step: steps.iteration(drift.row) };
    return;
  }
  let row = -1;
  source(
    (r) => {
      if (r.kind !== 'step' || typeof r.iteration !== 'number') return;
      row++;
      const s = statsOf(r);
      if (!isKept[row] && s.kept && s.pseudo && log.consensus) {
        accumulate(log.consensus.kept, s.kept, -1);
        accumulate(log.consensus.pseudo, s.pseudo, -1);
      }
      if (row === driftRow && s.drift) log.drift = { last: s.drift, step: r.iteration };
    },
    // Its lines were told about on the first reading.
    { warn: () => {} },
  );
}
