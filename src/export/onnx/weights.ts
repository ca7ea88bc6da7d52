// A model's state dict as float32 arrays on the host, handed out by name. It records
// which entries were taken, so an exporter can prove it walked the whole network: an
// entry left over means the graph and the module tree disagree.
import type { Tensor } from '../../tensor/index.js';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export class WeightSource {
  readonly #tensors: Map<string, Tensor>;
  readonly #taken = new Set<string>();

  constructor(stateDict: Map<string, Tensor>) {
    this.#tensors = stateDict;
  }

  has(name: string): boolean {
    return this.#tensors.has(name);
  }

  /** The entry as float32 (a copy, row-major whatever the memory format). */
  take(name: string): HostTensor {
    const t = this.#tensors.get(name);
    if (t === undefined) throw new Error(`the model has no state-dict entry ${name}`);
    if (this.#taken.has(name)) throw new Error(`state-dict entry ${name} was used twice`);
    this.#taken.add(name);
    using detached = t.detach();
    using host = detached.to({ device: 'cpu', dtype: 'float32' });
    return { shape: [...t.shape], data: host.toTypedArray() as Float32Array };
  }

  /** Marks an entry as accounted for without reading it (BatchNorm's step counter). */
  skip(name: string): void {
    if (this.#tensors.has(name)) this.#taken.add(name);
  }

  /** Entries never taken nor skipped. */
  unused(): string[] {
    return [...this.#tensors.keys()].filter((k) => !this.#taken.has(k));
  }
}
