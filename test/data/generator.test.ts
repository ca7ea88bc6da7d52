import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAIN_ID_TO_LABEL_ID, VOID_LABEL_IDS } from '../../src/labels/cityscapes.js';
import { CityscapesDataset } from '../../src/data/dataset.js';
import { readPairedLists } from '../../src/data/lists.js';
import { Rng } from '../../src/data/random.js';
import { generateDataset, splitName, type GenerateSummary } from '../../src/data/synthetic/generate.js';
import { workerRenderer, workerScript } from '../../src/data/synthetic/renderers.js';
import { renderScene } from '../../src/data/synthetic/scene.js';
import { makeDataset, tempDir } from './helpers.js';

const REAL_IDS = new Set([...TRAIN_ID_TO_LABEL_ID, ...Object.values(VOID_LABEL_IDS)]);

let data: GenerateSummary;
beforeAll(async () => {
  data = await makeDataset({ train: 12, val: 3, height: 128, width: 256, seed: 21, labelledFraction: 0.25, shift: 'dusk' });
});

describe('generateDataset', () => {
  it('writes the Cityscapes layout and lists with the published names', async () => {
    const train = await readPairedLists(data.lists.train.images, data.lists.train.labels);
    expect(train).toHaveLength(12);
    for (const row of train) {
      expect(row.image).toMatch(/^[a-z]+\/[a-z]+_\d{6}_\d{6}_leftImg8bit\.png$/);
      expect(existsSync(path.join(data.out, 'leftImg8bit', 'train', row.image))).toBe(true);
      expect(existsSync(path.join(data.out, 'gtFine', 'train', row.label as string))).toBe(true);
    }
    expect(data.lists.labelled.images).toMatch(/split_train\/train_image_labeled_1-4\.txt$/);
    expect(data.lists.unlabelled?.images).toMatch(/split_train\/train_image_unlabeled_1-4\.txt$/);
    const labelled = await readPairedLists(data.lists.labelled.images, data.lists.labelled.labels);
    const unlabelled = await readPairedLists(data.lists.unlabelled!.images, data.lists.unlabelled!.labels);
    expect(labelled).toHaveLength(3);
    expect(unlabelled).toHaveLength(9);
    expect(new Set([...labelled, ...unlabelled].map((r) => r.image))).toEqual(new Set(train.map((r) => r.image)));
    expect(await readPairedLists(data.lists.val!.images, data.lists.val!.labels)).toHaveLength(3);
    const meta = JSON.parse(readFileSync(path.join(data.out, 'synthetic.json'), 'utf8'));
    expect(meta.seed).toBe(21);
    const ds = await CityscapesDataset.open({ root: data.out, split: 'val', imageList: data.lists.val!.images, labelList: data.lists.val!.labels });
    await ds.validate();
  });

  it('writes real Cityscapes label ids, 8-bit grey, matching the image size', async () => {
    const train = await readPairedLists(data.lists.train.images, data.lists.train.labels);
    const seen = new Set<number>();
    for (const row of train.slice(0, 4)) {
      const file = path.join(data.out, 'gtFine', 'train', row.label as string);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([256, 128, 1, 'uchar']);
      const raw = await sharp(file).extractChannel(0).raw().toBuffer();
      for (const v of raw) seen.add(v);
    }
    for (const v of seen) expect(REAL_IDS.has(v), `label id ${v}`).toBe(true);
  });

  it('draws at least 12 of the 19 classes over a few images', () => {
    expect(data.classesPresent.length).toBeGreaterThanOrEqual(12);
    for (const name of ['road', 'sidewalk', 'building', 'sky', 'car', 'vegetation', 'pole', 'person']) {
      expect(data.classesPresent).toContain(name);
    }
    const total = data.classPixels.reduce((a, b) => a + b, 0) + data.ignoredPixels;
    expect(total).toBe(15 * 128 * 256);
  });

  it('is deterministic for a seed, file for file', async () => {
    const again = await generateDataset({ out: tempDir('again'), train: 12, val: 3, height: 128, width: 256, seed: 21, labelledFraction: 0.25, shift: 'dusk', concurrency: 1 });
    const other = await makeDataset({ train: 12, val: 3, height: 128, width: 256, seed: 22, labelledFraction: 0.25, shift: 'dusk' });
    const rows = await readPairedLists(data.lists.train.images, data.lists.train.labels);
    let differs = 0;
    for (const row of rows) {
      for (const [dir, rel] of [['leftImg8bit', row.image], ['gtFine', row.label as string]]) {
        const a = readFileSync(path.join(data.out, dir, 'train', rel));
        expect(a.equals(readFileSync(path.join(again.out, dir, 'train', rel))), rel).toBe(true);
        if (!a.equals(readFileSync(path.join(other.out, dir, 'train', rel)))) differs++;
      }
    }
    expect(differs).toBeGreaterThan(rows.length);
    expect(readFileSync(again.lists.labelled.images, 'utf8')).toBe(readFileSync(data.lists.labelled.images, 'utf8'));
  });

  it('renders the unlabelled part in the shifted look, keeping each scene\'s layout', async () => {
    const mean = async (rel: string) => {
      const { data: px } = await sharp(path.join(data.out, 'leftImg8bit', 'train', rel)).raw().toBuffer({ resolveWithObject: true });
      return px.reduce((a, b) => a + b, 0) / px.length;
    };
    const labelled = await readPairedLists(data.lists.labelled.images);
    const unlabelled = await readPairedLists(data.lists.unlabelled!.images);
    const lab = await Promise.all(labelled.map((r) => mean(r.image)));
    const unlab = await Promise.all(unlabelled.map((r) => mean(r.image)));
    // Dusk is much darker than daylight.
    expect(Math.max(...unlab)).toBeLessThan(Math.min(...lab));
    // One seed, two looks: the same label map.
    const day = renderScene(Rng.fromSeed(4), { width: 128, height: 64, shift: 'none' });
    for (const shift of ['dusk', 'fog'] as const) {
      const shifted = renderScene(Rng.fromSeed(4), { width: 128, height: 64, shift });
      expect(shifted.labelIds.equals(day.labelIds)).toBe(true);
      expect(shifted.image.equals(day.image)).toBe(false);
    }
  });

  it('renders on the calling thread when run from the TypeScript sources', async () => {
    expect(workerScript()).toBeNull();
    const renderer = workerRenderer(2);
    expect(renderer.threads).toBe(0);
    const scene = await renderer.render({ rng: Rng.fromSeed(4).state(), width: 128, height: 64, shift: 'none' });
    expect(scene.labelIds.equals(renderScene(Rng.fromSeed(4), { width: 128, height: 64 }).labelIds)).toBe(true);
    await renderer.close();
  });

  it('checks its options and names the bad one', async () => {
    const base = { out: '/tmp/never', train: 2, val: 1, height: 64, width: 128, seed: 1 };
    await expect(generateDataset({ ...base, train: 0 })).rejects.toThrow(/train image count/);
    await expect(generateDataset({ ...base, height: 8 })).rejects.toThrow(/height/);
    await expect(generateDataset({ ...base, labelledFraction: 1.5 })).rejects.toThrow(/labelled fraction/);
    await expect(generateDataset({ ...base, shift: 'rain' as never })).rejects.toThrow(/unknown shift rain/);
    expect(splitName(0.125)).toBe('1-8');
    expect(splitName(1 / 16)).toBe('1-16');
    expect(splitName(0.3)).toBe('p30');
  });
});
