// The synthetic source datasets' label ids (DIGA-UDA.md §1). GTA5 labels are Cityscapes label
// ids, so a Cityscapes label set's own table maps them. SYNTHIA has ids of its own, named here
// by class so that the table follows whichever label set a run uses.
import { CITYSCAPES_19, VOID_LABEL_IDS } from './cityscapes.js';
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

/** SYNTHIA RAND-CITYSCAPES' class ids run from 0 (void) to 22 (lane marking). */
export const SYNTHIA_ID_COUNT = 23;

/** The ids a source dataset's label table defines, by name (in messages). */
export function sourceLabelTableName(dataset: SourceDatasetName): string {
  return dataset === 'gta5' ? "Cityscapes' label ids (0 to 33, and 255: -1, the license plate)" : "SYNTHIA's class ids (0 to 22)";
}

/**
 * Which label values a source dataset's table defines, for every byte value (1: defined).
 * A value outside it trains as ignore, as in the published code, but says the labels are
 * not what the table expects.
 */
export function sourceLabelIds(dataset: SourceDatasetName): Uint8Array {
  const known = new Uint8Array(256);
  if (dataset === 'gta5') {
    for (const id of [...CITYSCAPES_19.trainIdToLabelId, ...Object.values(VOID_LABEL_IDS)]) known[id] = 1;
    // Cityscapes' license plate is id -1, which an 8-bit label stores as 255.
    known[255] = 1;
  } else {
    known.fill(1, 0, SYNTHIA_ID_COUNT);
  }
  return known;
}
