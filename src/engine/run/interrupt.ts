// Ctrl-C during a long loop (training, predict): the first SIGINT asks the loop to
// stop where what it did is safe (training: save at the end of the current step); a
// second one exits at once. A data-parallel worker whose launcher has died starts
// with the stop already asked.
import { isLauncherGone } from '../../distributed/launch.js';

export interface InterruptOptions {
  /** What the first interrupt does, as said on the terminal (default: training's checkpoint). */
  stopping?: string;
  /** What a second interrupt leaves undone, as said. */
  leaving?: string;
}

export class InterruptFlag {
  #requested = isLauncherGone();
  readonly #stopping: string;
  readonly #leaving: string;
  readonly #handler = () => {
    if (this.#requested) {
      process.stderr.write(`\nsecond interrupt: exiting ${this.#leaving}\n`);
      process.exit(130);
    }
    this.#requested = true;
    process.stderr.write(`\ninterrupt: ${this.#stopping} (Ctrl-C again to exit at once)\n`);
  };

  constructor(options: InterruptOptions = {}) {
    this.#stopping = options.stopping ?? 'saving a checkpoint after this step';
    this.#leaving = options.leaving ?? 'without saving';
    process.on('SIGINT', this.#handler);
    process.on('SIGTERM', this.#handler);
  }

  get requested(): boolean {
    return this.#requested;
  }

  /** Lets tests and callers request a stop without a signal. */
  request(): void {
    this.#requested = true;
  }

  dispose(): void {
    process.off('SIGINT', this.#handler);
    process.off('SIGTERM', this.#handler);
  }
}
