// The VGG19 feature extractor of the translator's perceptual loss
// (native/model/vgg/): torchvision's `vgg19().features` up to relu5_1, its
// weights fixed. No weights ship with diga: load an ImageNet checkpoint the
// user has (torchvision's vgg19-dcbb9e9d.pth) with loadTorchvision.
import { z } from 'zod';
import { readStateDict } from '../../checkpoint/index.js';
import type { RawTensor } from '../../checkpoint/raw.js';
import { plural } from '../../plural.js';
import { Tensor } from '../../tensor/index.js';
import { createNativeModel, type NativeMultiNet } from '../native-model.js';
import { NativeNet } from '../native-net.js';

export interface Vgg19Config {
  /** Conv widths of the five blocks (torchvision: 64, 128, 256, 512, 512). */
  readonly widths: readonly [number, number, number, number, number];
}

const width = z.number().int().min(1).max(4096);
export const vgg19ConfigSchema = z.object({ widths: z.tuple([width, width, width, width, width]) }).strict();

export const VGG19_IMAGENET: Vgg19Config = { widths: [64, 128, 256, 512, 512] };

/** The layers the perceptual loss reads, finest first. */
export const VGG19_TAPS = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1'] as const;

/** What loadTorchvision took from a checkpoint, and what it left (the classifier, deeper convs). */
export interface VggLoadReport {
  loaded: number;
  ignored: string[];
}

export class Vgg19Features extends NativeNet<NativeMultiNet> {
  readonly config: Vgg19Config;

  constructor(config: Vgg19Config = VGG19_IMAGENET) {
    const c = vgg19ConfigSchema.parse(config);
    super(createNativeModel<NativeMultiNet>('Vgg19Features', c));
    this.config = c;
  }

  /** The activations after relu1_1 … relu5_1 of x (N x 3 x H x W, fed as given). */
  forward(x: Tensor, options: { grad?: boolean } = {}): Tensor[] {
    return this.native.forward(x.handle, options.grad === undefined ? undefined : { grad: options.grad }).map((h) => Tensor.fromHandle(h));
  }

  /**
   * Loads the `features.*` entries it has from a torchvision VGG19 checkpoint (.pth, or our
   * safetensors); every one must be there with its shape. The rest of the file (the
   * classifier, convs past relu5_1) is left, and listed in the report.
   */
  loadTorchvision(path: string): VggLoadReport {
    const file = readStateDict(path);
    const own = this.stateDict();
    const strip = [...file.keys()].every((k) => k.startsWith('module.'));
    const byName = new Map<string, RawTensor>();
    for (const [k, v] of file) byName.set(strip ? k.slice('module.'.length) : k, v);
    const missing = [...own.keys()].filter((k) => !byName.has(k));
    if (missing.length > 0) {
      throw new Error(`${path} is not a VGG19 checkpoint for this extractor: ${missing.length} of its ${plural(own.size, 'entry', 'entries')} ${missing.length === 1 ? 'is' : 'are'} missing (${missing.slice(0, 3).join(', ')}…)`);
    }
    const wanted = new Map([...byName].filter(([k]) => own.has(k)));
    this.loadStateDict(wanted);
    return { loaded: wanted.size, ignored: [...byName.keys()].filter((k) => !own.has(k)) };
  }

  describe(): string {
    return `VGG19 features to relu5_1, widths ${this.config.widths.join('/')}`;
  }
}
