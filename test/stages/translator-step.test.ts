// One image-translator step on fixed inputs, term by term against the formulas of
// docs/method.md §9.1 written out here with plain tensor ops and the networks
// named explicitly (so a swapped encoder or decoder shows), then the two Adam
// updates: the discriminators move first, the generators second, and the
// generator loss leaves no gradient behind in the discriminators.
// Tolerance: 1e-5 relative on every loss (float32 on CPU, the same kernels).
import { afterAll, describe, expect, test } from 'vitest';
import { Discriminator, ImageDecoder, ImageEncoder, TRANSLATOR_PRESETS, Vgg19Features } from '../../src/models/index.js';
import { Adam } from '../../src/optim/adam.js';
import { autocast, F, full, manualSeed, noGrad, randn, tensor, tidy, type Tensor } from '../../src/tensor/index.js';
import { discriminatorLosses, generatorLosses, translate, translatorStep, type TranslatorNets } from '../../src/stages/translator-step.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

function makeNets(): TranslatorNets {
  manualSeed(7);
  const p = TRANSLATOR_PRESETS.tiny;
  const vgg = new Vgg19Features({ widths: [4, 8, 8, 8, 8] });
  noGrad(() => {
    for (const t of vgg.parameters()) t.copy_(randn(t.shape).mul(0.2));
  });
  return {
    encS: new ImageEncoder(p.encoder),
    encT: new ImageEncoder(p.encoder),
    decS2T: new ImageDecoder(p.decoder),
    decT2S: new ImageDecoder(p.decoder),
    disS2T: new Discriminator(p.discriminator),
    disT2S: new Discriminator(p.discriminator),
    vgg,
  };
}

/** Σ_scales mean((x − target)²). */
function lsgan(outputs: Tensor[], target: number): Tensor {
  return outputs.map((o) => o.sub(target).pow(2).mean()).reduce((a, b) => a.add(b));
}

/** The 5×5 Laplacian edge mask of a label map, written out: Σ of the 24 neighbours minus 24·centre, / 48, reflect-padded. */
function edgeMask(labels: Tensor): Tensor {
  const k = full([5, 5], 1 / 48);
  const kernel = k.add(tensor([...Array(25)].map((_, i) => (i === 12 ? -25 / 48 : 0))).reshape(5, 5)).reshape(1, 1, 5, 5);
  const x = F.reflectionPad2d(labels.float().unsqueeze(1), [2, 2, 2, 2]);
  return F.conv2d(x, kernel).abs().gt(0.1).float().expand(-1, 3, -1, -1);
}

const nets = makeNets();
afterAll(() => {
  for (const n of Object.values(nets)) n?.dispose();
});

function inputs() {
  manualSeed(11);
  const s = randn([2, 3, 64, 64]).tanh();
  const t = randn([2, 3, 64, 64]).tanh();
  // Blocks of classes with an ignored band, so the edge mask has edges and flat regions.
  const y = tensor([...Array(2 * 64 * 64)].map((_, i) => {
    const col = i % 64;
    const row = Math.floor(i / 64) % 64;
    return row > 50 ? 255 : col < 20 ? 0 : col < 40 ? 7 : 13;
  }), { dtype: 'int64' }).reshape(2, 64, 64);
  return { s, t, y };
}

const W = { adversarial: 0.5, cycle: 10, edge: 20, perceptual: 0.1, selfReconstruction: 0.025 };

describe('the translator step', () => {
  test('every term of the discriminator and generator objectives is the formula of §9.1', () => {
    tidy(() => {
      const { s, t, y } = inputs();
      const tr = translate(nets, s, t);
      const d = discriminatorLosses(nets, s, t, tr);
      const g = generatorLosses(nets, s, t, y, tr, W);
      // Written out with each network named.
      const sToT = nets.decS2T.forward(nets.encS.forward(s));
      const tToS = nets.decT2S.forward(nets.encT.forward(t));
      const dS2T = lsgan(nets.disS2T.forward(t), 1).add(lsgan(nets.disS2T.forward(sToT.detach()), 0));
      const dT2S = lsgan(nets.disT2S.forward(s), 1).add(lsgan(nets.disT2S.forward(tToS.detach()), 0));
      const adv = lsgan(nets.disS2T.forward(sToT), 1).add(lsgan(nets.disT2S.forward(tToS), 1));
      const cycle = nets.decT2S.forward(nets.encT.forward(sToT)).sub(s).abs().mean().add(nets.decS2T.forward(nets.encS.forward(tToS)).sub(t).abs().mean());
      const self = nets.decT2S.forward(nets.encS.forward(s)).sub(s).abs().mean().add(nets.decS2T.forward(nets.encT.forward(t)).sub(t).abs().mean());
      const mask = edgeMask(y);
      const edge = s.mul(mask).sub(sToT.mul(mask)).abs().mean();
      const weights = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1];
      const vgg = (a: Tensor, b: Tensor) => {
        const fa = nets.vgg!.forward(a);
        const fb = nets.vgg!.forward(b);
        return fa.map((f, i) => f.sub(fb[i].detach()).abs().mean().mul(weights[i])).reduce((p, q) => p.add(q));
      };
      const perceptual = vgg(sToT, s).add(vgg(tToS, t));
      const checks: Array<[string, Tensor, Tensor]> = [
        ['D_s2t', d.s2t, dS2T],
        ['D_t2s', d.t2s, dT2S],
        ['adversarial', g.adversarial, adv],
        ['cycle', g.cycle, cycle],
        ['self-reconstruction', g.selfReconstruction, self],
        ['edge', g.edge, edge],
        ['perceptual', g.perceptual!, perceptual],
      ];
      for (const [what, got, want] of checks) expect(rel(got.item(), want.item()), what).toBeLessThan(1e-5);
      expect(mask.sum().item()).toBeGreaterThan(0);
      expect(mask.sum().item()).toBeLessThan(mask.numel());
      const total = adv.mul(0.5).add(cycle.mul(10)).add(edge.mul(20)).add(perceptual.mul(0.1)).add(self.mul(0.025));
      expect(rel(g.loss.item(), total.item())).toBeLessThan(1e-5);
    });
  });

  test('a whole step: discriminators, then generators, each by its own Adam; no stray gradients', () => {
    const dParams = [...nets.disS2T.parameters(), ...nets.disT2S.parameters()];
    const gParams = [nets.encS, nets.encT, nets.decS2T, nets.decT2S].flatMap((n) => n.parameters());
    const discriminators = new Adam(dParams, { lr: 1e-3, betas: [0.5, 0.999] });
    const generators = new Adam(gParams, { lr: 1e-3, betas: [0.5, 0.999] });
    const before = noGrad(() => ({ d: dParams.map((p) => p.clone()), g: gParams.map((p) => p.clone()) }));
    const reduced: string[] = [];
    tidy(() => {
      const { s, t, y } = inputs();
      const o = translatorStep(nets, { discriminators, generators }, { s, t, sourceLabels: y }, W, (which) => reduced.push(which));
      expect(Object.keys(o.terms).sort()).toEqual(['adversarial', 'cycle', 'd_s2t', 'd_t2s', 'edge', 'loss', 'perceptual', 'self']);
    });
    expect(reduced).toEqual(['discriminators', 'generators']);
    const moved = (now: Tensor[], then: Tensor[]) => now.filter((p, i) => tidy(() => p.sub(then[i]).abs().max().item()) > 0).length;
    expect(moved(dParams, before.d)).toBe(dParams.length);
    expect(moved(gParams, before.g)).toBeGreaterThan(gParams.length / 2);
    // The generators' backward also reached the discriminators; those gradients were dropped.
    expect(dParams.every((p) => p.grad === null)).toBe(true);
    expect(nets.vgg!.parameters().every((p) => p.grad === null)).toBe(true);
    discriminators.dispose();
    generators.dispose();
    for (const t of [...before.d, ...before.g]) t.dispose();
  });

  test('under bf16 autocast (--amp bf16) the step runs, its terms close to float32, its gradients float32', () => {
    const dParams = [...nets.disS2T.parameters(), ...nets.disT2S.parameters()];
    const gParams = [nets.encS, nets.encT, nets.decS2T, nets.decT2S].flatMap((n) => n.parameters());
    const terms = (amp?: <T>(f: () => T) => T) => {
      // lr 0: the step leaves the weights as they are, so both runs see the same networks.
      const discriminators = new Adam(dParams, { lr: 0 });
      const generators = new Adam(gParams, { lr: 0 });
      const out = tidy(() => {
        const { s, t, y } = inputs();
        const o = translatorStep(nets, { discriminators, generators }, { s, t, sourceLabels: y }, W, undefined, amp);
        expect(gParams.every((p) => p.grad === null || p.grad.dtype === 'float32')).toBe(true);
        expect(gParams[0].grad).not.toBeNull();
        return Object.fromEntries(Object.entries(o.terms).map(([k, v]) => [k, { value: v.item(), dtype: v.dtype }]));
      });
      discriminators.dispose();
      generators.dispose();
      return out;
    };
    const f32 = terms();
    const bf16 = terms((f) => autocast({ deviceType: 'cpu', dtype: 'bfloat16' }, f));
    for (const k of Object.keys(f32)) {
      expect(bf16[k].dtype, k).toBe('float32');
      expect(rel(bf16[k].value, f32[k].value), k).toBeLessThan(0.05);
    }
  });
});
