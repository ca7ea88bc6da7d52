// `diga predict` end to end: the outputs a user asks for, the Cityscapes label ids,
// a corrupt image skipped by name, another run's outputs left alone, and float32 labels
// that are what `diga evaluate` scores.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { runConfigFrom } from '../../src/cli/options.js';
import { readImage, readLabel } from '../../src/data/images.js';
import { openDataset } from '../../src/engine/datasets.js';
import { predictShare } from '../../src/inference/predict.js';
import { CITYSCAPES_19 } from '../../src/labels/index.js';
import { SegModel } from '../../src/models/index.js';
import { loadWeights, saveWeights } from '../../src/models/weights.js';
import { randomModel } from '../export/helpers.js';
import { diga, faultFiles, haveBuild, runConfig } from '../faults/helpers.js';

const files = faultFiles('predict');

describe.skipIf(!haveBuild)('diga predict', () => {
  test('writes every kind of output, mirroring the input tree, and skips a corrupt image', async () => {
    const weights = join(files.root, 'weights');
    const model = new SegModel('tiny');
    saveWeights(weights, 'student', model);
    model.dispose();
    const images = join(files.root, 'images');
    mkdirSync(join(images, 'street'), { recursive: true });
    const source = join(files.data, 'leftImg8bit', 'val', 'westholm', 'westholm_000000_000019_leftImg8bit.png');
    copyFileSync(source, join(images, 'street', 'a_leftImg8bit.png'));
    copyFileSync(source, join(images, 'b.png'));
    writeFileSync(join(images, 'broken.png'), readFileSync(source).subarray(0, 200));
    const out = join(files.root, 'out');
    const args = ['predict', images, '--weight-dir', weights, '--out', out, '--save', 'train-ids,color,overlay,label-ids,probs', '--no-progress'];
    const r = await diga(args);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toContain('predicted 2 images');
    expect(r.out).toMatch(/skipped 1:\n {2}.*broken\.png: image .*broken\.png cannot be decoded/);

    const trainIds = await readLabel(join(out, 'train-ids', 'street', 'a_leftImg8bit.png'), 'trainIds');
    const labelIds = await readLabel(join(out, 'label-ids', 'street', 'a_leftImg8bit.png'), 'labelIds');
    // Label ids read back through the Cityscapes table give the train ids again.
    expect([...labelIds.data]).toEqual([...trainIds.data]);
    expect(trainIds.data.every((v) => v < 19)).toBe(true);
    const colour = await readLabel(join(out, 'color', 'b.png'), 'trainIds');
    expect([...colour.data]).toEqual([...trainIds.data]);
    expect((await readImage(join(out, 'overlay', 'b.jpg'))).width).toBe(128);
    const probs = readSafetensors(join(out, 'probs', 'b.safetensors'));
    expect(probs.tensors.get('probs')).toMatchObject({ dtype: 'float16', shape: [19, 64, 128] });
    expect(JSON.parse(probs.metadata.classes)).toEqual(CITYSCAPES_19.classNames);
    expect(existsSync(join(out, 'color', 'broken.png'))).toBe(false);

    // A second run into the same folder is refused, naming a file it would replace.
    const again = await diga(args);
    expect(again.code).toBe(1);
    expect(again.err).toContain('outputs already exist (first: ');
    expect(again.err).toContain('--overwrite');
  });

  test("computes in float32 unless told otherwise, says so, and writes the label ids evaluate's loop predicts", async () => {
    const weights = join(files.root, 'fp32-weights');
    // Weights far from their initial ones: several classes, and about 1 % of pixels that bf16 labels otherwise.
    const model = randomModel('tiny', 4);
    saveWeights(weights, 'student', model);
    model.dispose();
    const out = join(files.root, 'fp32-out');
    // The val images, by their list, so the outputs are named as evaluate's batches are.
    const list = ['--list', join(files.data, 'lists', 'val.txt'), '--root', join(files.data, 'leftImg8bit', 'val')];
    const r = await diga(['predict', ...list, '--weight-dir', weights, '--out', out, '--save', 'label-ids', '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^predicted 4 images in .* with .* in float32; outputs in /);
    const bf16Out = join(files.root, 'bf16-out');
    const bf16 = await diga(['predict', ...list, '--weight-dir', weights, '--out', bf16Out, '--save', 'label-ids', '--amp', 'bf16', '--no-progress']);
    expect(bf16.code, bf16.err).toBe(0);
    expect(bf16.out).toContain(' in bf16 autocast; outputs in ');

    // evaluate's config as its command line resolves it (no --amp), at predict's scales: 64×128 and 32×64.
    const cfg = runConfigFrom('evaluate', { config: runConfig(files.root, files.data, 'fp32-evaluate').file, weightDir: weights });
    expect(cfg.amp).toBe('auto');
    const val = await openDataset(cfg, 'val');
    const net = new SegModel('tiny');
    loadWeights(weights, 'student', net);
    let compared = 0;
    let differ = 0;
    try {
      await predictShare(net, val, cfg, null, val.entries.length, async ({ batch, pred }) => {
        for (let i = 0; i < batch.n; i++) {
          const expected = [...(pred.select(0, i).to('uint8').toTypedArray() as Uint8Array)];
          // Read back through the Cityscapes table: label ids to train ids, one to one.
          const written = await readLabel(join(out, 'label-ids', batch.names[i]), 'labelIds');
          expect([...written.data]).toEqual(expected);
          const inBf16 = await readLabel(join(bf16Out, 'label-ids', batch.names[i]), 'labelIds');
          differ += inBf16.data.filter((v, k) => v !== expected[k]).length;
          compared++;
        }
      });
    } finally {
      net.dispose();
    }
    expect(compared).toBe(4);
    // What --amp bf16 costs here; were it nothing, this test could not tell the precisions apart.
    expect(differ).toBeGreaterThan(0);
  });

  test('bad flags are named', async () => {
    const r = await diga(['predict', 'nowhere.png', '--weight-dir', join(files.root, 'weights'), '--out', join(files.root, 'o')]);
    expect(r.err).toContain('nowhere.png does not exist');
    const s = await diga(['predict', 'x.png', '--out', 'o', '--save', 'colour']);
    expect(s.err).toContain('unknown output "colour"');
    const w = await diga(['predict', 'x.png', '--out', 'o']);
    expect(w.err).toContain('give the weights: --weight-dir <folder> or --weights <file>');
  });
});
