/**
 * The 19 Cityscapes training classes: names, label id -> train id table, colour palette and its
 * inverse. Train id 255 means "ignore" everywhere.
 */

export const IGNORE_ID = 255;
export const NUM_CLASSES = 19;

export const CLASS_NAMES: readonly string[] = Object.freeze([
  'road',
  'sidewalk',
  'building',
  'wall',
  'fence',
  'pole',
  'traffic light',
  'traffic sign',
  'vegetation',
  'terrain',
  'sky',
  'person',
  'rider',
  'car',
  'truck',
  'bus',
  'train',
  'motorcycle',
  'bicycle',
]);

/** Cityscapes label id of each train id (index = train id). */
export const TRAIN_ID_TO_LABEL_ID: readonly number[] = Object.freeze([
  7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33,
]);

/** Label ids that are not trained on (map to 255), with their Cityscapes names. */
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

/** label id -> train id for every byte value; ids that are not trained on give 255. */
export const LABEL_ID_TO_TRAIN_ID: Uint8Array = (() => {
  const lut = new Uint8Array(256).fill(IGNORE_ID);
  TRAIN_ID_TO_LABEL_ID.forEach((labelId, trainId) => {
    lut[labelId] = trainId;
  });
  return lut;
})();

/** train id -> itself for 0..18, everything else -> 255 (for pseudo-label files). */
export const TRAIN_ID_CLAMP: Uint8Array = (() => {
  const lut = new Uint8Array(256).fill(IGNORE_ID);
  for (let id = 0; id < NUM_CLASSES; id++) lut[id] = id;
  return lut;
})();

/** RGB colour of each train id (index = train id). */
export const PALETTE: readonly (readonly [number, number, number])[] = Object.freeze([
  [128, 64, 128],
  [244, 35, 232],
  [70, 70, 70],
  [102, 102, 156],
  [190, 153, 153],
  [153, 153, 153],
  [250, 170, 30],
  [220, 220, 0],
  [107, 142, 35],
  [152, 251, 152],
  [70, 130, 180],
  [220, 20, 60],
  [255, 0, 0],
  [0, 0, 142],
  [0, 0, 70],
  [0, 60, 100],
  [0, 80, 100],
  [0, 0, 230],
  [119, 11, 32],
] as const);

/** Colour drawn for ignored pixels in colourised maps. */
export const IGNORE_COLOUR: readonly [number, number, number] = [0, 0, 0];

/** Palette as a flat 256*3 table (every id has an entry; unknown ids get IGNORE_COLOUR). */
export const PALETTE_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256 * 3);
  for (let id = 0; id < 256; id++) {
    const [r, g, b] = id < NUM_CLASSES ? PALETTE[id] : IGNORE_COLOUR;
    table[id * 3] = r;
    table[id * 3 + 1] = g;
    table[id * 3 + 2] = b;
  }
  return table;
})();

const packRgb = (r: number, g: number, b: number): number => (r << 16) | (g << 8) | b;

const COLOUR_TO_TRAIN_ID: ReadonlyMap<number, number> = new Map(
  PALETTE.map(([r, g, b], id) => [packRgb(r, g, b), id]),
);

/** Inverse palette: the train id of a palette colour, 255 for any other colour. */
export function colourToTrainId(r: number, g: number, b: number): number {
  return COLOUR_TO_TRAIN_ID.get(packRgb(r, g, b)) ?? IGNORE_ID;
}

/** Converts an RGB buffer (H*W*3) of palette colours to train ids (H*W); other colours -> 255. */
export function colourMapToTrainIds(rgb: Uint8Array, out?: Uint8Array): Uint8Array {
  const n = Math.floor(rgb.length / 3);
  const ids = out ?? new Uint8Array(n);
  let lastKey = -1;
  let lastId = IGNORE_ID;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const key = packRgb(rgb[j], rgb[j + 1], rgb[j + 2]);
    // Label maps are made of long runs of one colour: skip the map look-up inside a run.
    if (key !== lastKey) {
      lastKey = key;
      lastId = COLOUR_TO_TRAIN_ID.get(key) ?? IGNORE_ID;
    }
    ids[i] = lastId;
  }
  return ids;
}

/** Applies a 256-entry look-up table to every byte (in place when `out` is `values`). */
export function applyLut(values: Uint8Array, lut: Uint8Array, out?: Uint8Array): Uint8Array {
  const result = out ?? new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) result[i] = lut[values[i]];
  return result;
}
