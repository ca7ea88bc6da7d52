/**
 * A Cityscapes-layout dataset: list files resolved against `<root>/leftImg8bit/<split>/` and
 * `<root>/gtFine/<split>/`, optionally with a folder of pseudo-labels for the same images.
 */
import path from 'node:path';
import type { LabelSet } from '../labels/label-set.js';
import { plural } from '../plural.js';
import { assertFilesExist, type FileCheck } from './file-checks.js';
import { readImage, readLabel, type LabelEncoding } from './images.js';
import { readPairedLists, repeatedLines } from './lists.js';
import type { Sample, SampleSource } from './sample-source.js';

export interface DatasetOptions {
  /** Dataset root holding `leftImg8bit/` and `gtFine/`. */
  root: string;
  /** Split folder name under `leftImg8bit/` and `gtFine/` (`train`, `val`, ...). */
  split: string;
  /** List file of images, relative to `leftImg8bit/<split>/`. */
  imageList: string;
  /** List file of labels, relative to `gtFine/<split>/`, zipped with the images. */
  labelList?: string;
  /** How label files store ids (default `labelIds`, as in gtFine). */
  labelEncoding?: LabelEncoding;
  /** The classes label ids map to (default Cityscapes' 19). */
  labels?: LabelSet;
  /** Folder of pseudo-labels (train ids), one PNG per image named after the image's file name. */
  pseudoDir?: string;
}

export interface DatasetEntry {
  index: number;
  /** The image's list line (its path relative to `leftImg8bit/<split>/`). */
  name: string;
  image: string;
  label?: string;
  pseudo?: string;
  /** 1-based line in the list files. */
  line: number;
}

/** Where the pseudo-label of an image lives: `<pseudoDir>/<image file name>`. */
export function pseudoLabelPath(pseudoDir: string, imageName: string): string {
  return path.join(pseudoDir, path.basename(imageName));
}

export class CityscapesDataset implements SampleSource {
  readonly entries: readonly DatasetEntry[];

  private constructor(
    readonly options: Readonly<DatasetOptions>,
    entries: DatasetEntry[],
    /** A warning for image list lines that repeat an earlier one (they are read as listed); undefined when none does. */
    readonly repeats: string | undefined,
  ) {
    this.entries = entries;
  }

  /** Reads the list files (not the images) and resolves every path. */
  static async open(options: DatasetOptions): Promise<CityscapesDataset> {
    const root = path.resolve(options.root);
    const rows = await readPairedLists(options.imageList, options.labelList);
    const imageDir = path.join(root, 'leftImg8bit', options.split);
    const labelDir = path.join(root, 'gtFine', options.split);
    const entries = rows.map((row, index): DatasetEntry => ({
      index,
      name: row.image,
      image: path.resolve(imageDir, row.image),
      label: row.label === undefined ? undefined : path.resolve(labelDir, row.label),
      pseudo: options.pseudoDir === undefined ? undefined : pseudoLabelPath(options.pseudoDir, row.image),
      line: row.line,
    }));
    return new CityscapesDataset({ ...options, root }, entries, repeatedLines(options.imageList, rows.map((r) => r.image)));
  }

  get size(): number {
    return this.entries.length;
  }

  get hasLabels(): boolean {
    return this.options.labelList !== undefined;
  }

  get hasPseudo(): boolean {
    return this.options.pseudoDir !== undefined;
  }

  entry(index: number): DatasetEntry {
    const entry = this.entries[index];
    if (!Number.isInteger(index) || entry === undefined) {
      throw new Error(`dataset index ${index} is out of range (size ${this.size}, list ${this.options.imageList})`);
    }
    return entry;
  }

  /** Checks up front that every listed file exists; one error names each missing path and its line. */
  async validate(concurrency = 32): Promise<void> {
    const checks: FileCheck[] = [];
    for (const e of this.entries) {
      checks.push({ file: e.image, what: 'image', line: e.line, list: this.options.imageList });
      if (e.label) checks.push({ file: e.label, what: 'label', line: e.line, list: this.options.labelList ?? '' });
      if (e.pseudo) checks.push({ file: e.pseudo, what: 'pseudo-label', line: e.line, list: this.options.imageList });
    }
    await assertFilesExist(checks, this.options.root, concurrency);
  }

  /**
   * `err` from reading sample `index`, naming the sample's image (unless the message names one
   * of its files) and its line in the list that names the failing file.
   */
  sampleError(index: number, err: unknown): Error {
    const e = this.entry(index);
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes('list line')) return err as Error;
    const named = [e.image, e.label, e.pseudo].some((f) => f !== undefined && message.includes(f));
    const list = e.label !== undefined && message.includes(e.label) && !message.includes(e.image) ? this.options.labelList : this.options.imageList;
    const where = `list line ${e.line} of ${list}`;
    return new Error(named ? `${message} (${where})` : `${e.image} (${where}): ${message}`, { cause: err });
  }

  /**
   * Decodes every sample once (images, labels, pseudo-labels, and their sizes), so that a
   * corrupt file is found before training rather than at the first evaluation.
   */
  async decodeCheck(concurrency = 4): Promise<void> {
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < this.entries.length) {
        const i = next++;
        await this.read(i).catch((err: unknown) => failures.push(this.sampleError(i, err).message));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, this.entries.length)) }, worker));
    if (failures.length > 0) {
      const more = failures.length > 10 ? `\n  ... and ${failures.length - 10} more` : '';
      throw new Error(`${failures.length} of ${plural(this.entries.length, 'sample')} of ${this.options.imageList} cannot be read:\n  ${failures.slice(0, 10).join('\n  ')}${more}`);
    }
  }

  /**
   * Pixels of each class over every label of the set (ignored pixels left out), decoding
   * the labels only; all zeros for a set without labels.
   */
  async labelHistogram(classes: number, concurrency = 4): Promise<number[]> {
    const counts = new Array<number>(classes).fill(0);
    let next = 0;
    const worker = async () => {
      while (next < this.entries.length) {
        const e = this.entries[next++];
        if (!e.label) continue;
        const map = await readLabel(e.label, this.options.labelEncoding ?? 'labelIds', this.options.labels);
        for (const id of map.data) if (id < classes) counts[id]++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, this.entries.length)) }, worker));
    return counts;
  }

  /** Decodes one sample; image, label and pseudo-label must have the same size. */
  async read(index: number): Promise<Sample> {
    const e = this.entry(index);
    const [image, label, pseudo] = await Promise.all([
      readImage(e.image),
      e.label ? readLabel(e.label, this.options.labelEncoding ?? 'labelIds', this.options.labels) : undefined,
      e.pseudo ? readLabel(e.pseudo, 'trainIds', this.options.labels) : undefined,
    ]);
    for (const [map, file] of [
      [label, e.label],
      [pseudo, e.pseudo],
    ] as const) {
      if (map && (map.width !== image.width || map.height !== image.height)) {
        throw new Error(
          `image ${e.image} is ${image.width}x${image.height} but ${file} is ${map.width}x${map.height} ` +
            `(list line ${e.line}); a label must have its image's size`,
        );
      }
    }
    return { name: e.name, image, label, pseudo };
  }
}
