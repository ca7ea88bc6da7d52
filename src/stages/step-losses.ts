// The losses of one warm-up step and one self-training step, on batches
// already on the device. The stages and the step benchmark both call these,
// so what `npm run bench` times is exactly what training runs.
// Call them inside tidy(): every tensor they make but do not return is freed there.
//
// Every training-mode forward moves BatchNorm running statistics (momentum 0.1),
// and two such moves do not commute, so the forwards of a step run in the
// published order (docs/method.md, "BatchNorm-moving forwards"):
//   warm-up:    student [s; aug(s)] → student t (no grad, optional) → teacher [s; aug(s)]
//   self-train: student [s; aug(s)] → teacher [s; aug(s)] → teacher t → student mix
import { augmentedView, type PhotometricConfig } from '../augment/photometric.js';
import { classMix } from '../augment/classmix.js';
import type { CentroidBank } from '../centroids/bank.js';
import { IGNORE_ID } from '../labels/label-set.js';
import { classMeansDense, type DenseClassMeans } from '../centroids/class-means.js';
import type { RunConfig } from '../config/schema.js';
import type { Rng } from '../data/random.js';
import { consensusLabels } from '../inference/consensus.js';
import { mainAuxDistillation } from '../losses/distillation.js';
import { mainAuxLoss } from '../losses/segmentation.js';
import { auxOf, type SegModel } from '../models/index.js';
import { cat, Generator, noGrad, type Tensor } from '../tensor/index.js';
import type { DeviceBatch } from '../data/device-batch.js';
import { forward } from '../inference/forward.js';

export interface StepModels {
  student: SegModel;
  teacher: SegModel;
  cfg: RunConfig;
  photometric: PhotometricConfig;
}

export interface WarmupStepOutput {
  loss: Tensor;
  terms: { loss: Tensor; seg: Tensor; distil: Tensor };
  /** The augmented view and the student's clean-half logits, for sample grids. */
  aug: Tensor;
  logits: Tensor;
  /** The student's logits on the unlabelled batch, when it ran. */
  unlabelledLogits?: Tensor;
}

/**
 * Warm-up (docs/method.md §5.1): supervised loss on the clean half plus symmetric
 * distillation on [clean; augmented]. With an unlabelled batch `u`, the student also
 * runs on it in training mode without gradients, right after its labelled forward:
 * that pass contributes no loss, but it moves the student's BatchNorm statistics
 * toward the unlabelled images, as the published warm-up does.
 */
export function warmupLoss(m: StepModels, b: DeviceBatch, rng: Rng, u?: DeviceBatch): WarmupStepOutput {
  const { cfg } = m;
  const n = b.n;
  const size: [number, number] = [b.labels.shape[1], b.labels.shape[2]];
  const aug = augmentedView(b.images, rng, m.photometric);
  const x = cat([b.images, aug]);
  const s = forward(m.student, x, cfg);
  const unlabelledLogits = u && noGrad(() => forward(m.student, u.images, cfg, { grad: false }).main);
  const t = noGrad(() => forward(m.teacher, x, cfg, { grad: false }));
  const seg = mainAuxLoss({ main: s.main.narrow(0, 0, n), aux: auxOf(s).narrow(0, 0, n) }, b.labels, { average: cfg.ceAverage });
  const kd = mainAuxDistillation({ main: t.main, aux: auxOf(t) }, { main: s.main, aux: auxOf(s) }, size);
  const loss = seg.add(kd.mul(cfg.distilWeight));
  return {
    loss,
    terms: { loss: loss.detach(), seg: seg.detach(), distil: kd.detach() },
    aug,
    logits: s.main.narrow(0, 0, n).detach(),
    unlabelledLogits,
  };
}

export interface SelfTrainModels extends StepModels {
  /** The class centroids of bilateral consensus (read here, not changed). */
  bank: CentroidBank;
}

export interface SelfTrainStepOutput {
  loss: Tensor;
  terms: { loss: Tensor; seg: Tensor; mix: Tensor; distil: Tensor };
  consensus: Tensor;
  mix: { image: Tensor; label: Tensor };
  /** The student's logits on the clean labelled half and on the mixed images. */
  logits: Tensor;
  mixLogits: Tensor;
  /**
   * The class means the step's centroid moving averages take, target then source, in that
   * order (the caller applies them; the loss itself changes no state but BatchNorm's).
   */
  centroidMeans: [DenseClassMeans, DenseClassMeans];
}

/**
 * Self-training (docs/method.md §5.4): consensus pseudo-labels from the teacher and the centroids, the
 * centroids' moving averages from target and source class means, ClassMix of
 * source regions into the augmented target, and the three losses.
 */
export function selfTrainLoss(m: SelfTrainModels, s: DeviceBatch, t: DeviceBatch, rng: Rng): SelfTrainStepOutput {
  const { cfg } = m;
  if (!t.pseudo) throw new Error('self-training needs pseudo-labels for the unlabelled batch');
  const n = s.n;
  const size: [number, number] = [s.labels.shape[1], s.labels.shape[2]];
  const augS = augmentedView(s.images, rng.fork('source'), m.photometric);
  const augT = augmentedView(t.images, rng.fork('target'), m.photometric);
  const clean = cat([s.images, augS]);
  // The student's labelled forward comes first; the teacher then sees [s; aug(s)] before t.
  const sClean = forward(m.student, clean, cfg);
  const { consensus, mix, teacherOut: tS, centroidMeans } = noGrad(() => {
    const tS = forward(m.teacher, clean, cfg, { grad: false });
    const tT = forward(m.teacher, t.images, cfg, { grad: false });
    const consensus = consensusLabels(tT.pixelFeatures, m.bank.centroids, t.pseudo!);
    const classes = m.bank.numClasses;
    const fromTarget = classMeansDense(tT.pixelFeatures, tT.main.argmax(1), { label: consensus, minPixels: cfg.centroidMinPixels, numClasses: classes });
    const augFeatures = tS.pixelFeatures.narrow(0, n, n);
    const fromSource = classMeansDense(augFeatures, tS.main.narrow(0, n, n).argmax(1), { label: s.labels, minPixels: cfg.centroidMinPixels, numClasses: classes });
    const gen = new Generator({ seed: rng.fork('mix').nextUint32() });
    const centroidMeans: [DenseClassMeans, DenseClassMeans] = [fromTarget, fromSource];
    return { consensus, mix: classMix(s.images, s.labels, augT, consensus, gen, IGNORE_ID, classes), teacherOut: tS, centroidMeans };
  });
  const sMix = forward(m.student, mix.image, cfg);
  const segS = mainAuxLoss({ main: sClean.main.narrow(0, 0, n), aux: auxOf(sClean).narrow(0, 0, n) }, s.labels, { average: cfg.ceAverage });
  const segT = mainAuxLoss({ main: sMix.main, aux: auxOf(sMix) }, mix.label, { average: cfg.ceAverage });
  const kd = mainAuxDistillation({ main: tS.main, aux: auxOf(tS) }, { main: sClean.main, aux: auxOf(sClean) }, size);
  const loss = segS.add(segT).add(kd.mul(cfg.distilWeight));
  return {
    loss,
    terms: { loss: loss.detach(), seg: segS.detach(), mix: segT.detach(), distil: kd.detach() },
    consensus,
    mix,
    logits: sClean.main.narrow(0, 0, n).detach(),
    mixLogits: sMix.main.detach(),
    centroidMeans,
  };
}
