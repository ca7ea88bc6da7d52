// Label values a source dataset's table does not define (GTA5 labels hold a few ids past
// Cityscapes' 0..33). They train as ignore, as in the published code; the run is told once,
// with the pixels of each such value in the first label that holds any, since a table that
// does not fit the labels (the wrong dataset, a conversion gone wrong) shows there first.
import { IGNORE_ID } from '../../labels/label-set.js';
import type { SourceDatasetName } from '../../labels/source-maps.js';
import { sourceLabelIds, sourceLabelTableName } from '../../labels/source-maps.js';
import { plural } from '../../plural.js';

/** The dataset roots whose labels were found to hold such values, in this process. */
const told = new Set<string>();

export class OutsideValues {
  readonly #known: Uint8Array;

  constructor(
    readonly dataset: SourceDatasetName,
    /** As shown in messages: "GTA5". */
    readonly title: string,
    /** The dataset's root: one message per root and process, whichever stage reads it. */
    readonly root: string,
    /** The classes train ids run below. */
    readonly classes: number,
    readonly warn: (message: string) => void,
  ) {
    this.#known = sourceLabelIds(dataset);
  }

  /**
   * `table` with each value outside the dataset's ids decoded as itself: a mark no train id
   * uses (every such value is at least `classes`), cleared by `settle`. In a palette label,
   * a value sharing its colour with a defined, ignored value stays ignored: its pixels
   * cannot be told apart by colour, and marking it would send every label to the slow
   * index decoder.
   */
  lut(table: Uint8Array, palette: readonly number[] | undefined): Uint8Array {
    const lut = new Uint8Array(table);
    const ignoredColours = new Set<number>();
    for (let v = 0; palette && v < palette.length; v++) if (this.#known[v] === 1 && table[v] === IGNORE_ID) ignoredColours.add(palette[v]);
    for (let v = 0; v < 256; v++) {
      if (this.#known[v] === 1 || v < this.classes || v === IGNORE_ID) continue;
      if (palette && (palette[v] === undefined || ignoredColours.has(palette[v]))) continue;
      lut[v] = v;
    }
    return lut;
  }

  /** Turns the marks `lut` left in a decoded label into ignore, telling of them once per run. */
  settle(ids: Uint8Array, file: string): void {
    let counts: Float64Array | undefined;
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i];
      if (v < this.classes || v === IGNORE_ID) continue;
      (counts ??= new Float64Array(256))[v]++;
      ids[i] = IGNORE_ID;
    }
    if (counts === undefined || told.has(this.root)) return;
    told.add(this.root);
    const found: string[] = [];
    for (let v = 0; v < 256; v++) if (counts[v] > 0) found.push(`${v} (${plural(counts[v], 'pixel')})`);
    this.warn(
      `${this.title} label ${file} holds ${found.length === 1 ? 'a value' : 'values'} outside ${sourceLabelTableName(this.dataset)}: ` +
        `${found.join(', ')}; such pixels train as ignore (255), as in the published code. ` +
        'Said once per run: other labels may hold such values too',
    );
  }
}
