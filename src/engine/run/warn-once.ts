// Outputs a run can do without (curves, sample grids): a failure to write one is said
// once per kind, and the run goes on. Warnings about a run's inputs (a log line that is no
// record, a list line given twice) are said once per process, however often they are read.
const said = new Set<string>();

/** Writes `diga: <message>` to stderr, unless this process has said it already. */
export function warnOnce(message: string): void {
  if (said.has(message)) return;
  said.add(message);
  process.stderr.write(`diga: ${message}\n`);
}

export class NonEssential {
  readonly #warned = new Set<string>();

  async write(what: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (this.#warned.has(what)) return;
      this.#warned.add(what);
      process.stderr.write(`diga: cannot write ${what} (${(err as Error).message}); training goes on without them\n`);
    }
  }
}

/**
 * A data problem the run can go on with (a list line given twice): a warning once per process,
 * or, under `--strict`, an error that stops the run before it starts.
 */
export function dataProblem(message: string, strict: boolean, warn: (message: string) => void = warnOnce): void {
  if (strict) throw new Error(`${message}; --strict makes this an error (fix the list, or leave --strict out to read it as it is)`);
  warn(message);
}
