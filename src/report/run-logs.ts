// Finding a run folder's logs: the pipeline's record of its stages and each training
// stage's log, in run order (warm-up, then the self-training rounds).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { LogReadOptions } from '../engine/run/log-reader.js';
import { RunLog, type LogRecord } from '../engine/run/run-log.js';
import { eventRecords, hasEvents } from './events-log.js';
import { readTrainingLog, type RecordSource, type TrainingLog } from './training-log.js';

export type { TrainingLog } from './training-log.js';

export interface RunLogs {
  logDir: string;
  pipeline: LogRecord[];
  training: TrainingLog[];
}

/** The folder holding a run's logs: `<runDir>/logs` when there is one, else the folder itself. */
export function logDirOf(runDir: string): string {
  const logs = join(runDir, 'logs');
  return existsSync(logs) && statSync(logs).isDirectory() ? logs : runDir;
}

/** The run folder a log folder belongs to: the parent of a folder named `logs`, else the log folder. */
export function runDirOf(logDir: string): string {
  const dir = resolve(logDir);
  return basename(dir) === 'logs' ? dirname(dir) : dir;
}

/** A stage's TensorBoard events beside its log: `<dir>/tensorboard/<stage>/`. */
const eventsDirOf = (logFile: string) => join(dirname(logFile), 'tensorboard', basename(logFile, '.jsonl'));

const roundsIn = (logDir: string): number[] =>
  existsSync(logDir)
    ? readdirSync(logDir)
        .map((f) => /^round(\d+)$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null && (existsSync(join(logDir, m[0], 'self-train.jsonl')) || hasEvents(eventsDirOf(join(logDir, m[0], 'self-train.jsonl')))))
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b)
    : [];

/** The log files a report of `runDir` reads (those that exist): never to be written over. */
export function logFilesOf(runDir: string): string[] {
  const logDir = logDirOf(runDir);
  const files = ['pipeline.jsonl', 'warm-up.jsonl', 'self-train.jsonl', ...roundsIn(logDir).map((r) => join(`round${r}`, 'self-train.jsonl'))];
  return files.map((f) => join(logDir, f)).filter((f) => existsSync(f));
}

export interface RunLogReadOptions extends LogReadOptions {
  /** Read the training stages from their TensorBoard events even where their JSONL logs are there. */
  fromEvents?: boolean;
}

/** Where a stage's records come from: its JSONL log, else (or when asked) its TensorBoard events; undefined when neither is there. */
function recordSource(file: string, fromEvents: boolean): string | RecordSource | undefined {
  const events = eventsDirOf(file);
  if ((fromEvents || !existsSync(file)) && hasEvents(events)) return eventRecords(events);
  return existsSync(file) ? file : undefined;
}

/** A training log, when its source is there and holds a record. */
function nonEmpty(file: string, name: Pick<TrainingLog, 'label' | 'stage' | 'round'>, options: RunLogReadOptions): TrainingLog[] {
  const source = recordSource(file, options.fromEvents ?? false);
  if (source === undefined) return [];
  const log = readTrainingLog(source, name, options);
  return log.records.length > 0 || log.steps.rows > 0 ? [log] : [];
}

/**
 * Every log of the run, each read once, a record at a time; `warn` hears of lines that are no
 * records. A training stage whose JSONL log is missing is read from its TensorBoard events.
 */
export function readRunLogs(runDir: string, options: RunLogReadOptions = {}): RunLogs {
  const logDir = logDirOf(runDir);
  const training: TrainingLog[] = [
    ...nonEmpty(join(logDir, 'warm-up.jsonl'), { label: 'warm-up', stage: 'warm-up', round: null }, options),
    ...nonEmpty(join(logDir, 'self-train.jsonl'), { label: 'self-train', stage: 'self-train', round: null }, options),
  ];
  for (const r of roundsIn(logDir)) {
    training.push(...nonEmpty(join(logDir, `round${r}`, 'self-train.jsonl'), { label: `self-train round ${r}`, stage: 'self-train', round: r }, options));
  }
  return { logDir, pipeline: RunLog.read(join(logDir, 'pipeline.jsonl'), options), training };
}

/**
 * The records of one kind, one per step: a resumed run logs again the steps after its last
 * saved state, and the later record is the one the run went on from (steps themselves are
 * settled so in TrainingLog.steps).
 */
export function byStep(records: LogRecord[], kind: string): LogRecord[] {
  const at = new Map<number, LogRecord>();
  for (const r of records) if (r.kind === kind && typeof r.iteration === 'number') at.set(r.iteration, r);
  return [...at.values()].sort((a, b) => (a.iteration as number) - (b.iteration as number));
}
