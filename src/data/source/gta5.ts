// GTA5 (DIGA-UDA.md §1): <root>/images/<name> and <root>/labels/<name>, labels 8-bit PNGs
// (grey or palette) of Cityscapes label ids.
import { CITYSCAPES_19 } from '../../labels/cityscapes.js';
import { decodeLabelWith } from '../images.js';
import { SourceDataset, type SourceDatasetOptions, type SourceLayout } from './source-dataset.js';

export const GTA5_LAYOUT: SourceLayout = Object.freeze({
  dataset: 'gta5',
  title: 'GTA5',
  imageDir: 'images',
  labelDir: 'labels',
  defaultLabels: CITYSCAPES_19,
  decodeLabel: decodeLabelWith,
});

/** Opens a GTA5-layout set; without `list`, every PNG of `<root>/images` (see `note`). */
export function openGta5(options: SourceDatasetOptions): Promise<SourceDataset> {
  return SourceDataset.open(GTA5_LAYOUT, options);
}
