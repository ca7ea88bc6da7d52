import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { parseSize, registerMakeData } from '../../src/cli/commands/make-data.js';
import { readPairedLists } from '../../src/data/lists.js';
import { tempDir } from './helpers.js';

function program(): Command {
  const p = new Command('diga').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerMakeData(p);
  return p;
}

describe('diga make-data', () => {
  it('generates a dataset from the command line and prints a JSON summary', async () => {
    const out = path.join(tempDir('cli'), 'synthetic');
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      await program().parseAsync(['make-data', '--out', out, '--train', '4', '--val', '1', '--size', '64x128', '--seed', '3', '--labelled-fraction', '0.5', '--shift', 'fog', '--json'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const summary = JSON.parse(printed);
    expect(summary).toMatchObject({ train: 4, val: 1, height: 64, width: 128, seed: 3, shift: 'fog', labelled: 2, splitName: '1-2' });
    expect(await readPairedLists(summary.lists.unlabelled.images, summary.lists.unlabelled.labels)).toHaveLength(2);

    // Into the same folder again: refused, unless --overwrite replaces the dataset there.
    const again = ['make-data', '--out', out, '--train', '2', '--val', '1', '--size', '64x128', '--json'];
    await expect(program().parseAsync(again, { from: 'user' })).rejects.toThrow(`${out} is not empty`);
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program().parseAsync([...again, '--overwrite'], { from: 'user' });
    } finally {
      quiet.mockRestore();
    }
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(path.join(out, 'leftImg8bit', 'train'), { recursive: true }).filter((f) => String(f).endsWith('.png'))).toHaveLength(2);
  });

  it('rejects bad arguments', async () => {
    await expect(program().parseAsync(['make-data', '--size', '64by128'], { from: 'user' })).rejects.toThrow(/HxW/);
    await expect(program().parseAsync(['make-data', '--train', '-3'], { from: 'user' })).rejects.toThrow(/integer/);
    await expect(program().parseAsync(['make-data', '--shift', 'rain'], { from: 'user' })).rejects.toThrow(/rain/);
    await expect(program().parseAsync(['make-data', '--labelled-fraction', '2'], { from: 'user' })).rejects.toThrow(/\(0, 1\]/);
    expect(parseSize('256x512')).toEqual({ height: 256, width: 512 });
  });

  it('refuses an --out it cannot write into before rendering anything', async () => {
    await expect(program().parseAsync(['make-data', '--out', '/proc/diga-data'], { from: 'user' })).rejects.toThrow('--out /proc/diga-data: /proc is a system folder');
    const file = path.join(tempDir('file-out'), 'a.png');
    writeFileSync(file, '');
    await expect(program().parseAsync(['make-data', '--out', file], { from: 'user' })).rejects.toThrow(`--out ${file}: ${file} is a file, not a folder`);
  });
});

/** Mean over pixels of the squared difference to the right-hand neighbour (all channels): texture and noise raise it. */
function localVariance(data: Buffer, width: number, height: number): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      for (let c = 0; c < 3; c++) {
        const d = data[(y * width + x) * 3 + c] - data[(y * width + x + 1) * 3 + c];
        sum += d * d;
        n++;
      }
    }
  }
  return sum / n;
}

describe('diga make-data --source', () => {
  it('writes a GTA5-layout source set: images/, labels/ of Cityscapes label ids, a list', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const sharp = (await import('sharp')).default;
    const { openGta5 } = await import('../../src/data/source/index.js');
    const { LABEL_ID_TO_TRAIN_ID } = await import('../../src/labels/cityscapes.js');
    const dir = tempDir('source');
    const out = path.join(dir, 'gta');
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      await program().parseAsync(['make-data', '--source', '--out', out, '--train', '3', '--size', '48x96', '--seed', '2', '--workers', '0', '--json'], { from: 'user' });
    } finally {
      write.mockRestore();
    }
    const summary = JSON.parse(printed);
    expect(summary).toMatchObject({ count: 3, height: 48, width: 96, look: 'flat', list: path.join(out, 'train.txt') });
    expect(readFileSync(summary.list, 'utf8')).toBe('00001.png\n00002.png\n00003.png\n');
    expect(readdirSync(path.join(out, 'images')).sort()).toEqual(['00001.png', '00002.png', '00003.png']);
    expect(readdirSync(path.join(out, 'labels')).sort()).toEqual(['00001.png', '00002.png', '00003.png']);
    // Labels are 8-bit single-channel Cityscapes label ids (road = 7, sky = 23, ...), not train ids.
    const label = path.join(out, 'labels', '00001.png');
    const meta = await sharp(label).metadata();
    expect([meta.depth, meta.channels, meta.width, meta.height]).toEqual(['uchar', 1, 96, 48]);
    const ids = new Set(await sharp(label).extractChannel(0).raw().toBuffer());
    expect(ids.has(7)).toBe(true);
    for (const id of ids) expect(id).toBeLessThanOrEqual(33);
    expect([...ids].filter((id) => LABEL_ID_TO_TRAIN_ID[id] !== 255).length).toBeGreaterThan(2);
    // The GTA5 reader takes the set as written, with its list and without.
    const ds = await openGta5({ root: out, list: summary.list });
    await ds.validate();
    const s = await ds.read(2);
    expect(s.label!.data.every((v) => v <= 18 || v === 255)).toBe(true);
    expect((await openGta5({ root: out })).entries.map((e) => e.name)).toEqual(ds.entries.map((e) => e.name));

    // Target-set flags are refused, and a second run into the folder needs --overwrite.
    await expect(program().parseAsync(['make-data', '--source', '--out', out, '--shift', 'fog'], { from: 'user' })).rejects.toThrow(/--shift apply to the target set/);
    await expect(program().parseAsync(['make-data', '--source', '--out', out, '--train', '1', '--size', '48x96'], { from: 'user' })).rejects.toThrow(`${out} is not empty`);
  });

  it('looks measurably flatter than the target set of the same size', async () => {
    const sharp = (await import('sharp')).default;
    const { generateSourceDataset } = await import('../../src/data/synthetic/generate-source.js');
    const { generateDataset } = await import('../../src/data/synthetic/generate.js');
    const dir = tempDir('looks');
    const size = { height: 64, width: 128 };
    const source = await generateSourceDataset({ out: path.join(dir, 'source'), count: 3, seed: 0, workers: 0, ...size });
    const target = await generateDataset({ out: path.join(dir, 'target'), train: 3, val: 0, seed: 0, workers: 0, ...size });
    const variance = async (files: string[]) => {
      let total = 0;
      for (const f of files) total += localVariance(await sharp(f).raw().toBuffer(), size.width, size.height);
      return total / files.length;
    };
    const { readdirSync } = await import('node:fs');
    const sourceFiles = readdirSync(source.images).map((f) => path.join(source.images, f));
    const trainDir = path.join(target.out, 'leftImg8bit', 'train');
    const targetFiles = (readdirSync(trainDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.png')).map((f) => path.join(trainDir, f));
    expect(sourceFiles).toHaveLength(3);
    expect(targetFiles).toHaveLength(3);
    const [vs, vt] = [await variance(sourceFiles), await variance(targetFiles)];
    expect(vs).toBeLessThan(0.8 * vt);
  });
});
