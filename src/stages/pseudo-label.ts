// Stage 2, pseudo-labels (docs/method.md §5.2): the student predicts every unlabelled
// image with multi-scale max fusion; each PNG (train ids) is written as soon
// as it is predicted, never the whole set in memory.
import { pseudoLabelDir } from '../config/paths.js';
import type { RunConfig } from '../config/schema.js';
import { pseudoLabelPath } from '../data/dataset.js';
import { writePseudoLabel } from '../data/writers.js';
import { ConfusionMatrix } from '../metrics/confusion.js';
import { segmentationScores, type SegmentationScores } from '../metrics/scores.js';
import { keep, noGrad, tidy, zeros } from '../tensor/index.js';
import { runStage } from '../engine/context.js';
import { checkDistinctNames } from '../engine/datasets.js';
import { labelMapOf } from '../engine/pictures.js';
import { predictShare } from '../inference/predict.js';
import { Progress } from '../engine/run/progress.js';
import { shardIndices } from '../distributed/shard.js';
import { loadWeights } from '../models/weights.js';
import { checkRunFolders } from '../engine/run/run-folders.js';
import { makeOutputFolder } from '../paths/index.js';

export interface PseudoLabelResult {
  outDir: string;
  images: number;
  weights: string;
  /** Agreement with the unlabelled set's ground truth, where it has labels. */
  quality: SegmentationScores | null;
  /** Pixels the pseudo-labels give each class, over all the images. */
  histogram: number[];
  seconds: number;
}

export async function runPseudoLabel(config: RunConfig, options: { outDir?: string; weightDir?: string } = {}): Promise<PseudoLabelResult> {
  const outDir = options.outDir ?? pseudoLabelDir(config);
  checkRunFolders(config, [[outDir, '--output-dir']]);
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    const started = Date.now();
    makeOutputFolder(outDir, '--output-dir');
    const dataset = await ctx.dataset('unlabelled');
    // Files are named after their image's file name: two images of one name would write one file.
    checkDistinctNames(dataset);
    const model = ctx.model();
    const weights = loadWeights(options.weightDir ?? cfg.loadWeightDir, 'student', model, { modelName: cfg.model });
    const confusion = dataset.hasLabels ? new ConfusionMatrix(model.classes, cfg.device) : null;
    // The class histogram stays on the device until the end (one read-back).
    const histogram = keep(zeros([model.classes], { dtype: 'int64', device: cfg.device }));
    ctx.lock(outDir);
    // Each rank predicts its share of the images, so every file is written exactly once.
    const share = shardIndices(dataset.entries.length, group).length;
    const progress = new Progress({ title: 'pseudo-label', total: share, enabled: ctx.isMain });
    const pending: Promise<void>[] = [];
    let done = 0;
    try {
      await predictShare(model, dataset, cfg, group, dataset.entries.length, async ({ batch, onDevice, pred }) => {
        if (confusion) tidy(() => confusion.update(pred, onDevice.labels));
        noGrad(() => tidy(() => histogram.add_(pred.flatten().bincount(null, model.classes))));
        for (let i = 0; i < batch.n; i++) {
          pending.push(writePseudoLabel(pseudoLabelPath(outDir, batch.names[i]), labelMapOf(pred, i)));
        }
        // Bound the writes in flight so memory stays flat on large sets.
        if (pending.length >= 8) await Promise.all(pending.splice(0));
        done += batch.n;
        progress.update(done);
      });
      await Promise.all(pending);
    } finally {
      progress.stop();
    }
    if (confusion && group) group.allreduceSum([confusion.counts]);
    if (group) group.allreduceSum([histogram]);
    const quality = confusion ? segmentationScores(confusion.compute()) : null;
    confusion?.dispose();
    const counts = tidy(() => Array.from(histogram.double().cpu().toTypedArray() as Float64Array));
    histogram.dispose();
    return { outDir, images: group ? dataset.entries.length : done, weights, quality, histogram: counts, seconds: (Date.now() - started) / 1000 };
  });
}
