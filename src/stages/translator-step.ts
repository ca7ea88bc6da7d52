// The arithmetic of one image-translator step (stage 0 of domain adaptation,
// docs/method.md §9.1), on batches already on the device. The stage and the
// tests call these, so what is tested is what trains.
//
// One step: both generators translate (source → target look, target → source
// look); the two discriminators learn real against the detached translations
// and take their Adam step; then, with the updated discriminators, the four
// encoder/decoder networks minimise the adversarial, cycle, edge, perceptual
// and self-reconstruction terms.
import type { ImageDecoder, ImageEncoder, Discriminator } from '../models/translator/index.js';
import type { Vgg19Features } from '../models/vgg/index.js';
import { edgeLoss } from '../losses/edge.js';
import { lsganDiscriminatorLoss, lsganGeneratorLoss } from '../losses/lsgan.js';
import { vggLoss } from '../losses/perceptual.js';
import type { Adam } from '../optim/adam.js';
import type { Tensor } from '../tensor/index.js';

export interface TranslatorNets {
  encS: ImageEncoder;
  encT: ImageEncoder;
  /** Decodes a code into a target-looking image. */
  decS2T: ImageDecoder;
  /** Decodes a code into a source-looking image. */
  decT2S: ImageDecoder;
  /** Tells real target images from translated source images. */
  disS2T: Discriminator;
  /** Tells real source images from translated target images. */
  disT2S: Discriminator;
  /** The perceptual loss's features; without them that term is left out. */
  vgg?: Vgg19Features;
}

/** The published weights of the generator objective. */
export interface TranslatorWeights {
  adversarial: number;
  cycle: number;
  edge: number;
  perceptual: number;
  selfReconstruction: number;
}

export const PUBLISHED_TRANSLATOR_WEIGHTS: Omit<TranslatorWeights, 'selfReconstruction'> = {
  adversarial: 0.5,
  cycle: 10,
  edge: 20,
  perceptual: 0.1,
};

export interface Translations {
  /** T(s) = G_s2t(E_s(s)): the source made to look like the target. */
  sToT: Tensor;
  /** T'(t) = G_t2s(E_t(t)). */
  tToS: Tensor;
  /** E_s(s) and E_t(t), reused by the self-reconstructions. */
  codeS: Tensor;
  codeT: Tensor;
}

/** Both translations, with gradients into the four generator networks. */
export function translate(n: TranslatorNets, s: Tensor, t: Tensor): Translations {
  const codeS = n.encS.forward(s);
  const codeT = n.encT.forward(t);
  return { codeS, codeT, sToT: n.decS2T.forward(codeS), tToS: n.decT2S.forward(codeT) };
}

export interface DiscriminatorTerms {
  /** D_s2t: real target against T(s). */
  s2t: Tensor;
  /** D_t2s: real source against T'(t). */
  t2s: Tensor;
}

/** The two discriminators' LSGAN losses on real images and the detached translations. */
export function discriminatorLosses(n: TranslatorNets, s: Tensor, t: Tensor, tr: Translations): DiscriminatorTerms {
  return {
    s2t: lsganDiscriminatorLoss(n.disS2T.forward(t), n.disS2T.forward(tr.sToT.detach())),
    t2s: lsganDiscriminatorLoss(n.disT2S.forward(s), n.disT2S.forward(tr.tToS.detach())),
  };
}

export interface GeneratorTerms {
  loss: Tensor;
  adversarial: Tensor;
  cycle: Tensor;
  edge: Tensor;
  perceptual: Tensor | null;
  selfReconstruction: Tensor;
  /** G_t2s(E_t(T(s))): the source after a round trip, for pictures. */
  cycleS: Tensor;
}

/**
 * The generators' objective: w_adv·(LSGAN_G(D_s2t(T(s))) + LSGAN_G(D_t2s(T'(t))))
 * + w_cyc·(|cycle_s − s|₁ + |cycle_t − t|₁) + w_edge·edge(s, T(s), y_s)
 * + w_vgg·(VGG(T(s), s) + VGG(T'(t), t)) + w_self·(|G_t2s(E_s(s)) − s|₁ + |G_s2t(E_t(t)) − t|₁),
 * L1 terms as means.
 */
export function generatorLosses(n: TranslatorNets, s: Tensor, t: Tensor, sourceLabels: Tensor, tr: Translations, w: TranslatorWeights): GeneratorTerms {
  const adversarial = lsganGeneratorLoss(n.disS2T.forward(tr.sToT)).add(lsganGeneratorLoss(n.disT2S.forward(tr.tToS)));
  const cycleS = n.decT2S.forward(n.encT.forward(tr.sToT));
  const cycleT = n.decS2T.forward(n.encS.forward(tr.tToS));
  const cycle = cycleS.sub(s).abs().mean().add(cycleT.sub(t).abs().mean());
  const edge = edgeLoss(tr.sToT, s, sourceLabels);
  const perceptual = n.vgg ? vggLoss(n.vgg, tr.sToT, s).add(vggLoss(n.vgg, tr.tToS, t)) : null;
  const selfS = n.decT2S.forward(tr.codeS);
  const selfT = n.decS2T.forward(tr.codeT);
  const selfReconstruction = selfS.sub(s).abs().mean().add(selfT.sub(t).abs().mean());
  let loss = adversarial.mul(w.adversarial).add(cycle.mul(w.cycle)).add(edge.mul(w.edge)).add(selfReconstruction.mul(w.selfReconstruction));
  if (perceptual) loss = loss.add(perceptual.mul(w.perceptual));
  return { loss, adversarial, cycle, edge, perceptual, selfReconstruction, cycleS };
}

export interface TranslatorStepOutput {
  /** Detached scalars for the log. */
  terms: Record<string, Tensor>;
  tr: Translations;
  cycleS: Tensor;
}

/**
 * One whole step: translate, the discriminators' loss and Adam step, then the generators'
 * loss (their gradients in the discriminators dropped) and Adam step. `reduce` averages a
 * parameter list's gradients over data-parallel ranks; `amp` runs the forwards (under bf16
 * autocast with --amp bf16). Call inside tidy().
 */
export function translatorStep(
  n: TranslatorNets,
  opt: { discriminators: Adam; generators: Adam },
  batch: { s: Tensor; t: Tensor; sourceLabels: Tensor },
  w: TranslatorWeights,
  reduce: (which: 'discriminators' | 'generators') => void = () => {},
  amp: <T>(forward: () => T) => T = (forward) => forward(),
): TranslatorStepOutput {
  const { s, t } = batch;
  // Forwards and losses under `amp` (bf16 autocast, or as they are); the backwards outside it.
  const tr = amp(() => translate(n, s, t));
  const d = amp(() => discriminatorLosses(n, s, t, tr));
  opt.discriminators.zeroGrad();
  d.s2t.add(d.t2s).float().backward();
  reduce('discriminators');
  opt.discriminators.step();
  const g = amp(() => generatorLosses(n, s, t, batch.sourceLabels, tr, w));
  opt.generators.zeroGrad();
  g.loss.float().backward();
  reduce('generators');
  opt.generators.step();
  opt.discriminators.zeroGrad();
  const terms: Record<string, Tensor> = {
    loss: g.loss.detach().float(),
    d_s2t: d.s2t.detach().float(),
    d_t2s: d.t2s.detach().float(),
    adversarial: g.adversarial.detach().float(),
    cycle: g.cycle.detach().float(),
    edge: g.edge.detach().float(),
    self: g.selfReconstruction.detach().float(),
  };
  if (g.perceptual) terms.perceptual = g.perceptual.detach().float();
  return { terms, tr, cycleS: g.cycleS };
}
