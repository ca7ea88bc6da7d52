// The datasets a stage reads, from the run config.
import { CityscapesDataset } from '../data/dataset.js';
import type { RunConfig } from '../config/schema.js';

export type DatasetRole = 'labelled' | 'unlabelled' | 'val' | 'train';

export async function openDataset(cfg: RunConfig, role: DatasetRole, options: { pseudoDir?: string; validate?: boolean } = {}): Promise<CityscapesDataset> {
  const lists: Record<DatasetRole, [string, string, string]> = {
    labelled: [cfg.dataListPathCityImgGt, cfg.dataListPathCityLblGt, cfg.trainSplit],
    unlabelled: [cfg.dataListPathCityImg, cfg.dataListPathCityLbl, cfg.trainSplit],
    val: [cfg.dataListPathValImg, cfg.dataListPathValLbl, cfg.valSplit],
    train: [cfg.dataListPathTrainImg, cfg.dataListPathTrainLbl, cfg.trainSplit],
  };
  const [imageList, labelList, split] = lists[role];
  const ds = await CityscapesDataset.open({ root: cfg.cityDataPath, split, imageList, labelList, pseudoDir: options.pseudoDir });
  // Every file is checked before training starts, so a run does not die at step 40 000.
  if (options.validate ?? true) await ds.validate();
  return ds;
}
