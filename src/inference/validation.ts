// Evaluation on the validation set (docs/method.md §6): multi-scale max fusion, a
// confusion matrix accumulated on the device, per-class IoU and mIoU.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { ConfusionMatrix } from '../metrics/confusion.js';
import { classPixels, segmentationScores, type SegmentationScores } from '../metrics/scores.js';
import type { SegModel } from '../models/index.js';
import { tidy } from '../tensor/index.js';
import type { ProcessGroup } from '../distributed/group.js';
import { predictShare, type PredictConfig } from './predict.js';

export interface EvaluationResult extends SegmentationScores {
  /** Ground-truth pixels per class: 0 marks a class absent from the evaluated images. */
  support: number[];
  images: number;
  seconds: number;
}

/** Evaluates `model` (switched to eval mode, restored after) on `dataset`. */
export async function evaluateModel(
  model: SegModel,
  dataset: CityscapesDataset,
  cfg: PredictConfig & Pick<RunConfig, 'evalLimit'>,
  onImage?: (done: number, total: number) => void,
  group: ProcessGroup | null = null,
): Promise<EvaluationResult> {
  const started = Date.now();
  const count = cfg.evalLimit > 0 ? Math.min(cfg.evalLimit, dataset.entries.length) : dataset.entries.length;
  // With several ranks each evaluates its share; the confusion matrices are summed.
  const confusion = new ConfusionMatrix(model.classes, cfg.device);
  let done = 0;
  await predictShare(model, dataset, cfg, group, count, ({ batch, onDevice, pred }) => {
    tidy(() => confusion.update(pred, onDevice.labels));
    done += batch.n;
    onImage?.(done, count);
  });
  if (group) group.allreduceSum([confusion.counts]);
  const counts = confusion.compute();
  confusion.dispose();
  return { ...segmentationScores(counts), support: classPixels(counts).truth, images: count, seconds: (Date.now() - started) / 1000 };
}
