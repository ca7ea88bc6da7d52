// Every training-mode forward moves BatchNorm running statistics, and two moves do not
// commute. After one step, the first BatchNorm layer (hrnet.bn1, right after the stem's
// first conv) must hold what the published step's forwards leave there, in their order:
//   warm-up student:    [s; aug(s)], then the unlabelled batch u
//   self-train teacher: [s; aug(s)], then the unlabelled batch t
// The expected statistics are computed here from the same inputs with plain ops.
import { describe, expect, test } from 'vitest';
import { augmentedView, DIGA_PHOTOMETRIC } from '../../src/augment/photometric.js';
import { CentroidBank } from '../../src/centroids/bank.js';
import { resolveConfig } from '../../src/config/load.js';
import { Rng } from '../../src/data/random.js';
import { SegModel } from '../../src/models/index.js';
import type { DeviceBatch } from '../../src/data/device-batch.js';
import { selfTrainLoss, warmupLoss } from '../../src/stages/step-losses.js';
import { cat, F, manualSeed, noGrad, randint, randn, tidy, type Tensor } from '../../src/tensor/index.js';

const cfg = resolveConfig({ overrides: { model: 'tiny', device: 'cpu', amp: 'off' } });
const photometric = DIGA_PHOTOMETRIC;
const MOMENTUM = 0.1; // backbone BatchNorm momentum

function batch(n: number, scale: number, shift: number, pseudo: boolean): DeviceBatch {
  const b: DeviceBatch = {
    images: randn([n, 3, 32, 64]).mul(scale).add(shift),
    labels: randint(0, 19, [n, 32, 64]),
    names: Array.from({ length: n }, (_, i) => `x${i}.png`),
    n,
  };
  if (pseudo) b.pseudo = randint(0, 19, [n, 32, 64]);
  return b;
}

/** Running mean and variance after BatchNorm's update with the stem conv's output on `x`. */
function bnUpdate(model: SegModel, x: Tensor, stats: { mean: Tensor; var: Tensor }): { mean: Tensor; var: Tensor } {
  const y = F.conv2d(x, model.stateDict().get('hrnet.conv1.weight')!, null, { stride: 2, padding: 1 });
  const mean = y.mean([0, 2, 3]);
  const variance = y.var([0, 2, 3], true);
  return {
    mean: stats.mean.mul(1 - MOMENTUM).add(mean.mul(MOMENTUM)),
    var: stats.var.mul(1 - MOMENTUM).add(variance.mul(MOMENTUM)),
  };
}

function bn1(model: SegModel): { mean: Tensor; var: Tensor } {
  const sd = model.stateDict();
  return { mean: sd.get('hrnet.bn1.running_mean')!.clone(), var: sd.get('hrnet.bn1.running_var')!.clone() };
}

function maxDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().item();
}

function models() {
  manualSeed(3);
  const student = new SegModel('tiny').train();
  const teacher = new SegModel('tiny').train();
  // Stem weights large enough that the batch statistics differ visibly between the inputs.
  noGrad(() => {
    for (const m of [student, teacher]) m.stateDict().get('hrnet.conv1.weight')!.copy_(randn([16, 3, 3, 3]).mul(0.3));
  });
  return { student, teacher };
}

describe('BatchNorm-moving forwards run in the published order', () => {
  test("warm-up: the student's statistics see [s; aug(s)], then the unlabelled batch", () => {
    tidy(() => {
      const { student, teacher } = models();
      const s = batch(2, 1, 0, false);
      const u = batch(2, 2, 1.5, false);
      const before = bn1(student);
      const aug = noGrad(() => augmentedView(s.images, Rng.fromSeed(11), photometric));
      const clean = cat([s.images, aug]);
      const published = noGrad(() => bnUpdate(student, u.images, bnUpdate(student, clean, before)));
      const swapped = noGrad(() => bnUpdate(student, clean, bnUpdate(student, u.images, before)));
      const labelledOnly = noGrad(() => bnUpdate(student, clean, before));

      warmupLoss({ student, teacher, cfg, photometric }, s, Rng.fromSeed(11), u);
      const after = bn1(student);
      const scale = published.mean.abs().max().item();
      expect(maxDiff(after.mean, published.mean)).toBeLessThan(1e-5 * scale);
      expect(maxDiff(after.var, published.var)).toBeLessThan(1e-5 * published.var.abs().max().item());
      // The other order, or no unlabelled pass, would be told apart.
      expect(maxDiff(after.mean, swapped.mean)).toBeGreaterThan(1e-2 * scale);
      expect(maxDiff(after.mean, labelledOnly.mean)).toBeGreaterThan(1e-2 * scale);
      student.dispose();
      teacher.dispose();
    });
  });

  test("self-training: the teacher's statistics see [s; aug(s)], then the unlabelled batch", () => {
    tidy(() => {
      const { student, teacher } = models();
      const s = batch(2, 1, 0, false);
      const t = batch(2, 2, 1.5, true);
      const bank = new CentroidBank(19, teacher.featureChannels);
      tidy(() => bank.loadStateDict({ centroids: randn([19, teacher.featureChannels]), count: randn([19]).abs() }));
      const before = bn1(teacher);
      const rng = () => Rng.fromSeed(12);
      const augS = noGrad(() => augmentedView(s.images, rng().fork('source'), photometric));
      const clean = cat([s.images, augS]);
      const published = noGrad(() => bnUpdate(teacher, t.images, bnUpdate(teacher, clean, before)));
      const swapped = noGrad(() => bnUpdate(teacher, clean, bnUpdate(teacher, t.images, before)));

      const centroidsBefore = bank.centroids.clone();
      const o = selfTrainLoss({ student, teacher, cfg, photometric, bank }, s, t, rng());
      // The loss changes no centroid; it hands back the target and source means for the caller to apply.
      expect(maxDiff(bank.centroids, centroidsBefore)).toBe(0);
      expect(o.centroidMeans.map((m) => m.means.shape)).toEqual([[2, 19, teacher.featureChannels], [2, 19, teacher.featureChannels]]);
      const after = bn1(teacher);
      const scale = published.mean.abs().max().item();
      expect(maxDiff(after.mean, published.mean)).toBeLessThan(1e-5 * scale);
      expect(maxDiff(after.var, published.var)).toBeLessThan(1e-5 * published.var.abs().max().item());
      expect(maxDiff(after.mean, swapped.mean)).toBeGreaterThan(1e-2 * scale);
      bank.dispose();
      student.dispose();
      teacher.dispose();
    });
  });
});
