// A network's pretrained starting point, whatever its family (the family knows its own:
// the ImageNet HRNet backbone, the DeepLab ResNet-101 initialisation). Returns the line a
// stage prints.
import type { SegModel } from './seg-model.js';

export function loadPretrained(model: SegModel, path: string): string {
  return model.family.loadPretrained(model, path);
}
