// The networks: model families with their presets, and the SegModel class.
export type { ModelFamily } from './family.js';
export { backboneChannels, HRNET_OCR, modelConfigSchema, type ModelConfig } from './hrnet-ocr/index.js';
export {
  isPresetName,
  MODEL_FAMILIES,
  PRESETS,
  presetNames,
  resolveModel,
  resolveModelConfig,
  resolvePreset,
  type PresetName,
} from './registry.js';
export { SegModel, StateDictMismatch, type ForwardOptions, type LoadOptions, type LoadReport, type SegOutputs } from './seg-model.js';
