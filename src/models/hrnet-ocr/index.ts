// HRNetV2 + OCR, the semi-supervised setting's network (native/model/), as a model family.
import type { ModelFamily } from '../family.js';
import { plural } from '../../plural.js';
import { HRNET_OCR_PRESETS, modelConfigSchema, type ModelConfig } from './config.js';
import { loadPretrainedBackbone } from './pretrained.js';

export const HRNET_OCR: ModelFamily<ModelConfig> = {
  name: 'hrnet-ocr',
  setting: 'semi-supervised',
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
  // Training-mode BatchNorm needs more than one value per channel: the 1/32 branch (the
  // fourth) must hold two positions of a single crop, whatever the batch.
  trainCropProblem: (h, w) =>
    Math.ceil(h / 32) * Math.ceil(w / 32) < 2
      ? 'its 1/32 branch would hold one position per crop, and BatchNorm cannot train on a single value; give one side more than 32 px'
      : undefined,
  // The ImageNet HRNet backbone.
  loadPretrained: (model, path) => `loaded ${plural(loadPretrainedBackbone(model, path), 'backbone tensor')} from ${path}`,
  describe: (c) =>
    `HRNet widths ${c.widths.join('/')}, ${c.blocks} blocks, modules ${c.modules.join('/')}, OCR ${c.pixelChannels}/${c.keyChannels}, ${c.classes} classes`,
};

export { backboneChannels, HRNET_OCR_PRESETS, modelConfigSchema, type ModelConfig } from './config.js';
export { loadPretrainedBackbone } from './pretrained.js';
