// The trained source → target translator as the adaptation's warm-up and
// self-training use it: E_s then G_s2t, frozen, without gradients, on every
// source batch. Its files are the published ones: `enc_s` and `dec_s2t`.
import { noGrad, tidy, type Tensor } from '../../tensor/index.js';
import { loadNetWeights, saveNetWeights, type SaveFormat } from '../weights.js';
import { TRANSLATOR_PRESETS, type TranslatorPreset } from './config.js';
import { ImageDecoder, ImageEncoder } from './nets.js';

/** The file names (without extension) the published translator stage writes. */
export const TRANSLATOR_FILES = { encoder: 'enc_s', decoder: 'dec_s2t' } as const;

/** Writes E_s and G_s2t as enc_s and dec_s2t in `dir`; returns the files written. */
export function saveSourceTranslator(dir: string, encoder: ImageEncoder, decoder: ImageDecoder, format: SaveFormat, metadata: Record<string, string> = {}): string[] {
  return [...saveNetWeights(dir, TRANSLATOR_FILES.encoder, encoder, metadata, format), ...saveNetWeights(dir, TRANSLATOR_FILES.decoder, decoder, metadata, format)];
}

export class FrozenSourceTranslator {
  private constructor(
    readonly encoder: ImageEncoder,
    readonly decoder: ImageDecoder,
    /** The files it was read from. */
    readonly files: [string, string],
  ) {}

  /** Reads enc_s and dec_s2t from `dir` onto `device`. */
  static load(dir: string, preset: TranslatorPreset, device: string): FrozenSourceTranslator {
    const p = TRANSLATOR_PRESETS[preset];
    const encoder = new ImageEncoder(p.encoder);
    const decoder = new ImageDecoder(p.decoder);
    try {
      const hint = 'train the translator first (diga translate --weight-dir <that folder>), or point --translator-path at the folder holding it';
      const files: [string, string] = [loadNetWeights(dir, TRANSLATOR_FILES.encoder, encoder, hint), loadNetWeights(dir, TRANSLATOR_FILES.decoder, decoder, hint)];
      encoder.to(device).eval();
      decoder.to(device).eval();
      return new FrozenSourceTranslator(encoder, decoder, files);
    } catch (err) {
      encoder.dispose();
      decoder.dispose();
      throw err;
    }
  }

  /** T(x) = G_s2t(E_s(x)) for a normalised batch, no gradient recorded. */
  translate(x: Tensor): Tensor {
    return noGrad(() => tidy(() => this.decoder.forward(this.encoder.forward(x, { grad: false }), { grad: false })));
  }

  /** Writes enc_s and dec_s2t to `dir` (the stages keep them beside the best weights, as published). */
  save(dir: string, format: SaveFormat = 'safetensors', metadata: Record<string, string> = {}): string[] {
    return saveSourceTranslator(dir, this.encoder, this.decoder, format, metadata);
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
