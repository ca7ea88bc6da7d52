// The DeepLabV2 family's configurations: the adaptation setting's published
// ResNet-101 + ASPP/SE network (19 classes for GTA5, 16 for SYNTHIA) and the
// reference fixtures' tiny one. Plain data, no native code.
import { z } from 'zod';

/** The shape of the dilated ResNet + ASPP/SE head network. */
export interface DeepLabConfig {
  /** Bottleneck blocks in layer1..layer4 ([3, 4, 23, 3]: ResNet-101). */
  readonly blocks: readonly [number, number, number, number];
  /** Channels of the 7x7 stem conv. */
  readonly stemWidth: number;
  /** Bottleneck widths of layer1..layer4 (each layer outputs 4x its width). */
  readonly widths: readonly [number, number, number, number];
  /** Channels of each head branch, and of the features. */
  readonly branchWidth: number;
  /** GroupNorm groups in the head (must divide branchWidth). */
  readonly groupNormGroups: number;
  /** Squeeze-excitation bottleneck over the 5 x branchWidth concatenation. */
  readonly seHidden: number;
  /** Dilations of the four 3x3 head branches. */
  readonly dilations: readonly [number, number, number, number];
  readonly classes: number;
  /** Dropout2d probability before the classifier. */
  readonly dropout: number;
}

const channels = z.number().int().min(1).max(8192);
const repeats = z.number().int().min(1).max(64);
const dilation = z.number().int().min(1).max(256);

/** Validates a config read from a file or the command line. */
export const deepLabConfigSchema = z
  .object({
    blocks: z.tuple([repeats, repeats, repeats, repeats]),
    stemWidth: channels,
    widths: z.tuple([channels, channels, channels, channels]),
    branchWidth: channels,
    groupNormGroups: channels,
    seHidden: channels,
    dilations: z.tuple([dilation, dilation, dilation, dilation]),
    classes: channels,
    dropout: z.number().min(0).lt(1),
  })
  .strict()
  .refine((c) => c.branchWidth % c.groupNormGroups === 0, { message: 'groupNormGroups must divide branchWidth', path: ['groupNormGroups'] });

/** The published network (model_noaux.SegModel): ResNet-101, 256-wide head, GroupNorm(32), SE 1280 -> 80. */
function published(classes: number): DeepLabConfig {
  return {
    blocks: [3, 4, 23, 3],
    stemWidth: 64,
    widths: [64, 128, 256, 512],
    branchWidth: 256,
    groupNormGroups: 32,
    seHidden: 80,
    dilations: [6, 12, 18, 24],
    classes,
    dropout: 0.1,
  };
}

/** The reference fixtures' tiny network. */
const TINY: DeepLabConfig = {
  blocks: [2, 2, 2, 2],
  stemWidth: 4,
  widths: [4, 8, 16, 32],
  branchWidth: 16,
  groupNormGroups: 2,
  seHidden: 5,
  dilations: [6, 12, 18, 24],
  classes: 19,
  dropout: 0.1,
};

export const DEEPLABV2_PRESETS = {
  /** GTA5 -> Cityscapes: 19 classes, 65 063 568 parameters (64 958 224 trained; BatchNorm affine frozen). */
  deeplabv2: published(19),
  /** SYNTHIA -> Cityscapes: 16 classes, 65 062 800 parameters. */
  'deeplabv2-c16': published(16),
  /**
   * A CPU-sized network for the adaptation demo: a quarter of the widths, one or two blocks per
   * layer, head dilations scaled to small crops.
   */
  'deeplabv2-small': {
    blocks: [1, 1, 2, 1],
    stemWidth: 16,
    widths: [16, 32, 64, 128],
    branchWidth: 64,
    groupNormGroups: 8,
    seHidden: 20,
    dilations: [2, 4, 6, 8],
    classes: 19,
    dropout: 0.1,
  },
  /** The reference fixtures' tiny network (seg_tiny_config.json): 145 609 parameters. */
  'deeplabv2-tiny': TINY,
  /** The tiny network with SYNTHIA's 16 classes, for tests of that setting. */
  'deeplabv2-tiny-c16': { ...TINY, classes: 16 },
} as const satisfies Record<string, DeepLabConfig>;

/** Channels of layer4's output, the head's input. */
export function headInChannels(config: DeepLabConfig): number {
  return 4 * config.widths[3];
}
