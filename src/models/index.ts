// The networks: model families with their presets, and the SegModel class.
export type { FamilyOutputs, ModelFamily, ParamGroupRole, StateDictEntry } from './family.js';
export { backboneChannels, HRNET_OCR, modelConfigSchema, type ModelConfig } from './hrnet-ocr/index.js';
export {
  DEEPLABV2,
  deepLabConfigSchema,
  deepLabInitName,
  deepLabParamGroup,
  headInChannels,
  loadDeepLabInit,
  publishedListings,
  type DeepLabConfig,
  type InitLoadReport,
} from './deeplabv2/index.js';
export {
  isPresetName,
  MODEL_FAMILIES,
  PRESETS,
  presetHelp,
  presetNames,
  resolveModel,
  resolveModelConfig,
  resolvePreset,
  type PresetName,
  type SegModelConfig,
} from './registry.js';
export { NativeNet } from './native-net.js';
export { loadPretrained } from './pretrained.js';
export {
  Discriminator,
  ImageDecoder,
  ImageEncoder,
  TRANSLATOR_PRESETS,
  type CodecConfig,
  type DiscriminatorConfig,
  type TranslatorConfig,
  type TranslatorPreset,
  FrozenSourceTranslator,
  saveSourceTranslator,
  smallestTranslatorSide,
  translatorTakes,
  TRANSLATOR_FILES,
} from './translator/index.js';
export { Vgg19Features, VGG19_IMAGENET, VGG19_TAPS, vgg19ConfigSchema, type Vgg19Config, type VggLoadReport } from './vgg/index.js';
export { auxOf, SegModel, StateDictMismatch, type ParamGroup, type ForwardOptions, type LoadOptions, type LoadReport, type SegOutputs } from './seg-model.js';
