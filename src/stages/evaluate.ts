// Evaluation on the validation set (docs/method.md §6): multi-scale max fusion, a
// confusion matrix accumulated on the device, per-class IoU and mIoU.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { createSequentialLoader } from '../data/loader.js';
import { multiScalePredict, type Size2 } from '../inference/multiscale.js';
import { ConfusionMatrix } from '../metrics/confusion.js';
import { segmentationScores, type SegmentationScores } from '../metrics/scores.js';
import type { SegModel } from '../model/index.js';
import { tidy } from '../tensor/index.js';
import type { ProcessGroup } from '../distributed/group.js';
import { disposeBatch, uploadBatch } from './batches.js';
import { inferenceForward, shardIndices } from './setup.js';

export interface EvaluationResult extends SegmentationScores {
  images: number;
  seconds: number;
}

/** Evaluates `model` (switched to eval mode, restored after) on `dataset`. */
export async function evaluateModel(
  model: SegModel,
  dataset: CityscapesDataset,
  cfg: Pick<RunConfig, 'device' | 'evalScales' | 'evalLimit' | 'loaderConcurrency'> & Partial<Pick<RunConfig, 'amp' | 'channelsLast' | 'evalBatch'>>,
  onImage?: (done: number, total: number) => void,
  group: ProcessGroup | null = null,
): Promise<EvaluationResult> {
  const started = Date.now();
  const wasTraining = model.training;
  model.eval();
  const count = cfg.evalLimit > 0 ? Math.min(cfg.evalLimit, dataset.entries.length) : dataset.entries.length;
  // With several ranks each evaluates its share; the confusion matrices are summed.
  const indices = shardIndices(count, group).map((i) => dataset.entries[i].index);
  const confusion = new ConfusionMatrix(19, cfg.device);
  const loader = createSequentialLoader({ dataset, indices, batchSize: cfg.evalBatch ?? 1, concurrency: cfg.loaderConcurrency, depth: 2 });
  const scales = cfg.evalScales as Size2[];
  // Under the run's --amp and channels-last, as training; plain fp32 when the caller gives neither.
  const run = inferenceForward({ amp: cfg.amp ?? 'off', channelsLast: cfg.channelsLast ?? false, device: cfg.device });
  let done = 0;
  try {
    for await (const batch of loader) {
      const b = uploadBatch(batch, cfg.device);
      tidy(() => {
        const pred = multiScalePredict(model, b.images, scales, [batch.height, batch.width], run);
        confusion.update(pred, b.labels);
      });
      disposeBatch(b);
      done += batch.n;
      onImage?.(done, count);
    }
  } finally {
    await loader.close();
    model.train(wasTraining);
  }
  if (group) group.allreduceSum([confusion.counts]);
  const scores = segmentationScores(confusion.compute());
  confusion.dispose();
  return { ...scores, images: count, seconds: (Date.now() - started) / 1000 };
}
