// Stage 4, self-training (docs/method.md §5.4): labelled batches as in warm-up, plus
// unlabelled batches whose pseudo-labels are filtered by bilateral consensus
// with the class centroids, centroids kept current by moving averages, and
// ClassMix of source regions into augmented target images.
import { DIGA_PHOTOMETRIC } from '../augment/photometric.js';
import { CentroidBank } from '../centroids/bank.js';
import type { DenseClassMeans } from '../centroids/class-means.js';
import { centroidInputFile, pseudoLabelDir } from '../config/paths.js';
import type { RunConfig } from '../config/schema.js';
import { Rng } from '../data/random.js';
import { keep, tidy, type Tensor } from '../tensor/index.js';
import { consensusCounts } from '../inference/consensus.js';
import { existsSync } from 'node:fs';
import { disposeBatch, uploadBatch } from '../data/device-batch.js';
import { runStage, type StageHooks } from '../engine/context.js';
import { evaluateModel } from '../inference/validation.js';
import { rankSeed } from '../distributed/shard.js';
import { adaptationLoaders, nextBatch, openAdaptationSets, twoScaleLoader } from '../engine/loaders.js';
import type { TwoScaleLoader } from '../data/loader.js';
import { FrozenSourceTranslator } from '../models/index.js';
import { selfTrainLoss } from './step-losses.js';
import { isPictureStep, predictionAt } from '../engine/pictures.js';
import { readResumeRecord, resumeLoaders } from '../engine/train-state.js';
import { checkTrainingCrop } from '../engine/train-crop.js';
import { checkRunFolders } from '../engine/run/run-folders.js';
import { isLogStep, stepOutput, Trainer, type TrainResult } from '../engine/trainer.js';
import { refreshReport } from '../report/write-report.js';
import { sameFolder } from '../engine/run/outputs.js';
import { findWeights, loadWeights } from '../models/weights.js';

/** The centroid file self-training started from, if it is still there. */
function centroidStartFile(centroidDir: string): string | undefined {
  try {
    const file = centroidInputFile(centroidDir);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The centroid file as a bank, when it has the run's shape (it is only read for the drift). */
function loadStartBank(file: string, cfg: RunConfig, classes: number, dim: number): CentroidBank | null {
  try {
    const b = CentroidBank.load(file, cfg.device, { maxCount: cfg.centroidCountCap });
    if (b.numClasses === classes && b.dim === dim) return b;
    b.dispose();
  } catch {
    // unreadable: the drift is measured from the resumed state instead
  }
  return null;
}

export async function runSelfTrain(config: RunConfig, hooks: StageHooks = {}): Promise<TrainResult> {
  checkTrainingCrop(config);
  checkRunFolders(config, [
    [config.saveWeightDir, '--save-weight-dir'],
    [config.logDir, '--log-dir'],
  ]);
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    const adapting = cfg.source !== null;
    const val = await ctx.dataset('val', { decode: true });
    const student = ctx.model();
    const teacher = ctx.model();
    const order = student.family.inputOrder;
    const record = cfg.resume ? readResumeRecord(cfg.saveWeightDir) : undefined;
    // The data first: a missing image or pseudo-label is named before any weights are read.
    let translator: FrozenSourceTranslator | undefined;
    const sets = adapting
      ? await openAdaptationSets(ctx, { pseudoDir: pseudoLabelDir(cfg), say: hooks.say })
      : { source: await ctx.dataset('labelled'), target: await ctx.dataset('unlabelled', { pseudoDir: pseudoLabelDir(cfg) }) };
    if (adapting) {
      translator = ctx.own(FrozenSourceTranslator.load(cfg.translatorPath ?? cfg.loadWeightDir, cfg.translator, cfg.device));
      hooks.say?.(`translator from ${translator.files.join(', ')}`);
    }
    if (!record) {
      loadWeights(cfg.loadWeightDir, 'student', student, { modelName: cfg.model });
      // The teacher keeps its own BatchNorm statistics; its parameters are copied from the student.
      loadWeights(cfg.loadWeightDir, findWeights(cfg.loadWeightDir, 'teacher') ? 'teacher' : 'student', teacher, { modelName: cfg.model });
    }
    const bank = record
      ? new CentroidBank(student.classes, student.featureChannels, cfg.device, { maxCount: cfg.centroidCountCap })
      : CentroidBank.load(centroidInputFile(cfg.centroidDir), cfg.device, { maxCount: cfg.centroidCountCap });
    if (bank.numClasses !== student.classes || bank.dim !== student.featureChannels) {
      throw new Error(
        `the centroids in ${centroidInputFile(cfg.centroidDir)} are ${bank.numClasses}×${bank.dim}, but --model ${cfg.model} needs ` +
          `${student.classes}×${student.featureChannels}; compute them with the same --model`,
      );
    }
    // Where the centroids started (the centroid file, also on resume), for their drift in the log.
    const startFile = record ? centroidStartFile(cfg.centroidDir) : undefined;
    const startBank = startFile ? loadStartBank(startFile, cfg, student.classes, student.featureChannels) : null;
    let start: Tensor | null = startBank ? keep(startBank.centroids.clone()) : record ? null : keep(bank.centroids.clone());
    startBank?.dispose();
    // Every rank applies every rank's class means, in rank order: the centroids stay identical.
    // Fixed shapes (every class of every sample, with a keep mask): no read-back, one gather each.
    const streams = resumeLoaders(record, group);
    let source: TwoScaleLoader;
    let target: TwoScaleLoader;
    let imagesPerStep: number;
    if (adapting) {
      ({ source, target, imagesPerStep } = adaptationLoaders(ctx, 'self-train', streams, sets));
    } else {
      source = twoScaleLoader(cfg, sets.source, { seed: rankSeed(cfg.seed + 1, group), state: streams?.source });
      target = twoScaleLoader(cfg, sets.target, {
        seed: rankSeed(cfg.seed + 2, group),
        highRecipe: 'high-rescale',
        state: streams?.target,
      });
      imagesPerStep = 2 * (cfg.lowPerStep + cfg.highPerStep);
    }
    const updateCentroids = (m: DenseClassMeans) =>
      group
        ? tidy(() => {
            const means = group.allgather(m.means);
            const keep = group.allgather(m.keep.to({ dtype: 'uint8' }));
            means.forEach((mr, r) => bank.movingAverageUpdateDense(mr, keep[r], cfg.centroidMomentum));
          })
        : bank.movingAverageUpdateDense(m.means, m.keep, cfg.centroidMomentum);
    const photometric = { ...DIGA_PHOTOMETRIC, beta: cfg.selfTrainAugBeta ?? cfg.augBeta, space: cfg.augSpace, order };
    const models = { student, teacher, cfg, photometric, bank, translator };
    const trainer = new Trainer({
      stage: 'self-train',
      cfg,
      student,
      teacher,
      saveDir: cfg.saveWeightDir,
      // The published refined round loads from and saves to one folder: its weights are kept aside, not refused.
      startsFromSameFolder: !record && sameFolder(cfg.loadWeightDir, cfg.saveWeightDir),
      loaders: { source, target },
      say: hooks.say,
      onStep: hooks.onStep,
      extra: {
        save: () => {
          const st = bank.stateDict();
          return new Map([['centroids', st.centroids], ['count', st.count]]);
        },
        load: (t) => {
          bank.loadStateDict({ centroids: t.get('centroids')!, count: t.get('count')! });
          // Without the centroid file, drift is measured from where the resumed run starts.
          start ??= keep(bank.centroids.clone());
        },
      },
      imagesPerStep,
      // The published run keeps the translator beside its best weights, where a refined round finds it.
      onBest: translator && ((dir) => {
        if (!sameFolder(dir, cfg.translatorPath ?? cfg.loadWeightDir)) translator!.save(dir, cfg.saveFormat);
      }),
      onEvaluated: hooks.onEvaluated ?? (() => refreshReport(cfg.logDir)),
      group,
      // Under --amp auto the scores are float32, as `diga evaluate` gives them.
      evaluate: () => evaluateModel(student, val, ctx.labelCfg, undefined, group),
      step: async (iter) => {
        const s = uploadBatch(await nextBatch(source, adapting ? 'source' : 'labelled'), cfg.device, order);
        const t = uploadBatch(await nextBatch(target, adapting ? 'target' : 'unlabelled'), cfg.device, order);
        const out = tidy(() => {
          const o = selfTrainLoss(models, s, t, Rng.fromSeed(rankSeed(cfg.seed, group)).fork(`self-train-${iter}`));
          // The step's centroid moving averages: target means, then source means.
          for (const means of o.centroidMeans) updateCentroids(means);
          // What the sample grid shows, kept only on the steps that write one.
          const shown = isPictureStep(cfg, iter)
            ? {
                source: { images: s.images.clone(), labels: s.labels.clone(), logits: o.logits },
                target: { images: t.images.clone(), pseudo: t.pseudo!.clone(), consensus: o.consensus },
                mix: { images: o.mix.image, labels: o.mix.label, logits: o.mixLogits },
              }
            : undefined;
          // The log's figures on log steps only: consensus kept per class, centroid drift.
          const stats = isLogStep(cfg, iter)
            ? (() => {
                const c = consensusCounts(o.consensus, t.pseudo!, bank.numClasses);
                return { consensusKept: c.kept, consensusPseudo: c.pseudo, centroidDrift: bank.distanceFrom(start!) };
              })()
            : undefined;
          return { loss: o.loss, terms: o.terms, shown, stats };
        });
        disposeBatch(s);
        disposeBatch(t);
        return stepOutput(out, ({ source, target, mix }) => [
          { image: source.images, maps: [predictionAt(source.logits, source.labels), source.labels] },
          { image: target.images, maps: [target.pseudo, target.consensus] },
          { image: mix.images, maps: [predictionAt(mix.logits, mix.labels), mix.labels] },
        ]);
      },
    });
    // One run at a time in its weight and log folders.
    ctx.lock(cfg.saveWeightDir);
    ctx.lock(cfg.logDir);
    try {
      return await trainer.runFrom(record !== undefined);
    } finally {
      await trainer.close();
      bank.dispose();
      start?.dispose();
    }
  }, 'training');
}
