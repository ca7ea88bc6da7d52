// Stage 4, self-training (spec §5.4): labelled batches as in warm-up, plus
// unlabelled batches whose pseudo-labels are filtered by bilateral consensus
// with the class centroids, centroids kept current by moving averages, and
// ClassMix of source regions into augmented target images.
import { augmentedView, DIGA_PHOTOMETRIC } from '../augment/photometric.js';
import { classMix } from '../augment/classmix.js';
import { CentroidBank } from '../centroids/bank.js';
import { classMeanVectors } from '../centroids/class-means.js';
import type { RunConfig } from '../config/schema.js';
import { Rng } from '../data/random.js';
import type { TwoScaleState } from '../data/sampler.js';
import { consensusLabels } from '../inference/consensus.js';
import { mainAuxDistillation } from '../losses/distillation.js';
import { mainAuxLoss } from '../losses/segmentation.js';
import { cat, Generator, noGrad, tidy, type Tensor } from '../tensor/index.js';
import { disposeBatch, uploadBatch } from './batches.js';
import { centroidFile } from './centroids.js';
import { openDataset } from './datasets.js';
import { evaluateModel } from './evaluate.js';
import { predictionAt } from './pictures.js';
import { createModel, forward, joinProcessGroup, nextBatch, prepareRuntime, rankDevice, rankSeed, twoScaleLoader } from './setup.js';
import { isPictureStep, readResumeRecord, resumeStreams, Trainer, type TrainResult } from './trainer.js';
import type { StageHooks } from './warm-up.js';
import { findWeights, loadWeights } from './weights.js';

export async function runSelfTrain(config: RunConfig, hooks: StageHooks = {}): Promise<TrainResult> {
  const cfg = rankDevice(config);
  prepareRuntime(cfg);
  const group = joinProcessGroup(cfg);
  const labelled = await openDataset(cfg, 'labelled');
  const unlabelled = await openDataset(cfg, 'unlabelled', { pseudoDir: cfg.pseudoDir });
  const val = await openDataset(cfg, 'val');
  const student = createModel(cfg);
  const teacher = createModel(cfg);
  const record = cfg.resume ? readResumeRecord(cfg.saveWeightDir) : undefined;
  if (!record) {
    loadWeights(cfg.loadWeightDir, 'student', student, { modelName: cfg.model });
    // The teacher keeps its own BatchNorm statistics; its parameters are copied from the student.
    loadWeights(cfg.loadWeightDir, findWeights(cfg.loadWeightDir, 'teacher') ? 'teacher' : 'student', teacher, { modelName: cfg.model });
  }
  const bank = record
    ? new CentroidBank(19, student.config.pixelChannels, cfg.device, { maxCount: cfg.centroidCountCap })
    : CentroidBank.load(centroidFile(cfg.centroidDir), cfg.device, { maxCount: cfg.centroidCountCap });
  const streams = resumeStreams(record, group);
  const source = twoScaleLoader(cfg, labelled, { seed: rankSeed(cfg.seed + 1, group), state: streams?.source as TwoScaleState | undefined });
  const target = twoScaleLoader(cfg, unlabelled, {
    seed: rankSeed(cfg.seed + 2, group),
    highRecipe: 'high-rescale',
    state: streams?.target as TwoScaleState | undefined,
  });
  // Every rank applies every rank's class means, in rank order: the centroids stay identical.
  const updateCentroids = (m: { vectors: Tensor; ids: Tensor }) =>
    group
      ? tidy(() => bank.movingAverageUpdate(group.allgatherRows(m.vectors), group.allgatherRows(m.ids), cfg.centroidMomentum))
      : bank.movingAverageUpdate(m.vectors, m.ids, cfg.centroidMomentum);
  const photometric = { ...DIGA_PHOTOMETRIC, beta: cfg.augBeta, space: cfg.augSpace };
  const trainer = new Trainer({
    stage: 'self-train',
    cfg,
    student,
    teacher,
    saveDir: cfg.saveWeightDir,
    loaders: { source, target },
    say: hooks.say,
    onStep: hooks.onStep,
    extra: {
      save: () => {
        const st = bank.stateDict();
        return new Map([['centroids', st.centroids], ['count', st.count]]);
      },
      load: (t) => bank.loadStateDict({ centroids: t.get('centroids')!, count: t.get('count')! }),
    },
    group,
    evaluate: () => evaluateModel(student, val, cfg, undefined, group),
    step: async (iter) => {
      const s = uploadBatch(await nextBatch(source, 'labelled'), cfg.device);
      const t = uploadBatch(await nextBatch(target, 'unlabelled'), cfg.device);
      const out = tidy(() => {
        const n = s.n;
        const size: [number, number] = [s.labels.shape[1], s.labels.shape[2]];
        const rng = Rng.fromSeed(rankSeed(cfg.seed, group)).fork(`self-train-${iter}`);
        const augS = augmentedView(s.images, rng.fork('source'), photometric);
        const augT = augmentedView(t.images, rng.fork('target'), photometric);
        const clean = cat([s.images, augS]);
        const { consensus, mix, teacherOut: tS } = noGrad(() => {
          const tT = forward(teacher, t.images, cfg, { grad: false });
          const consensus = consensusLabels(tT.pixelFeatures, bank.centroids, t.pseudo!);
          const tS = forward(teacher, clean, cfg, { grad: false });
          const fromTarget = classMeanVectors(tT.pixelFeatures, tT.main.argmax(1), { label: consensus, minPixels: cfg.centroidMinPixels });
          updateCentroids(fromTarget);
          const augFeatures = tS.pixelFeatures.narrow(0, n, n);
          const fromSource = classMeanVectors(augFeatures, tS.main.narrow(0, n, n).argmax(1), { label: s.labels, minPixels: cfg.centroidMinPixels });
          updateCentroids(fromSource);
          const gen = new Generator({ seed: rng.fork('mix').nextUint32() });
          return { consensus, mix: classMix(s.images, s.labels, augT, consensus, gen), teacherOut: tS };
        });
        const sClean = forward(student, clean, cfg);
        const sMix = forward(student, mix.image, cfg);
        const segS = mainAuxLoss({ main: sClean.main.narrow(0, 0, n), aux: sClean.aux.narrow(0, 0, n) }, s.labels, { average: cfg.ceAverage });
        const segT = mainAuxLoss({ main: sMix.main, aux: sMix.aux }, mix.label, { average: cfg.ceAverage });
        const kd = mainAuxDistillation({ main: tS.main, aux: tS.aux }, { main: sClean.main, aux: sClean.aux }, size);
        const loss = segS.add(segT).add(kd.mul(cfg.distilWeight));
        const terms = { loss: loss.detach(), seg: segS.detach(), mix: segT.detach(), distil: kd.detach() };
        // What the sample grid shows, kept only on the steps that write one.
        const shown = isPictureStep(cfg, iter)
          ? [s.images.clone(), s.labels.clone(), sClean.main.narrow(0, 0, n).detach(), t.images.clone(), t.pseudo!.clone(), consensus, mix.image, mix.label, sMix.main.detach()]
          : undefined;
        return { loss, terms, shown };
      });
      disposeBatch(s);
      disposeBatch(t);
      const shown = out.shown;
      return {
        loss: out.loss,
        terms: out.terms,
        keep: shown,
        pictures: shown && (() => {
          const [sImages, sLabels, sLogits, tImages, tPseudo, consensus, mixImage, mixLabel, mixLogits] = shown;
          return [
            { image: sImages, maps: [predictionAt(sLogits, sLabels), sLabels] },
            { image: tImages, maps: [tPseudo, consensus] },
            { image: mixImage, maps: [predictionAt(mixLogits, mixLabel), mixLabel] },
          ];
        }),
      };
    },
  });
  try {
    return await trainer.runFrom(record !== undefined);
  } finally {
    await trainer.close();
    bank.dispose();
    group?.close();
  }
}
