// ImageNet-pretrained HRNet backbones (docs/method.md §2): the file's entries are
// matched to the backbone's (`hrnet.*`) state-dict entries by position, as the
// published code does, and every shape must agree or nothing is loaded.
// BatchNorm `num_batches_tracked` counters are left out on both sides, so
// checkpoints saved with and without them line up.
import { readStateDict } from '../../checkpoint/index.js';
import type { RawTensor } from '../../checkpoint/raw.js';
import { plural } from '../../plural.js';
import type { SegModel } from '../seg-model.js';

const skip = (name: string) => name.endsWith('num_batches_tracked');

/** Loads the backbone of `model` from `path`; returns how many tensors were copied. */
export function loadPretrainedBackbone(model: SegModel, path: string): number {
  const file = [...readStateDict(path)].filter(([k]) => !skip(k));
  const target = [...model.stateDict()].filter(([k]) => k.startsWith('hrnet.') && !skip(k));
  if (file.length < target.length) {
    throw new Error(`${path} has ${plural(file.length, 'tensor')}, fewer than the ${target.length} of the ${model.config.widths[0]}-wide HRNet backbone: not a matching ImageNet checkpoint`);
  }
  const mapped = new Map<string, RawTensor>();
  for (let i = 0; i < target.length; i++) {
    const [name, t] = target[i];
    const [fileName, raw] = file[i];
    const want = t.shape;
    if (raw.shape.length !== want.length || raw.shape.some((d, j) => d !== want[j])) {
      throw new Error(
        `${path} does not fit the backbone: entry ${i} '${fileName}' has shape [${raw.shape.join(', ')}] but '${name}' needs [${want.join(', ')}]; nothing was loaded`,
      );
    }
    mapped.set(name, raw);
  }
  model.loadStateDict(mapped, { strict: false });
  return mapped.size;
}
