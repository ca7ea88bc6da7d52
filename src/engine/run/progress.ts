// Progress for long loops: a bar with ETA, step time and loss terms on a
// terminal; a plain line every `logEvery` steps otherwise (CI, files).
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  title: string;
  total: number;
  start?: number;
  enabled?: boolean;
  /** Show a rate in these per second ("images") instead of seconds per step. */
  unit?: string;
}

export class Progress {
  readonly #bar: cliProgress.SingleBar | null;
  readonly #title: string;
  readonly #total: number;
  readonly #started = Date.now();
  readonly #startStep: number;
  readonly #quiet: boolean;
  readonly #unit: string | undefined;

  constructor(o: ProgressOptions) {
    this.#quiet = o.enabled === false;
    this.#title = o.title;
    this.#total = o.total;
    this.#startStep = o.start ?? 0;
    this.#unit = o.unit;
    const tty = process.stderr.isTTY === true && (o.enabled ?? true);
    this.#bar = tty
      ? new cliProgress.SingleBar(
          {
            format: `${o.title} |{bar}| {value}/{total} ETA {eta_formatted} {stepTime} {terms}`,
            stream: process.stderr,
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.#bar?.start(o.total, this.#startStep, { stepTime: '', terms: '' });
  }

  /** Marks `step` (1-based count of finished steps) done; terms are shown as `name value`. */
  update(step: number, terms: Record<string, number> = {}, printLine = false): void {
    const elapsed = (Date.now() - this.#started) / 1000;
    const perStep = elapsed / Math.max(1, step - this.#startStep);
    const termText = Object.entries(terms)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join(' ');
    const rate = this.#unit ? `${(1 / perStep).toFixed(2)} ${this.#unit}/s` : `${perStep.toFixed(2)}s/step`;
    if (this.#bar) {
      this.#bar.update(step, { stepTime: rate, terms: termText });
    } else if (printLine && !this.#quiet) {
      const eta = perStep * (this.#total - step);
      process.stderr.write(`${this.#title} ${step}/${this.#total} ${rate} ETA ${Math.round(eta)}s ${termText}\n`);
    }
  }

  /** Prints a message without breaking the bar. */
  log(line: string): void {
    if (this.#quiet) return;
    if (this.#bar) {
      this.#bar.stop();
      process.stderr.write(`${line}\n`);
      this.#bar.start(this.#total, this.#bar.getProgress() * this.#total);
    } else {
      process.stderr.write(`${line}\n`);
    }
  }

  stop(): void {
    this.#bar?.stop();
  }
}
