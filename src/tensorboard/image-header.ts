// What an image summary records about its image (size and Summary.Image colorspace), read
// from the encoded bytes so that a summary cannot disagree with its own image. TensorBoard
// shows PNG and JPEG; the run's sample grids are JPEG.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour type → Summary.Image colorspace (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA). */
const PNG_COLORSPACE: Record<number, number> = { 0: 1, 4: 2, 2: 3, 3: 3, 6: 4 };

export interface ImageHeader {
  width: number;
  height: number;
  colorspace: number;
}

function pngHeader(bytes: Buffer): ImageHeader {
  if (bytes.length < 29 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error('the PNG has no IHDR chunk where it must be');
  const colorspace = PNG_COLORSPACE[bytes[25]];
  if (colorspace === undefined) throw new Error(`PNG colour type ${bytes[25]} is not one of 0, 2, 3, 4, 6`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorspace };
}

/** The first start-of-frame segment of a JPEG (SOF0–SOF15 but DHT, JPG and DAC) holds its size. */
function jpegHeader(bytes: Buffer): ImageHeader {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`the JPEG has no segment marker at byte ${at}`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 10 > bytes.length) break;
      const components = bytes[at + 9];
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7), colorspace: components === 1 ? 1 : 3 };
    }
    at += 2 + length;
  }
  throw new Error('the JPEG has no frame header');
}

export function imageHeader(image: Uint8Array): ImageHeader {
  const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return pngHeader(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegHeader(bytes);
  throw new Error('an image summary takes PNG or JPEG bytes; these are neither');
}
