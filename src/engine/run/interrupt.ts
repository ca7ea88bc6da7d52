// Ctrl-C during training: the first SIGINT asks the loop to save and stop at
// the end of the current step; a second one exits at once. A data-parallel worker
// whose launcher has died starts with the stop already asked.
import { isLauncherGone } from '../../distributed/launch.js';

export class InterruptFlag {
  #requested = isLauncherGone();
  readonly #handler = () => {
    if (this.#requested) {
      process.stderr.write('\nsecond interrupt: exiting without saving\n');
      process.exit(130);
    }
    this.#requested = true;
    process.stderr.write('\ninterrupt: saving a checkpoint after this step (Ctrl-C again to exit at once)\n');
  };

  constructor() {
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
