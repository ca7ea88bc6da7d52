// The 19 Cityscapes training classes (docs/method.md §1): names, the label id of each
// train id, and the colour palette. The constants below are this set's tables under the
// names earlier releases exported.
import { applyLut, colourMapToTrainIds as mapColours, defineLabelSet, IGNORE_COLOUR, IGNORE_ID } from './label-set.js';

export const CITYSCAPES_19 = defineLabelSet({
  name: 'cityscapes-19',
  classNames: [
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light', 'traffic sign', 'vegetation', 'terrain',
    'sky', 'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle', 'bicycle',
  ],
  trainIdToLabelId: [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33],
  palette: [
    [128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153], [153, 153, 153], [250, 170, 30],
    [220, 220, 0], [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60], [255, 0, 0], [0, 0, 142],
    [0, 0, 70], [0, 60, 100], [0, 80, 100], [0, 0, 230], [119, 11, 32],
  ],
});

/** Cityscapes label ids that are not trained on (they read as 255), with their names. */
export const VOID_LABEL_IDS: Readonly<Record<string, number>> = Object.freeze({
  unlabeled: 0,
  'ego vehicle': 1,
  'rectification border': 2,
  'out of roi': 3,
  static: 4,
  dynamic: 5,
  ground: 6,
  parking: 9,
  'rail track': 10,
  'guard rail': 14,
  bridge: 15,
  tunnel: 16,
  polegroup: 18,
  caravan: 29,
  trailer: 30,
});

export { applyLut, IGNORE_COLOUR, IGNORE_ID };
export const NUM_CLASSES = CITYSCAPES_19.classes;
export const CLASS_NAMES = CITYSCAPES_19.classNames;
export const TRAIN_ID_TO_LABEL_ID = CITYSCAPES_19.trainIdToLabelId;
export const PALETTE = CITYSCAPES_19.palette;
export const LABEL_ID_TO_TRAIN_ID = CITYSCAPES_19.labelIdToTrainId;
export const TRAIN_ID_CLAMP = CITYSCAPES_19.trainIdClamp;
export const PALETTE_TABLE = CITYSCAPES_19.paletteTable;
export const colourToTrainId = CITYSCAPES_19.colourToTrainId;
export const colourMapToTrainIds = (rgb: Uint8Array, out?: Uint8Array): Uint8Array => mapColours(CITYSCAPES_19, rgb, out);
