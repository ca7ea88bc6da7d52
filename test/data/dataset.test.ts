import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { CityscapesDataset, pseudoLabelPath } from '../../src/data/dataset.js';
import type { GenerateSummary } from '../../src/data/synthetic/generate.js';
import { writePseudoLabel } from '../../src/data/writers.js';
import { makeDataset } from './helpers.js';

let data: GenerateSummary;
beforeAll(async () => {
  data = await makeDataset();
});

const open = (extra: Partial<Parameters<typeof CityscapesDataset.open>[0]> = {}) =>
  CityscapesDataset.open({ root: data.out, split: 'train', imageList: data.lists.train.images, labelList: data.lists.train.labels, ...extra });

describe('CityscapesDataset', () => {
  it('resolves list lines to absolute paths and reads samples', async () => {
    const ds = await open();
    expect(ds.size).toBe(8);
    const e = ds.entry(0);
    expect(path.isAbsolute(e.image)).toBe(true);
    expect(e.image).toContain(path.join('leftImg8bit', 'train'));
    expect(e.label).toContain(path.join('gtFine', 'train'));
    await ds.validate();
    const s = await ds.read(0);
    expect(s.image.data.length).toBe(64 * 128 * 3);
    expect(s.label?.data.length).toBe(64 * 128);
    expect(s.label?.data.every((v) => v <= 18 || v === 255)).toBe(true);
    expect(() => ds.entry(8)).toThrow(/index 8 is out of range \(size 8/);
  });

  it('validate() names every missing file with its list line', async () => {
    const ds = await open();
    const victim = ds.entry(3).label as string;
    const keep = readFileSync(victim);
    rmSync(victim);
    try {
      const err = await ds.validate().catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(victim);
      expect((err as Error).message).toMatch(/train_label\.txt line 4/);
      await expect(ds.read(3)).rejects.toThrow(victim);
    } finally {
      writeFileSync(victim, keep);
    }
  });

  it('names both files when image and label sizes differ', async () => {
    const ds = await open();
    const label = ds.entry(1).label as string;
    const keep = readFileSync(label);
    await sharp(Buffer.alloc(32 * 64, 7), { raw: { width: 64, height: 32, channels: 1 } }).toColourspace('b-w').png().toFile(label);
    try {
      const err = (await ds.read(1).catch((e: Error) => e)) as Error;
      expect(err.message).toContain(ds.entry(1).image);
      expect(err.message).toContain(label);
      expect(err.message).toMatch(/128x64 but .* is 64x32/);
    } finally {
      writeFileSync(label, keep);
    }
  });

  it('names a corrupt image', async () => {
    const ds = await open();
    const image = ds.entry(2).image;
    const keep = readFileSync(image);
    writeFileSync(image, keep.subarray(0, 100));
    try {
      await expect(ds.read(2)).rejects.toThrow(image);
    } finally {
      writeFileSync(image, keep);
    }
  });

  it('pairs images with pseudo-labels named after the image file', async () => {
    const pseudoDir = path.join(data.out, 'pseudo-test');
    mkdirSync(pseudoDir, { recursive: true });
    const plain = await open();
    for (const e of plain.entries) {
      const s = await plain.read(e.index);
      await writePseudoLabel(pseudoLabelPath(pseudoDir, e.name), s.label!);
    }
    const ds = await open({ pseudoDir });
    await ds.validate();
    const s = await ds.read(5);
    expect(path.basename(ds.entry(5).pseudo as string)).toBe(path.basename(ds.entry(5).image));
    expect(s.pseudo?.data.equals(s.label!.data)).toBe(true);
    const gone = ds.entry(6).pseudo as string;
    copyFileSync(gone, `${gone}.bak`);
    rmSync(gone);
    await expect(ds.validate()).rejects.toThrow(/pseudo-label .* does not exist/);
  });

  it('reads image-only lists (no labels)', async () => {
    const ds = await CityscapesDataset.open({ root: data.out, split: 'val', imageList: data.lists.val!.images });
    expect(ds.hasLabels).toBe(false);
    const s = await ds.read(0);
    expect(s.label).toBeUndefined();
  });
});
