/**
 * A labelled synthetic source set (GTA5, SYNTHIA): images and labels under two folders of one
 * root, named alike, listed by a file of names or found by listing the image folder. It yields
 * the same samples as CityscapesDataset, with labels mapped to the run's train ids.
 */
import path from 'node:path';
import type { LabelSet } from '../../labels/label-set.js';
import type { SourceDatasetName } from '../../labels/source-maps.js';
import { sourceLabelTable } from '../../labels/source-maps.js';
import type { Sample } from '../sample-source.js';
import { assertFilesExist, type FileCheck } from '../file-checks.js';
import { decodeImage, pngPalette, readBytes, type LabelMap } from '../images.js';
import { repeatedLines } from '../lists.js';
import type { SampleSource } from '../sample-source.js';
import { OutsideValues } from './label-values.js';
import { sourceNames } from './source-list.js';

/** Where a source dataset keeps its files and how its labels are stored. */
export interface SourceLayout {
  dataset: SourceDatasetName;
  /** As shown in messages: "GTA5". */
  title: string;
  /** Image and label folders, relative to the root. */
  imageDir: string;
  labelDir: string;
  /** The label set used when the options name none. */
  defaultLabels: LabelSet;
  decodeLabel(bytes: Buffer, file: string, table: Uint8Array): Promise<LabelMap>;
}

export interface SourceDatasetOptions {
  /** Dataset root. */
  root: string;
  /** List file of names, one per line (default: every PNG of the image folder, sorted by name). */
  list?: string;
  /** The classes labels map to (default: the layout's). */
  labels?: LabelSet;
  /** Told once of label values outside the dataset's ids (default: stderr). */
  warn?: (message: string) => void;
}

export interface SourceEntry {
  index: number;
  name: string;
  image: string;
  label: string;
  /** 1-based line in the list (or position in the sorted folder listing). */
  line: number;
}

export class SourceDataset implements SampleSource {
  readonly hasLabels = true;
  readonly hasPseudo = false;

  private constructor(
    readonly layout: SourceLayout,
    readonly root: string,
    readonly labels: LabelSet,
    readonly entries: readonly SourceEntry[],
    /** The list file, or the folder whose listing stands in for one. */
    readonly listName: string,
    /** Set when no list was given: a line for the caller to print (which images are used). */
    readonly note: string | undefined,
    /** A warning for list lines that repeat an earlier one (they are read as listed); undefined when none does. */
    readonly repeats: string | undefined,
    private readonly table: Uint8Array,
    private readonly outside: OutsideValues,
  ) {}

  /** Reads the list (or lists the image folder) and resolves every path; reads no image. */
  static async open(layout: SourceLayout, options: SourceDatasetOptions): Promise<SourceDataset> {
    const root = path.resolve(options.root);
    const imageDir = path.join(root, layout.imageDir);
    const labelDir = path.join(root, layout.labelDir);
    const { names, listName, note } = await sourceNames(options.list, imageDir, layout.title);
    const entries = names.map((name, index): SourceEntry => ({
      index,
      name,
      image: path.resolve(imageDir, name),
      label: path.resolve(labelDir, name),
      line: index + 1,
    }));
    const labels = options.labels ?? layout.defaultLabels;
    const warn = options.warn ?? ((m: string) => process.stderr.write(`diga: ${m}\n`));
    return new SourceDataset(
      layout, root, labels, entries, listName, note,
      options.list === undefined ? undefined : repeatedLines(options.list, names),
      sourceLabelTable(layout.dataset, labels),
      new OutsideValues(layout.dataset, layout.title, root, labels.classes, warn),
    );
  }

  get size(): number {
    return this.entries.length;
  }

  entry(index: number): SourceEntry {
    const entry = this.entries[index];
    if (!Number.isInteger(index) || entry === undefined) {
      throw new Error(`${this.layout.title} index ${index} is out of range (size ${this.size}, list ${this.listName})`);
    }
    return entry;
  }

  /** Checks up front that every image and label exists; one error names each missing file and its line. */
  async validate(concurrency = 32): Promise<void> {
    const checks: FileCheck[] = this.entries.flatMap((e) => [
      { file: e.image, what: 'image', line: e.line, list: this.listName },
      { file: e.label, what: 'label', line: e.line, list: this.listName },
    ]);
    await assertFilesExist(checks, this.root, concurrency);
  }

  /** `err` from reading sample `index`, naming its image (unless the message names a file of it) and list line. */
  sampleError(index: number, err: unknown): Error {
    const e = this.entry(index);
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes('list line')) return err as Error;
    const where = `list line ${e.line} of ${this.listName}`;
    const named = message.includes(e.image) || message.includes(e.label);
    return new Error(named ? `${message} (${where})` : `${e.image} (${where}): ${message}`, { cause: err });
  }

  /** Decodes one sample: the image as RGB, the label in train ids; both must have the same size. */
  async read(index: number): Promise<Sample> {
    const e = this.entry(index);
    const [image, label] = await Promise.all([
      readBytes(e.image, 'image').then((b) => decodeImage(b, e.image)),
      // Values the table does not define are decoded as marks, counted and ignored here.
      readBytes(e.label, 'label').then(async (b) => {
        const label = await this.layout.decodeLabel(b, e.label, this.outside.lut(this.table, pngPalette(b)));
        this.outside.settle(label.data, e.label);
        return label;
      }),
    ]);
    if (label.width !== image.width || label.height !== image.height) {
      throw new Error(
        `image ${e.image} is ${image.width}x${image.height} but label ${e.label} is ${label.width}x${label.height} ` +
          `(list line ${e.line} of ${this.listName}); a label must have its image's size`,
      );
    }
    return { name: e.name, image, label };
  }
}
