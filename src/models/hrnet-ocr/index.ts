// HRNetV2 + OCR, the semi-supervised setting's network (native/model/), as a model family.
import type { ModelFamily } from '../family.js';
import { HRNET_OCR_PRESETS, modelConfigSchema, type ModelConfig } from './config.js';

export const HRNET_OCR: ModelFamily<ModelConfig> = {
  name: 'hrnet-ocr',
  presets: HRNET_OCR_PRESETS,
  schema: modelConfigSchema,
  nativeClass: 'Model',
  classes: (c) => c.classes,
  featureChannels: (c) => c.pixelChannels,
};

export { backboneChannels, HRNET_OCR_PRESETS, modelConfigSchema, type ModelConfig } from './config.js';
export { loadPretrainedBackbone } from './pretrained.js';
