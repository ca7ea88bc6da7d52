// SYNTHIA RAND-CITYSCAPES (DIGA-UDA.md §1): <root>/RGB/<name> and <root>/GT/LABELS/<name>,
// labels 16-bit PNGs with the SYNTHIA class id in channel 0; 16 classes by default.
import { CITYSCAPES_16 } from '../../labels/cityscapes-16.js';
import { SourceDataset, type SourceDatasetOptions, type SourceLayout } from './source-dataset.js';
import { decodeSynthiaLabel } from './synthia-label.js';

export const SYNTHIA_LAYOUT: SourceLayout = Object.freeze({
  dataset: 'synthia',
  title: 'SYNTHIA',
  imageDir: 'RGB',
  labelDir: 'GT/LABELS',
  defaultLabels: CITYSCAPES_16,
  decodeLabel: decodeSynthiaLabel,
});

/** Opens a SYNTHIA-layout set; without `list`, every PNG of `<root>/RGB` (see `note`). */
export function openSynthia(options: SourceDatasetOptions): Promise<SourceDataset> {
  return SourceDataset.open(SYNTHIA_LAYOUT, options);
}
