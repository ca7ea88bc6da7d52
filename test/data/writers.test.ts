import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../src/labels/cityscapes.js';
import { readImage, readTrainIds, type LabelMap } from '../../src/data/images.js';
import {
  colourise,
  composeGrid,
  writeColourLabel,
  writePaletteLabel,
  writePseudoLabel,
  writeSampleGrid,
} from '../../src/data/writers.js';
import { tempDir } from './helpers.js';

const dir = tempDir('writers');
const W = 12;
const H = 6;
const map: LabelMap = {
  data: Buffer.from(Array.from({ length: W * H }, (_, i) => (i % 21 === 20 ? 255 : i % 19))),
  width: W,
  height: H,
};

describe('label writers', () => {
  it('writes pseudo-labels as 8-bit grey PNGs that read back as the same train ids', async () => {
    const file = path.join(dir, 'sub', 'pseudo.png');
    await writePseudoLabel(file, map);
    const meta = await sharp(file).metadata();
    expect([meta.channels, meta.depth]).toEqual([1, 'uchar']);
    expect((await readTrainIds(file)).data.equals(map.data)).toBe(true);
  });

  it('writes palette PNGs whose indices are the train ids and colours the palette', async () => {
    const file = path.join(dir, 'palette.png');
    await writePaletteLabel(file, map);
    const png = decode(readFileSync(file));
    expect(png.palette?.[13]).toEqual([...PALETTE[13]]);
    expect(Buffer.from(png.data as Uint8Array).equals(map.data)).toBe(true);
    expect((await readTrainIds(file)).data.equals(map.data)).toBe(true);
  });

  it('colourises maps with the palette, ignore in black', async () => {
    const rgb = colourise(map);
    expect([...rgb.data.subarray(0, 3)]).toEqual([...PALETTE[0]]);
    expect([...rgb.data.subarray(20 * 3, 21 * 3)]).toEqual([0, 0, 0]);
    const file = path.join(dir, 'colour.png');
    await writeColourLabel(file, map);
    expect((await readImage(file)).data.equals(rgb.data)).toBe(true);
  });

  it('composes sample grids of image | maps and writes PNG or JPEG', async () => {
    const image = { data: Buffer.alloc(W * H * 3, 100), width: W, height: H };
    const grid = await composeGrid([{ image, maps: [map, map] }, { image, maps: [map] }], { gap: 2 });
    expect([grid.width, grid.height]).toEqual([3 * W + 2 * 2, 2 * H + 2]);
    // Row 0: image cell grey, then the first map cell starts with road.
    expect([...grid.data.subarray(0, 3)]).toEqual([100, 100, 100]);
    expect([...grid.data.subarray((W + 2) * 3, (W + 2) * 3 + 3)]).toEqual([...PALETTE[0]]);
    const png = path.join(dir, 'grid.png');
    const jpg = path.join(dir, 'grid.jpg');
    await writeSampleGrid(png, [{ image, maps: [map] }], { cellWidth: 24 });
    await writeSampleGrid(jpg, [{ image, maps: [map] }]);
    expect((await sharp(png).metadata()).width).toBe(2 * 24 + 4);
    expect((await sharp(jpg).metadata()).format).toBe('jpeg');
    await expect(writeSampleGrid(path.join(dir, 'grid.gif'), [{ image, maps: [] }])).rejects.toThrow(/grid\.gif/);
    await expect(writePseudoLabel(path.join(dir, 'bad.png'), { data: Buffer.alloc(5), width: 3, height: 3 })).rejects.toThrow(/5 bytes do not make a 3x3/);
  });

  it('leaves no temporary files behind', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
