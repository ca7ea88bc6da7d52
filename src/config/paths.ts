// Where a run's derived folders and files are, from the config. The published
// scripts give two of them unusual meanings, which are kept:
// - `pseudoDir` is relative to the dataset root (`--pseudo-dir pseudo_train_1_16_warm_up`
//   means `<city-data-path>/pseudo_train_1_16_warm_up`); an absolute path is used as is.
// - `centroidDir` names the folder holding `feat_centroids`, or that file itself
//   (the centroid stage is given the folder, self-training the file).
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { RunConfig } from './schema.js';

/** The file name the published centroid stage writes (a torch.save'd classes × feature-channels tensor). */
export const CENTROID_FILE = 'feat_centroids';

/** The pseudo-label folder: `pseudoDir` under the dataset root unless it is absolute. */
export function pseudoLabelDir(cfg: Pick<RunConfig, 'pseudoDir' | 'cityDataPath'>): string {
  return isAbsolute(cfg.pseudoDir) ? cfg.pseudoDir : join(cfg.cityDataPath, cfg.pseudoDir);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Where the centroid stage writes: `<dir>/feat_centroids`, or the path itself when it names that file. */
export function centroidOutputFile(centroidDir: string): string {
  if (basename(centroidDir) === CENTROID_FILE && !isDirectory(centroidDir)) return centroidDir;
  return join(centroidDir, CENTROID_FILE);
}

/**
 * The centroid file self-training reads: the path itself when it is a file, else
 * `feat_centroids` in that folder (or `centroids.safetensors`, which earlier diga versions wrote).
 */
export function centroidInputFile(centroidDir: string): string {
  if (existsSync(centroidDir) && !isDirectory(centroidDir)) return centroidDir;
  const candidates = [join(centroidDir, CENTROID_FILE), join(centroidDir, 'centroids.safetensors')];
  const found = candidates.find((f) => existsSync(f));
  if (found) return found;
  throw new Error(
    `no class centroids at ${centroidDir} (looked for ${candidates.join(' and ')}); ` +
      'run `diga centroids --centroid-dir <folder>` first, or point --centroid-dir at the feat_centroids file',
  );
}
