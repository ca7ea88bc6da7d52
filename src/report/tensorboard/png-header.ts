// What an image summary records about a PNG (its size and Summary.Image colorspace), read
// from the PNG's IHDR chunk so that a summary cannot disagree with its own image.

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour type → Summary.Image colorspace (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA). */
const COLORSPACE: Record<number, number> = { 0: 1, 4: 2, 2: 3, 3: 3, 6: 4 };

export interface PngHeader {
  width: number;
  height: number;
  colorspace: number;
}

export function pngHeader(png: Uint8Array): PngHeader {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 29 || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR')
    throw new Error('an image summary takes PNG bytes; these are no PNG');
  const colorspace = COLORSPACE[bytes[25]];
  if (colorspace === undefined) throw new Error(`PNG colour type ${bytes[25]} is not one of 0, 2, 3, 4, 6`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorspace };
}
