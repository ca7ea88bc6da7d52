/**
 * Decoding images and label maps into plain buffers: RGB images as H*W*3 uint8 (HWC), label
 * maps as H*W uint8 train ids (255 = ignore).
 */
import { readFile } from 'node:fs/promises';
import { decode as decodePng } from 'fast-png';
import sharp from 'sharp';
import { CITYSCAPES_19 } from '../labels/cityscapes.js';
import type { LabelSet } from '../labels/label-set.js';

export interface RgbImage {
  /** H*W*3 bytes, rows top to bottom, pixels as R, G, B. */
  data: Buffer;
  width: number;
  height: number;
}

export interface LabelMap {
  /** H*W bytes, one train id per pixel (255 = ignore). */
  data: Buffer;
  width: number;
  height: number;
}

/**
 * How label pixel values are read: `labelIds` are dataset label ids (gtFine_labelIds files)
 * mapped through the label set's table; `trainIds` are train ids (pseudo-labels), values past
 * the set's last class read as 255.
 */
export type LabelEncoding = 'labelIds' | 'trainIds';

export function lutFor(encoding: LabelEncoding, labels: LabelSet = CITYSCAPES_19): Uint8Array {
  return encoding === 'labelIds' ? labels.labelIdToTrainId : labels.trainIdClamp;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads a dataset file; a missing one gets an error that says to check the root and list. */
export async function readBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${file} does not exist; check the dataset root and list`);
    throw new Error(`cannot read ${what} ${file}: ${describe(err)}`);
  }
}

/** Decodes an image file (PNG, JPEG, ...) to 8-bit RGB; alpha is dropped, grey is expanded. */
export async function readImage(file: string): Promise<RgbImage> {
  const bytes = await readBytes(file, 'image');
  return decodeImage(bytes, file);
}

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * An image's width and height from its header, without decoding its pixels (sharp reads only
 * the header), so that an image too large to predict is refused before it is decoded.
 */
export async function imageSize(input: string | Buffer, name = typeof input === 'string' ? input : 'the given bytes'): Promise<ImageSize> {
  const bytes = typeof input === 'string' ? await readBytes(input, 'image') : input;
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new Error(`image ${name} cannot be decoded (${describe(err)}); is it a complete PNG or JPEG file?`);
  }
  // A multi-page file (GIF, TIFF) decodes to its first page.
  const height = meta.pageHeight ?? meta.height;
  if (!meta.width || !height) throw new Error(`image ${name} has no size in its header; is it a complete PNG or JPEG file?`);
  return { width: meta.width, height };
}

/**
 * Decodes image bytes; `name` only names the source in errors. `maxPixels` replaces sharp's own
 * limit (about 268 megapixels) for an image whose size was admitted already (predict's limit).
 */
export async function decodeImage(bytes: Buffer, name: string, options: { maxPixels?: number } = {}): Promise<RgbImage> {
  let out: { data: Buffer; info: sharp.OutputInfo };
  const limit = options.maxPixels === undefined ? undefined : { limitInputPixels: Math.max(1, Math.ceil(options.maxPixels)) };
  try {
    out = await sharp(bytes, limit)
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new Error(`image ${name} cannot be decoded (${describe(err)}); is it a complete PNG or JPEG file?`);
  }
  const { width, height, channels } = out.info;
  if (channels !== 3 || out.data.length !== width * height * 3) {
    throw new Error(`image ${name} decoded to ${channels} channels (${width}x${height}); expected RGB`);
  }
  return { data: out.data, width, height };
}

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** Palette colours (packed 0xRRGGBB) for colour type 3. */
  palette?: number[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads IHDR and PLTE of a PNG; null for anything that is not a PNG. */
function pngHeader(bytes: Buffer): PngHeader | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  const header: PngHeader = {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24],
    colourType: bytes[25],
  };
  if (header.colourType !== 3) return header;
  // Walk the chunks up to the first IDAT: PLTE must come before it.
  let pos = 8;
  while (pos + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'PLTE' && pos + 8 + length <= bytes.length) {
      const palette: number[] = [];
      for (let i = 0; i + 2 < length; i += 3) {
        const at = pos + 8 + i;
        palette.push((bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2]);
      }
      header.palette = palette;
      break;
    }
    pos += 12 + length;
  }
  return header;
}

/**
 * Reads a label PNG into train ids. The stored pixel value is the grey level of an 8-bit
 * greyscale PNG, or the palette index of a palette ("P" mode) PNG; `encoding` says how values
 * become train ids.
 */
export async function readLabel(file: string, encoding: LabelEncoding = 'labelIds', labels: LabelSet = CITYSCAPES_19): Promise<LabelMap> {
  const bytes = await readBytes(file, 'label');
  return decodeLabel(bytes, file, encoding, labels);
}

/** Reads a Cityscapes `*_gtFine_labelIds.png` into train ids. */
export const readLabelIds = (file: string): Promise<LabelMap> => readLabel(file, 'labelIds');

/** Reads a pseudo-label PNG (pixel value = train id) into train ids. */
export const readTrainIds = (file: string): Promise<LabelMap> => readLabel(file, 'trainIds');

/** Decodes label bytes; `name` only names the source in errors. */
export async function decodeLabel(bytes: Buffer, name: string, encoding: LabelEncoding, labels: LabelSet = CITYSCAPES_19): Promise<LabelMap> {
  return decodeLabelWith(bytes, name, lutFor(encoding, labels));
}

/** The palette (packed 0xRRGGBB per index) of a palette PNG; undefined for any other file. */
export function pngPalette(bytes: Buffer): readonly number[] | undefined {
  const header = pngHeader(bytes);
  return header?.colourType === 3 ? header.palette : undefined;
}

/** Whether the bytes are a palette ("P" mode) PNG, whose pixel values are palette indices. */
export function isPalettePng(bytes: Buffer): boolean {
  return pngHeader(bytes)?.colourType === 3;
}

/** Decodes an 8-bit label PNG, mapping every stored value through `lut` (256 entries). */
export async function decodeLabelWith(bytes: Buffer, name: string, lut: Uint8Array): Promise<LabelMap> {
  const header = pngHeader(bytes);
  try {
    if (header?.colourType === 3) return await decodePaletteLabel(bytes, header, lut, name);
    return await decodeGreyLabel(bytes, lut, name);
  } catch (err) {
    const message = describe(err);
    if (message.includes(name)) throw err;
    throw new Error(`label ${name} cannot be decoded (${message}); is it a complete 8-bit PNG?`);
  }
}

async function decodeGreyLabel(bytes: Buffer, lut: Uint8Array, name: string): Promise<LabelMap> {
  const meta = await sharp(bytes).metadata();
  if (meta.depth !== 'uchar') {
    throw new Error(`label ${name} has ${meta.depth} samples; label files must be 8-bit (one byte per pixel)`);
  }
  if ((meta.channels ?? 0) > 2) {
    throw new Error(
      `label ${name} has ${meta.channels} colour channels; expected an 8-bit greyscale or palette PNG of ids`,
    );
  }
  // sharp would expand grey to RGB on output: ask for the first channel only.
  const { data, info } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) data[i] = lut[data[i]];
  return { data, width: info.width, height: info.height };
}

/**
 * Palette PNGs: sharp (native, off the JS thread) decodes them to colours; the file's own
 * palette maps each colour back to its index. Only if two indices with different meanings
 * share a colour is the slower JS decoder asked for the indices themselves.
 */
async function decodePaletteLabel(bytes: Buffer, header: PngHeader, lut: Uint8Array, name: string): Promise<LabelMap> {
  const palette = header.palette;
  if (!palette || palette.length === 0) throw new Error(`label ${name} is a palette PNG without a PLTE chunk`);
  const colourToId = new Map<number, number>();
  let ambiguous = false;
  palette.forEach((colour, index) => {
    const id = lut[index];
    const seen = colourToId.get(colour);
    if (seen === undefined) colourToId.set(colour, id);
    else if (seen !== id) ambiguous = true;
  });
  if (ambiguous) return decodePaletteIndices(bytes, lut, name);

  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const ids = Buffer.allocUnsafe(width * height);
  let lastKey = -1;
  let lastId = 255;
  for (let i = 0, j = 0; i < ids.length; i++, j += channels) {
    const key = (data[j] << 16) | (data[j + 1] << 8) | data[j + 2];
    if (key !== lastKey) {
      lastKey = key;
      lastId = colourToId.get(key) ?? 255;
    }
    ids[i] = lastId;
  }
  return { data: ids, width, height };
}

function decodePaletteIndices(bytes: Buffer, lut: Uint8Array, name: string): LabelMap {
  const png = decodePng(bytes);
  if (png.depth !== 8 || png.channels !== 1) {
    throw new Error(`label ${name} is a ${png.depth}-bit palette PNG with repeated colours; write it with 8-bit indices`);
  }
  const ids = Buffer.allocUnsafe(png.width * png.height);
  for (let i = 0; i < ids.length; i++) ids[i] = lut[png.data[i]];
  return { data: ids, width: png.width, height: png.height };
}
