/**
 * List files: one image (or label) path per line, relative to `leftImg8bit/<split>/` (or
 * `gtFine/<split>/`). An image list and a label list are zipped line by line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { plural } from '../plural.js';

export interface ListEntry {
  /** Path relative to `leftImg8bit/<split>/`, as written in the list. */
  image: string;
  /** Path relative to `gtFine/<split>/` (absent for image-only lists). */
  label?: string;
  /** 1-based line number in the list file(s), for error messages. */
  line: number;
}

export interface ListPair {
  images: string;
  labels: string;
}

/** Reads a list file: trailing whitespace and CR are dropped, trailing blank lines allowed. */
export async function readList(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read list file ${file}: ${(err as Error).message}; check the path`);
  }
  return parseList(text, file);
}

/** Parses list text; `file` only names the source in errors. */
export function parseList(text: string, file: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\s+$/u, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error(`list file ${file} is empty: it must name one file per line`);
  lines.forEach((l, i) => {
    if (l.trim() === '') {
      throw new Error(`list file ${file} line ${i + 1} is blank: every line must name a file`);
    }
  });
  return lines.map((l) => l.trim());
}

const TIMES = ['', 'once', 'twice', 'three times'];

/**
 * A warning for lines that repeat an earlier line of the list, or undefined when none does.
 * Each line is read as listed, so a repeated image is trained on or scored more than once;
 * the published lists repeat none, and a repeat is most often a list put together by hand.
 */
export function repeatedLines(file: string, lines: readonly string[]): string | undefined {
  const firstLine = new Map<string, number>();
  const times = new Map<string, number>();
  let first: { line: number; of: number; entry: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const entry = lines[i];
    const seen = firstLine.get(entry);
    if (seen === undefined) {
      firstLine.set(entry, i + 1);
      continue;
    }
    times.set(entry, (times.get(entry) ?? 1) + 1);
    first ??= { line: i + 1, of: seen, entry };
  }
  if (first === undefined) return undefined;
  let extra = 0;
  const entriesListed = new Map<number, number>();
  for (const n of times.values()) {
    extra += n - 1;
    entriesListed.set(n, (entriesListed.get(n) ?? 0) + 1);
  }
  const counts = [...entriesListed]
    .sort((a, b) => a[0] - b[0])
    .map(([n, entries]) => `${plural(entries, 'entry', 'entries')} ${TIMES[n] ?? `${n} times`}`);
  return (
    `list file ${file}: ${plural(extra, 'line')} of ${lines.length} repeat${extra === 1 ? 's' : ''} an earlier line ` +
    `(${counts.join(', ')}; the first is line ${first.line}, ${first.entry}, as on line ${first.of}); ` +
    `every line is read, so ${times.size === 1 ? 'that entry counts' : 'those entries count'} more than once`
  );
}

const IMAGE_SUFFIX = /_leftImg8bit\.[a-z]+$/iu;
const LABEL_SUFFIX = /_gtFine_(labelIds|labelTrainIds|color|instanceIds)\.[a-z]+$/iu;

/** Zips image and label lines; both lists must have the same length and name the same frames. */
export function zipLists(
  images: { file: string; lines: readonly string[] },
  labels?: { file: string; lines: readonly string[] },
): ListEntry[] {
  if (!labels) return images.lines.map((image, i) => ({ image, line: i + 1 }));
  if (images.lines.length !== labels.lines.length) {
    throw new Error(
      `image list ${images.file} has ${plural(images.lines.length, 'line')} but label list ${labels.file} has ` +
        `${labels.lines.length}: they are zipped line by line, so they must have the same length`,
    );
  }
  return images.lines.map((image, i) => {
    const label = labels.lines[i];
    // Cityscapes names tell the frame: a shifted list pairs every image with the wrong label.
    if (IMAGE_SUFFIX.test(image) && LABEL_SUFFIX.test(label)) {
      const a = image.replace(IMAGE_SUFFIX, '');
      const b = label.replace(LABEL_SUFFIX, '');
      if (a !== b) {
        throw new Error(
          `line ${i + 1}: image ${image} (${images.file}) and label ${label} (${labels.file}) name different frames`,
        );
      }
    }
    return { image, label, line: i + 1 };
  });
}

/** Reads an image list and, if given, a label list, and zips them. */
export async function readPairedLists(imageList: string, labelList?: string): Promise<ListEntry[]> {
  const images = { file: imageList, lines: await readList(imageList) };
  const labels = labelList === undefined ? undefined : { file: labelList, lines: await readList(labelList) };
  return zipLists(images, labels);
}

/** Writes list text (one path per line, newline-terminated). */
export function formatList(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

/** The folder holding this package's package.json, found by walking up from this module. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'diga') return dir;
      } catch {
        // An unreadable manifest is not ours; keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find the diga package root above ${fileURLToPath(import.meta.url)}`);
}

function buildDefaultLists() {
  let root: string;
  try {
    root = packageRoot();
  } catch {
    // Keep the module importable; reading a list then names the missing path.
    root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  }
  const dir = path.join(root, 'data', 'cityscapes-lists');
  const split = (name: string) => ({
    labelled: {
      images: path.join(dir, 'split_train', `train_image_labeled_${name}.txt`),
      labels: path.join(dir, 'split_train', `train_label_labeled_${name}.txt`),
    },
    unlabelled: {
      images: path.join(dir, 'split_train', `train_image_unlabeled_${name}.txt`),
      labels: path.join(dir, 'split_train', `train_label_unlabeled_${name}.txt`),
    },
  });
  return Object.freeze({
    dir,
    train: { images: path.join(dir, 'train.txt'), labels: path.join(dir, 'train_label.txt') },
    val: { images: path.join(dir, 'val.txt'), labels: path.join(dir, 'val_label.txt') },
    test: { images: path.join(dir, 'test.txt') },
    splits: { '1-2': split('1-2'), '1-4': split('1-4'), '1-8': split('1-8'), '1-16': split('1-16') },
  });
}

/** The published Cityscapes lists shipped with the package (absolute paths). */
export const defaultLists = buildDefaultLists();

export type SplitName = keyof typeof defaultLists.splits;
