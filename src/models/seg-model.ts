// The segmentation network (HRNetV2 backbone + OCR head) as seen from
// TypeScript: the module lives in C++, forward() is one native call, and the
// parameters are Tensors that share the module's memory.
import type { RawTensor } from '../checkpoint/raw.js';
import { fromBuffer } from '../tensor/creation.js';
import { keep, noGrad, Tensor } from '../tensor/index.js';
import type { Device } from '../tensor/index.js';
import { createNativeModel, type NamedHandles, type NativeModel } from './native-model.js';
import type { ModelFamily } from './family.js';
import type { ModelConfig } from './hrnet-ocr/config.js';
import { resolveModel, type PresetName } from './registry.js';

/** All at 1/4 of the input resolution. */
export interface SegOutputs {
  /** Concatenated HRNet branches: N x (sum of widths) x h x w. */
  backbone: Tensor;
  /** Soft object regions (auxiliary logits): N x classes x h x w. */
  aux: Tensor;
  /** Main logits: N x classes x h x w. */
  main: Tensor;
  /** OCR-augmented pixel features: N x pixelChannels x h x w. */
  pixelFeatures: Tensor;
}

export interface ForwardOptions {
  /** false: run without recording autograd (as under noGrad()). Default: the current grad mode. */
  grad?: boolean;
}

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

export class SegModel {
  readonly config: ModelConfig;
  /** The network design this model is one of. */
  readonly family: ModelFamily;
  readonly #native: NativeModel;
  // Tensors over the module's own parameters and buffers, made once: their
  // identity is stable (optimisers may key state by them) and they stay valid
  // across to() and channelsLast(), which update the tensors in place.
  #entries: Map<string, Tensor> | undefined;
  #parameterNames: Set<string> | undefined;

  constructor(config: PresetName | string | ModelConfig) {
    const resolved = resolveModel(config);
    this.config = resolved.config;
    this.family = resolved.family;
    this.#native = createNativeModel(this.family.nativeClass, this.config);
  }

  /** The number of classes it predicts (the channels of `main` and `aux`). */
  get classes(): number {
    return this.family.classes(this.config);
  }

  /** Channels of `pixelFeatures`, the features the class centroids live in. */
  get featureChannels(): number {
    return this.family.featureChannels(this.config);
  }

  /** Runs the whole network natively; x is N x 3 x H x W (normalised RGB). */
  forward(x: Tensor, options: ForwardOptions = {}): SegOutputs {
    const out = this.#native.forward(x.handle, options.grad === undefined ? undefined : { grad: options.grad });
    return {
      backbone: Tensor.fromHandle(out.backbone),
      aux: Tensor.fromHandle(out.aux),
      main: Tensor.fromHandle(out.main),
      pixelFeatures: Tensor.fromHandle(out.pixelFeatures),
    };
  }

  // ---- modes and placement ----------------------------------------------
  /** Training mode: batch statistics in BatchNorm (and their running update), dropout on. */
  train(on = true): this {
    this.#native.train(on);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  get training(): boolean {
    return this.#native.isTraining();
  }
  /** Moves parameters and buffers to `device` ("cpu", "cuda", "cuda:1"); Tensors handed out before follow. */
  to(device: Device | string): this {
    this.#native.to(device);
    return this;
  }
  /**
   * Activation checkpointing of the backbone's stage modules: in training their
   * activations are recomputed during backward instead of kept, trading about
   * one extra backbone forward for memory. BatchNorm running statistics see
   * both passes.
   */
  activationCheckpointing(on = true): this {
    this.#native.setCheckpointing(on);
    return this;
  }
  /**
   * Inference with BatchNorm folded into the convolution before it (one pass over
   * each activation fewer). It applies only in eval mode with gradients off, so
   * training is unchanged; the folded weights follow loads and moves by
   * themselves. Off by default: folding rounds differently (about 1e-6 relative),
   * and evaluation and pseudo-labelling repeat earlier runs bit for bit without it.
   */
  foldBatchNorm(on = true): this {
    this.#native.setFoldBatchNorm?.(on);
    return this;
  }
  /** Stores 4-d weights channels-last (faster convolutions on some devices). */
  channelsLast(): this {
    this.#native.channelsLast();
    return this;
  }

  // ---- tensors ----------------------------------------------------------
  #all(): Map<string, Tensor> {
    const cached = this.#entries;
    if (cached !== undefined && ![...cached.values()].some((t) => t.isDisposed)) return cached;
    const entries = new Map<string, Tensor>();
    for (const [name, handle] of this.#native.stateDict()) entries.set(name, keep(Tensor.fromHandle(handle)));
    const named = this.#native.namedParameters();
    this.#parameterNames = new Set(named.map(([name]: NamedHandles[number]) => name));
    // Only the names are needed; free the handles now rather than at garbage collection.
    for (const [, handle] of named) handle.dispose();
    this.#entries = entries;
    return entries;
  }

  /**
   * Parameters and buffers by name, in the published state-dict order
   * (`hrnet.conv1.weight` … `ocrnet.segmentation_classes.0.bias`). The Tensors
   * are the module's own: in-place changes act on the model.
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
    this.#native.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Number of trainable elements (70 372 678 for hrnet48). */
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
    if (mismatched.length > 0) problems.push(`${mismatched.length} shape mismatch(es): ${firstFew(mismatched, 3)}`);
    if (strict && missing.length > 0) problems.push(`${missing.length} missing key(s): ${firstFew(missing)}`);
    if (strict && unexpected.length > 0) problems.push(`${unexpected.length} unexpected key(s): ${firstFew(unexpected)}`);
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

  /**
   * Copies the parameters (and with `buffers`, the BN statistics too) of a
   * model of the same configuration into this one, e.g. teacher from student.
   */
  copyParametersFrom(other: SegModel, options: { buffers?: boolean } = {}): void {
    const src = options.buffers ? other.stateDict() : other.namedParameters();
    const dst = options.buffers ? this.stateDict() : this.namedParameters();
    for (const [name, target] of dst) {
      const source = src.get(name);
      if (src.size !== dst.size || source === undefined || source.shape.join() !== target.shape.join()) {
        throw new Error(`copyParametersFrom: the models differ at ${name} (${other.describe()} vs ${this.describe()})`);
      }
    }
    noGrad(() => {
      for (const [name, target] of dst) target.copy_(src.get(name) as Tensor);
    });
  }

  /** A short description for messages: widths, blocks, modules, OCR channels. */
  describe(): string {
    const c = this.config;
    return `HRNet widths ${c.widths.join('/')}, ${c.blocks} blocks, modules ${c.modules.join('/')}, OCR ${c.pixelChannels}/${c.keyChannels}, ${c.classes} classes`;
  }
}
