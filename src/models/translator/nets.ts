// The image translator's networks (native/model/translator/): encoder,
// decoder and multi-scale discriminator. They are not segmentation models, so
// they are plain native networks: parameters, modes and loading from
// NativeNet, and each its own forward.
import { Tensor } from '../../tensor/index.js';
import { createNativeModel, type NativeImageNet, type NativeMultiNet } from '../native-model.js';
import { NativeNet } from '../native-net.js';
import { codecConfigSchema, discriminatorConfigSchema, type CodecConfig, type DiscriminatorConfig } from './config.js';

export interface NetForwardOptions {
  /** false: run without recording autograd. Default: the current grad mode. */
  grad?: boolean;
}

function parse<C>(schema: { parse(v: unknown): C }, config: C, what: string): C {
  try {
    return schema.parse(config);
  } catch (err) {
    const issues = (err as { issues?: Array<{ path: (string | number)[]; message: string }> }).issues ?? [];
    throw new TypeError(`invalid ${what} config: ${issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`);
  }
}

function options(o: NetForwardOptions): { grad: boolean } | undefined {
  return o.grad === undefined ? undefined : { grad: o.grad };
}

/** Image (N x imageChannels x H x W, in [-1, 1]) to a code of dim * 2^resample channels at 1 / 2^resample of the size. */
export class ImageEncoder extends NativeNet<NativeImageNet> {
  readonly config: CodecConfig;
  constructor(config: CodecConfig) {
    const c = parse(codecConfigSchema, config, 'encoder');
    super(createNativeModel<NativeImageNet>('ImageEncoder', c));
    this.config = c;
  }
  forward(x: Tensor, o: NetForwardOptions = {}): Tensor {
    return Tensor.fromHandle(this.native.forward(x.handle, options(o)));
  }
  describe(): string {
    return `image encoder ${this.config.dim} wide, ${this.config.resample} downsamplings, ${this.config.resBlocks} residual blocks`;
  }
}

/** A code (N x dim x h x w) to an image in [-1, 1] at 2^resample times the size. */
export class ImageDecoder extends NativeNet<NativeImageNet> {
  readonly config: CodecConfig;
  constructor(config: CodecConfig) {
    const c = parse(codecConfigSchema, config, 'decoder');
    if (c.dim % 2 ** c.resample !== 0) throw new TypeError(`invalid decoder config: dim ${c.dim} must be divisible by 2^resample (${2 ** c.resample})`);
    super(createNativeModel<NativeImageNet>('ImageDecoder', c));
    this.config = c;
  }
  forward(x: Tensor, o: NetForwardOptions = {}): Tensor {
    return Tensor.fromHandle(this.native.forward(x.handle, options(o)));
  }
  describe(): string {
    return `image decoder from ${this.config.dim} channels, ${this.config.resample} upsamplings, ${this.config.resBlocks} residual blocks`;
  }
}

/** One score map per scale, finest first (LSGAN: 1 = real). */
export class Discriminator extends NativeNet<NativeMultiNet> {
  readonly config: DiscriminatorConfig;
  constructor(config: DiscriminatorConfig) {
    const c = parse(discriminatorConfigSchema, config, 'discriminator');
    super(createNativeModel<NativeMultiNet>('Discriminator', c));
    this.config = c;
  }
  forward(x: Tensor, o: NetForwardOptions = {}): Tensor[] {
    return this.native.forward(x.handle, options(o)).map((h) => Tensor.fromHandle(h));
  }
  describe(): string {
    return `discriminator ${this.config.dim} wide, ${this.config.layers} layers, ${this.config.scales} scales`;
  }
}
