// A network's pretrained starting point, whatever its family: the ImageNet HRNet
// backbone for hrnet-ocr, the DeepLab ResNet-101 initialisation for deeplabv2.
// Returns the line a stage prints.
import { loadDeepLabInit } from './deeplabv2/pretrained.js';
import { loadPretrainedBackbone } from './hrnet-ocr/pretrained.js';
import { plural } from '../plural.js';
import type { SegModel } from './seg-model.js';

export function loadPretrained(model: SegModel, path: string): string {
  if (model.family.name === 'deeplabv2') {
    const r = loadDeepLabInit(model, path);
    return `loaded ${plural(r.loaded, 'DeepLab backbone tensor')} from ${path} (${plural(r.ignored.length, 'entry', 'entries')} of the file left out)`;
  }
  return `loaded ${plural(loadPretrainedBackbone(model, path), 'backbone tensor')} from ${path}`;
}
