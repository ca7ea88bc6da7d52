// The image translator of the adaptation setting: encoder, decoder and discriminator.
export { ImageDecoder, ImageEncoder, Discriminator, type NetForwardOptions } from './nets.js';
export {
  codecConfigSchema,
  discriminatorConfigSchema,
  TRANSLATOR_PRESETS,
  type CodecConfig,
  type DiscriminatorConfig,
  type TranslatorConfig,
  type TranslatorPreset,
} from './config.js';
export { FrozenSourceTranslator, saveSourceTranslator, TRANSLATOR_FILES } from './frozen.js';
export { smallestTranslatorSide, translatorTakes } from './input-size.js';
