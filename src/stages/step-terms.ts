// The pieces of a training step that differ between DiGA's two settings, so that
// warm-up and self-training are one pair of steps for both:
// - the second view distilled against the clean one: aug(s) (semi-supervised), or the
//   cross-domain mixture of aug(s) and the translated source (domain adaptation);
// - the segmentation loss: main + 0.1·aux cross entropy (HRNet + OCR), or cross
//   entropy / OHEM on the logits alone (DeepLabV2 has no auxiliary head);
// - the distillation: on main and aux, or on the logits alone, with the cross weight w.
import { augmentedView, type PhotometricConfig } from '../augment/photometric.js';
import { classMix } from '../augment/classmix.js';
import type { RunConfig } from '../config/schema.js';
import type { Rng } from '../data/random.js';
import { IGNORE_ID } from '../labels/label-set.js';
import { mainAuxDistillation, symmetricDistillation } from '../losses/distillation.js';
import { ohemCrossEntropy } from '../losses/ohem.js';
import { mainAuxLoss, segLoss } from '../losses/segmentation.js';
import type { SegOutputs } from '../models/index.js';
import { Generator, noGrad, type Tensor } from '../tensor/index.js';

/** The frozen source → target translator G_s2t(E_s(·)) of domain adaptation. */
export interface FrozenTranslator {
  /** T(x) for a normalised batch, without gradients. */
  translate(x: Tensor): Tensor;
}

export interface SecondView {
  /** The view distilled against the clean batch. */
  view: Tensor;
  /** aug(s), for pictures and for the mixture. */
  aug: Tensor;
  /** T(s), with a translator. */
  translated?: Tensor;
}

/**
 * The second view of the labelled batch: aug(s); with a translator, the cross-domain mixture
 * m = M·aug(s) + (1 − M)·T(s), M covering the pixels of a random half of the label values
 * present in each sample plus the ignored ones (the same choice ClassMix makes).
 */
export function secondView(images: Tensor, labels: Tensor, rng: Rng, photometric: PhotometricConfig, classes: number, translator?: FrozenTranslator): SecondView {
  const aug = augmentedView(images, rng, photometric);
  if (!translator) return { view: aug, aug };
  return noGrad(() => {
    const translated = translator.translate(images);
    const gen = new Generator({ seed: rng.fork('cross-domain-mix').nextUint32() });
    const mixed = classMix(aug, labels, translated, labels, gen, IGNORE_ID, classes);
    mixed.label.dispose();
    mixed.mask.dispose();
    return { view: mixed.image, aug, translated };
  });
}

/** The run's segmentation loss on one output and its labels. */
export function segmentationTerm(cfg: Pick<RunConfig, 'ceAverage' | 'segLoss' | 'ohemThreshold' | 'ohemMinKept'>, out: Pick<SegOutputs, 'main' | 'aux'>, labels: Tensor): Tensor {
  if (out.aux) return mainAuxLoss({ main: out.main, aux: out.aux }, labels, { average: cfg.ceAverage });
  if (cfg.segLoss === 'ohem') return ohemCrossEntropy(out.main, labels, { thresh: cfg.ohemThreshold, minKept: cfg.ohemMinKept });
  return segLoss(out.main, labels, { average: cfg.ceAverage });
}

/** The first n samples of an output (the clean half of [clean; second view]). */
export function head(out: SegOutputs, n: number): Pick<SegOutputs, 'main' | 'aux'> {
  return { main: out.main.narrow(0, 0, n), aux: out.aux?.narrow(0, 0, n) };
}

/** Symmetric distillation from teacher to student on [clean; second view], upsampled to `size`. */
export function distillationTerm(cfg: Pick<RunConfig, 'distilCrossWeight'>, teacher: SegOutputs, student: SegOutputs, size: [number, number]): Tensor {
  if (teacher.aux && student.aux) return mainAuxDistillation({ main: teacher.main, aux: teacher.aux }, { main: student.main, aux: student.aux }, size, cfg.distilCrossWeight);
  return symmetricDistillation(teacher.main, student.main, size, cfg.distilCrossWeight);
}
