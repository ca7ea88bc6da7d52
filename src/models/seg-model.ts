// The segmentation network of any model family (HRNetV2 + OCR, DeepLabV2) as
// seen from TypeScript: the module lives in C++, forward() is one native call,
// and the parameters are Tensors that share the module's memory.
import { noGrad, Tensor } from '../tensor/index.js';
import { createNativeModel, type NativeModel } from './native-model.js';
import type { ModelFamily, ParamGroupRole } from './family.js';
import { NativeNet } from './native-net.js';
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

export { StateDictMismatch, type LoadOptions, type LoadReport } from './native-net.js';

export interface ForwardOptions {
  /** false: run without recording autograd (as under noGrad()). Default: the current grad mode. */
  grad?: boolean;
}

export class SegModel extends NativeNet<NativeModel> {
  readonly config: SegModelConfig;
  /** The network design this model is one of. */
  readonly family: ModelFamily;

  constructor(config: PresetName | string | SegModelConfig) {
    const resolved = resolveModel(config);
    super(createNativeModel(resolved.family.nativeClass, resolved.config));
    this.config = resolved.config;
    this.family = resolved.family;
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
    const out = this.native.forward(x.handle, options.grad === undefined ? undefined : { grad: options.grad });
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
    if (this.native.setDropoutKeep === undefined) throw new Error(`the ${this.family.name} family has no settable dropout mask`);
    this.native.setDropoutKeep(mask.handle);
    return this;
  }

  // ---- modes and placement ----------------------------------------------
  /**
   * Activation checkpointing of the backbone's stage modules (hrnet-ocr) or Bottleneck blocks (deeplabv2): in training their
   * activations are recomputed during backward instead of kept, trading about
   * one extra backbone forward for memory. BatchNorm running statistics see
   * both passes.
   */
  activationCheckpointing(on = true): this {
    this.native.setCheckpointing(on);
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
    this.native.setFoldBatchNorm?.(on);
    return this;
  }
  /** Stores 4-d weights channels-last (faster convolutions on some devices). */
  channelsLast(): this {
    this.native.channelsLast();
    return this;
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
  /**
   * How often the published optimiser list names a trainable parameter (deeplabv2: most
   * backbone weights 2–4 times; everything else once), for SGD's listing counts.
   */
  publishedListings(name: string): number {
    return this.family.listings?.(name) ?? 1;
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
