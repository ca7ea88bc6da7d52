// Outputs a run can do without (curves, sample grids): a failure to write one is said
// once per kind, and the run goes on.
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
