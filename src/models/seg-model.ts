// The segmentation network of any model family (HRNetV2 + OCR, DeepLabV2) as
// seen from TypeScript: the module lives in C++, forward() is one native call,
// and the parameters are Tensors that share the module's memory.
import type { RawTensor } from '../checkpoint/raw.js';
import { fromBuffer } from '../tensor/creation.js';
import { keep, noGrad, Tensor } from '../tensor/index.js';
import type { Device } from '../tensor/index.js';
import { createNativeModel, type NamedHandles, type NativeModel } from './native-model.js';
import type { ModelFamily, ParamGroupRole } from './family.js';
import { resolveModel, type PresetName, type SegModelConfig } from './registry.js';

/** All at 1/outputStride of the input resolution (hrnet-ocr 4, deeplabv2 8). */
export interface SegOutputs {
  /** The backbone's output (hrnet-ocr: the concatenated branches; deeplabv2: layer4). */
  backbone: Tensor;
  /** Auxiliary logits (hrnet-ocr: the soft object regions); absent where the network has no auxiliary head. */
  aux?: Tensor;
  /** Main logits: N x classes x h x w. */
  main: Tensor;
  /** The features the class centroids live in (hrnet-ocr: OCR-augmented; deeplabv2: the head's, after Dropout2d). */
  pixelFeatures: Tensor;
  /** An earlier backbone stage where the network returns one (deeplabv2: layer2). */
  lowLevel?: Tensor;
}

/** The auxiliary logits of `out`; throws where the model has none (the semi-supervised losses need them). */
export function auxOf(out: SegOutputs): Tensor {
  if (out.aux === undefined) throw new Error('this model family has no auxiliary head; the semi-supervised stages need hrnet-ocr');
  return out.aux;
}

/** One optimiser group: its role, its lr multiplier and its trainable parameters in state-dict order. */
export interface ParamGroup {
  role: ParamGroupRole;
  lrScale: number;
  params: Map<string, Tensor>;
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
  readonly config: SegModelConfig;
  /** The network design this model is one of. */
  readonly family: ModelFamily;
  readonly #native: NativeModel;
  // Tensors over the module's own parameters and buffers, made once: their
  // identity is stable (optimisers may key state by them) and they stay valid
  // across to() and channelsLast(), which update the tensors in place.
  #entries: Map<string, Tensor> | undefined;
  #parameterNames: Set<string> | undefined;

  constructor(config: PresetName | string | SegModelConfig) {
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

  /** Input pixels per output pixel along each axis. */
  get outputStride(): number {
    return this.family.outputStride;
  }

  /** Runs the whole network natively; x is N x 3 x H x W (normalised as the family expects: RGB for hrnet-ocr, BGR for deeplabv2). */
  forward(x: Tensor, options: ForwardOptions = {}): SegOutputs {
    const out = this.#native.forward(x.handle, options.grad === undefined ? undefined : { grad: options.grad });
    const names = this.family.outputs;
    const take = (key: string | undefined) => (key === undefined ? undefined : Tensor.fromHandle(out[key]));
    const used = new Set(Object.values(names));
    // Outputs the family maps to nothing are freed now rather than at garbage collection.
    for (const [key, handle] of Object.entries(out)) if (!used.has(key)) handle.dispose();
    const result: SegOutputs = { backbone: take(names.backbone)!, main: take(names.main)!, pixelFeatures: take(names.pixelFeatures)! };
    if (names.aux !== undefined) result.aux = take(names.aux);
    if (names.lowLevel !== undefined) result.lowLevel = take(names.lowLevel);
    return result;
  }

  /**
   * The channels Dropout2d keeps in the next training-mode forward (N x C x 1 x 1 of 0 and 1)
   * instead of drawing them, for replaying a recorded run; forgotten after that forward.
   */
  setDropoutKeep(mask: Tensor): this {
    if (this.#native.setDropoutKeep === undefined) throw new Error(`the ${this.family.name} family has no settable dropout mask`);
    this.#native.setDropoutKeep(mask.handle);
    return this;
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
  /** The parameters that are trained (deeplabv2 freezes its BatchNorm affine parameters). */
  trainableParameters(): Map<string, Tensor> {
    return new Map([...this.namedParameters()].filter(([, t]) => t.requiresGrad));
  }
  /**
   * The trainable parameters in the published optimiser groups: one group at the base
   * rate (hrnet-ocr), or the backbone at 1x and the head at 10x (deeplabv2). Groups
   * with no parameters are left out.
   */
  parameterGroups(): ParamGroup[] {
    const groups: ParamGroup[] = [
      { role: '1x', lrScale: 1, params: new Map() },
      { role: '10x', lrScale: 10, params: new Map() },
    ];
    for (const [name, t] of this.trainableParameters()) groups.find((g) => g.role === this.family.paramGroup(name))!.params.set(name, t);
    return groups.filter((g) => g.params.size > 0);
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

  /** Number of parameter elements, frozen ones included (70 372 678 for hrnet48, 65 063 568 for deeplabv2). */
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

  /** A short description for messages (the family's: widths, blocks, head sizes, classes). */
  describe(): string {
    return this.family.describe(this.config);
  }
}
