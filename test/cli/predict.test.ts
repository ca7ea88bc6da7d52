// `diga predict` end to end: the outputs a user asks for, the Cityscapes label ids,
// a corrupt image skipped by name, and another run's outputs left alone.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { readImage, readLabel } from '../../src/data/images.js';
import { CITYSCAPES_19 } from '../../src/labels/index.js';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { diga, faultFiles, haveBuild } from '../faults/helpers.js';

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

  test('bad flags are named', async () => {
    const r = await diga(['predict', 'nowhere.png', '--weight-dir', join(files.root, 'weights'), '--out', join(files.root, 'o')]);
    expect(r.err).toContain('nowhere.png does not exist');
    const s = await diga(['predict', 'x.png', '--out', 'o', '--save', 'colour']);
    expect(s.err).toContain('unknown output "colour"');
    const w = await diga(['predict', 'x.png', '--out', 'o']);
    expect(w.err).toContain('give the weights: --weight-dir <folder> or --weights <file>');
  });
});
