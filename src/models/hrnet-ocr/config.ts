// The HRNet-OCR family's configurations: the published HRNetV2-W48 + OCR model,
// its narrower siblings and small ones for CPU runs and tests. Plain data, no native code.
import { z } from 'zod';

/** The shape of the HRNetV2 + OCR network. */
export interface ModelConfig {
  /** Channels of the two stride-2 stem convs. */
  readonly stemWidth: number;
  /** Bottleneck width of stage 1 (its output has 4x this many channels). */
  readonly stage1Width: number;
  readonly stage1Blocks: number;
  /** Branch widths of stages 2-4 (W, 2W, 4W, 8W in the published models). */
  readonly widths: readonly [number, number, number, number];
  /** BasicBlocks per branch. */
  readonly blocks: number;
  /** HighResolutionModules in stages 2, 3 and 4. */
  readonly modules: readonly [number, number, number];
  /** OCR pixel representation channels (the pixel features' width). */
  readonly pixelChannels: number;
  /** OCR attention key channels. */
  readonly keyChannels: number;
  readonly classes: number;
}

const channels = z.number().int().min(1).max(8192);
const repeats = z.number().int().min(1).max(64);

/** Validates a config read from a file or the command line. */
export const modelConfigSchema = z
  .object({
    stemWidth: channels,
    stage1Width: z.number().int().min(1).max(2048),
    stage1Blocks: repeats,
    widths: z.tuple([channels, channels, channels, channels]),
    blocks: repeats,
    modules: z.tuple([repeats, repeats, repeats]),
    pixelChannels: channels,
    keyChannels: channels,
    classes: channels,
  })
  .strict();

function hrnet(w: number): ModelConfig {
  return {
    stemWidth: 64,
    stage1Width: 64,
    stage1Blocks: 4,
    widths: [w, 2 * w, 4 * w, 8 * w],
    blocks: 4,
    modules: [1, 4, 3],
    pixelChannels: 512,
    keyChannels: 256,
    classes: 19,
  };
}

export const HRNET_OCR_PRESETS = {
  /** The paper's model: 70 372 678 parameters. */
  hrnet48: hrnet(48),
  hrnet32: hrnet(32),
  hrnet18: hrnet(18),
  /** CPU-sized: W18 branches, one block and one module per stage, a thin stem and OCR head (1.37 M parameters). */
  'hrnet18-small': {
    ...hrnet(18),
    stemWidth: 32,
    stage1Width: 16,
    stage1Blocks: 1,
    blocks: 1,
    modules: [1, 1, 1],
    pixelChannels: 64,
    keyChannels: 32,
  },
  /** The reference fixtures' tiny model (tiny_config.json). */
  tiny: {
    stemWidth: 16,
    stage1Width: 8,
    stage1Blocks: 1,
    widths: [8, 16, 32, 64],
    blocks: 1,
    modules: [1, 1, 1],
    pixelChannels: 32,
    keyChannels: 16,
    classes: 19,
  },
} as const satisfies Record<string, ModelConfig>;

/** Channels of the backbone output (the OCR head's input): the sum of the branch widths. */
export function backboneChannels(config: ModelConfig): number {
  return config.widths[0] + config.widths[1] + config.widths[2] + config.widths[3];
}
