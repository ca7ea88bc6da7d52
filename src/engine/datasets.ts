// The datasets a stage reads, from the run config.
import { basename } from 'node:path';
import { CityscapesDataset } from '../data/dataset.js';
import type { RunConfig } from '../config/schema.js';
import { distEnv } from '../distributed/env.js';
import { labelSet } from '../labels/index.js';
import { dataProblem, warnOnce } from './run/warn-once.js';

export type DatasetRole = 'labelled' | 'unlabelled' | 'val' | 'train';

/**
 * `decode`: also decode every sample up front (training stages do so for val, so that a corrupt
 * val image stops the run before it trains, not at its first evaluation).
 */
export async function openDataset(
  cfg: RunConfig,
  role: DatasetRole,
  options: { pseudoDir?: string; validate?: boolean; decode?: boolean } = {},
): Promise<CityscapesDataset> {
  const lists: Record<DatasetRole, [string, string, string]> = {
    labelled: [cfg.dataListPathCityImgGt, cfg.dataListPathCityLblGt, cfg.trainSplit],
    unlabelled: [cfg.dataListPathCityImg, cfg.dataListPathCityLbl, cfg.trainSplit],
    val: [cfg.dataListPathValImg, cfg.dataListPathValLbl, cfg.valSplit],
    train: [cfg.dataListPathTrainImg, cfg.dataListPathTrainLbl, cfg.trainSplit],
  };
  const [imageList, labelList, split] = lists[role];
  const ds = await CityscapesDataset.open({ root: cfg.cityDataPath, split, imageList, labelList, pseudoDir: options.pseudoDir, labels: labelSet(cfg.labels) });
  // Said by rank 0 alone, once however many stages open the list; under --strict every rank stops.
  if (ds.repeats) dataProblem(ds.repeats, cfg.strict, (distEnv()?.rank ?? 0) === 0 ? warnOnce : () => {});
  // Every file is checked before training starts, so a run does not die at step 40 000.
  if (options.validate ?? true) await ds.validate();
  if (options.decode) await ds.decodeCheck(cfg.loaderConcurrency);
  if (options.pseudoDir !== undefined) checkDistinctNames(ds);
  return ds;
}

/**
 * Pseudo-labels are found by their image's file name, so two listed images with one file name
 * (in different folders) would share, and overwrite, one pseudo-label.
 */
export function checkDistinctNames(ds: CityscapesDataset): void {
  const seen = new Map<string, { name: string; line: number }>();
  for (const e of ds.entries) {
    const base = basename(e.name);
    const first = seen.get(base);
    if (first) {
      throw new Error(
        `${ds.options.imageList} lines ${first.line} and ${e.line} (${first.name}, ${e.name}) share the file name ${base}, ` +
          'so their pseudo-labels would be one file; give the images distinct names',
      );
    }
    seen.set(base, { name: e.name, line: e.line });
  }
}
