// Stage 3, class centroids (spec §5.3): the student (eval mode) predicts the
// training images in two-scale batches; for each sample and class with enough
// predicted pixels the mean pixel feature enters that class's running mean.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { CentroidBank } from '../centroids/bank.js';
import { classMeanVectors } from '../centroids/class-means.js';
import { noGrad, tidy } from '../tensor/index.js';
import { disposeBatch, uploadBatch } from './batches.js';
import { openDataset } from './datasets.js';
import { Progress } from './run/progress.js';
import { createModel, forward, nextBatch, prepareRuntime, twoScaleLoader } from './setup.js';
import { loadWeights } from './weights.js';

export interface CentroidResult {
  file: string;
  steps: number;
  /** Classes that received at least one vector. */
  classesSeen: number;
  seconds: number;
}

export function centroidFile(dir: string): string {
  return join(dir, 'centroids.safetensors');
}

export async function runCentroids(cfg: RunConfig, options: { weightDir?: string } = {}): Promise<CentroidResult> {
  prepareRuntime(cfg);
  const started = Date.now();
  const dataset = await openDataset(cfg, 'train');
  const model = createModel(cfg);
  loadWeights(options.weightDir ?? cfg.loadWeightDir, 'student', model, { modelName: cfg.model });
  model.eval();
  const bank = new CentroidBank(19, model.config.pixelChannels, cfg.device, { maxCount: cfg.centroidCountCap });
  // One low-scale and one high-scale (flip + crop) sample per step; an epoch
  // visits every training image once at each scale.
  const steps = cfg.centroidEpochs * dataset.entries.length;
  const loader = twoScaleLoader({ ...cfg, lowPerStep: 1, highPerStep: 1 }, dataset, { seed: cfg.seed + 3 });
  const progress = new Progress({ title: 'centroids', total: steps });
  try {
    for (let step = 0; step < steps; step++) {
      const b = uploadBatch(await nextBatch(loader, 'training'), cfg.device);
      noGrad(() =>
        tidy(() => {
          const out = forward(model, b.images, cfg, { grad: false });
          const pred = out.main.argmax(1);
          const { vectors, ids } = classMeanVectors(out.pixelFeatures, pred, { minPixels: cfg.centroidMinPixels });
          bank.meanUpdate(vectors, ids);
        }),
      );
      disposeBatch(b);
      progress.update(step + 1);
    }
  } finally {
    progress.stop();
    await loader.close();
    model.dispose();
  }
  mkdirSync(cfg.centroidDir, { recursive: true });
  const file = centroidFile(cfg.centroidDir);
  bank.save(file);
  const classesSeen = noGrad(() => tidy(() => bank.count.gt(0).sum().item()));
  bank.dispose();
  return { file, steps, classesSeen, seconds: (Date.now() - started) / 1000 };
}
