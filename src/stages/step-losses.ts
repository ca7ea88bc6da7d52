// The losses of one warm-up step and one self-training step, on batches
// already on the device. The stages and the step benchmark both call these,
// so what `npm run bench` times is exactly what training runs.
// Call them inside tidy(): every tensor they make but do not return is freed there.
//
// Every training-mode forward moves BatchNorm running statistics (momentum 0.1),
// and two such moves do not commute, so the forwards of a step run in the
// published order (docs/method.md, "BatchNorm-moving forwards"):
//   warm-up:    student [s; v] → student t (no grad, optional) → teacher [s; v]
//   self-train: student [s; v] → teacher [s; v] → teacher t → student mix
// where v, the second view, is aug(s), or in domain adaptation the mixture of aug(s) and the
// translated source (step-terms.ts).
import { augmentedView, type PhotometricConfig } from '../augment/photometric.js';
import { classMix } from '../augment/classmix.js';
import type { CentroidBank } from '../centroids/bank.js';
import { IGNORE_ID } from '../labels/label-set.js';
import { classMeansDense, type DenseClassMeans } from '../centroids/class-means.js';
import type { RunConfig } from '../config/schema.js';
import type { Rng } from '../data/random.js';
import { consensusLabels } from '../inference/consensus.js';
import type { SegModel } from '../models/index.js';
import { cat, Generator, noGrad, type Tensor } from '../tensor/index.js';
import type { DeviceBatch } from '../data/device-batch.js';
import { forward } from '../inference/forward.js';
import { distillationTerm, head, secondView, segmentationTerm, type FrozenTranslator } from './step-terms.js';

export interface StepModels {
  student: SegModel;
  teacher: SegModel;
  cfg: RunConfig;
  photometric: PhotometricConfig;
  /** Domain adaptation: the frozen translator behind the cross-domain mixture. */
  translator?: FrozenTranslator;
  /** The source-only baseline: the supervised loss on the clean batch, nothing else. */
  sourceOnly?: boolean;
}

export interface WarmupStepOutput {
  loss: Tensor;
  terms: { loss: Tensor; seg: Tensor; distil: Tensor };
  /** The augmented view and the student's clean-half logits, for sample grids. */
  aug: Tensor;
  /** Domain adaptation: the translated source and the cross-domain mixture, for sample grids. */
  translated?: Tensor;
  mixture?: Tensor;
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
  if (m.sourceOnly) {
    const s = forward(m.student, b.images, cfg);
    const seg = segmentationTerm(cfg, s, b.labels);
    const zero = seg.detach().mul(0);
    return { loss: seg, terms: { loss: seg.detach(), seg: seg.detach(), distil: zero }, aug: b.images.clone(), logits: s.main.detach() };
  }
  const size: [number, number] = [b.labels.shape[1], b.labels.shape[2]];
  const v = secondView(b.images, b.labels, rng, m.photometric, m.student.classes, m.translator);
  const x = cat([b.images, v.view]);
  const s = forward(m.student, x, cfg);
  const unlabelledLogits = u && noGrad(() => forward(m.student, u.images, cfg, { grad: false }).main);
  const t = noGrad(() => forward(m.teacher, x, cfg, { grad: false }));
  const seg = segmentationTerm(cfg, head(s, n), b.labels);
  const kd = distillationTerm(cfg, t, s, size);
  const loss = seg.add(kd.mul(cfg.distilWeight));
  return {
    loss,
    terms: { loss: loss.detach(), seg: seg.detach(), distil: kd.detach() },
    aug: v.aug,
    translated: v.translated,
    mixture: v.translated ? v.view : undefined,
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
  const v = secondView(s.images, s.labels, rng.fork('source'), m.photometric, m.student.classes, m.translator);
  const augT = augmentedView(t.images, rng.fork('target'), m.photometric);
  const clean = cat([s.images, v.view]);
  // The student's labelled forward comes first; the teacher then sees [s; v] before t.
  const sClean = forward(m.student, clean, cfg);
  const { consensus, mix, teacherOut: tS, centroidMeans } = noGrad(() => {
    const tS = forward(m.teacher, clean, cfg, { grad: false });
    const tT = forward(m.teacher, t.images, cfg, { grad: false });
    const consensus = consensusLabels(tT.pixelFeatures, m.bank.centroids, t.pseudo!);
    const classes = m.bank.numClasses;
    const fromTarget = classMeansDense(tT.pixelFeatures, tT.main.argmax(1), { label: consensus, minPixels: cfg.centroidMinPixels, numClasses: classes });
    const viewFeatures = tS.pixelFeatures.narrow(0, n, n);
    const fromSource = classMeansDense(viewFeatures, tS.main.narrow(0, n, n).argmax(1), { label: s.labels, minPixels: cfg.centroidMinPixels, numClasses: classes });
    const gen = new Generator({ seed: rng.fork('mix').nextUint32() });
    const centroidMeans: [DenseClassMeans, DenseClassMeans] = [fromTarget, fromSource];
    return { consensus, mix: classMix(s.images, s.labels, augT, consensus, gen, IGNORE_ID, classes), teacherOut: tS, centroidMeans };
  });
  const sMix = forward(m.student, mix.image, cfg);
  const segS = segmentationTerm(cfg, head(sClean, n), s.labels);
  const segT = segmentationTerm(cfg, sMix, mix.label);
  const kd = distillationTerm(cfg, tS, sClean, size);
  const loss = segS.add(segT).add(kd.mul(cfg.selfTrainDistilWeight ?? cfg.distilWeight));
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
