import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../src/labels/cityscapes.js';
import { readImage, readLabel, readLabelIds, readTrainIds } from '../../src/data/images.js';
import { tempDir } from './helpers.js';

const dir = tempDir('images');
const W = 7;
const H = 5;
/** Every byte value shows up somewhere across these maps. */
const values = Buffer.from(Array.from({ length: W * H }, (_, i) => [7, 8, 26, 0, 1, 33, 255, 18, 19, 100][i % 10]));

async function greyPng(name: string, data: Buffer, w = W, h = H): Promise<string> {
  const file = path.join(dir, name);
  await sharp(data, { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').png().toFile(file);
  return file;
}

/** A palette PNG as the published code writes it: indices are train ids, 19 colours then zeros. */
function palettePng(name: string, indices: Buffer, palette: number[][]): string {
  const file = path.join(dir, name);
  writeFileSync(file, encodePng({ width: W, height: H, data: new Uint8Array(indices), depth: 8, channels: 1, palette }));
  return file;
}

const cityscapesPalette = [...PALETTE.map((c) => [...c]), ...Array.from({ length: 256 - 19 }, () => [0, 0, 0])];

describe('reading label PNGs', () => {
  it('maps 8-bit grey label ids through the label id table', async () => {
    const map = await readLabelIds(await greyPng('ids.png', values));
    expect(map.width).toBe(W);
    expect(map.height).toBe(H);
    const expected = { 7: 0, 8: 1, 19: 6, 26: 13, 33: 18 } as Record<number, number>;
    expect(Array.from(map.data)).toEqual(Array.from(values, (v) => expected[v] ?? 255));
  });

  it('reads grey pseudo-labels as train ids, values above 18 as 255', async () => {
    const map = await readTrainIds(await greyPng('pseudo.png', values));
    expect(Array.from(map.data)).toEqual(Array.from(values, (v) => (v <= 18 ? v : 255)));
  });

  it('reads palette ("P" mode) pseudo-labels by index, like the published files', async () => {
    const map = await readTrainIds(palettePng('pseudo_p.png', values, cityscapesPalette));
    expect(Array.from(map.data)).toEqual(Array.from(values, (v) => (v <= 18 ? v : 255)));
  });

  it('reads palette PNGs with any palette, even with repeated colours', async () => {
    // A grey ramp palette: colour i = (i, i, i).
    const ramp = Array.from({ length: 256 }, (_, i) => [i, i, i]);
    const a = await readTrainIds(palettePng('ramp.png', values, ramp));
    expect(Array.from(a.data)).toEqual(Array.from(values, (v) => (v <= 18 ? v : 255)));
    // Every index the same colour: only the indices themselves can tell the classes apart.
    const flat = Array.from({ length: 256 }, () => [9, 9, 9]);
    const b = await readTrainIds(palettePng('flat.png', values, flat));
    expect(Array.from(b.data)).toEqual(Array.from(values, (v) => (v <= 18 ? v : 255)));
    const c = await readLabelIds(palettePng('flat_ids.png', values, flat));
    expect(c.data[0]).toBe(0);
  });

  it('rejects colour and 16-bit label files with a message naming them', async () => {
    const rgb = path.join(dir, 'rgb_label.png');
    await sharp(Buffer.alloc(W * H * 3, 90), { raw: { width: W, height: H, channels: 3 } }).png().toFile(rgb);
    await expect(readLabel(rgb)).rejects.toThrow(/rgb_label\.png has 3 colour channels/);
    const deep = path.join(dir, 'deep.png');
    writeFileSync(deep, encodePng({ width: W, height: H, data: new Uint16Array(W * H).fill(7), depth: 16, channels: 1 }));
    await expect(readLabel(deep)).rejects.toThrow(/deep\.png has ushort samples/);
  });

  it('names the file when it is missing or corrupt', async () => {
    await expect(readLabel(path.join(dir, 'nope.png'))).rejects.toThrow(/label .*nope\.png does not exist/);
    const good = await greyPng('trunc_src.png', values);
    const bytes = (await import('node:fs')).readFileSync(good);
    const truncated = path.join(dir, 'truncated.png');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 20));
    await expect(readLabel(truncated)).rejects.toThrow(/truncated\.png/);
    const junk = path.join(dir, 'junk.png');
    writeFileSync(junk, 'not a png at all');
    await expect(readLabel(junk)).rejects.toThrow(/label .*junk\.png cannot be decoded/);
    await expect(readImage(junk)).rejects.toThrow(/image .*junk\.png cannot be decoded/);
    await expect(readImage(path.join(dir, 'nope.png'))).rejects.toThrow(/image .*nope\.png does not exist/);
  });
});

describe('reading images', () => {
  it('decodes RGB as H*W*3 bytes', async () => {
    const data = Buffer.from(Array.from({ length: W * H * 3 }, (_, i) => (i * 37) % 256));
    const file = path.join(dir, 'rgb.png');
    await sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toFile(file);
    const img = await readImage(file);
    expect(img.width).toBe(W);
    expect(img.height).toBe(H);
    expect(img.data.equals(data)).toBe(true);
  });

  it('expands grey images to RGB and drops alpha', async () => {
    const grey = await readImage(await greyPng('grey_image.png', values));
    expect(grey.data.length).toBe(W * H * 3);
    expect([grey.data[3], grey.data[4], grey.data[5]]).toEqual([values[1], values[1], values[1]]);
    const rgba = path.join(dir, 'rgba.png');
    await sharp(Buffer.alloc(W * H * 4, 200), { raw: { width: W, height: H, channels: 4 } }).png().toFile(rgba);
    expect((await readImage(rgba)).data.length).toBe(W * H * 3);
  });
});
