// The network: presets and the SegModel class.
export {
  PRESETS,
  backboneChannels,
  isPresetName,
  modelConfigSchema,
  presetNames,
  resolveModelConfig,
  resolvePreset,
  type ModelConfig,
  type PresetName,
} from './presets.js';
export { SegModel, StateDictMismatch, type ForwardOptions, type LoadOptions, type LoadReport, type SegOutputs } from './seg-model.js';
