// A label set: the classes a network predicts, with their names, colours and the
// map from a dataset's label ids to train ids. Cityscapes' 19 classes are one;
// the adaptation settings use 16 and 13 of them. Train id 255 means "ignore" everywhere.

export const IGNORE_ID = 255;

export type Rgb = readonly [number, number, number];

export interface LabelSetSpec {
  /** As used in configs: "cityscapes-19". */
  name: string;
  classNames: readonly string[];
  /** Colour of each train id. */
  palette: readonly Rgb[];
  /** The dataset label id of each train id (index = train id). */
  trainIdToLabelId: readonly number[];
  /** The label id written for ignored pixels (Cityscapes: 0, "unlabeled"). */
  voidLabelId?: number;
  /** Means over a subset of the classes, reported beside mIoU (SYNTHIA's 13-class mIoU). */
  subsetMetrics?: readonly SubsetMetricSpec[];
}

export interface SubsetMetricSpec {
  /** As printed: "mIoU-13". */
  name: string;
  /** The classes averaged over, by name. */
  classNames: readonly string[];
}

export interface SubsetMetric extends Readonly<SubsetMetricSpec> {
  /** The train ids of `classNames`, in the same order. */
  readonly trainIds: readonly number[];
}

export interface LabelSet extends Readonly<LabelSetSpec> {
  readonly classes: number;
  /** label id → train id for every byte value; ids not trained on give 255. */
  readonly labelIdToTrainId: Uint8Array;
  /** train id → itself below `classes`, anything else → 255 (for train-id files such as pseudo-labels). */
  readonly trainIdClamp: Uint8Array;
  /** train id → dataset label id for every byte value; ignored and unknown ids give `voidLabelId`. */
  readonly trainIdToLabelIdLut: Uint8Array;
  /** The palette as a flat 256×3 table; ignored and unknown ids are black. */
  readonly paletteTable: Uint8Array;
  /** The train id of a palette colour, 255 for any other colour. */
  colourToTrainId(r: number, g: number, b: number): number;
  /** The subset metrics with their classes resolved (empty when the set names none). */
  readonly subsetMetrics: readonly SubsetMetric[];
}

const packRgb = (r: number, g: number, b: number): number => (r << 16) | (g << 8) | b;

/** Colour drawn for ignored pixels in colourised maps. */
export const IGNORE_COLOUR: Rgb = [0, 0, 0];

export function defineLabelSet(spec: LabelSetSpec): LabelSet {
  const classes = spec.classNames.length;
  if (spec.palette.length !== classes || spec.trainIdToLabelId.length !== classes) {
    throw new Error(`label set ${spec.name}: ${classes} names, ${spec.palette.length} colours and ${spec.trainIdToLabelId.length} label ids`);
  }
  const labelIdToTrainId = new Uint8Array(256).fill(IGNORE_ID);
  spec.trainIdToLabelId.forEach((labelId, trainId) => (labelIdToTrainId[labelId] = trainId));
  const trainIdClamp = new Uint8Array(256).fill(IGNORE_ID);
  for (let id = 0; id < classes; id++) trainIdClamp[id] = id;
  const trainIdToLabelIdLut = new Uint8Array(256).fill(spec.voidLabelId ?? 0);
  spec.trainIdToLabelId.forEach((labelId, trainId) => (trainIdToLabelIdLut[trainId] = labelId));
  const paletteTable = new Uint8Array(256 * 3);
  for (let id = 0; id < 256; id++) paletteTable.set(id < classes ? spec.palette[id] : IGNORE_COLOUR, id * 3);
  const byColour = new Map(spec.palette.map(([r, g, b], id) => [packRgb(r, g, b), id]));
  const subsetMetrics = (spec.subsetMetrics ?? []).map((m) => resolveSubset(spec, m));
  return Object.freeze({
    ...spec,
    subsetMetrics,
    classes,
    labelIdToTrainId,
    trainIdClamp,
    trainIdToLabelIdLut,
    paletteTable,
    colourToTrainId: (r: number, g: number, b: number) => byColour.get(packRgb(r, g, b)) ?? IGNORE_ID,
  });
}

function resolveSubset(spec: LabelSetSpec, metric: SubsetMetricSpec): SubsetMetric {
  const trainIds = metric.classNames.map((name) => {
    const id = spec.classNames.indexOf(name);
    if (id < 0) throw new Error(`label set ${spec.name}: subset metric ${metric.name} names "${name}", which is not one of its classes`);
    return id;
  });
  if (new Set(trainIds).size !== trainIds.length) throw new Error(`label set ${spec.name}: subset metric ${metric.name} names a class twice`);
  return Object.freeze({ name: metric.name, classNames: Object.freeze([...metric.classNames]), trainIds: Object.freeze(trainIds) });
}

/** Converts an RGB buffer (H*W*3) of palette colours to train ids (H*W); other colours → 255. */
export function colourMapToTrainIds(set: LabelSet, rgb: Uint8Array, out?: Uint8Array): Uint8Array {
  const n = Math.floor(rgb.length / 3);
  const ids = out ?? new Uint8Array(n);
  let lastKey = -1;
  let lastId = IGNORE_ID;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const key = packRgb(rgb[j], rgb[j + 1], rgb[j + 2]);
    // Label maps are made of long runs of one colour: skip the look-up inside a run.
    if (key !== lastKey) {
      lastKey = key;
      lastId = set.colourToTrainId(rgb[j], rgb[j + 1], rgb[j + 2]);
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
