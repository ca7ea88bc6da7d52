// The tiny DeepLabV2 against numbers computed by the published PyTorch code
// (fixtures uda/seg_tiny_state_dict, uda/seg_tiny_forward; float32 on CPU).
// Outputs and gradients must agree within 1e-4 of each tensor's largest
// magnitude (the fixture README's tolerance).
//
// Training mode draws a Dropout2d mask; the fixture records the one the
// reference drew (`train.dropout_keep`), and SegModel.setDropoutKeep hands it
// to the next training-mode forward, so the train outputs and gradients are
// compared as they are rather than only up to the dropout.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { SegModel, type SegOutputs } from '../../src/models/index.js';
import { manualSeed, noGrad, ones, type Tensor } from '../../src/tensor/index.js';
import { errorReport, fixturePath, readTensors } from './helpers.js';

const TOL = 1e-4;
const GRAD_PARAMS = ['layer0.0.weight', 'layer3.1.conv2.weight', 'final.conv2d_list.4.0.weight'];
const OUTPUTS: Array<[keyof SegOutputs, string]> = [
  ['lowLevel', 'layer2'],
  ['backbone', 'layer4'],
  ['main', 'logits'],
  ['pixelFeatures', 'features'],
];

function tinyModel(): SegModel {
  const model = new SegModel('deeplabv2-tiny');
  const report = model.loadStateDict(readSafetensors(fixturePath('uda/seg_tiny_state_dict.safetensors')).tensors);
  expect(report).toEqual({ missing: [], unexpected: [] });
  return model;
}

function expectWithin(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(errorReport(actual, expected).rel, what).toBeLessThanOrEqual(TOL);
}

const ref = readTensors('uda/seg_tiny_forward.safetensors');

describe('tiny deeplabv2 parity with the published code: eval mode', () => {
  let model: SegModel;
  let input: Tensor;
  let out: SegOutputs;

  beforeAll(() => {
    model = tinyModel().eval();
    input = ref.get('input')!.clone().requiresGrad_(true);
    out = model.forward(input);
    out.main.mul(ref.get('backward.weights')!).sum().backward();
  });
  afterAll(() => model.dispose());

  test('outputs at 1/8 with ceil-mode pooling (200x104 -> 26x14)', () => {
    expect(out.main.shape).toEqual([2, 19, 26, 14]);
    expect(out.aux).toBeUndefined();
    for (const [mine, key] of OUTPUTS) expectWithin(out[mine]!, ref.get(`eval.${key}`)!, `eval.${key}`);
  });

  test('gradients of sum(logits * weights) w.r.t. the input and three parameters', () => {
    expectWithin(input.grad!, ref.get('eval.grad.input')!, 'eval.grad.input');
    const params = model.namedParameters();
    for (const name of GRAD_PARAMS) expectWithin(params.get(name)!.grad!, ref.get(`eval.grad.${name}`)!, name);
  });

  test('eval mode leaves BatchNorm buffers alone and frozen parameters get no gradient', () => {
    const fresh = readTensors('uda/seg_tiny_state_dict.safetensors');
    for (const [name, t] of model.namedBuffers()) expect(errorReport(t, fresh.get(name)!).abs, name).toBe(0);
    let frozen = 0;
    for (const [name, p] of model.namedParameters()) {
      if (p.requiresGrad) continue;
      expect(p.grad ?? null, name).toBeNull();
      frozen++;
    }
    // Every backbone BatchNorm's weight and bias: stem, 3 per Bottleneck (8), 4 projections.
    expect(frozen).toBe(2 * (1 + 3 * 8 + 4));
  });
});

describe('tiny deeplabv2 parity with the published code: training mode', () => {
  let model: SegModel;
  let out: SegOutputs;

  beforeAll(() => {
    model = tinyModel().train();
    model.setDropoutKeep(ref.get('train.dropout_keep')!);
    out = model.forward(ref.get('input')!);
    out.main.mul(ref.get('backward.weights')!).sum().backward();
  });
  afterAll(() => model.dispose());

  test('outputs with BatchNorm batch statistics and the recorded Dropout2d mask', () => {
    for (const [mine, key] of OUTPUTS) expectWithin(out[mine]!, ref.get(`train.${key}`)!, `train.${key}`);
    // The mask acts as published: dropped channels are zero, kept ones scaled by float32(1 / 0.9).
    const keep = ref.get('train.dropout_keep')!;
    const scaled = ref.get('train.features_before_dropout')!.mul(keep).mul(Math.fround(1 / 0.9));
    expectWithin(out.pixelFeatures, scaled, 'features = before * keep / 0.9');
  });

  test('gradients of the same loss', () => {
    const params = model.namedParameters();
    for (const name of GRAD_PARAMS) expectWithin(params.get(name)!.grad!, ref.get(`train.grad.${name}`)!, name);
  });

  test('running statistics after one forward (momentum 0.1, unbiased variance)', () => {
    const buffers = model.namedBuffers();
    let n = 0;
    for (const [key, expected] of ref) {
      if (!key.startsWith('train.after.')) continue;
      const mine = buffers.get(key.slice('train.after.'.length))!;
      if (key.endsWith('num_batches_tracked')) expect(mine.item(), key).toBe(expected.item());
      else expectWithin(mine, expected, key);
      n++;
    }
    expect(n).toBe(buffers.size);
  });

  test('the mask is used once; a drawn one drops whole channels and scales the rest', () => {
    const m = tinyModel().train();
    const x = ref.get('input')!;
    manualSeed(3);
    noGrad(() => {
      const all = m.setDropoutKeep(ones([2, 16, 1, 1])).forward(x).pixelFeatures;
      const drawn = m.forward(x).pixelFeatures;
      // Batch statistics do not depend on the running ones, so both forwards see the same input to dropout.
      const perChannel = drawn.abs().amax([2, 3]);
      const kept = perChannel.gt(0);
      const dropped = kept.logicalNot().sum().item();
      expect(dropped).toBeGreaterThan(0);
      expect(dropped).toBeLessThan(16);
      expectWithin(drawn, all.mul(kept.float().reshape([2, 16, 1, 1])), 'drawn = all * kept');
    });
    expect(() => m.setDropoutKeep(ones([2, 16, 1, 1]).mul(0.5))).toThrow(/0 and 1/);
    m.setDropoutKeep(ones([1, 16, 1, 1]));
    expect(() => m.forward(x)).toThrow(/keep mask has shape \[1, 16, 1, 1\].*\[2, 16, 1, 1\]/);
    m.dispose();
  });
});
