// The VGG19 feature extractor: torchvision's names and sizes at full width, and
// a narrow stack against plain PyTorch (fixture uda/vgg19_tiny, written by
// scripts/fixtures/vgg19_tiny.py) within 1e-4 of each tensor's largest magnitude.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { saveTensors } from '../../src/checkpoint/tensors.js';
import { Vgg19Features } from '../../src/models/index.js';
import { randn, type Tensor } from '../../src/tensor/index.js';
import { errorReport, readTensors } from './helpers.js';

const TINY = { widths: [4, 8, 16, 32, 32] } as const;
const CONVS = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28];
const dir = mkdtempSync(join(tmpdir(), 'diga-vgg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectWithin(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(errorReport(actual, expected).rel, what).toBeLessThanOrEqual(1e-4);
}

describe('VGG19 features', () => {
  test('torchvision names and sizes up to relu5_1; weights fixed', () => {
    const vgg = new Vgg19Features();
    expect([...vgg.stateDict().keys()]).toEqual(CONVS.flatMap((i) => [`features.${i}.weight`, `features.${i}.bias`]));
    expect(vgg.numParameters()).toBe(12_944_960);
    expect(vgg.trainableParameters().size).toBe(0);
    vgg.dispose();
  });

  test('activations after relu1_1 … relu5_1 and the input gradient match PyTorch', () => {
    const ref = readTensors('uda/vgg19_tiny.safetensors');
    const vgg = new Vgg19Features(TINY);
    vgg.loadStateDict(new Map([...ref].filter(([k]) => k.startsWith('features.'))));
    const x = ref.get('input')!.clone().requiresGrad_(true);
    const out = vgg.forward(x);
    expect(out.length).toBe(5);
    out.forEach((o, i) => expectWithin(o, ref.get(`out.${i}`)!, `out.${i}`));
    out[4].mul(ref.get('backward.weights')!).sum().backward();
    expectWithin(x.grad!, ref.get('grad.input')!, 'grad.input');
    vgg.dispose();
  });

  test('loadTorchvision takes the features from a full checkpoint and reports the rest', () => {
    const ref = readTensors('uda/vgg19_tiny.safetensors');
    const file = new Map([...ref].filter(([k]) => k.startsWith('features.')));
    file.set('features.30.weight', randn([32, 32, 3, 3]));
    file.set('classifier.0.weight', randn([8, 32]));
    const path = join(dir, 'vgg19.pth');
    saveTensors(path, file);
    const vgg = new Vgg19Features(TINY);
    expect(vgg.loadTorchvision(path)).toEqual({ loaded: 26, ignored: ['features.30.weight', 'classifier.0.weight'] });
    expect(errorReport(vgg.stateDict().get('features.28.bias')!, ref.get('features.28.bias')!).abs).toBe(0);
    file.delete('features.0.bias');
    saveTensors(path, file);
    expect(() => vgg.loadTorchvision(path)).toThrow(/not a VGG19 checkpoint.*1 of its 26 entries is missing \(features\.0\.bias/);
    vgg.dispose();
  });
});
