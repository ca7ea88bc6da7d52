// The run log's records as TensorBoard events, so that runs can be compared in TensorBoard
// beside the HTML report. The training loop knows nothing of it: every record the run log
// writes passes through here (rank 0 only, as the log does). Tags are grouped by what they
// measure: loss/<term>, lr, val/mIoU, val/IoU/<class>, consensus/kept, centroids/drift,
// time/seconds_per_step, memory/peak, samples/grid, run/command, run/config, run/versions.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PAPER } from '../../config/defaults.js';
import { labelSet } from '../../labels/index.js';
import { EventWriter, imageHeader } from '../../tensorboard/index.js';
import type { LogRecord } from './run-log.js';

export interface TensorBoardOptions {
  /** The folder of this run's event files (TensorBoard shows each folder as one run). */
  dir: string;
  /** Class names, index = train id, for val/IoU/<class>. */
  classNames: readonly string[];
}

const MIB = 2 ** 20;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numbers = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);
const sum = (a: readonly number[]) => a.reduce((s, x) => s + x, 0);

export class TensorBoardSink {
  readonly #writer: EventWriter;
  readonly #classNames: readonly string[];
  /** A resumed run: the first step it logs is where TensorBoard drops its predecessor's later values. */
  #resumedAt: number | null = null;

  constructor(options: TensorBoardOptions) {
    this.#writer = new EventWriter(options.dir);
    this.#classNames = options.classNames;
  }

  get path(): string {
    return this.#writer.path;
  }

  write(r: LogRecord): void {
    switch (r.kind) {
      case 'start':
        return this.#start(r);
      case 'step':
        this.#restartMark(r);
        this.#step(r);
        // Flushed at each log step, so a killed run keeps what it logged.
        return this.#writer.flush();
      case 'eval':
        this.#restartMark(r);
        this.#eval(r);
        return this.#writer.flush();
      case 'samples':
        return this.#samples(r);
      case 'end':
        return this.#writer.flush();
      default:
    }
  }

  close(): void {
    this.#writer.close();
  }

  #start(r: LogRecord): void {
    const step = isNumber(r.iteration) ? r.iteration : 0;
    if (step > 0) this.#resumedAt = step;
    if (Array.isArray(r.argv)) this.#writer.text('run/command', `\`diga ${(r.argv as string[]).join(' ')}\``, step);
    if (r.config && typeof r.config === 'object') this.#writer.text('run/config', configTable(r.config as Record<string, unknown>), step);
    if (r.versions && typeof r.versions === 'object') {
      const rows = Object.entries(r.versions as Record<string, unknown>).map(([k, v]) => `| ${k} | ${String(v)} |`);
      this.#writer.text('run/versions', ['| | |', '| --- | --- |', ...rows].join('\n'), step);
    }
  }

  /** The first record of a resumed run: TensorBoard forgets what earlier files hold from its step on. */
  #restartMark(r: LogRecord): void {
    if (this.#resumedAt === null || !isNumber(r.iteration)) return;
    this.#writer.sessionStart(r.iteration, `resumed from the state at step ${this.#resumedAt}`);
    this.#resumedAt = null;
  }

  #step(r: LogRecord): void {
    const n = r.iteration as number;
    const values: [string, number][] = [];
    for (const [term, v] of Object.entries((r.terms ?? {}) as Record<string, unknown>)) if (isNumber(v)) values.push([`loss/${term}`, v]);
    if (isNumber(r.lr)) values.push(['lr', r.lr]);
    if (isNumber(r.secondsPerStep)) values.push(['time/seconds_per_step', r.secondsPerStep]);
    const memory = r.memory as { maxRssBytes?: unknown; devicePeakBytes?: unknown } | undefined;
    // The device the run computes on: the GPU's allocator peak, or the process's resident peak on a CPU.
    const peak = isNumber(memory?.devicePeakBytes) ? memory.devicePeakBytes : memory?.maxRssBytes;
    if (isNumber(peak)) values.push(['memory/peak', peak / MIB]);
    const stats = (r.stats ?? {}) as Record<string, unknown>;
    const kept = numbers(stats.consensusKept);
    const pseudo = numbers(stats.consensusPseudo);
    if (kept && pseudo && sum(pseudo) > 0) values.push(['consensus/kept', sum(kept) / sum(pseudo)]);
    const drift = numbers(stats.centroidDrift) ?? (isNumber(stats.centroidDrift) ? [stats.centroidDrift] : null);
    if (drift && drift.length > 0) values.push(['centroids/drift', sum(drift) / drift.length]);
    if (values.length > 0) this.#writer.scalars(values, n);
    if (drift && drift.length > 1) this.#writer.histogram('centroids/drift_per_class', drift, n);
  }

  #eval(r: LogRecord): void {
    const n = r.iteration as number;
    const values: [string, number][] = [];
    // Percent, as the tables and the published logs print it.
    if (isNumber(r.miou)) values.push(['val/mIoU', r.miou * 100]);
    const iou = Array.isArray(r.iou) ? (r.iou as unknown[]) : [];
    iou.forEach((v, c) => {
      if (isNumber(v)) values.push([`val/IoU/${this.#classNames[c] ?? `class ${c}`}`, v * 100]);
    });
    if (values.length > 0) this.#writer.scalars(values, n);
  }

  #samples(r: LogRecord): void {
    if (typeof r.file !== 'string' || !isNumber(r.iteration)) return;
    const encoded = readFileSync(r.file);
    const { width, height } = imageHeader(encoded);
    this.#writer.image('samples/grid', encoded, width, height, r.iteration);
  }
}

/** The run's settings that differ from the paper's recipe, as a markdown table. */
function configTable(config: Record<string, unknown>): string {
  const defaults = PAPER as unknown as Record<string, unknown>;
  const rows = Object.entries(config)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k]))
    .map(([k, v]) => `| ${k} | \`${JSON.stringify(v)}\` |`);
  if (rows.length === 0) return "the paper's recipe, unchanged";
  return ['| setting (not the paper\'s default) | value |', '| --- | --- |', ...rows].join('\n');
}

/** Where a training log's events go: `<log folder>/tensorboard/<log name>/`, or nowhere without `tensorboard`. */
export function tensorboardFor(logPath: string, cfg: { tensorboard: boolean; labels: string }): TensorBoardOptions | undefined {
  if (!cfg.tensorboard) return undefined;
  return { dir: join(dirname(logPath), 'tensorboard', basename(logPath, '.jsonl')), classNames: labelSet(cfg.labels).classNames };
}
