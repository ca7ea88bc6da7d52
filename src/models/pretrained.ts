// A network's pretrained starting point, whatever its family: the ImageNet HRNet
// backbone for hrnet-ocr, the DeepLab ResNet-101 initialisation for deeplabv2.
// Returns the line a stage prints.
import { loadDeepLabInit } from './deeplabv2/pretrained.js';
import { loadPretrainedBackbone } from './hrnet-ocr/pretrained.js';
import type { SegModel } from './seg-model.js';

export function loadPretrained(model: SegModel, path: string): string {
  if (model.family.name === 'deeplabv2') {
    const r = loadDeepLabInit(model, path);
    return `loaded ${r.loaded} DeepLab backbone tensors from ${path} (${r.ignored.length} entries of the file left out)`;
  }
  return `loaded ${loadPretrainedBackbone(model, path)} backbone tensors from ${path}`;
}
