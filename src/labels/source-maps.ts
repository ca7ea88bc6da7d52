// The synthetic source datasets' label ids (DIGA-UDA.md §1). GTA5 labels are Cityscapes label
// ids, so a Cityscapes label set's own table maps them. SYNTHIA has ids of its own, named here
// by class so that the table follows whichever label set a run uses.
import type { LabelSet } from './label-set.js';
import { IGNORE_ID } from './label-set.js';

export type SourceDatasetName = 'gta5' | 'synthia';
export const SOURCE_DATASET_NAMES: readonly SourceDatasetName[] = ['gta5', 'synthia'];

/** SYNTHIA RAND-CITYSCAPES id → class name; every other id is ignored. */
export const SYNTHIA_ID_CLASSES: Readonly<Record<number, string>> = Object.freeze({
  3: 'road',
  4: 'sidewalk',
  2: 'building',
  21: 'wall',
  5: 'fence',
  7: 'pole',
  15: 'traffic light',
  9: 'traffic sign',
  6: 'vegetation',
  1: 'sky',
  10: 'person',
  17: 'rider',
  8: 'car',
  19: 'bus',
  12: 'motorcycle',
  11: 'bicycle',
});

/** SYNTHIA id → train id of `labels` for every byte value (a class the set lacks gives 255). */
export function synthiaToTrainId(labels: LabelSet): Uint8Array {
  const table = new Uint8Array(256).fill(IGNORE_ID);
  for (const [id, name] of Object.entries(SYNTHIA_ID_CLASSES)) {
    const trainId = labels.classNames.indexOf(name);
    if (trainId >= 0) table[Number(id)] = trainId;
  }
  return table;
}

/** A source dataset's label value → train id of `labels`, for every byte value. */
export function sourceLabelTable(dataset: SourceDatasetName, labels: LabelSet): Uint8Array {
  if (dataset === 'gta5') return new Uint8Array(labels.labelIdToTrainId);
  if (dataset === 'synthia') return synthiaToTrainId(labels);
  throw new Error(`unknown source dataset ${String(dataset)}; expected ${SOURCE_DATASET_NAMES.join(' or ')}`);
}
