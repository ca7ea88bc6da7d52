// The label sets diga knows, by the name a config gives.
import { CITYSCAPES_19 } from './cityscapes.js';
import { CITYSCAPES_16 } from './cityscapes-16.js';
import type { LabelSet } from './label-set.js';

export const LABEL_SETS: Readonly<Record<string, LabelSet>> = Object.freeze({
  [CITYSCAPES_19.name]: CITYSCAPES_19,
  [CITYSCAPES_16.name]: CITYSCAPES_16,
});

export function labelSetNames(): string[] {
  return Object.keys(LABEL_SETS);
}

/** The named label set; throws an Error listing the known names. */
export function labelSet(name: string): LabelSet {
  const set = Object.hasOwn(LABEL_SETS, name) ? LABEL_SETS[name] : undefined;
  if (!set) throw new Error(`unknown label set "${name}"; known label sets: ${labelSetNames().join(', ')}`);
  return set;
}

export { CITYSCAPES_19 } from './cityscapes.js';
export { CITYSCAPES_16 } from './cityscapes-16.js';
export { sourceLabelTable, synthiaToTrainId, SOURCE_DATASET_NAMES, SYNTHIA_ID_CLASSES, type SourceDatasetName } from './source-maps.js';
export {
  applyLut,
  colourMapToTrainIds,
  defineLabelSet,
  IGNORE_COLOUR,
  IGNORE_ID,
  type LabelSet,
  type LabelSetSpec,
  type Rgb,
  type SubsetMetric,
  type SubsetMetricSpec,
} from './label-set.js';
