// One warm-up step of domain adaptation on fixed inputs, term by term against the
// formulas of docs/method.md §9.2, written out here with plain tensor ops:
// the cross-domain mixture m = M·aug(s) + (1 − M)·T(s) (M: a random half of the
// label values present, plus 255), the segmentation loss on the clean half
// (GTA5: cross entropy over all pixels; SYNTHIA: OHEM), and the distillation on
// [s; m] with the setting's cross weight. Networks in eval mode, so that the
// repeated forwards here see what the step saw. Tolerance 1e-5 relative.
import { afterAll, describe, expect, test } from 'vitest';
import { augmentedView, DIGA_PHOTOMETRIC } from '../../src/augment/photometric.js';
import { resolveConfig } from '../../src/config/load.js';
import { Rng } from '../../src/data/random.js';
import { ImageDecoder, ImageEncoder, SegModel, TRANSLATOR_PRESETS } from '../../src/models/index.js';
import { warmupLoss } from '../../src/stages/step-losses.js';
import { cat, F, manualSeed, noGrad, randn, tensor, tidy, type Tensor } from '../../src/tensor/index.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

manualSeed(3);
const p = TRANSLATOR_PRESETS.tiny;
const enc = new ImageEncoder(p.encoder).eval();
const dec = new ImageDecoder(p.decoder).eval();
const translator = { translate: (x: Tensor) => noGrad(() => dec.forward(enc.forward(x))) };
afterAll(() => {
  enc.dispose();
  dec.dispose();
});

const up = (x: Tensor, size: [number, number]) => F.interpolate(x, { size, mode: 'bilinear', alignCorners: true });
/** mean over pixels of Σ_c −softmax(t)·log_softmax(s). */
const softCe = (t: Tensor, s: Tensor) => F.softmax(t, 1).mul(F.logSoftmax(s, 1)).sum(1).mean().neg();

function labels(classes: number): Tensor {
  // Four vertical bands of classes and an ignored strip at the bottom.
  const ids = [0, 2, 5, classes - 1];
  return tensor([...Array(2 * 64 * 96)].map((_, i) => {
    const col = i % 96;
    const row = Math.floor(i / 96) % 64;
    const sample = Math.floor(i / (64 * 96));
    return row >= 56 ? 255 : ids[(Math.floor(col / 24) + sample) % 4];
  }), { dtype: 'int64' }).reshape(2, 64, 96);
}

describe.each([
  { preset: 'gta5' as const, model: 'deeplabv2-tiny', classes: 19, w: 0.5, lambda: 0.5 },
  { preset: 'synthia' as const, model: 'deeplabv2-tiny-c16', classes: 16, w: 0.25, lambda: 0.25 },
])('the $preset warm-up step', ({ preset, model, classes, w, lambda }) => {
  test('mixture, segmentation loss and distillation are the formulas of §9.2', () => {
    const cfg = resolveConfig({ preset, overrides: { model, amp: 'off', ohemMinKept: 2000 } });
    const student = new SegModel(model).eval();
    const teacher = new SegModel(model).eval();
    const photometric = { ...DIGA_PHOTOMETRIC, beta: cfg.augBeta, order: 'bgr' as const, jitter: { ...DIGA_PHOTOMETRIC.jitter, p: cfg.warmUpJitterP }, grayscaleP: cfg.warmUpGrayscaleP };
    tidy(() => {
      manualSeed(9);
      const s = randn([2, 3, 64, 96]).mul(0.5);
      const y = labels(classes);
      const b = { images: s, labels: y, names: ['a', 'b'], n: 2 };
      const o = warmupLoss({ student, teacher, cfg, photometric, translator }, b, Rng.fromSeed(4).fork('step'));

      // The mixture: M is a union of whole label values, always with 255's pixels.
      const aug = augmentedView(s, Rng.fromSeed(4).fork('step'), photometric);
      const tau = translator.translate(s);
      expect(o.aug.sub(aug).abs().max().item()).toBe(0);
      const fromAug = o.mixture!.sub(aug).abs().sum(1).lt(1e-6);
      const fromTau = o.mixture!.sub(tau).abs().sum(1).lt(1e-6);
      expect(fromAug.logicalOr(fromTau).all().item()).toBeTruthy();
      for (let i = 0; i < 2; i++) {
        const yi = y.select(0, i);
        const mi = fromAug.select(0, i).logicalAnd(fromTau.select(0, i).logicalNot());
        const chosen = [...new Set(Array.from(yi.toTypedArray() as BigInt64Array, Number))].filter((v) => {
          const at = yi.eq(v);
          const inM = mi.logicalAnd(at).sum().item();
          // A value is wholly in M or wholly out (pixels where aug and T(s) coincide aside).
          expect(inM === 0 || inM === at.sum().item(), `value ${v}`).toBe(true);
          return inM > 0;
        });
        expect(chosen).toContain(255);
        // ⌊5/2⌋ = 2 values are drawn with 255 among the candidates, and 255 is added: 1 or 2 classes.
        expect([1, 2], `sample ${i}: ${JSON.stringify(chosen)}`).toContain(chosen.length - 1);
      }

      // The losses, written out.
      const x = cat([s, o.mixture!]);
      const so = student.forward(x, { grad: false }).main;
      const to = teacher.forward(x, { grad: false }).main;
      const size: [number, number] = [64, 96];
      const sClean = up(so.narrow(0, 0, 2), size);
      let seg: Tensor;
      if (preset === 'gta5') {
        // Cross entropy summed over labelled pixels, divided by all pixels.
        seg = F.crossEntropy(sClean, y, { ignoreIndex: 255, reduction: 'none' }).mean();
      } else {
        // OHEM: the valid pixels whose labelled-class probability is under τ = max(p_sorted[min(k, n − 1)], 0.7).
        const valid = y.ne(255);
        const prob = F.softmax(sClean, 1).gather(1, y.maskedFill(valid.logicalNot(), 0).unsqueeze(1)).squeeze(1);
        const sorted = (prob.maskedSelect(valid).sort()[0].toTypedArray() as Float32Array);
        const tau = Math.max(sorted[Math.min(2000, sorted.length - 1)], 0.7);
        const kept = prob.lt(tau).logicalAnd(valid);
        seg = F.crossEntropy(sClean, y, { ignoreIndex: 255, reduction: 'none' }).maskedSelect(kept).mean();
      }
      const T = up(to, size);
      const S = up(so, size);
      const kd = softCe(T.narrow(0, 0, 2), S.narrow(0, 2, 2)).add(softCe(T.narrow(0, 2, 2), S.narrow(0, 0, 2)).mul(w));
      expect(rel(o.terms.seg.item(), seg.item()), 'seg').toBeLessThan(1e-5);
      expect(rel(o.terms.distil.item(), kd.item()), 'distillation').toBeLessThan(1e-5);
      expect(rel(o.loss.item(), seg.add(kd.mul(lambda)).item()), 'total').toBeLessThan(1e-5);
    });
    student.dispose();
    teacher.dispose();
  });
});
