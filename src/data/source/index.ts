// The labelled synthetic source sets of domain adaptation.
import type { SourceDatasetName } from '../../labels/source-maps.js';
import { openGta5 } from './gta5.js';
import type { SourceDataset, SourceDatasetOptions } from './source-dataset.js';
import { openSynthia } from './synthia.js';

export { GTA5_LAYOUT, openGta5 } from './gta5.js';
export { SourceDataset, type SourceDatasetOptions, type SourceEntry, type SourceLayout } from './source-dataset.js';
export { sourceNames, type SourceNames } from './source-list.js';
export { decodeSynthiaLabel } from './synthia-label.js';
export { openSynthia, SYNTHIA_LAYOUT } from './synthia.js';

/** Opens the named source set. */
export function openSourceDataset(dataset: SourceDatasetName, options: SourceDatasetOptions): Promise<SourceDataset> {
  if (dataset === 'gta5') return openGta5(options);
  if (dataset === 'synthia') return openSynthia(options);
  throw new Error(`unknown source dataset ${String(dataset)}; expected gta5 or synthia`);
}
