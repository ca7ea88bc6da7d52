// Stage 2, pseudo-labels (docs/method.md §5.2): the student predicts every unlabelled
// image with multi-scale max fusion; each PNG (train ids) is written as soon
// as it is predicted, never the whole set in memory.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pseudoLabelDir } from '../config/paths.js';
import type { RunConfig } from '../config/schema.js';
import { createSequentialLoader } from '../data/loader.js';
import { writePseudoLabel } from '../data/writers.js';
import { multiScalePredict, type Size2 } from '../inference/multiscale.js';
import { ConfusionMatrix } from '../metrics/confusion.js';
import { segmentationScores, type SegmentationScores } from '../metrics/scores.js';
import { noGrad } from '../tensor/index.js';
import { disposeBatch, uploadBatch } from './batches.js';
import { checkDistinctNames, openDataset } from './datasets.js';
import { FolderLock } from './run/folder-lock.js';
import { labelMapOf } from './pictures.js';
import { Progress } from './run/progress.js';
import { createModel, inferenceForward, joinProcessGroup, prepareRuntime, rankDevice, shardIndices } from './setup.js';
import { loadWeights } from './weights.js';

export interface PseudoLabelResult {
  outDir: string;
  images: number;
  weights: string;
  /** Agreement with the unlabelled set's ground truth, where it has labels. */
  quality: SegmentationScores | null;
  seconds: number;
}

export async function runPseudoLabel(config: RunConfig, options: { outDir?: string; weightDir?: string } = {}): Promise<PseudoLabelResult> {
  const cfg = rankDevice(config);
  prepareRuntime(cfg);
  const group = joinProcessGroup(cfg);
  const started = Date.now();
  const outDir = options.outDir ?? pseudoLabelDir(cfg);
  mkdirSync(outDir, { recursive: true });
  const dataset = await openDataset(cfg, 'unlabelled');
  // Files are named after their image's file name: two images of one name would write one file.
  checkDistinctNames(dataset);
  const model = createModel(cfg);
  const weights = loadWeights(options.weightDir ?? cfg.loadWeightDir, 'student', model, { modelName: cfg.model });
  model.eval();
  const confusion = dataset.hasLabels ? new ConfusionMatrix(19, cfg.device) : null;
  // Each rank predicts its share of the images, so every file is written exactly once.
  const indices = shardIndices(dataset.entries.length, group).map((i) => dataset.entries[i].index);
  const loader = createSequentialLoader({ dataset, indices, batchSize: cfg.evalBatch, concurrency: cfg.loaderConcurrency, depth: 2 });
  const progress = new Progress({ title: 'pseudo-label', total: indices.length, enabled: !group || group.isMain });
  const run = inferenceForward(cfg);
  const pending: Promise<void>[] = [];
  let done = 0;
  let lock: FolderLock | null = null;
  try {
    if (!group || group.isMain) lock = FolderLock.acquire(outDir);
    for await (const batch of loader) {
      const b = uploadBatch(batch, cfg.device);
      const pred = noGrad(() => multiScalePredict(model, b.images, cfg.evalScales as Size2[], [batch.height, batch.width], run));
      confusion?.update(pred, b.labels);
      for (let i = 0; i < batch.n; i++) {
        const file = join(outDir, batch.names[i].split('/').pop()!);
        pending.push(writePseudoLabel(file, labelMapOf(pred, i)));
      }
      pred.dispose();
      disposeBatch(b);
      // Bound the writes in flight so memory stays flat on large sets.
      if (pending.length >= 8) await Promise.all(pending.splice(0));
      done += batch.n;
      progress.update(done);
    }
    await Promise.all(pending);
  } finally {
    progress.stop();
    await loader.close();
    model.dispose();
    lock?.release();
  }
  if (confusion && group) group.allreduceSum([confusion.counts]);
  group?.close();
  const quality = confusion ? segmentationScores(confusion.compute()) : null;
  confusion?.dispose();
  return { outDir, images: group ? dataset.entries.length : done, weights, quality, seconds: (Date.now() - started) / 1000 };
}
