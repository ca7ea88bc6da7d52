// The folders a stage writes (weights, logs, pseudo-labels, centroids), checked by the
// output-path policy before any data or network is read: not a system folder, writable (or
// makeable) with the real cause named, and never inside the image or label folders the
// run reads (a `--weight-dir data/leftImg8bit/train` would mix weights into the dataset).
// A dataset's root itself may hold outputs: the published pseudo-labels live there.
import { join } from 'node:path';
import type { RunConfig } from '../../config/schema.js';
import { GTA5_LAYOUT, SYNTHIA_LAYOUT } from '../../data/source/index.js';
import { checkOutputFolder, isWithin } from '../../paths/index.js';

const SOURCE_LAYOUTS = { gta5: GTA5_LAYOUT, synthia: SYNTHIA_LAYOUT } as const;

/** A folder the stage writes, and the flag that names it in messages ('--weight-dir'). */
export type RunFolder = readonly [dir: string, what: string];

/** The folders a run reads its images and labels from: no stage output may lie in them. */
export function inputFolders(cfg: Pick<RunConfig, 'cityDataPath' | 'source' | 'sourceDataPath'>): string[] {
  const folders = [join(cfg.cityDataPath, 'leftImg8bit'), join(cfg.cityDataPath, 'gtFine')];
  if (cfg.source !== null) {
    const layout = SOURCE_LAYOUTS[cfg.source];
    folders.push(join(cfg.sourceDataPath, layout.imageDir), join(cfg.sourceDataPath, layout.labelDir));
  }
  return folders;
}

/** Refuses, naming the flag and the reason, a folder the stage must not write into. */
export function checkRunFolders(cfg: Pick<RunConfig, 'cityDataPath' | 'source' | 'sourceDataPath'>, folders: readonly RunFolder[]): void {
  const inputs = inputFolders(cfg);
  for (const [dir, what] of folders) {
    const input = inputs.find((i) => isWithin(dir, i));
    if (input !== undefined) throw new Error(`${what} ${dir} lies inside ${input}, which this run reads its images or labels from; give a folder outside the dataset`);
    checkOutputFolder(dir, what);
  }
}
