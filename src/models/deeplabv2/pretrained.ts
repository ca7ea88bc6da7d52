// The DeepLab ResNet-101 initialisation the published adaptation code starts
// from (DeepLab_resnet_pretrained_init-f81d91e8.pth, docs/method.md): a
// checkpoint of an older DeepLab whose keys carry one leading component
// ("Scale.conv1.weight", "Scale.layer3.7.bn2.running_var", ...) and whose
// classifier ("layer5") is not ours. Each key loses that first component, the
// classifier is left out, and the stem's conv1 / bn1 become layer0.0 / layer0.1
// (the published network keeps them in one Sequential). The head (final.*) is
// not in the file and keeps its initialisation.
import { readStateDict } from '../../checkpoint/index.js';
import type { RawTensor } from '../../checkpoint/raw.js';
import { plural } from '../../plural.js';
import type { SegModel } from '../seg-model.js';

const skip = (name: string) => name.endsWith('num_batches_tracked');

/** Our state-dict name for a key of the init file, or undefined for an entry that is not loaded. */
export function deepLabInitName(key: string): string | undefined {
  const parts = key.split('.').slice(1);
  if (parts.length < 2 || parts[0] === 'layer5') return undefined;
  if (parts[0] === 'conv1') return ['layer0', '0', ...parts.slice(1)].join('.');
  if (parts[0] === 'bn1') return ['layer0', '1', ...parts.slice(1)].join('.');
  return /^layer[1-4]$/.test(parts[0]) ? parts.join('.') : undefined;
}

export interface InitLoadReport {
  /** Tensors copied into the backbone. */
  loaded: number;
  /** File keys not loaded (the old classifier, counters). */
  ignored: string[];
}

/**
 * Loads the backbone of a deeplabv2 `model` from the init checkpoint at `path`. Every backbone
 * parameter and running statistic must be in the file with its shape, or nothing is loaded.
 */
export function loadDeepLabInit(model: SegModel, path: string): InitLoadReport {
  if (model.family.name !== 'deeplabv2') throw new Error(`loadDeepLabInit: the model is a ${model.family.name} network, not deeplabv2`);
  const own = model.stateDict();
  const mapped = new Map<string, RawTensor>();
  const ignored: string[] = [];
  for (const [key, raw] of readStateDict(path)) {
    const name = deepLabInitName(key);
    if (name === undefined || skip(name) || !own.has(name)) ignored.push(key);
    else mapped.set(name, raw);
  }
  const backbone = [...own.keys()].filter((k) => !k.startsWith('final.') && !skip(k));
  const missing = backbone.filter((k) => !mapped.has(k));
  if (missing.length > 0) {
    throw new Error(
      `${path} does not hold the DeepLab ResNet backbone this model needs: ${missing.length} of its ${plural(backbone.length, 'entry', 'entries')} ${missing.length === 1 ? 'is' : 'are'} missing ` +
        `(${missing.slice(0, 3).join(', ')}…); expected keys such as Scale.conv1.weight and Scale.layer1.0.bn1.running_mean; nothing was loaded`,
    );
  }
  for (const [name, raw] of mapped) {
    const want = own.get(name)!.shape;
    if (raw.shape.length !== want.length || raw.shape.some((d, i) => d !== want[i])) {
      throw new Error(`${path} does not fit the backbone: '${name}' has shape [${raw.shape.join(', ')}] in the file but [${want.join(', ')}] in the model; nothing was loaded`);
    }
  }
  model.loadStateDict(mapped, { strict: false });
  return { loaded: mapped.size, ignored };
}
