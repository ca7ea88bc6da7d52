// Which network a weights file holds, read from the file alone: the model config our
// safetensors record, or for a published .pth the shape of its state dict. Commands that
// only read weights (pseudo-label, evaluate) use it to tell the adaptation setting's
// DeepLabV2 from the semi-supervised HRNet when the command line does not say.
import { readStateDict } from '../checkpoint/index.js';
import { recordedModel } from './weights.js';
import { MODEL_FAMILIES, resolveModel } from './registry.js';

export interface WeightsModel {
  family: string;
  classes: number;
  /** The preset whose config the file holds, when one does. */
  preset?: string;
}

const sameConfig = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function modelOfWeights(file: string): WeightsModel | undefined {
  const recorded = recordedModel(file);
  if (recorded) {
    try {
      const { family, config } = resolveModel(recorded);
      const preset = Object.entries(family.presets).find(([, c]) => sameConfig(c, config))?.[0];
      return { family: family.name, classes: family.classes(config as never), preset };
    } catch {
      return undefined;
    }
  }
  let dict;
  try {
    dict = readStateDict(file);
  } catch {
    return undefined;
  }
  // DataParallel checkpoints carry a `module.` prefix on every key.
  const entry = (key: string) => dict.get(key) ?? dict.get(`module.${key}`);
  for (const family of MODEL_FAMILIES) {
    const seen = family.recognise?.(entry);
    if (seen) return { family: family.name, ...seen };
  }
  return undefined;
}

/**
 * The network to build for `file` when the command line names none: the preset it records (our
 * safetensors) or its recorded config where no preset matches, the DeepLabV2 its state dict
 * shows (a published .pth), else HRNet-W48, the paper's. predict and export both start here.
 */
export function defaultModelOf(file: string): string | object {
  return modelOfWeights(file)?.preset ?? recordedModel(file) ?? 'hrnet48';
}
