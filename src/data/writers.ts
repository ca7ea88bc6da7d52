/**
 * Label and picture outputs from plain buffers: pseudo-label PNGs (8-bit grey train ids),
 * palette PNGs (indices = train ids, Cityscapes colours, as the published code writes them),
 * colourised maps and sample grids. Every file is written atomically (temp file + rename).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import sharp from 'sharp';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import { CITYSCAPES_19 } from '../labels/cityscapes.js';
import type { LabelSet } from '../labels/label-set.js';
import type { LabelMap, RgbImage } from './images.js';
import { resizeImage, resizeLabel } from './transforms.js';

function checkMap(map: LabelMap, what: string): void {
  if (map.data.length !== map.width * map.height) {
    throw new Error(`${what}: ${map.data.length} bytes do not make a ${map.width}x${map.height} label map`);
  }
}

function checkImage(image: RgbImage, what: string): void {
  if (image.data.length !== image.width * image.height * 3) {
    throw new Error(`${what}: ${image.data.length} bytes do not make a ${image.width}x${image.height} RGB image`);
  }
}

function writeBytes(file: string, bytes: Uint8Array): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, [bytes]);
}

/** PNG bytes of a label map as 8-bit greyscale (pixel value = id). */
export async function encodeGreyPng(map: LabelMap, compressionLevel = 6): Promise<Buffer> {
  checkMap(map, 'grey PNG');
  return sharp(map.data, { raw: { width: map.width, height: map.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel, adaptiveFiltering: false })
    .toBuffer();
}

/** Writes a pseudo-label file: 8-bit greyscale PNG of train ids (255 = ignore). */
export async function writePseudoLabel(file: string, map: LabelMap): Promise<void> {
  writeBytes(file, await encodeGreyPng(map));
}

/** A label set's palette as 256 PNG palette entries (ids past its last class are black). */
function pngPalette(labels: LabelSet): number[][] {
  const t = labels.paletteTable;
  return Array.from({ length: 256 }, (_, id) => [t[id * 3], t[id * 3 + 1], t[id * 3 + 2]]);
}
const CITYSCAPES_PNG_PALETTE = pngPalette(CITYSCAPES_19);

/** PNG bytes of a label map as a palette PNG: index = train id, colours from the label set's palette. */
export function encodePalettePng(map: LabelMap, labels: LabelSet = CITYSCAPES_19): Uint8Array {
  checkMap(map, 'palette PNG');
  return encodePng({
    width: map.width,
    height: map.height,
    data: new Uint8Array(map.data.buffer, map.data.byteOffset, map.data.length),
    depth: 8,
    channels: 1,
    palette: labels === CITYSCAPES_19 ? CITYSCAPES_PNG_PALETTE : pngPalette(labels),
  });
}

/** Writes a palette ("P" mode) PNG: viewers show colours, readers get the train ids back. */
export async function writePaletteLabel(file: string, map: LabelMap, labels: LabelSet = CITYSCAPES_19): Promise<void> {
  writeBytes(file, encodePalettePng(map, labels));
}

/** Colourises train ids with the palette (ignore and unknown ids are black). */
export function colourise(map: LabelMap, labels: LabelSet = CITYSCAPES_19): RgbImage {
  checkMap(map, 'colourise');
  const table = labels.paletteTable;
  const out = Buffer.allocUnsafe(map.data.length * 3);
  for (let i = 0, j = 0; i < map.data.length; i++, j += 3) {
    const k = map.data[i] * 3;
    out[j] = table[k];
    out[j + 1] = table[k + 1];
    out[j + 2] = table[k + 2];
  }
  return { data: out, width: map.width, height: map.height };
}

/**
 * The image blended with its label map's colours: (1 − opacity)·image + opacity·colour.
 * Ignored pixels (255) show the image alone.
 */
export function overlay(image: RgbImage, map: LabelMap, opacity = 0.5, labels: LabelSet = CITYSCAPES_19): RgbImage {
  checkImage(image, 'overlay');
  checkMap(map, 'overlay');
  if (image.width !== map.width || image.height !== map.height) {
    throw new Error(`overlay: the image is ${image.width}x${image.height} but the map ${map.width}x${map.height}`);
  }
  if (!(opacity >= 0 && opacity <= 1)) throw new RangeError(`overlay: opacity must be in [0, 1], got ${opacity}`);
  const table = labels.paletteTable;
  const out = Buffer.allocUnsafe(image.data.length);
  for (let i = 0, j = 0; i < map.data.length; i++, j += 3) {
    const id = map.data[i];
    const a = id < labels.classes ? opacity : 0;
    const k = id * 3;
    for (let c = 0; c < 3; c++) out[j + c] = Math.round((1 - a) * image.data[j + c] + a * table[k + c]);
  }
  return { data: out, width: image.width, height: image.height };
}

export type PictureFormat = 'png' | 'jpeg';

function formatOf(file: string, format?: PictureFormat): PictureFormat {
  if (format) return format;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  throw new Error(`cannot tell the picture format of ${file}: use a .png, .jpg or .jpeg name`);
}

export async function encodeRgb(image: RgbImage, format: PictureFormat, quality = 90): Promise<Buffer> {
  checkImage(image, 'picture');
  const s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  return format === 'png' ? s.png().toBuffer() : s.jpeg({ quality }).toBuffer();
}

/** Writes an RGB buffer as PNG or JPEG (format from the file name unless given). */
export async function writeRgb(file: string, image: RgbImage, format?: PictureFormat): Promise<void> {
  writeBytes(file, await encodeRgb(image, formatOf(file, format)));
}

/** Writes the colourised label map as an RGB picture. */
export async function writeColourLabel(file: string, map: LabelMap, format?: PictureFormat, labels: LabelSet = CITYSCAPES_19): Promise<void> {
  await writeRgb(file, colourise(map, labels), format);
}

export interface GridRow {
  /** The input picture, first in the row. */
  image: RgbImage;
  /** Label maps drawn colourised after it (e.g. prediction, ground truth). */
  maps: readonly LabelMap[];
}

export interface GridOptions {
  /** Width of every cell in pixels (default: the first image's width, at most 512). */
  cellWidth?: number;
  /** Gap between cells in pixels (default 4). */
  gap?: number;
  format?: PictureFormat;
  /** Whose colours the maps are drawn in (default Cityscapes' 19). */
  labels?: LabelSet;
}

/** Composes rows of image | map | map ... into one picture. */
export async function composeGrid(rows: readonly GridRow[], options: GridOptions = {}): Promise<RgbImage> {
  if (rows.length === 0) throw new Error('a sample grid needs at least one row');
  const first = rows[0].image;
  const cellW = options.cellWidth ?? Math.min(first.width, 512);
  const cellH = Math.max(1, Math.round((first.height * cellW) / first.width));
  const gap = options.gap ?? 4;
  const columns = Math.max(...rows.map((r) => 1 + r.maps.length));
  const width = columns * cellW + (columns - 1) * gap;
  const height = rows.length * cellH + (rows.length - 1) * gap;
  const out = Buffer.alloc(width * height * 3, 255);
  const cell = { width: cellW, height: cellH };
  const paste = (img: RgbImage, row: number, col: number) => {
    const x0 = col * (cellW + gap);
    const y0 = row * (cellH + gap);
    for (let y = 0; y < cellH; y++) {
      img.data.copy(out, ((y0 + y) * width + x0) * 3, y * cellW * 3, (y + 1) * cellW * 3);
    }
  };
  for (let r = 0; r < rows.length; r++) {
    checkImage(rows[r].image, `grid row ${r} image`);
    paste(await resizeImage(rows[r].image, cell, 'linear'), r, 0);
    rows[r].maps.forEach((map, m) => {
      checkMap(map, `grid row ${r} map ${m}`);
      paste(colourise(resizeLabel(map, cell), options.labels), r, m + 1);
    });
  }
  return { data: out, width, height };
}

/** Writes a sample grid as PNG or JPEG. */
export async function writeSampleGrid(file: string, rows: readonly GridRow[], options: GridOptions = {}): Promise<void> {
  const format = formatOf(file, options.format);
  await writeRgb(file, await composeGrid(rows, options), format);
}
