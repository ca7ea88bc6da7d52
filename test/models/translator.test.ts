// The image translator's networks against the published ImgEncoder, ImgDecoder
// and Discriminator (fixtures uda/translator_layout, uda/translator_tiny;
// float32 on CPU): state-dict layouts at the published sizes, and the tiny
// networks' outputs, LSGAN terms and gradients within the fixture README's
// tolerances (1e-4 of each tensor's largest magnitude; losses 1e-5 relative).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import type { RawTensor } from '../../src/checkpoint/raw.js';
import { Discriminator, ImageDecoder, ImageEncoder, TRANSLATOR_PRESETS, type NativeNet } from '../../src/models/index.js';
import type { Tensor } from '../../src/tensor/index.js';
import { errorReport, fixturePath, readTensors } from './helpers.js';

interface NetLayout {
  keys: Array<[string, number[], string]>;
  num_parameters: number;
}

const layout = JSON.parse(readFileSync(fixturePath('uda/translator_layout.json'), 'utf8')) as Record<'enc' | 'dec' | 'dis', NetLayout>;

function layoutOf(net: NativeNet): Array<[string, number[], string]> {
  return [...net.stateDict()].map(([name, t]) => [name, t.shape, `torch.${t.dtype}`]);
}

/** The fixture's `<prefix>.*` weights, without the prefix. */
function weights(prefix: string): Map<string, RawTensor> {
  const all = readSafetensors(fixturePath('uda/translator_tiny.safetensors')).tensors;
  return new Map([...all].filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, v]) => [k.slice(prefix.length + 1), v]));
}

function expectWithin(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(errorReport(actual, expected).rel, what).toBeLessThanOrEqual(1e-4);
}

describe('translator networks: published layouts', () => {
  const p = TRANSLATOR_PRESETS.published;
  for (const [key, make] of [
    ['enc', () => new ImageEncoder(p.encoder)],
    ['dec', () => new ImageDecoder(p.decoder)],
    ['dis', () => new Discriminator(p.discriminator)],
  ] as const) {
    test(`${key}: names, shapes, order and parameter count`, () => {
      const net = make();
      expect(layoutOf(net)).toEqual(layout[key].keys);
      expect(net.numParameters()).toBe(layout[key].num_parameters);
      expect(net.namedBuffers().size).toBe(0);
      net.dispose();
    });
  }

  test('configs are checked field by field', () => {
    expect(() => new ImageEncoder({ ...p.encoder, dim: 0 })).toThrow(/invalid encoder config: dim/);
    expect(() => new ImageDecoder({ ...p.decoder, dim: 250 })).toThrow(/dim 250 must be divisible by 2\^resample \(4\)/);
    expect(() => new Discriminator({ ...p.discriminator, scales: 1.5 })).toThrow(/invalid discriminator config: scales/);
  });
});

describe('tiny translator parity with the published code', () => {
  const ref = readTensors('uda/translator_tiny.safetensors');
  const tiny = TRANSLATOR_PRESETS.tiny;
  let enc: ImageEncoder;
  let dec: ImageDecoder;
  let dis: Discriminator;
  let source: Tensor;
  let code: Tensor;
  let image: Tensor;

  beforeAll(() => {
    enc = new ImageEncoder(tiny.encoder);
    dec = new ImageDecoder(tiny.decoder);
    dis = new Discriminator(tiny.discriminator);
    for (const [net, prefix] of [[enc, 'enc'], [dec, 'dec'], [dis, 'dis']] as const) {
      expect(net.loadStateDict(weights(prefix))).toEqual({ missing: [], unexpected: [] });
    }
    source = ref.get('input.source')!.clone().requiresGrad_(true);
    code = enc.forward(source);
    image = dec.forward(code);
    image.mul(ref.get('backward.weights')!).sum().backward();
  });
  afterAll(() => [enc, dec, dis].forEach((n) => n.dispose()));

  test('encoder and decoder outputs', () => {
    expectWithin(code, ref.get('out.enc')!, 'out.enc');
    expectWithin(image, ref.get('out.dec')!, 'out.dec');
  });

  test('discriminator scores at three scales, and the LSGAN terms on them', () => {
    const real = dis.forward(ref.get('input.target')!, { grad: false });
    const fake = dis.forward(image.detach(), { grad: false });
    expect(real.map((t) => t.shape)).toEqual([[2, 1, 4, 4], [2, 1, 2, 2], [2, 1, 1, 1]]);
    for (let i = 0; i < 3; i++) {
      expectWithin(real[i], ref.get(`out.dis_real.${i}`)!, `out.dis_real.${i}`);
      expectWithin(fake[i], ref.get(`out.dis_fake.${i}`)!, `out.dis_fake.${i}`);
    }
    // The translator stage's formulas: d = Σ mean((real − 1)²) + mean(fake²), g = Σ mean((fake − 1)²).
    let d = 0;
    let g = 0;
    for (let i = 0; i < 3; i++) {
      d += real[i].sub(1).square().mean().item() + fake[i].square().mean().item();
      g += fake[i].sub(1).square().mean().item();
    }
    expect(Math.abs(d - ref.get('lsgan.d')!.item())).toBeLessThanOrEqual(1e-5 * Math.abs(ref.get('lsgan.d')!.item()));
    expect(Math.abs(g - ref.get('lsgan.g')!.item())).toBeLessThanOrEqual(1e-5 * Math.abs(ref.get('lsgan.g')!.item()));
  });

  test('gradients of sum(decoded * weights) w.r.t. the input and two parameters', () => {
    expectWithin(source.grad!, ref.get('grad.input')!, 'grad.input');
    expectWithin(enc.namedParameters().get('model.0.conv.weight')!.grad!, ref.get('grad.enc.model.0.conv.weight')!, 'enc');
    expectWithin(dec.namedParameters().get('model.0.model.3.model.1.conv.weight')!.grad!, ref.get('grad.dec.model.0.model.3.model.1.conv.weight')!, 'dec');
  });

  test('the discriminator is differentiable w.r.t. its input (the generator step)', () => {
    const x = image.detach().requiresGrad_(true);
    const scores = dis.forward(x);
    scores.reduce((s, t) => s.add(t.sub(1).square().mean()), scores[0].mul(0).sum()).backward();
    expect(x.grad!.abs().sum().item()).toBeGreaterThan(0);
  });
});
