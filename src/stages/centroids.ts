// Stage 3, class centroids (docs/method.md §5.3): the student (eval mode) predicts the
// training images in two-scale batches; for each sample and class with enough
// predicted pixels the mean pixel feature enters that class's running mean.
import { dirname } from 'node:path';
import { centroidOutputFile } from '../config/paths.js';
import type { RunConfig } from '../config/schema.js';
import { CentroidBank } from '../centroids/bank.js';
import { classMeanVectors } from '../centroids/class-means.js';
import { noGrad, tidy } from '../tensor/index.js';
import { disposeBatch, uploadBatch } from '../data/device-batch.js';
import { runStage } from '../engine/context.js';
import { Progress } from '../engine/run/progress.js';
import { rankSeed } from '../distributed/shard.js';
import { nextBatch, twoScaleLoader } from '../engine/loaders.js';
import { forward } from '../inference/forward.js';
import { loadWeights } from '../models/weights.js';
import { checkRunFolders } from '../engine/run/run-folders.js';

export interface CentroidResult {
  file: string;
  steps: number;
  /** Classes that received at least one vector. */
  classesSeen: number;
  seconds: number;
}

export async function runCentroids(config: RunConfig, options: { weightDir?: string } = {}): Promise<CentroidResult> {
  // The published file: <centroid-dir>/feat_centroids, a torch.save'd tensor.
  const file = centroidOutputFile(config.centroidDir);
  checkRunFolders(config, [[dirname(file), '--centroid-dir']]);
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    const started = Date.now();
    const dataset = await ctx.dataset('train');
    const model = ctx.model();
    loadWeights(options.weightDir ?? cfg.loadWeightDir, 'student', model, { modelName: cfg.model });
    model.eval();
    ctx.lock(dirname(file));
    const bank = new CentroidBank(model.classes, model.featureChannels, cfg.device, { maxCount: cfg.centroidCountCap });
    // One low-scale and one high-scale (flip + crop) sample per step; an epoch
    // visits every training image once at each scale.
    // With several ranks the epochs are shared out; every rank applies every rank's means in rank order.
    const steps = Math.ceil((cfg.centroidEpochs * dataset.entries.length) / (group?.worldSize ?? 1));
    const loader = twoScaleLoader({ ...cfg, lowPerStep: 1, highPerStep: 1 }, dataset, { seed: rankSeed(cfg.seed + 3, group) });
    const progress = new Progress({ title: 'centroids', total: steps, enabled: ctx.isMain });
    try {
      for (let step = 0; step < steps; step++) {
        const b = uploadBatch(await nextBatch(loader, 'training'), cfg.device, model.family.inputOrder);
        noGrad(() =>
          tidy(() => {
            const out = forward(model, b.images, cfg, { grad: false });
            const pred = out.main.argmax(1);
            const { vectors, ids } = classMeanVectors(out.pixelFeatures, pred, { minPixels: cfg.centroidMinPixels, numClasses: model.classes });
            if (group) bank.meanUpdate(group.allgatherRows(vectors), group.allgatherRows(ids));
            else bank.meanUpdate(vectors, ids);
          }),
        );
        disposeBatch(b);
        progress.update(step + 1);
      }
      if (ctx.isMain) bank.saveTorch(file);
      group?.barrier();
      return { file, steps, classesSeen: noGrad(() => tidy(() => bank.count.gt(0).sum().item())), seconds: (Date.now() - started) / 1000 };
    } finally {
      progress.stop();
      await loader.close();
      bank.dispose();
    }
  });
}
