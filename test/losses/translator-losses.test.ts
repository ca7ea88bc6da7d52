// The translator's losses (LSGAN, perceptual, edge) against the published code's numbers
// (fixture uda/losses_uda, float32 on CPU): losses within 1e-5 relative, the Laplacian within
// 1e-6 of its largest magnitude, the edge mask exactly. Plus hand-derived cases and gradients.
import { describe, expect, test } from 'vitest';
import { edgeLoss, labelEdgeMask, laplacian5 } from '../../src/losses/edge.js';
import { lsganDiscriminatorLoss, lsganGeneratorLoss } from '../../src/losses/lsgan.js';
import { perceptualLoss, vggLoss } from '../../src/losses/perceptual.js';
import { Vgg19Features } from '../../src/models/index.js';
import { full, randn, type Tensor, tensor, zeros } from '../../src/tensor/index.js';
import { expectCloseToScale, expectNoLeak, expectRelClose, loadReference, numbers } from '../helpers.js';

const ref = loadReference('uda/losses_uda.safetensors');
const get = (k: string) => ref.get(k)!;
const scales = (side: string, n: number) => Array.from({ length: n }, (_, i) => get(`${side}.${i}`));

describe('LSGAN', () => {
  test('discriminator and generator losses match the published formulas', () => {
    const real = scales('lsgan.real', 3);
    const fake = scales('lsgan.fake', 3);
    expectRelClose(lsganDiscriminatorLoss(real, fake).item(), get('lsgan.d.expected').item());
    expectRelClose(lsganGeneratorLoss(fake).item(), get('lsgan.g.expected').item());
  });

  test('by hand: D(real) = 0.5 and D(fake) = 2 on two scales of different sizes', () => {
    const real = [full([1, 1, 4, 4], 0.5), full([1, 1, 2, 2], 0.5)];
    const fake = [full([1, 1, 4, 4], 2), full([1, 1, 2, 2], 2)];
    // d = 2 · (0.25 + 4) = 8.5; g = 2 · 1 = 2.
    expect(lsganDiscriminatorLoss(real, fake).item()).toBeCloseTo(8.5, 6);
    expect(lsganGeneratorLoss(fake).item()).toBeCloseTo(2, 6);
    expect(() => lsganDiscriminatorLoss(real, fake.slice(1))).toThrow(/one discriminator output per scale/);
    expect(() => lsganGeneratorLoss([])).toThrow(/one discriminator output per scale/);
  });

  test('gradients: 2(D − 1)/n on real, 2D/n on fake', () => {
    const real = tensor([0.5, 1.5], { requiresGrad: true });
    const fake = tensor([2, -1], { requiresGrad: true });
    lsganDiscriminatorLoss([real], [fake]).backward();
    expect(numbers(real.grad!)).toEqual([-0.5, 0.5]);
    expect(numbers(fake.grad!)).toEqual([2, -1]);
  });
});

describe('perceptual loss', () => {
  test('on given feature lists it matches VGGLoss.forward', () => {
    expectRelClose(perceptualLoss(scales('vgg.x', 5), scales('vgg.y', 5)).item(), get('vgg.expected').item());
  });

  test('weights 1/32 … 1 by hand; the second argument gets no gradient', () => {
    const x = [0, 1, 2, 3, 4].map(() => zeros([1, 2, 2, 2], { requiresGrad: true }));
    const y = [0, 1, 2, 3, 4].map(() => full([1, 2, 2, 2], 2, { requiresGrad: true }));
    // Σ w_i · 2 = 2 · (1/32 + 1/16 + 1/8 + 1/4 + 1) = 2.9375.
    const loss = perceptualLoss(x, y);
    expect(loss.item()).toBeCloseTo(2.9375, 6);
    loss.backward();
    expect(numbers(x[4].grad!)[0]).toBeCloseTo(-1 / 8, 7);
    expect(numbers(x[0].grad!)[0]).toBeCloseTo(-1 / 8 / 32, 9);
    expect(y.every((t) => t.grad === null)).toBe(true);
    expect(() => perceptualLoss(x.slice(1), y)).toThrow(/needs 5 activations/);
  });

  test('vggLoss runs the network on both images; only the first gets a gradient', () => {
    const weights = loadReference('uda/vgg19_tiny.safetensors');
    const vgg = new Vgg19Features({ widths: [4, 8, 16, 32, 32] });
    vgg.loadStateDict(new Map([...weights].filter(([k]) => k.startsWith('features.'))));
    const x = randn([2, 3, 32, 32], { requiresGrad: true });
    const y = randn([2, 3, 32, 32], { requiresGrad: true });
    const loss = vggLoss(vgg, x, y);
    const direct = perceptualLoss(vgg.forward(x, { grad: false }), vgg.forward(y, { grad: false }));
    expectRelClose(loss.item(), direct.item(), 1e-6);
    loss.backward();
    expect(x.grad!.abs().sum().item()).toBeGreaterThan(0);
    expect(y.grad).toBeNull();
    const [xd, yd] = [x.detach(), y.detach()];
    expectNoLeak(() => vggLoss(vgg, xd, yd));
    vgg.dispose();
  });
});

describe('edge loss', () => {
  test('Laplacian, mask and loss match seg_edge_loss with kornia 0.5.8', () => {
    const labels = get('edge.label');
    expectCloseToScale(laplacian5(labels.float().unsqueeze(1)), get('edge.laplacian'), 1e-6);
    const mask = labelEdgeMask(labels);
    expect(numbers(mask)).toEqual(numbers(get('edge.mask')));
    expect(mask.sum().item()).toBeGreaterThan(0);
    expect(mask.sum().item()).toBeLessThan(mask.numel());
    expectRelClose(edgeLoss(get('edge.rgb_out'), get('edge.rgb_in'), labels).item(), get('edge.expected').item());
  });

  test('by hand: a vertical step 0 → 5 between columns 2 and 3 of a 6×6 map', () => {
    const rows = Array.from({ length: 6 }, () => [0, 0, 0, 5, 5, 5]);
    const labels = tensor([rows], { dtype: 'int64' });
    const lap = numbers(laplacian5(labels.float().unsqueeze(1))).slice(0, 6);
    // lap = Σ over the 24 neighbours of (neighbour − centre) / 48, every row alike. Column 2
    // sees columns 3, 4 (ten taps of 5): 50/48; column 1 sees column 3 only: 25/48; columns 3
    // and 4 mirror that. Column 0's window reflects columns 1, 2 (both 0) to its left: 0.
    expect(lap[2]).toBeCloseTo(50 / 48, 6);
    expect(lap[3]).toBeCloseTo(-50 / 48, 6);
    expect(lap[1]).toBeCloseTo(25 / 48, 6);
    expect(lap[4]).toBeCloseTo(-25 / 48, 6);
    expect(lap[0]).toBe(0);
    expect(numbers(labelEdgeMask(labels, 1)).slice(0, 6)).toEqual([0, 1, 1, 1, 1, 0]);
  });

  test('the gradient reaches the translated image only on the mask', () => {
    const labels = get('edge.label');
    const out = get('edge.rgb_out').detach().requiresGrad_();
    edgeLoss(out, get('edge.rgb_in'), labels).backward();
    const mask = get('edge.mask');
    const g = out.grad as Tensor;
    expect(g.mul(mask.logicalNot()).abs().max().item()).toBe(0);
    expect(g.abs().gt(0).sum().item()).toBe(mask.sum().item());
    expect(() => edgeLoss(out, get('edge.rgb_in'), labels.slice(1, 0, 10))).toThrow(/labels must be/);
  });
});
