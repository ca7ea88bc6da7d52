// Loading the published DeepLab ResNet initialisation into a deeplabv2 model:
// the file's key scheme (one leading component, conv1/bn1 for the stem, the old
// classifier as layer5) checked on a generated .pth in that scheme, since the
// real file is not part of the repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { saveTensors } from '../../src/checkpoint/tensors.js';
import { deepLabInitName, loadDeepLabInit, SegModel } from '../../src/models/index.js';
import { manualSeed, randn, type Tensor } from '../../src/tensor/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-deeplab-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The published init file's name for one of our backbone entries. */
function initKey(name: string): string {
  const stem = name.replace(/^layer0\.0\./, 'conv1.').replace(/^layer0\.1\./, 'bn1.');
  return `Scale.${stem}`;
}

function maxDiff(a: Tensor, b: Tensor): number {
  return a.double().sub(b.double()).abs().max().item();
}

describe('the DeepLab ResNet init checkpoint', () => {
  test('names map as the published loader maps them', () => {
    expect(deepLabInitName('Scale.conv1.weight')).toBe('layer0.0.weight');
    expect(deepLabInitName('Scale.bn1.running_var')).toBe('layer0.1.running_var');
    expect(deepLabInitName('Scale.layer3.22.bn2.weight')).toBe('layer3.22.bn2.weight');
    expect(deepLabInitName('Scale.layer1.0.downsample.1.running_mean')).toBe('layer1.0.downsample.1.running_mean');
    expect(deepLabInitName('Scale.layer5.conv2d_list.0.weight')).toBeUndefined();
    expect(deepLabInitName('conv1.weight')).toBeUndefined();
  });

  test('a file in the published scheme loads the backbone and leaves the head', () => {
    manualSeed(5);
    const source = new SegModel('deeplabv2-tiny');
    const file = new Map<string, Tensor>();
    for (const [name, t] of source.stateDict()) {
      if (name.startsWith('final.') || name.endsWith('num_batches_tracked')) continue;
      // Distinct values per entry, so that a swapped mapping shows.
      file.set(initKey(name), t.shape.length === 0 ? t.clone() : randn(t.shape));
    }
    file.set('Scale.layer5.conv2d_list.0.weight', randn([19, 128, 3, 3]));
    file.set('Scale.layer5.conv2d_list.0.bias', randn([19]));
    const path = join(dir, 'DeepLab_resnet_pretrained_init.pth');
    saveTensors(path, file);

    const model = new SegModel('deeplabv2-tiny');
    const headBefore = new Map([...model.stateDict()].filter(([k]) => k.startsWith('final.')).map(([k, t]) => [k, t.clone()]));
    const report = loadDeepLabInit(model, path);
    expect(report.loaded).toBe(file.size - 2);
    expect(report.ignored.sort()).toEqual(['Scale.layer5.conv2d_list.0.bias', 'Scale.layer5.conv2d_list.0.weight']);
    for (const [name, t] of model.stateDict()) {
      if (name.endsWith('num_batches_tracked')) continue;
      const expected = name.startsWith('final.') ? headBefore.get(name)! : file.get(initKey(name))!;
      expect(maxDiff(t, expected), name).toBe(0);
    }
    source.dispose();
    model.dispose();
  });

  test('a file that is not the init checkpoint is refused and nothing is loaded', () => {
    const model = new SegModel('deeplabv2-tiny');
    const before = model.stateDict().get('layer0.0.weight')!.clone();
    // Our own state dict: no leading component to drop, so the stem is not found.
    const own = join(dir, 'own.pth');
    saveTensors(own, model.stateDict());
    expect(() => loadDeepLabInit(model, own)).toThrow(/does not hold the DeepLab ResNet backbone.*missing.*Scale\.conv1\.weight/);
    // The right keys at the wrong widths.
    const wide = new SegModel({ ...model.config, widths: [8, 8, 16, 32] } as never);
    const file = new Map([...wide.stateDict()].filter(([k]) => !k.startsWith('final.')).map(([k, t]) => [initKey(k), t]));
    const wrong = join(dir, 'wrong.pth');
    saveTensors(wrong, file);
    expect(() => loadDeepLabInit(model, wrong)).toThrow(/does not fit the backbone: 'layer1\.0\.conv1\.weight' has shape \[8, 4, 1, 1\] in the file but \[4, 4, 1, 1\]/);
    expect(maxDiff(model.stateDict().get('layer0.0.weight')!, before)).toBe(0);
    expect(() => loadDeepLabInit(new SegModel('tiny'), own)).toThrow(/hrnet-ocr network, not deeplabv2/);
    wide.dispose();
    model.dispose();
  });
});
