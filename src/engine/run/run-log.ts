// The structured log of a run: one JSON object per line (steps, evaluations,
// events), appended as they happen, so a crashed run keeps what it logged.
// The log is not essential to a run: a failed write is said once and training
// goes on. A fresh run never truncates an earlier run's log: it is renamed aside.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkAppendFault } from '../../faults.js';
import { forEachRecord, type LogReadOptions } from './log-reader.js';
import { TensorBoardSink, type TensorBoardOptions } from './tensorboard-sink.js';

export type LogRecord = { kind: string; time?: string } & Record<string, unknown>;

export class RunLog {
  readonly path: string;

  readonly #enabled: boolean;
  #warned = false;
  /** The same records as TensorBoard events, when asked for; dropped (said once) if it fails. */
  #tensorboard: TensorBoardSink | null = null;

  /**
   * `enabled: false` makes a log that writes nothing (ranks other than 0). Without `append`,
   * an existing non-empty log is renamed to `<name>.<time>.jsonl` (and `say` is told).
   */
  constructor(path: string, options: { append?: boolean; enabled?: boolean; say?: (line: string) => void; tensorboard?: TensorBoardOptions } = {}) {
    this.path = path;
    this.#enabled = options.enabled ?? true;
    if (!this.#enabled) return;
    try {
      mkdirSync(dirname(path), { recursive: true });
      if (!options.append && existsSync(path) && statSync(path).size > 0) {
        const stamp = statSync(path).mtime.toISOString().replace(/[:.]/g, '-');
        const aside = join(dirname(path), `${basename(path, '.jsonl')}.${stamp}.jsonl`);
        renameSync(path, aside);
        options.say?.(`the earlier log ${path} is kept as ${aside}`);
      } else if (options.append && existsSync(path) && !endsWithNewline(path)) {
        // A killed run's last line is cut off: this run's first record starts a line of its own.
        appendFileSync(path, '\n');
      }
    } catch (err) {
      this.#warn(err);
    }
    if (options.tensorboard) {
      try {
        this.#tensorboard = new TensorBoardSink(options.tensorboard);
      } catch (err) {
        this.#dropTensorBoard(err);
      }
    }
  }

  write(record: LogRecord): void {
    if (!this.#enabled) return;
    try {
      checkAppendFault(this.path);
      appendFileSync(this.path, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
    } catch (err) {
      this.#warn(err);
    }
    try {
      this.#tensorboard?.write(record);
    } catch (err) {
      this.#dropTensorBoard(err);
    }
  }

  /** Closes the TensorBoard file, if any (the JSONL log is appended line by line and needs no closing). */
  close(): void {
    try {
      this.#tensorboard?.close();
    } catch (err) {
      this.#dropTensorBoard(err);
    }
    this.#tensorboard = null;
  }

  /** The events file written beside the log, if any. */
  get eventsPath(): string | null {
    return this.#tensorboard?.path ?? null;
  }

  #dropTensorBoard(err: unknown): void {
    this.#tensorboard = null;
    process.stderr.write(`diga: cannot write TensorBoard events for ${this.path} (${(err as Error).message}); training goes on without them\n`);
  }

  #warn(err: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    process.stderr.write(`diga: cannot write the run log ${this.path} (${(err as Error).message}); training goes on without it\n`);
  }

  /** Every record of a log file, held in memory: for short logs (the curves and the report read long ones with forEachRecord). */
  static read(path: string, options: LogReadOptions = {}): LogRecord[] {
    if (!existsSync(path)) return [];
    const records: LogRecord[] = [];
    forEachRecord(path, (r) => records.push(r), options);
    return records;
  }
}

/** Whether a non-empty file's last byte is a newline (an empty file needs none). */
function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
