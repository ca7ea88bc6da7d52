import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writePth } from '../../src/checkpoint/index.js';
import type { RawStateDict } from '../../src/checkpoint/raw.js';
import { tensorToRaw } from '../../src/checkpoint/tensors.js';
import { SegModel } from '../../src/models/index.js';
import { loadPretrainedBackbone } from '../../src/models/hrnet-ocr/pretrained.js';
import { manualSeed, randn } from '../../src/tensor/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-pretrained-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OCR = 'ocrnet.pixel_representations.0.weight';

/** An "ImageNet" checkpoint: the backbone under other names, no BN counters, a classifier after it. */
function imagenetLike(model: SegModel, file: string): void {
  const d: RawStateDict = new Map();
  for (const [k, t] of model.stateDict()) {
    if (k.startsWith('hrnet.') && !k.endsWith('num_batches_tracked')) d.set(k.replace('hrnet.', '').replace('stage1.', 'layer1.'), tensorToRaw(t));
  }
  d.set('classifier.weight', tensorToRaw(randn([1000, 2048])));
  d.set('classifier.bias', tensorToRaw(randn([1000])));
  writePth(file, d);
}

describe('ImageNet-pretrained backbone', () => {
  test('maps entries by position onto hrnet.* and leaves the OCR head alone', () => {
    manualSeed(1);
    const source = new SegModel('tiny');
    const file = join(dir, 'imagenet.pth');
    imagenetLike(source, file);
    const model = new SegModel('tiny');
    const ocrBefore = model.stateDict().get(OCR)!.clone();
    const n = loadPretrainedBackbone(model, file);
    const mine = model.stateDict();
    const theirs = source.stateDict();
    const backbone = [...mine.keys()].filter((k) => k.startsWith('hrnet.') && !k.endsWith('num_batches_tracked'));
    expect(n).toBe(backbone.length);
    for (const k of backbone) expect(mine.get(k)!.sub(theirs.get(k)!).abs().max().item(), k).toBe(0);
    expect(mine.get(OCR)!.sub(ocrBefore).abs().max().item()).toBe(0);
  });

  test('refuses a checkpoint whose shapes do not agree, and loads nothing', () => {
    const file = join(dir, 'wrong.pth');
    imagenetLike(new SegModel('hrnet18-small'), file);
    const model = new SegModel('tiny');
    const before = model.stateDict().get('hrnet.conv1.weight')!.clone();
    expect(() => loadPretrainedBackbone(model, file)).toThrow(
      /does not fit the backbone: entry 0 'conv1.weight' has shape \[32, 3, 3, 3\] but 'hrnet.conv1.weight' needs \[16, 3, 3, 3\]; nothing was loaded/,
    );
    expect(model.stateDict().get('hrnet.conv1.weight')!.sub(before).abs().max().item()).toBe(0);
  });

  test('refuses a checkpoint with too few tensors', () => {
    const file = join(dir, 'short.pth');
    writePth(file, new Map([['conv1.weight', tensorToRaw(randn([16, 3, 3, 3]))]]));
    expect(() => loadPretrainedBackbone(new SegModel('tiny'), file)).toThrow(/has 1 tensor, fewer than/);
  });
});
