import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRgb } from '../../src/data/writers.js';
import { NORMALISATION } from '../../src/data/normalise.js';
import { multiScaleLogits } from '../../src/inference/multiscale.js';
import { createPredictor, defaultScales } from '../../src/inference/predictor.js';
import { windowStarts } from '../../src/inference/sliding.js';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { fromBuffer, manualSeed, memory, noGrad, tidy } from '../../src/tensor/index.js';
import { expectCloseToScale } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-predictor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

manualSeed(5);
const trained = new SegModel('tiny');
saveWeights(dir, 'student', trained);
// A picture with structure: a gradient and a block.
const width = 96;
const height = 48;
const data = Buffer.alloc(width * height * 3);
for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x * 2, y * 5, x > 40 && y > 20 ? 250 : 30], (y * width + x) * 3);
const image = { data, width, height };

describe('createPredictor', () => {
  it('takes the model the weights record and fuses the published scales at the image size', async () => {
    const p = await createPredictor({ weights: dir, amp: 'off' });
    expect(p.model!.config).toEqual(trained.config);
    expect(defaultScales()).toEqual([1, 0.5]);
    const r = await p.predict(image);
    expect([r.width, r.height, r.trainIds.length]).toEqual([width, height, width * height]);
    // The same arithmetic by hand: eval mode, normalised input, max over 48×96 and 24×48.
    const expected = tidy(() => {
      trained.eval();
      const x = NORMALISATION.fromUint8Nhwc(fromBuffer(data, 'uint8', [1, height, width, 3]));
      return [...(noGrad(() => multiScaleLogits(trained, x, [[48, 96], [24, 48]], [48, 96])).argmax(1).to('uint8').toTypedArray() as Uint8Array)];
    });
    expect([...r.trainIds]).toEqual(expected);
    p.dispose();
  });

  it('gives the same answer for a path, encoded bytes and decoded pixels, and frees its tensors', async () => {
    const png = await encodeRgb(image, 'png');
    const file = join(dir, 'picture.png');
    writeFileSync(file, png);
    const before = memory().numTensors;
    const p = await createPredictor({ weights: join(dir, 'student.safetensors'), model: 'tiny', amp: 'off' });
    const a = await p.predict(file);
    const b = await p.predict(readFileSync(file));
    const c = await p.predict(image, { probs: true });
    expect([...a.trainIds]).toEqual([...c.trainIds]);
    expect([...b.trainIds]).toEqual([...c.trainIds]);
    expect(c.probs!.shape).toEqual([19, height, width]);
    tidy(() => expectCloseToScale(c.probs!.sum(0), c.probs!.sum(0).mul(0).add(1), 1e-5));
    c.probs!.dispose();
    p.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('flip averaging and sliding windows change only what they should', async () => {
    const plain = await createPredictor({ weights: dir, scales: [1], amp: 'off' });
    const flipped = await createPredictor({ weights: dir, scales: [1], flip: true, amp: 'off' });
    const whole = await createPredictor({ weights: dir, scales: [1], sliding: [64, 128], amp: 'off' });
    const windows = await createPredictor({ weights: dir, scales: [1], sliding: [32, 48], amp: 'off' });
    const larger = await createPredictor({ weights: dir, scales: [1], sliding: [512, 1024], amp: 'off' });
    const mirrored = { ...image, data: Buffer.alloc(data.length) };
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.copy(mirrored.data, (y * width + (width - 1 - x)) * 3, (y * width + x) * 3, (y * width + x) * 3 + 3);
    tidy(() => {
      // Flip averaging is symmetric: the mirrored image gets the mirrored logits.
      const l = flipped.logits([image]);
      const m = flipped.logits([mirrored]);
      expectCloseToScale(m, l.flip(3), 1e-5);
      // A window as large as the image is the whole image.
      expectCloseToScale(whole.logits([image]), plain.logits([image]), 1e-6);
      // A window larger than the image shrinks to it: one window, not a failure or a padded one.
      expectCloseToScale(larger.logits([image]), plain.logits([image]), 1e-6);
      expect(windows.logits([image]).shape).toEqual([1, 19, height, width]);
    });
    expect(windowStarts(48, 32, 22)).toEqual([0, 16]);
    expect(windowStarts(96, 48, 32)).toEqual([0, 32, 48]);
    expect(windowStarts(20, 32, 22)).toEqual([0]);
    for (const p of [plain, flipped, whole, windows, larger]) p.dispose();
  });

  it('says what is wrong with its options', async () => {
    await expect(createPredictor({ weights: join(dir, 'absent') })).rejects.toThrow('the weights');
    await expect(createPredictor({ weights: dir, scales: [0] })).rejects.toThrow('scales must be factors in (0, 8]');
    await expect(createPredictor({ weights: dir, sliding: [0, 0] })).rejects.toThrow('sliding windows must be at least 32x32 pixels, got 0x0');
    await expect(createPredictor({ weights: dir, device: 'gpu3' })).rejects.toThrow(/gpu3/);
    await expect(createPredictor({ weights: dir, model: 'hrnet18-small' })).rejects.toThrow('does not fit the model --model hrnet18-small');
  });
});

describe('createPredictor with adaptation weights', () => {
  it('a 16-class DeepLabV2 gets the SYNTHIA label set and BGR input; the published .pth is told by its state dict', async () => {
    manualSeed(6);
    const net = new SegModel('deeplabv2-tiny-c16');
    const ours = join(dir, 'synthia');
    saveWeights(ours, 'student', net);
    const p = await createPredictor({ weights: ours, amp: 'off' });
    expect(p.labels.name).toBe('cityscapes-16');
    const r = await p.predict(image);
    // The same arithmetic by hand, with the image in BGR order.
    const expected = tidy(() => {
      net.eval();
      const x = NORMALISATION.fromUint8Nhwc(fromBuffer(data, 'uint8', [1, height, width, 3]), 'bgr');
      return [...(noGrad(() => multiScaleLogits(net, x, [[48, 96], [24, 48]], [48, 96])).argmax(1).to('uint8').toTypedArray() as Uint8Array)];
    });
    expect(r.trainIds.reduce((n, v, i) => n + (v === expected[i] ? 1 : 0), 0) / expected.length).toBeGreaterThan(0.999);
    p.dispose();
    // A .pth without our metadata: the full-size preset its head's shape names.
    const { modelOfWeights } = await import('../../src/models/weights-model.js');
    const pth = join(dir, 'published');
    saveWeights(pth, 'student', net, {}, 'pth');
    expect(modelOfWeights(join(pth, 'student.pth'))).toEqual({ family: 'deeplabv2', classes: 16, preset: 'deeplabv2-c16' });
    net.dispose();
  });
});
