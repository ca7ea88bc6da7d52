// The one prediction loop of evaluation and pseudo-labelling: this rank's share of a
// dataset, in batches of --eval-batch, through multi-scale max fusion in eval mode under
// the run's --amp and channels-last. Each batch's arg-max train ids go to a callback.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { createSequentialLoader, type Batch } from '../data/loader.js';
import type { ProcessGroup } from '../distributed/group.js';
import { multiScalePredict, type Size2 } from './multiscale.js';
import type { SegModel } from '../models/index.js';
import { noGrad, tidy, type Tensor } from '../tensor/index.js';
import { disposeBatch, uploadBatch, type DeviceBatch } from '../data/device-batch.js';
import { shardIndices } from '../distributed/shard.js';
import { inferenceForward } from './forward.js';

export type PredictConfig = Pick<RunConfig, 'device' | 'evalScales' | 'loaderConcurrency'> & Partial<Pick<RunConfig, 'amp' | 'channelsLast' | 'evalBatch'>>;

export interface Predicted {
  batch: Batch;
  /** The batch on the device (labels included); freed after the callback. */
  onDevice: DeviceBatch;
  /** N×H×W arg-max train ids at the images' size; freed after the callback. */
  pred: Tensor;
}

/**
 * Predicts the first `count` entries of `dataset` (this rank's round-robin share of them in a
 * distributed run) with `model`, switched to eval mode and restored after. Returns the number
 * of images this rank predicted.
 */
export async function predictShare(
  model: SegModel,
  dataset: CityscapesDataset,
  cfg: PredictConfig,
  group: ProcessGroup | null,
  count: number,
  each: (p: Predicted) => void | Promise<void>,
): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  const indices = shardIndices(count, group).map((i) => dataset.entries[i].index);
  const loader = createSequentialLoader({ dataset, indices, batchSize: cfg.evalBatch ?? 1, concurrency: cfg.loaderConcurrency, depth: 2 });
  // Under the run's --amp and channels-last, as training; plain fp32 when the caller gives neither.
  const run = inferenceForward({ amp: cfg.amp ?? 'off', channelsLast: cfg.channelsLast ?? false, device: cfg.device });
  let done = 0;
  try {
    for await (const batch of loader) {
      const onDevice = uploadBatch(batch, cfg.device, model.family.inputOrder);
      try {
        const pred = tidy(() => noGrad(() => multiScalePredict(model, onDevice.images, cfg.evalScales as Size2[], [batch.height, batch.width], run)));
        try {
          await each({ batch, onDevice, pred });
        } finally {
          pred.dispose();
        }
      } finally {
        disposeBatch(onDevice);
      }
      done += batch.n;
    }
  } finally {
    await loader.close();
    model.train(wasTraining);
  }
  return done;
}
