// The exported graph run by onnxruntime agrees with the native eval-mode forward, on one
// model file at two input sizes (so nothing is baked in for one size).
import { describe, expect, test } from 'vitest';
import { exportOnnx } from '../../src/export/onnx/index.js';
import { manualSeed, randn } from '../../src/tensor/index.js';
import { argmaxAgreement, randomModel, relativeError, runOrt, session } from './helpers.js';

const SIZES: Array<[number, number]> = [
  [64, 128],
  [96, 160],
];

describe.each(['tiny', 'hrnet18-small'])('%s exported to ONNX', (preset) => {
  test('main, aux and pixel_features agree within 1e-4 of their largest magnitude at two sizes', async () => {
    const model = randomModel(preset, 11);
    const s = await session(exportOnnx(model, { outputs: ['main', 'aux', 'features'] }));
    expect(s.inputNames).toEqual(['image']);
    expect(s.outputNames).toEqual(['main', 'aux', 'pixel_features']);
    manualSeed(12);
    for (const [h, w] of SIZES) {
      const x = randn([2, 3, h, w]);
      const ref = model.forward(x, { grad: false });
      const got = await runOrt(s, x);
      expect(got.main.shape).toEqual([2, model.classes, h / 4, w / 4]);
      expect(got.pixel_features.shape).toEqual([2, model.featureChannels, h / 4, w / 4]);
      expect(relativeError(got.main, ref.main), `main at ${h}x${w}`).toBeLessThan(1e-4);
      expect(relativeError(got.aux, ref.aux!), `aux at ${h}x${w}`).toBeLessThan(1e-4);
      expect(relativeError(got.pixel_features, ref.pixelFeatures), `pixel_features at ${h}x${w}`).toBeLessThan(1e-4);
      expect(argmaxAgreement(got.main, ref.main)).toBeGreaterThanOrEqual(0.9999);
    }
    await s.release();
    model.dispose();
  });
});

test('the default export declares main only, and sizes that are not multiples of 4 work', async () => {
  const model = randomModel('tiny', 13);
  const s = await session(exportOnnx(model));
  expect(s.outputNames).toEqual(['main']);
  manualSeed(14);
  const x = randn([1, 3, 50, 70]);
  const got = await runOrt(s, x);
  const ref = model.forward(x, { grad: false }).main;
  expect(got.main.shape).toEqual(ref.shape); // ceil(50 / 4) x ceil(70 / 4)
  expect(relativeError(got.main, ref)).toBeLessThan(1e-4);
  await s.release();
  model.dispose();
});

test('opset 21 exports run too', async () => {
  const model = randomModel('tiny', 15);
  const s = await session(exportOnnx(model, { opset: 21 }));
  manualSeed(16);
  const x = randn([1, 3, 32, 64]);
  expect(relativeError((await runOrt(s, x)).main, model.forward(x, { grad: false }).main)).toBeLessThan(1e-4);
  await s.release();
  model.dispose();
});
