// The structured log of a run: one JSON object per line (steps, evaluations,
// events), appended as they happen, so a crashed run keeps what it logged.
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogRecord = { kind: string; time?: string } & Record<string, unknown>;

export class RunLog {
  readonly path: string;

  readonly #enabled: boolean;

  /** `enabled: false` makes a log that writes nothing (ranks other than 0). */
  constructor(path: string, options: { append?: boolean; enabled?: boolean } = {}) {
    this.path = path;
    this.#enabled = options.enabled ?? true;
    if (!this.#enabled) return;
    mkdirSync(dirname(path), { recursive: true });
    if (!options.append) appendFileSync(path, '', { flag: 'w' });
  }

  write(record: LogRecord): void {
    if (!this.#enabled) return;
    appendFileSync(this.path, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }

  /** Every record of a log file (for plots and resumed runs). */
  static read(path: string): LogRecord[] {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogRecord);
  }
}
