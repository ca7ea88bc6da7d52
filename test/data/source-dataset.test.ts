// GTA5 and SYNTHIA readers on tiny hand-made layouts: label ids mapped to train ids, the list or
// the folder listing, and errors that name the file.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'fast-png';
import { PALETTE } from '../../src/labels/cityscapes.js';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CITYSCAPES_16, CITYSCAPES_19 } from '../../src/labels/index.js';
import { openGta5, openSourceDataset, openSynthia } from '../../src/data/source/index.js';
import { tempDir } from './helpers.js';

const W = 6;
const H = 4;
const rgb = (seed: number) => Buffer.from(Array.from({ length: W * H * 3 }, (_, i) => (i * 7 + seed * 31) % 256));
const png = (data: Buffer, channels: 1 | 3) => sharp(data, { raw: { width: W, height: H, channels } }).png().toBuffer();
const grey = async (data: Buffer) => sharp(data, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').png().toBuffer();

/** GTA5 labels: Cityscapes label ids 7 (road), 22 (terrain), 26 (car), 0 (unlabelled). */
const gtaIds = Buffer.from(Array.from({ length: W * H }, (_, i) => [7, 22, 26, 0][i % 4]));

async function gtaLayout(names: string[]): Promise<string> {
  const root = tempDir('gta5');
  mkdirSync(path.join(root, 'images'));
  mkdirSync(path.join(root, 'labels'));
  for (const [k, name] of names.entries()) {
    writeFileSync(path.join(root, 'images', name), await png(rgb(k), 3));
    writeFileSync(path.join(root, 'labels', name), await grey(gtaIds));
  }
  return root;
}

describe('GTA5 layout', () => {
  it('reads images and Cityscapes label ids as train ids of the run label set', async () => {
    const root = await gtaLayout(['00002.png', '00001.png']);
    const ds = await openGta5({ root });
    await ds.validate();
    const s = await ds.read(0);
    expect(s.name).toBe('00001.png');
    expect(s.image.data.equals(rgb(1))).toBe(true);
    expect(Array.from(s.label!.data.subarray(0, 4))).toEqual([0, 9, 13, 255]);
    // The 16-class set has no terrain: 22 reads as 255, car is train id 12.
    const ds16 = await openGta5({ root, labels: CITYSCAPES_16 });
    expect(Array.from((await ds16.read(0)).label!.data.subarray(0, 4))).toEqual([0, 255, 12, 255]);
    expect(ds16.labels).toBe(CITYSCAPES_16);
    expect(ds.labels).toBe(CITYSCAPES_19);
  });

  it('without a list uses every PNG of images/, sorted, and says so; with one, its order', async () => {
    const root = await gtaLayout(['00003.png', '00001.png', '00002.png']);
    writeFileSync(path.join(root, 'images', 'notes.txt'), 'not an image');
    const all = await openGta5({ root });
    expect(all.entries.map((e) => e.name)).toEqual(['00001.png', '00002.png', '00003.png']);
    expect(all.note).toMatch(/no GTA5 list given: using all 3 PNG images in .*images, sorted by name/);
    const list = path.join(root, 'train_modified.txt');
    writeFileSync(list, '00003.png\n00001.png\n');
    const listed = await openSourceDataset('gta5', { root, list });
    expect(listed.note).toBeUndefined();
    expect(listed.entries.map((e) => [e.name, e.line])).toEqual([['00003.png', 1], ['00001.png', 2]]);
    await expect(openGta5({ root: path.join(root, 'nowhere') })).rejects.toThrow(/cannot list the GTA5 image folder .*nowhere/);
  });

  it('validate() names each missing file and its list line', async () => {
    const root = await gtaLayout(['00001.png', '00002.png']);
    const list = path.join(root, 'list.txt');
    writeFileSync(list, '00001.png\n00002.png\n00009.png\n');
    rmSync(path.join(root, 'labels', '00002.png'));
    const ds = await openGta5({ root, list });
    const err = (await ds.validate().catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/^3 of 6 dataset files are missing/);
    expect(err.message).toContain(`label ${path.join(root, 'labels', '00002.png')} does not exist (${list} line 2)`);
    expect(err.message).toContain(`image ${path.join(root, 'images', '00009.png')} does not exist (${list} line 3)`);
    expect(err.message).toContain(`label ${path.join(root, 'labels', '00009.png')} does not exist (${list} line 3)`);
  });

  it('names the label when it is corrupt or of another size', async () => {
    const root = await gtaLayout(['00001.png', '00002.png']);
    const bad = path.join(root, 'labels', '00001.png');
    writeFileSync(bad, (await grey(gtaIds)).subarray(0, 40));
    const small = path.join(root, 'labels', '00002.png');
    writeFileSync(small, await sharp(Buffer.alloc(4, 7), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer());
    const ds = await openGta5({ root });
    const corrupt = ds.sampleError(0, await ds.read(0).catch((e: unknown) => e));
    expect(corrupt.message).toContain(bad);
    expect(corrupt.message).toMatch(/cannot be decoded/);
    const sized = (await ds.read(1).catch((e: Error) => e)) as Error;
    expect(sized.message).toContain(small);
    expect(sized.message).toMatch(/is 6x4 but label .* is 2x2/);
  });
});

/** SYNTHIA ids per pixel: 3 road, 1 sky, 8 car, 22 (not a class), 0 void, 300 (out of range). */
const synthiaIds = Array.from({ length: W * H }, (_, i) => [3, 1, 8, 22, 0, 300][i % 6]);
const synthiaTrain = Array.from({ length: W * H }, (_, i) => [0, 9, 12, 255, 255, 255][i % 6]);

async function synthiaLayout(label: Buffer): Promise<{ root: string; ds: Awaited<ReturnType<typeof openSynthia>> }> {
  const root = tempDir('synthia');
  mkdirSync(path.join(root, 'RGB'));
  mkdirSync(path.join(root, 'GT', 'LABELS'), { recursive: true });
  writeFileSync(path.join(root, 'RGB', '0000000.png'), await png(rgb(0), 3));
  writeFileSync(path.join(root, 'GT', 'LABELS', '0000000.png'), label);
  const list = path.join(root, 'train.txt');
  writeFileSync(list, '0000000.png\n');
  return { root, ds: await openSynthia({ root, list }) };
}

const png16 = (channels: 1 | 3 | 4) => {
  const data = new Uint16Array(W * H * channels);
  synthiaIds.forEach((id, i) => {
    data[i * channels] = id;
    // Instance ids in channel 1, large enough that reading the wrong channel shows.
    if (channels > 1) data[i * channels + 1] = 1000 + i;
    if (channels > 2) data[i * channels + 2] = 7;
    if (channels > 3) data[i * channels + 3] = 65535;
  });
  return Buffer.from(encode({ width: W, height: H, data, depth: 16, channels }));
};

describe('SYNTHIA layout', () => {
  it.each([3, 4, 1] as const)('reads 16-bit labels with %i channel(s): the class id of channel 0, mapped', async (channels) => {
    const { ds } = await synthiaLayout(png16(channels));
    await ds.validate();
    expect(ds.labels).toBe(CITYSCAPES_16);
    const s = await ds.read(0);
    expect(Array.from(s.label!.data)).toEqual(synthiaTrain);
    expect(s.image.data.equals(rgb(0))).toBe(true);
  });

  it('reads 8-bit labels too, grey or RGB (channel 0)', async () => {
    const ids8 = Buffer.from(synthiaIds.map((v) => Math.min(v, 255)));
    const expected = synthiaTrain;
    const { ds } = await synthiaLayout(await grey(ids8));
    expect(Array.from((await ds.read(0)).label!.data)).toEqual(expected);
    const three = Buffer.alloc(W * H * 3, 5);
    ids8.forEach((v, i) => (three[i * 3] = v));
    const { ds: dsRgb } = await synthiaLayout(await png(three, 3));
    expect(Array.from((await dsRgb.read(0)).label!.data)).toEqual(expected);
  });

  it('maps onto the 19 classes when the run uses them', async () => {
    const root = (await synthiaLayout(png16(3))).root;
    const ds = await openSynthia({ root, labels: CITYSCAPES_19 });
    expect(Array.from((await ds.read(0)).label!.data.subarray(0, 6))).toEqual([0, 10, 13, 255, 255, 255]);
  });

  it('names a corrupt label', async () => {
    const { root, ds } = await synthiaLayout(png16(3).subarray(0, 50));
    const err = (await ds.read(0).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(path.join(root, 'GT', 'LABELS', '0000000.png'));
  });
});

describe('label values outside the dataset\'s table', () => {
  /** A GTA5 layout of two images whose labels hold `values`, written by `write`. */
  async function gtaWith(values: number[], write: (ids: Buffer) => Promise<Buffer> | Buffer) {
    const root = await gtaLayout(['00001.png', '00002.png']);
    const ids = Buffer.from(Array.from({ length: W * H }, (_, i) => values[i % values.length]));
    for (const name of ['00001.png', '00002.png']) writeFileSync(path.join(root, 'labels', name), await write(ids));
    const warnings: string[] = [];
    const ds = await openGta5({ root, warn: (m) => warnings.push(m) });
    return { root, ds, warnings };
  }

  it('GTA5 ids past 33 train as ignore, said once per run with the pixels of each value', async () => {
    const { root, ds, warnings } = await gtaWith([7, 34, 26, 40, 34, 255], grey);
    const first = await ds.read(0);
    expect(Array.from(first.label!.data.subarray(0, 6))).toEqual([0, 255, 13, 255, 255, 255]);
    await ds.read(1);
    // The same root opened again (the next stage of the run) says nothing more.
    await (await openGta5({ root, warn: (m) => warnings.push(m) })).read(0);
    expect(warnings).toEqual([
      `GTA5 label ${path.join(root, 'labels', '00001.png')} holds values outside Cityscapes' label ids (0 to 33, and 255: -1, the license plate): ` +
        '34 (8 pixels), 40 (4 pixels); such pixels train as ignore (255), as in the published code. Said once per run: other labels may hold such values too',
    ]);
  });

  it('palette labels: a value outside the table is told by its colour; unused black entries stay fast and silent', async () => {
    // The Cityscapes colours by label id (0..33), 34 in a colour of its own, black after.
    const byId: number[][] = Array.from({ length: 256 }, () => [0, 0, 0]);
    CITYSCAPES_19.trainIdToLabelId.forEach((id, trainId) => (byId[id] = [...PALETTE[trainId]]));
    byId[34] = [1, 2, 3];
    const palette = (ids: Buffer) => Buffer.from(encode({ width: W, height: H, data: new Uint8Array(ids), depth: 8, channels: 1, palette: byId }));
    const { ds, warnings } = await gtaWith([7, 34, 26, 0], palette);
    expect(Array.from((await ds.read(0)).label!.data.subarray(0, 4))).toEqual([0, 255, 13, 255]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(': 34 (6 pixels); such pixels train as ignore');
    // Unused entries (black, as index 0) do not count: only ids defined or coloured apart are told.
    const silent = await gtaWith([7, 22, 26, 0], palette);
    expect(Array.from((await silent.ds.read(0)).label!.data.subarray(0, 4))).toEqual([0, 9, 13, 255]);
    expect(silent.warnings).toEqual([]);
  });

  it('a repeated line of a source list is named', async () => {
    const root = await gtaLayout(['00001.png', '00002.png']);
    const list = path.join(root, 'list.txt');
    writeFileSync(list, '00001.png\n00002.png\n00001.png\n');
    const ds = await openGta5({ root, list });
    expect(ds.size).toBe(3);
    expect(ds.repeats).toContain(`list file ${list}: 1 line of 3 repeats an earlier line (1 entry twice; the first is line 3, 00001.png, as on line 1)`);
    expect((await openGta5({ root })).repeats).toBeUndefined();
  });
});
