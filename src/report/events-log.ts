// A training stage's records rebuilt from its TensorBoard events, for a run whose JSONL logs
// are gone or for `diga report --from-events`. The events hold what TensorBoard shows:
// the loss terms, the learning rate, seconds per step and the evaluations (mIoU and per-class
// IoU); the per-class consensus counts and centroid drift live only in the JSONL log.
import { existsSync, readdirSync } from 'node:fs';
import type { LogRecord } from '../engine/run/run-log.js';
import { LABEL_SETS } from '../labels/index.js';
import { isEventFile, readEventDir, type EventMessage } from '../tensorboard/index.js';
import type { RecordSource } from './training-log.js';

/** Whether `dir` holds TensorBoard event files. */
export function hasEvents(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some(isEventFile);
}

/**
 * The events of a run's folder as TensorBoard settles them: files in name order, and a session
 * START at step s (a resumed run) drops what earlier files hold at s and after.
 */
function settledEvents(dir: string, warn?: (message: string) => void): EventMessage[] {
  const { files } = readEventDir(dir, { onTruncated: (path, bytes) => warn?.(`${path} ends in a cut-off record; read up to byte ${bytes}`) });
  let events: EventMessage[] = [];
  for (const f of files) {
    for (const e of f.events) {
      if (e.session_log?.status === 1) events = events.filter((kept) => kept.step < e.step);
      else events.push(e);
    }
  }
  return events;
}

/** The label set whose class names the per-class IoU tags use (the largest that has them all). */
function classNamesFor(names: ReadonlySet<string>): readonly string[] {
  const sets = Object.values(LABEL_SETS).sort((a, b) => b.classes - a.classes);
  const fits = sets.filter((s) => [...names].every((n) => s.classNames.includes(n)));
  const exact = fits.find((s) => s.classNames.length === names.size);
  return (exact ?? fits[0] ?? sets[0]).classNames;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Step and eval records (and a start record) from the events in `dir`, one per step, in step order. */
export function recordsFromEvents(dir: string, warn?: (message: string) => void): LogRecord[] {
  const events = settledEvents(dir, warn);
  const steps = new Map<number, LogRecord & { terms: Record<string, number> }>();
  type EvalAt = { time: string; miou?: number; iou: Map<string, number> };
  const evals = new Map<number, EvalAt>();
  let start: LogRecord | null = null;
  for (const e of events) {
    for (const v of e.summary?.value ?? []) {
      const value = v.simple_value;
      if (v.tag === 'run/command' && start === null) start = { kind: 'start', time: iso(e.wall_time), iteration: e.step, fromEvents: true };
      if (typeof value !== 'number') continue;
      if (v.tag.startsWith('val/')) {
        const at: EvalAt = evals.get(e.step) ?? { time: iso(e.wall_time), iou: new Map<string, number>() };
        evals.set(e.step, at);
        if (v.tag === 'val/mIoU') at.miou = value / 100;
        else if (v.tag.startsWith('val/IoU/')) at.iou.set(v.tag.slice('val/IoU/'.length), value / 100);
        continue;
      }
      const step = steps.get(e.step) ?? { kind: 'step', iteration: e.step, time: iso(e.wall_time), terms: {} };
      steps.set(e.step, step);
      if (v.tag.startsWith('loss/')) step.terms[v.tag.slice('loss/'.length)] = value;
      else if (v.tag === 'lr') step.lr = value;
      else if (v.tag === 'time/seconds_per_step') step.secondsPerStep = value;
    }
  }
  const names = classNamesFor(new Set([...evals.values()].flatMap((r) => [...r.iou.keys()])));
  const evalRecords: LogRecord[] = [...evals].map(([iteration, r]) => ({
    kind: 'eval',
    time: r.time,
    iteration,
    miou: r.miou ?? null,
    iou: names.map((n) => r.iou.get(n) ?? null),
  }));
  // Records in step order, an evaluation after the step it follows.
  const ordered = [...steps.values(), ...evalRecords].sort((a, b) => (a.iteration as number) - (b.iteration as number) || (a.kind === 'eval' ? 1 : -1));
  return start ? [start, ...ordered] : ordered;
}

/** recordsFromEvents as a source for readTrainingLog. */
export function eventRecords(dir: string): RecordSource {
  let records: LogRecord[] | null = null;
  return (visit, options) => {
    records ??= recordsFromEvents(dir, options.warn);
    for (const r of records) visit(r);
  };
}
