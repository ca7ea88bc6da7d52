// What every network of the addon offers TypeScript, whatever it computes: its
// parameters and buffers as Tensors sharing the module's memory (in the
// published state-dict order), modes, placement, loading and disposal.
// SegModel and the translator's networks build on it.
import type { RawTensor } from '../checkpoint/raw.js';
import { plural } from '../plural.js';
import { fromBuffer } from '../tensor/creation.js';
import { keep, noGrad, Tensor } from '../tensor/index.js';
import type { Device } from '../tensor/index.js';
import type { NamedHandles, NativeModule } from './native-model.js';

/**
 * A state dict that does not fit the model. `problems` says what differs; `onlyMissingOrExtra`
 * is true when every shape fits and only keys are missing or unexpected (a non-strict load would work).
 */
export class StateDictMismatch extends Error {
  constructor(
    readonly problems: string[],
    readonly model: string,
    readonly onlyMissingOrExtra: boolean,
  ) {
    super(
      `state dict does not fit the model (${model}): ${problems.join('; ')}. Check that the checkpoint was made for this model preset` +
        (onlyMissingOrExtra ? ', or load it with loadStateDict(dict, { strict: false })' : ''),
    );
    this.name = 'StateDictMismatch';
  }
}

export interface LoadOptions {
  /** Refuse missing and unexpected keys (default true). Shape mismatches are always refused. */
  strict?: boolean;
}

export interface LoadReport {
  missing: string[];
  unexpected: string[];
}

/** Lists at most `n` items, then how many more there are. */
function firstFew(items: string[], n = 5): string {
  const shown = items.slice(0, n).join(', ');
  return items.length > n ? `${shown} … (${items.length - n} more)` : shown;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function isRaw(value: Tensor | RawTensor): value is RawTensor {
  return !(value instanceof Tensor);
}

export abstract class NativeNet<N extends NativeModule = NativeModule> {
  protected readonly native: N;
  // Tensors over the module's own parameters and buffers, made once: their
  // identity is stable (optimisers may key state by them) and they stay valid
  // across to() and channelsLast(), which update the tensors in place.
  #entries: Map<string, Tensor> | undefined;
  #parameterNames: Set<string> | undefined;

  protected constructor(native: N) {
    this.native = native;
  }

  /** A short description for messages. */
  abstract describe(): string;

  // ---- modes and placement ----------------------------------------------
  /** Training mode: batch statistics in BatchNorm (and their running update), dropout on. */
  train(on = true): this {
    this.native.train(on);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  get training(): boolean {
    return this.native.isTraining();
  }
  /** Moves parameters and buffers to `device` ("cpu", "cuda", "cuda:1"); Tensors handed out before follow. */
  to(device: Device | string): this {
    this.native.to(device);
    return this;
  }

  // ---- tensors ----------------------------------------------------------
  #all(): Map<string, Tensor> {
    const cached = this.#entries;
    if (cached !== undefined && ![...cached.values()].some((t) => t.isDisposed)) return cached;
    const entries = new Map<string, Tensor>();
    for (const [name, handle] of this.native.stateDict()) entries.set(name, keep(Tensor.fromHandle(handle)));
    const named = this.native.namedParameters();
    this.#parameterNames = new Set(named.map(([name]: NamedHandles[number]) => name));
    // Only the names are needed; free the handles now rather than at garbage collection.
    for (const [, handle] of named) handle.dispose();
    this.#entries = entries;
    return entries;
  }

  /**
   * Parameters and buffers by name, in the published state-dict order. The
   * Tensors are the module's own: in-place changes act on the network.
   */
  stateDict(): Map<string, Tensor> {
    return new Map(this.#all());
  }
  namedParameters(): Map<string, Tensor> {
    const all = this.#all();
    const names = this.#parameterNames as Set<string>;
    return new Map([...all].filter(([name]) => names.has(name)));
  }
  parameters(): Tensor[] {
    return [...this.namedParameters().values()];
  }
  /** The parameters that are trained (deeplabv2 freezes its BatchNorm affine parameters). */
  trainableParameters(): Map<string, Tensor> {
    return new Map([...this.namedParameters()].filter(([, t]) => t.requiresGrad));
  }
  namedBuffers(): Map<string, Tensor> {
    const all = this.#all();
    const names = this.#parameterNames as Set<string>;
    return new Map([...all].filter(([name]) => !names.has(name)));
  }
  buffers(): Tensor[] {
    return [...this.namedBuffers().values()];
  }
  /**
   * Frees the network's parameters and buffers now (and the Tensors handed
   * out over them); the model cannot be used afterwards.
   */
  dispose(): void {
    if (this.#entries) for (const t of this.#entries.values()) t.dispose();
    this.#entries = undefined;
    this.native.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Number of parameter elements, frozen ones included. */
  numParameters(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.numel();
    return n;
  }

  /**
   * Copies `dict` into the model (converting dtype and device). Everything is
   * checked before anything is copied: shape mismatches always throw; missing
   * and unexpected keys throw unless `strict` is false.
   */
  loadStateDict(dict: Map<string, Tensor | RawTensor>, options: LoadOptions = {}): LoadReport {
    const strict = options.strict ?? true;
    const own = this.#all();
    const missing = [...own.keys()].filter((name) => !dict.has(name));
    const unexpected = [...dict.keys()].filter((name) => !own.has(name));
    const mismatched: string[] = [];
    for (const [name, target] of own) {
      const source = dict.get(name);
      if (source === undefined) continue;
      const shape = source.shape;
      const want = target.shape;
      if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
        mismatched.push(`${name}: checkpoint ${shapeText(shape)}, model ${shapeText(want)}`);
      }
    }
    const problems: string[] = [];
    if (mismatched.length > 0) problems.push(`${plural(mismatched.length, 'shape mismatch')}: ${firstFew(mismatched, 3)}`);
    if (strict && missing.length > 0) problems.push(`${plural(missing.length, 'missing key')}: ${firstFew(missing)}`);
    if (strict && unexpected.length > 0) problems.push(`${plural(unexpected.length, 'unexpected key')}: ${firstFew(unexpected)}`);
    if (problems.length > 0) throw new StateDictMismatch(problems, this.describe(), strict && mismatched.length === 0);
    noGrad(() => {
      for (const [name, target] of own) {
        const source = dict.get(name);
        if (source === undefined) continue;
        if (isRaw(source)) {
          const t = fromBuffer(source.data, source.dtype, source.shape, { copy: true });
          target.copy_(t);
          t.dispose();
        } else {
          target.copy_(source);
        }
      }
    });
    return { missing, unexpected };
  }
}
