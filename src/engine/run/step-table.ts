// The numbers a run log holds per step, in columns of float64s: a paper run logs 80 000
// steps and a long one many more, too many to keep as one object per record. A resumed run
// logs again the steps after its last saved state; the later record of a step is the one
// the run went on from, and the only one read back.

/** A column that grows as rows are set; rows never set read as NaN. */
class Column {
  #data = new Float64Array(0);
  #length = 0;

  set(row: number, value: number): void {
    if (row >= this.#data.length) {
      const grown = new Float64Array(Math.max(1024, 2 * this.#data.length, row + 1)).fill(Number.NaN);
      grown.set(this.#data.subarray(0, this.#length));
      this.#data = grown;
    }
    this.#data[row] = value;
    if (row >= this.#length) this.#length = row + 1;
  }

  get(row: number): number {
    return row < this.#length ? this.#data[row] : Number.NaN;
  }
}

export class StepTable {
  readonly #iterations = new Column();
  readonly #columns = new Map<string, Column>();
  #rows = 0;
  /** kept(), until a row is added: every curve of a log asks for it. */
  #kept: Uint32Array | null = null;

  /** A new row for a record of step `iteration`; returns its number. */
  add(iteration: number): number {
    this.#iterations.set(this.#rows, iteration);
    this.#kept = null;
    return this.#rows++;
  }

  /** Sets column `name` of `row`; a column first set at a later row reads NaN before it. */
  set(name: string, row: number, value: number): void {
    let column = this.#columns.get(name);
    if (!column) this.#columns.set(name, (column = new Column()));
    column.set(row, value);
  }

  get rows(): number {
    return this.#rows;
  }

  iteration(row: number): number {
    return this.#iterations.get(row);
  }

  /** Column `name` at `row`: NaN where the record had no number there. */
  value(name: string, row: number): number {
    return this.#columns.get(name)?.get(row) ?? Number.NaN;
  }

  /** The rows read back, in step order: of each step, the last row logged. */
  kept(): Uint32Array {
    this.#kept ??= this.#keptRows();
    return this.#kept;
  }

  #keptRows(): Uint32Array {
    const n = this.#rows;
    const order = new Uint32Array(n);
    let rising = true;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      if (i > 0 && this.iteration(i) <= this.iteration(i - 1)) rising = false;
    }
    // A run never resumed logs its steps in order: nothing to sort or drop.
    if (rising) return order;
    order.sort((a, b) => this.iteration(a) - this.iteration(b) || a - b);
    let count = 0;
    for (let i = 0; i < n; i++) if (i === n - 1 || this.iteration(order[i + 1]) !== this.iteration(order[i])) order[count++] = order[i];
    return order.slice(0, count);
  }
}
