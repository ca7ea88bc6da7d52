// Stage 1, warm-up (docs/method.md §5.1): supervised learning on the labelled
// set plus symmetric distillation between the student and the EMA teacher on
// the clean and augmented views; and, as published, a no-grad training-mode
// student pass over unlabelled images that moves its BatchNorm statistics.
import type { RunConfig } from '../config/schema.js';
import { DIGA_PHOTOMETRIC } from '../augment/photometric.js';
import { Rng } from '../data/random.js';
import { loadPretrainedBackbone } from '../models/hrnet-ocr/pretrained.js';
import { tidy } from '../tensor/index.js';
import { disposeBatch, uploadBatch } from '../data/device-batch.js';
import { runStage, type StageHooks } from '../engine/context.js';
import { evaluateModel } from '../inference/validation.js';
import { rankSeed } from '../distributed/shard.js';
import { nextBatch, twoScaleLoader } from '../engine/loaders.js';
import { warmupLoss } from './step-losses.js';
import { isPictureStep, predictionAt } from '../engine/pictures.js';
import { readResumeRecord, resumeLoaders } from '../engine/train-state.js';
import { stepOutput, Trainer, type TrainResult } from '../engine/trainer.js';
import { refreshReport } from '../report/write-report.js';


export async function runWarmUp(config: RunConfig, hooks: StageHooks = {}): Promise<TrainResult> {
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    const labelled = await ctx.dataset('labelled');
    const val = await ctx.dataset('val', { decode: true });
    const student = ctx.model();
    const teacher = ctx.model();
    if (cfg.pretrained) hooks.say?.(`loaded ${loadPretrainedBackbone(student, cfg.pretrained)} backbone tensors from ${cfg.pretrained}`);
    const record = cfg.resume ? readResumeRecord(cfg.weightDir) : undefined;
    const streams = resumeLoaders(record, group);
    if (record && cfg.unlabelledBnPass !== (streams?.unlabelled !== undefined)) {
      throw new Error(
        `${cfg.weightDir} holds a warm-up state saved ${cfg.unlabelledBnPass ? 'without' : 'with'} the unlabelled BatchNorm pass; ` +
          `resume it with the same setting (${cfg.unlabelledBnPass ? '--no-unlabelled-bn-pass' : 'without --no-unlabelled-bn-pass'})`,
      );
    }
    const loader = twoScaleLoader(cfg, labelled, { seed: rankSeed(cfg.seed, group), state: streams?.labelled });
    // The unlabelled stream (flip + crop, as the labelled one) is saved with the state, so resume stays exact.
    const unlabelledLoader = cfg.unlabelledBnPass
      ? twoScaleLoader(cfg, await ctx.dataset('unlabelled'), {
          seed: rankSeed(cfg.seed + 5, group),
          state: streams?.unlabelled,
        })
      : undefined;
    const photometric = { ...DIGA_PHOTOMETRIC, beta: cfg.augBeta, space: cfg.augSpace };
    const models = { student, teacher, cfg, photometric };
    const trainer = new Trainer({
      stage: 'warm-up',
      cfg,
      student,
      teacher,
      saveDir: cfg.weightDir,
      loaders: unlabelledLoader ? { labelled: loader, unlabelled: unlabelledLoader } : { labelled: loader },
      say: hooks.say,
      onStep: hooks.onStep,
      imagesPerStep: (cfg.lowPerStep + cfg.highPerStep) * (unlabelledLoader ? 2 : 1),
      onEvaluated: hooks.onEvaluated ?? (() => refreshReport(cfg.logDir)),
      group,
      evaluate: () => evaluateModel(student, val, cfg, undefined, group),
      step: async (iter) => {
        const b = uploadBatch(await nextBatch(loader, 'labelled'), cfg.device);
        const u = unlabelledLoader && uploadBatch(await nextBatch(unlabelledLoader, 'unlabelled'), cfg.device);
        const out = tidy(() => {
          // Augmentation decisions depend on (seed, step) only, so a resumed run draws the same.
          const o = warmupLoss(models, b, Rng.fromSeed(rankSeed(cfg.seed, group)).fork(`warm-up-aug-${iter}`), u);
          // What the sample grid shows, kept only on the steps that write one.
          const shown = isPictureStep(cfg, iter)
            ? {
                images: b.images.clone(),
                aug: o.aug,
                labels: b.labels.clone(),
                logits: o.logits,
                unlabelled: u && o.unlabelledLogits ? { images: u.images.clone(), labels: u.labels.clone(), logits: o.unlabelledLogits } : undefined,
              }
            : undefined;
          return { loss: o.loss, terms: o.terms, shown };
        });
        disposeBatch(b);
        if (u) disposeBatch(u);
        return stepOutput(out, (shown) => [
          { image: shown.images, maps: [predictionAt(shown.logits, shown.labels), shown.labels] },
          { image: shown.aug, maps: [] },
          ...(shown.unlabelled
            ? [{ image: shown.unlabelled.images, maps: [predictionAt(shown.unlabelled.logits, shown.unlabelled.labels), shown.unlabelled.labels] }]
            : []),
        ]);
      },
    });
    // One run at a time in its weight and log folders.
    ctx.lock(cfg.weightDir);
    ctx.lock(cfg.logDir);
    try {
      return await trainer.runFrom(record !== undefined);
    } finally {
      await trainer.close();
    }
  });
}
