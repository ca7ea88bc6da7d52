// Stage 1, warm-up (docs/method.md §5.1, §9.2): supervised learning on the labelled
// set plus symmetric distillation between the student and the EMA teacher on
// the clean and second views; and, as published, a no-grad training-mode
// student pass over unlabelled images that moves its BatchNorm statistics.
// In domain adaptation the labelled set is the synthetic source, the unlabelled
// one the target, and the second view mixes aug(s) with the translated source.
import type { RunConfig } from '../config/schema.js';
import { DIGA_PHOTOMETRIC, type PhotometricConfig } from '../augment/photometric.js';
import { Rng } from '../data/random.js';
import { FrozenSourceTranslator, loadPretrained } from '../models/index.js';
import type { TwoScaleLoader } from '../data/loader.js';
import { sameFolder } from '../engine/run/outputs.js';
import { tidy } from '../tensor/index.js';
import { disposeBatch, uploadBatch } from '../data/device-batch.js';
import { runStage, type StageHooks } from '../engine/context.js';
import { evaluateModel } from '../inference/validation.js';
import { rankSeed } from '../distributed/shard.js';
import { adaptationLoaders, adaptationPartLoader, nextBatch, openAdaptationSets, twoScaleLoader } from '../engine/loaders.js';
import { ADAPTATION_RECIPES, partImages } from '../config/adaptation.js';
import { warmupLoss } from './step-losses.js';
import { isPictureStep, predictionAt } from '../engine/pictures.js';
import { readResumeRecord, resumeLoaders } from '../engine/train-state.js';
import { checkTrainingCrop } from '../engine/train-crop.js';
import { checkRunFolders } from '../engine/run/run-folders.js';
import { stepOutput, Trainer, type TrainResult } from '../engine/trainer.js';
import { refreshReport } from '../report/write-report.js';


export async function runWarmUp(config: RunConfig, hooks: StageHooks = {}): Promise<TrainResult> {
  checkTrainingCrop(config);
  checkRunFolders(config, [
    [config.weightDir, '--weight-dir'],
    [config.logDir, '--log-dir'],
  ]);
  return runStage(config, async (ctx) => {
    const { cfg, group } = ctx;
    const adapting = cfg.source !== null;
    const val = await ctx.dataset('val', { decode: true });
    const student = ctx.model();
    const teacher = ctx.model();
    if (cfg.pretrained) hooks.say?.(loadPretrained(student, cfg.pretrained));
    const record = cfg.resume ? readResumeRecord(cfg.weightDir) : undefined;
    const streams = resumeLoaders(record, group);
    const order = student.family.inputOrder;
    let loaders: { labelled: TwoScaleLoader; unlabelled?: TwoScaleLoader };
    let imagesPerStep: number;
    let translator: FrozenSourceTranslator | undefined;
    if (adapting) {
      // Domain adaptation: the source is the labelled set, every target image the unlabelled one.
      if (cfg.sourceOnly) {
        // The baseline: supervised on the source alone.
        loaders = { labelled: adaptationPartLoader(ctx, 'warm-up', 'source', await ctx.sourceDataset(hooks.say), streams?.source) };
        imagesPerStep = partImages(ADAPTATION_RECIPES[cfg.source!]['warm-up'].source);
      } else {
        const sets = await openAdaptationSets(ctx, { say: hooks.say });
        translator = ctx.own(FrozenSourceTranslator.load(cfg.translatorPath ?? cfg.weightDir, cfg.translator, cfg.device));
        hooks.say?.(`translator from ${translator.files.join(', ')}`);
        const a = adaptationLoaders(ctx, 'warm-up', streams, sets);
        loaders = { labelled: a.source, unlabelled: a.target };
        imagesPerStep = a.imagesPerStep;
      }
    } else {
      if (record && cfg.unlabelledBnPass !== (streams?.unlabelled !== undefined)) {
        throw new Error(
          `${cfg.weightDir} holds a warm-up state saved ${cfg.unlabelledBnPass ? 'without' : 'with'} the unlabelled BatchNorm pass; ` +
            `resume it with the same setting (${cfg.unlabelledBnPass ? '--no-unlabelled-bn-pass' : 'without --no-unlabelled-bn-pass'})`,
        );
      }
      const labelled = await ctx.dataset('labelled');
      const loader = twoScaleLoader(cfg, labelled, { seed: rankSeed(cfg.seed, group), state: streams?.labelled });
      // The unlabelled stream (flip + crop, as the labelled one) is saved with the state, so resume stays exact.
      const unlabelledLoader = cfg.unlabelledBnPass
        ? twoScaleLoader(cfg, await ctx.dataset('unlabelled'), {
            seed: rankSeed(cfg.seed + 5, group),
            state: streams?.unlabelled,
          })
        : undefined;
      loaders = { labelled: loader, unlabelled: unlabelledLoader };
      imagesPerStep = (cfg.lowPerStep + cfg.highPerStep) * (unlabelledLoader ? 2 : 1);
    }
    const loader = loaders.labelled;
    const unlabelledLoader = loaders.unlabelled;
    const photometric: PhotometricConfig = {
      ...DIGA_PHOTOMETRIC,
      beta: cfg.augBeta,
      space: cfg.augSpace,
      order,
      jitter: { ...DIGA_PHOTOMETRIC.jitter, p: cfg.warmUpJitterP },
      grayscaleP: cfg.warmUpGrayscaleP,
    };
    const models = { student, teacher, cfg, photometric, translator, sourceOnly: adapting && cfg.sourceOnly };
    // The state names the streams as the setting does: labelled/unlabelled, or source/target.
    const [mainName, otherName] = adapting ? ['source', 'target'] : ['labelled', 'unlabelled'];
    const named: Record<string, TwoScaleLoader> = { [mainName]: loader, ...(unlabelledLoader && { [otherName]: unlabelledLoader }) };
    const trainer = new Trainer({
      stage: 'warm-up',
      cfg,
      student,
      teacher,
      saveDir: cfg.weightDir,
      loaders: named,
      say: hooks.say,
      onStep: hooks.onStep,
      imagesPerStep,
      lrSchedule: cfg.warmUpLrSchedule,
      // The published run keeps the translator beside its best weights.
      onBest: translator && ((dir) => {
        if (!sameFolder(dir, cfg.translatorPath ?? cfg.weightDir)) translator!.save(dir, cfg.saveFormat);
      }),
      onEvaluated: hooks.onEvaluated ?? (() => refreshReport(cfg.logDir)),
      group,
      // Under --amp auto the scores are float32, as `diga evaluate` gives them.
      evaluate: () => evaluateModel(student, val, ctx.labelCfg, undefined, group),
      step: async (iter) => {
        const b = uploadBatch(await nextBatch(loader, mainName), cfg.device, order);
        const u = unlabelledLoader && uploadBatch(await nextBatch(unlabelledLoader, otherName), cfg.device, order);
        const out = tidy(() => {
          // Augmentation decisions depend on (seed, step) only, so a resumed run draws the same.
          const o = warmupLoss(models, b, Rng.fromSeed(rankSeed(cfg.seed, group)).fork(`warm-up-aug-${iter}`), u);
          // What the sample grid shows, kept only on the steps that write one.
          const shown = isPictureStep(cfg, iter)
            ? {
                images: b.images.clone(),
                aug: o.aug,
                translated: o.translated,
                mixture: o.mixture,
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
          ...(shown.translated && shown.mixture ? [{ image: shown.translated, maps: [] }, { image: shown.mixture, maps: [] }] : []),
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
  }, 'training');
}
