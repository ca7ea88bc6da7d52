// HRNetV2 + OCR, the semi-supervised setting's network (native/model/), as a model family.
import type { ModelFamily } from '../family.js';
import { HRNET_OCR_PRESETS, modelConfigSchema, type ModelConfig } from './config.js';

export const HRNET_OCR: ModelFamily<ModelConfig> = {
  name: 'hrnet-ocr',
  presets: HRNET_OCR_PRESETS,
  schema: modelConfigSchema,
  nativeClass: 'Model',
  outputs: { main: 'main', pixelFeatures: 'pixelFeatures', backbone: 'backbone', aux: 'aux' },
  outputStride: 4,
  inputOrder: 'rgb',
  classes: (c) => c.classes,
  featureChannels: (c) => c.pixelChannels,
  // The published semi-supervised optimiser has one group.
  paramGroup: () => '1x',
  describe: (c) =>
    `HRNet widths ${c.widths.join('/')}, ${c.blocks} blocks, modules ${c.modules.join('/')}, OCR ${c.pixelChannels}/${c.keyChannels}, ${c.classes} classes`,
};

export { backboneChannels, HRNET_OCR_PRESETS, modelConfigSchema, type ModelConfig } from './config.js';
export { loadPretrainedBackbone } from './pretrained.js';
