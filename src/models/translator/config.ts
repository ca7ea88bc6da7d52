// Configurations of the image translator's networks (stage 0 of the adaptation
// setting): the published sizes and the reference fixtures' tiny ones.
import { z } from 'zod';

/** ImageEncoder and ImageDecoder. */
export interface CodecConfig {
  /** Encoder: width of its first conv (doubled by each downsampling). Decoder: the channels it takes in (halved by each upsampling). */
  readonly dim: number;
  /** Stride-2 downsamplings (encoder) or x2 upsamplings (decoder). */
  readonly resample: number;
  /** Residual blocks at the bottom. */
  readonly resBlocks: number;
  /** Channels of the image in (encoder) or out (decoder). */
  readonly imageChannels: number;
}

export interface DiscriminatorConfig {
  /** Width of the first conv, doubled by each further one. */
  readonly dim: number;
  /** 4x4 stride-2 convs per scale. */
  readonly layers: number;
  /** Scales: the image, then average-pooled halves of it. */
  readonly scales: number;
  readonly imageChannels: number;
}

export const codecConfigSchema = z
  .object({
    dim: z.number().int().min(1).max(4096),
    resample: z.number().int().min(0).max(6),
    resBlocks: z.number().int().min(0).max(64),
    imageChannels: z.number().int().min(1).max(16),
  })
  .strict();

export const discriminatorConfigSchema = z
  .object({
    dim: z.number().int().min(1).max(4096),
    layers: z.number().int().min(1).max(8),
    scales: z.number().int().min(1).max(8),
    imageChannels: z.number().int().min(1).max(16),
  })
  .strict();

export interface TranslatorConfig {
  readonly encoder: CodecConfig;
  readonly decoder: CodecConfig;
  readonly discriminator: DiscriminatorConfig;
}

export const TRANSLATOR_PRESETS = {
  /** The published ImgEncoder(), ImgDecoder(), Discriminator(): 5 385 856, 5 754 243 and 8 268 291 parameters. */
  published: {
    encoder: { dim: 64, resample: 2, resBlocks: 4, imageChannels: 3 },
    decoder: { dim: 256, resample: 2, resBlocks: 4, imageChannels: 3 },
    discriminator: { dim: 64, layers: 4, scales: 3, imageChannels: 3 },
  },
  /** A CPU-sized translator for the adaptation demo: a quarter of the published widths. */
  small: {
    encoder: { dim: 16, resample: 2, resBlocks: 4, imageChannels: 3 },
    decoder: { dim: 64, resample: 2, resBlocks: 4, imageChannels: 3 },
    discriminator: { dim: 16, layers: 4, scales: 3, imageChannels: 3 },
  },
  /** The reference fixtures' tiny widths (translator_tiny.safetensors). */
  tiny: {
    encoder: { dim: 4, resample: 2, resBlocks: 4, imageChannels: 3 },
    decoder: { dim: 16, resample: 2, resBlocks: 4, imageChannels: 3 },
    discriminator: { dim: 4, layers: 4, scales: 3, imageChannels: 3 },
  },
} as const satisfies Record<string, TranslatorConfig>;

export type TranslatorPreset = keyof typeof TRANSLATOR_PRESETS;
