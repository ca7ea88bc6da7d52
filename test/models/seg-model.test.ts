import { describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { SegModel } from '../../src/models/index.js';
import { createNativeModel } from '../../src/models/native-model.js';
import { PRESETS, type ModelConfig } from '../../src/models/index.js';
import * as t from '../../src/tensor/index.js';
import { fixturePath, maxRelativeError } from './helpers.js';

function loadedTiny(): SegModel {
  const model = new SegModel('tiny');
  model.loadStateDict(readSafetensors(fixturePath('tiny_state_dict.safetensors')).tensors);
  return model;
}

describe('SegModel', () => {
  test('initialisation: backbone convs N(0, 0.001), BN weight 1 / bias 0, OCR convs PyTorch default', () => {
    t.manualSeed(0);
    const sd = new SegModel('tiny').stateDict();
    const w = sd.get('hrnet.stage4.0.branches.3.0.conv1.weight')!; // 64*64*9 values
    expect(Math.abs(w.mean().item())).toBeLessThan(1e-4);
    expect(w.std().item()).toBeGreaterThan(0.00095);
    expect(w.std().item()).toBeLessThan(0.00105);
    const norms = [...sd.keys()].filter((n) => n.endsWith('.running_mean')).map((n) => n.slice(0, -'running_mean'.length));
    expect(norms.length).toBe(62);
    for (const prefix of norms) {
      expect(sd.get(`${prefix}weight`)!.eq(1).all().item(), prefix).toBe(1);
      expect(sd.get(`${prefix}bias`)!.eq(0).all().item(), prefix).toBe(1);
    }
    // Kaiming-uniform(a = sqrt 5): bound 1 / sqrt(fan_in), fan_in = 120 * 3 * 3.
    const ocr = sd.get('ocrnet.pixel_representations.0.weight')!;
    const bound = 1 / Math.sqrt(120 * 9);
    expect(ocr.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(ocr.abs().max().item()).toBeGreaterThan(0.9 * bound);
  });

  test('train / eval: dropout and batch statistics only in training', () => {
    const model = loadedTiny();
    t.manualSeed(3);
    const x = t.randn([2, 3, 64, 64]);
    expect(model.eval().training).toBe(false);
    const a = model.forward(x, { grad: false }).pixelFeatures;
    const b = model.forward(x, { grad: false }).pixelFeatures;
    expect(a.sub(b).abs().max().item()).toBe(0);

    const counter = model.stateDict().get('hrnet.bn1.num_batches_tracked')!;
    const before = counter.item();
    expect(model.train().training).toBe(true);
    const c = model.forward(x, { grad: false }).pixelFeatures;
    const d = model.forward(x, { grad: false }).pixelFeatures;
    expect(c.sub(d).abs().max().item()).toBeGreaterThan(0);
    expect(counter.item()).toBe(before + 2);
  });

  test('forward follows the grad option and the grad mode', () => {
    const model = new SegModel('tiny').eval();
    const x = t.randn([1, 3, 32, 32]);
    expect(model.forward(x).main.requiresGrad).toBe(true);
    expect(model.forward(x, { grad: false }).main.requiresGrad).toBe(false);
    expect(t.noGrad(() => model.forward(x).main.requiresGrad)).toBe(false);
  });

  test('outputs are at 1/4 resolution for sizes that are not multiples of 32', () => {
    const model = new SegModel('tiny').eval();
    const out = model.forward(t.randn([1, 3, 36, 52]), { grad: false });
    expect(out.main.shape).toEqual([1, 19, 9, 13]);
    expect(out.backbone.shape).toEqual([1, 120, 9, 13]);
  });

  test('state-dict tensors are the module own: in-place changes act on the model', () => {
    const model = new SegModel('tiny').eval();
    t.noGrad(() => {
      model.stateDict().get('ocrnet.segmentation_classes.0.weight')!.zero_();
      model.stateDict().get('ocrnet.segmentation_classes.0.bias')!.fill_(2);
    });
    const main = model.forward(t.randn([1, 3, 32, 32]), { grad: false }).main;
    expect(main.sub(2).abs().max().item()).toBe(0);
    expect(model.stateDict().get('hrnet.conv1.weight')).toBe(model.namedParameters().get('hrnet.conv1.weight'));
  });

  test('loadStateDict names missing, unexpected and mis-shaped entries and copies nothing then', () => {
    const model = new SegModel('tiny');
    const reference = readSafetensors(fixturePath('tiny_state_dict.safetensors')).tensors;
    const before = model.stateDict().get('hrnet.conv1.weight')!.clone();

    const broken = new Map(reference);
    broken.delete('hrnet.bn1.running_var');
    broken.set('hrnet.extra.weight', reference.get('hrnet.conv1.weight')!);
    expect(() => model.loadStateDict(broken)).toThrow(
      /1 missing key: hrnet\.bn1\.running_var; 1 unexpected key: hrnet\.extra\.weight.*strict: false/,
    );
    expect(model.stateDict().get('hrnet.conv1.weight')!.sub(before).abs().max().item()).toBe(0);

    const report = model.loadStateDict(broken, { strict: false });
    expect(report).toEqual({ missing: ['hrnet.bn1.running_var'], unexpected: ['hrnet.extra.weight'] });
    expect(model.stateDict().get('hrnet.conv1.weight')!.sub(before).abs().max().item()).toBeGreaterThan(0);

    const wrongShape = new Map(reference);
    wrongShape.set('ocrnet.value.0.weight', reference.get('ocrnet.ocr_up.0.weight')!);
    expect(() => model.loadStateDict(wrongShape, { strict: false })).toThrow(
      /shape mismatch.*ocrnet\.value\.0\.weight: checkpoint \[32, 16, 1, 1\], model \[16, 32, 1, 1\]/,
    );
    expect(() => new SegModel('hrnet18-small').loadStateDict(reference)).toThrow(/shape mismatch/);
  });

  test('loadStateDict takes Tensors and converts dtype', () => {
    const src = loadedTiny();
    const dst = new SegModel('tiny');
    const doubled = new Map([...src.stateDict()].map(([k, v]) => [k, v.dtype === 'float32' ? v.double() : v]));
    dst.loadStateDict(doubled);
    const w = dst.stateDict().get('ocrnet.augmented_rep.0.weight')!;
    expect(w.dtype).toBe('float32');
    expect(w.sub(src.stateDict().get('ocrnet.augmented_rep.0.weight')!).abs().max().item()).toBe(0);
  });

  test('copyParametersFrom copies parameters, buffers only when asked', () => {
    const student = loadedTiny();
    const teacher = new SegModel('tiny');
    teacher.copyParametersFrom(student);
    const s = student.stateDict();
    const tt = teacher.stateDict();
    expect(tt.get('hrnet.conv1.weight')!.sub(s.get('hrnet.conv1.weight')!).abs().max().item()).toBe(0);
    expect(tt.get('hrnet.bn1.running_var')!.sub(s.get('hrnet.bn1.running_var')!).abs().max().item()).toBeGreaterThan(0);
    teacher.copyParametersFrom(student, { buffers: true });
    expect(tt.get('hrnet.bn1.running_var')!.sub(s.get('hrnet.bn1.running_var')!).abs().max().item()).toBe(0);
    expect(() => teacher.copyParametersFrom(new SegModel('hrnet18-small'))).toThrow(/models differ/);
  });

  test('channels-last weights give the same outputs', () => {
    const model = loadedTiny().eval();
    const x = t.randn([1, 3, 64, 64]);
    const plain = model.forward(x, { grad: false }).backbone;
    const w = model.stateDict().get('hrnet.conv1.weight')!;
    model.channelsLast();
    expect(w.isContiguous()).toBe(false); // the handed-out tensor follows the new layout
    const last = model.forward(x.channelsLast(), { grad: false }).backbone;
    expect(maxRelativeError(last, plain)).toBeLessThan(1e-5);
  });

  test('bad inputs raise errors that say what is wrong', () => {
    const model = new SegModel('tiny');
    expect(() => model.forward(t.randn([1, 4, 32, 32]))).toThrow(/N x 3 x H x W.*\[1, 4, 32, 32\]/);
    expect(() => model.forward(t.randn([3, 32, 32]))).toThrow(/N x 3 x H x W/);
    expect(() => model.forward(t.randn([1, 3, 32, 32], { dtype: 'float64' }))).toThrow(/input is Double on cpu but the model's weights are Float/);
    expect(() => model.forward(t.randn([0, 3, 32, 32]))).toThrow(/input is empty/);
    const gone = t.randn([1, 3, 32, 32]);
    gone.dispose();
    expect(() => model.forward(gone)).toThrow(/disposed/);
    expect(() => model.to('gpu7')).toThrow();
    expect(model.stateDict().get('hrnet.conv1.weight')!.device).toBe('cpu');
  });

  test('the native constructor checks every config field', () => {
    const bad = (patch: Record<string, unknown>): ModelConfig => ({ ...PRESETS.tiny, ...patch }) as ModelConfig;
    expect(() => createNativeModel('Model', bad({ widths: [8, 16] }))).toThrow(/'widths' must be an array of 4 integers/);
    expect(() => createNativeModel('Model', bad({ blocks: Number.POSITIVE_INFINITY }))).toThrow(/'blocks' must be an integer/);
    expect(() => createNativeModel('Model', bad({ keyChannels: '16' }))).toThrow(/'keyChannels' must be an integer, got the string '16'/);
    expect(() => createNativeModel('Model', bad({ pixelChannels: 0 }))).toThrow(/pixelChannels must be an integer in 1\.\.8192, got 0/);
    expect(() => createNativeModel('Model', null as unknown as ModelConfig)).toThrow(/config must be an object/);
    // Refused from the config alone, before any memory is taken.
    expect(() => createNativeModel('Model', bad({ widths: [4096, 4096, 4096, 4096], blocks: 64 }))).toThrow(
      /describes \d+ parameters, more than the limit of 1000000000/,
    );
  });

  test('unusual but valid configurations build and run', () => {
    // Stage 1 keeps its width (no downsample); uneven modules; 5 classes.
    const config: ModelConfig = {
      stemWidth: 8, stage1Width: 2, stage1Blocks: 2, widths: [4, 6, 10, 12], blocks: 2,
      modules: [2, 1, 2], pixelChannels: 12, keyChannels: 6, classes: 5,
    };
    const model = new SegModel(config).eval();
    expect(model.stateDict().has('hrnet.stage1.0.downsample.0.weight')).toBe(false);
    expect(model.stateDict().has('hrnet.stage4.1.fuse_layers.3.0.2.0.weight')).toBe(true);
    const out = model.forward(t.randn([2, 3, 32, 48]), { grad: false });
    expect(out.backbone.shape).toEqual([2, 32, 8, 12]);
    expect(out.aux!.shape).toEqual([2, 5, 8, 12]);
    expect(out.pixelFeatures.shape).toEqual([2, 12, 8, 12]);
  });
});
