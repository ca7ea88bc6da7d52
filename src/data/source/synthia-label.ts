// SYNTHIA RAND-CITYSCAPES labels: 16-bit PNGs whose channel 0 holds the class id (channel 1 the
// instance id). sharp keeps 16-bit samples only when asked for a 16-bit colour space; without
// that it scales them to 8 bits (id 3 would read as 0). 8-bit and palette files are read too.
import sharp from 'sharp';
import { decodeLabelWith, isPalettePng, type LabelMap } from '../images.js';

const IGNORE = 255;

/** Decodes a SYNTHIA label to train ids: channel 0's value through `table` (values ≥ 256 → 255). */
export async function decodeSynthiaLabel(bytes: Buffer, name: string, table: Uint8Array): Promise<LabelMap> {
  // A palette file stores ids as indices: the 8-bit label decoder reads those.
  if (isPalettePng(bytes)) return decodeLabelWith(bytes, name, table);
  try {
    const meta = await sharp(bytes).metadata();
    const channels = meta.channels ?? 0;
    if (meta.depth === 'uchar') {
      const { data, info } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      for (let i = 0; i < data.length; i++) data[i] = table[data[i]];
      return { data, width: info.width, height: info.height };
    }
    if (meta.depth !== 'ushort') {
      throw new Error(`it has ${meta.depth} samples; expected a 16-bit (or 8-bit) PNG with the class id in channel 0`);
    }
    const { data, info } = await sharp(bytes)
      .toColourspace(channels <= 2 ? 'grey16' : 'rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const pixels = info.width * info.height;
    if (data.length !== pixels * info.channels * 2) throw new Error(`it decoded to ${data.length} bytes for ${info.width}x${info.height}x${info.channels} 16-bit samples`);
    const ids = Buffer.allocUnsafe(pixels);
    // Native byte order, as sharp writes raw 16-bit samples; a typed view needs an even offset.
    const even = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    const samples = new Uint16Array(even.buffer, even.byteOffset, even.length / 2);
    for (let i = 0, j = 0; i < pixels; i++, j += info.channels) {
      const v = samples[j];
      ids[i] = v < 256 ? table[v] : IGNORE;
    }
    return { data: ids, width: info.width, height: info.height };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.includes(name)) throw err;
    throw new Error(`SYNTHIA label ${name} cannot be decoded (${message})`);
  }
}
