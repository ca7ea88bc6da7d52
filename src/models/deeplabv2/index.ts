// DeepLabV2 (dilated ResNet + ASPP/SE head), the adaptation setting's network
// (native/model/deeplab/), as a model family.
import type { ModelFamily } from '../family.js';
import { DEEPLABV2_PRESETS, deepLabConfigSchema, type DeepLabConfig } from './config.js';
import { deepLabParamGroup, publishedListings } from './groups.js';

export const DEEPLABV2: ModelFamily<DeepLabConfig> = {
  name: 'deeplabv2',
  presets: DEEPLABV2_PRESETS,
  schema: deepLabConfigSchema as unknown as ModelFamily<DeepLabConfig>['schema'],
  nativeClass: 'DeepLabV2',
  // The published forward returns (layer2, layer4, logits, features); all at 1/8.
  outputs: { main: 'logits', pixelFeatures: 'features', backbone: 'layer4', lowLevel: 'layer2' },
  outputStride: 8,
  inputOrder: 'bgr',
  classes: (c) => c.classes,
  featureChannels: (c) => c.branchWidth,
  paramGroup: deepLabParamGroup,
  listings: publishedListings,
  describe: (c) =>
    `DeepLabV2 ResNet blocks ${c.blocks.join('/')}, widths ${c.widths.join('/')}, ASPP/SE head ${c.branchWidth} (dilations ${c.dilations.join('/')}), ${c.classes} classes`,
};

export { DEEPLABV2_PRESETS, deepLabConfigSchema, headInChannels, type DeepLabConfig } from './config.js';
export { deepLabParamGroup, publishedListings } from './groups.js';
export { deepLabInitName, loadDeepLabInit, type InitLoadReport } from './pretrained.js';
