// DeepLabV2 (dilated ResNet + ASPP/SE head), the adaptation setting's network
// (native/model/deeplab/), as a model family.
import type { ModelFamily } from '../family.js';
import { DEEPLABV2_PRESETS, deepLabConfigSchema, type DeepLabConfig } from './config.js';
import { plural } from '../../plural.js';
import { deepLabParamGroup, publishedListings } from './groups.js';
import { loadDeepLabInit } from './pretrained.js';

export const DEEPLABV2: ModelFamily<DeepLabConfig> = {
  name: 'deeplabv2',
  setting: 'domain adaptation',
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
  // The published DeepLab ResNet-101 initialisation.
  loadPretrained: (model, path) => {
    const r = loadDeepLabInit(model, path);
    return `loaded ${plural(r.loaded, 'DeepLab backbone tensor')} from ${path} (${plural(r.ignored.length, 'entry', 'entries')} of the file left out)`;
  },
  // The published checkpoints are the full-size network: its head gives the classes.
  recognise: (entry) => {
    const head = entry('final.head.1.weight');
    if (!head || !entry('layer0.0.weight')) return undefined;
    const classes = head.shape[0];
    return { classes, preset: classes === 19 ? 'deeplabv2' : classes === 16 ? 'deeplabv2-c16' : undefined };
  },
  describe: (c) =>
    `DeepLabV2 ResNet blocks ${c.blocks.join('/')}, widths ${c.widths.join('/')}, ASPP/SE head ${c.branchWidth} (dilations ${c.dilations.join('/')}), ${c.classes} classes`,
};

export { DEEPLABV2_PRESETS, deepLabConfigSchema, headInChannels, type DeepLabConfig } from './config.js';
export { deepLabParamGroup, publishedListings } from './groups.js';
export { deepLabInitName, loadDeepLabInit, type InitLoadReport } from './pretrained.js';
