// Which names a source dataset uses: a list file (one name per line, relative to the image and
// label folders), or, when none is given, every PNG of the image folder sorted by name. The
// published GTA5 list (train_modified.txt, 18 111 of the 24 966 images) does not ship, so the
// fallback must be visible: it comes with a note for the caller to print.
import { readdir } from 'node:fs/promises';
import { readList } from '../lists.js';

export interface SourceNames {
  names: string[];
  /** What the line numbers of errors refer to: the list file, or the folder listed. */
  listName: string;
  /** Set when no list was given and the whole folder is used. */
  note?: string;
}

/** The names of a list file, or of every `.png` in `imageDir` (sorted) when `list` is undefined. */
export async function sourceNames(list: string | undefined, imageDir: string, what: string): Promise<SourceNames> {
  if (list !== undefined) return { names: await readList(list), listName: list };
  let files: string[];
  try {
    const entries = await readdir(imageDir, { withFileTypes: true });
    files = entries.filter((e) => e.isFile() && /\.png$/iu.test(e.name)).map((e) => e.name);
  } catch (err) {
    throw new Error(`cannot list the ${what} image folder ${imageDir}: ${(err as Error).message}; check the dataset root`);
  }
  if (files.length === 0) throw new Error(`the ${what} image folder ${imageDir} holds no PNG images; check the dataset root`);
  // Code-unit order, not locale order: the same on every machine.
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    names: files,
    listName: `${imageDir} (all PNGs, sorted)`,
    note: `no ${what} list given: using ${files.length === 1 ? 'the one PNG image' : `all ${files.length} PNG images`} in ${imageDir}, sorted by name`,
  };
}
