import { writeAll } from '../atomic.js';
import { crc32 } from './crc32.js';
import { PADDING_EXTRA, SIG, U16_MAX, U32_MAX, ZIP64_EXTRA } from './records.js';

export interface ZipInput {
  name: string;
  data: Uint8Array;
}

// 1980-01-01 00:00 in DOS format: a fixed time keeps the output byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_ZIP64 = 45;
const VERSION_PLAIN = 20;

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
}

export interface ZipOptions {
  /** Every entry's data starts at a multiple of this many bytes (PyTorch uses 64). */
  align?: number;
  /** Give every entry zip64 size and offset fields even when they fit 32 bits (as Python's force_zip64). */
  forceZip64?: boolean;
}

/**
 * Writes an uncompressed zip archive to `fd` (at its current position, which must be the start
 * of the file) the way PyTorch's archive writer lays it out: every entry's data starts at a
 * multiple of `align` bytes, reached by padding the local header's extra field, so that a
 * reader can map storages straight from the file; zip64 end records are always present.
 */
export function writeZip(
  fd: number,
  entries: Iterable<ZipInput>,
  { align = 64, forceZip64 = false }: ZipOptions = {},
): void {
  const written: Written[] = [];
  let offset = 0;
  const put = (chunk: Uint8Array): void => {
    writeAll(fd, chunk);
    offset += chunk.byteLength;
  };

  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const size = data.byteLength;
    const big = forceZip64 || size >= U32_MAX;
    const zip64 = big ? zip64Extra([size, size]) : Buffer.alloc(0);
    const unpadded = offset + 30 + nameBytes.byteLength + zip64.byteLength + 4;
    const pad = (align - (unpadded % align)) % align;
    const padding = Buffer.alloc(4 + pad, 'Z'.charCodeAt(0));
    padding.writeUInt16LE(PADDING_EXTRA, 0);
    padding.writeUInt16LE(pad, 2);

    const header = Buffer.alloc(30);
    header.writeUInt32LE(SIG.LOCAL, 0);
    header.writeUInt16LE(big ? VERSION_ZIP64 : VERSION_PLAIN, 4);
    header.writeUInt16LE(nameFlags(name), 6);
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(big ? U32_MAX : size, 18);
    header.writeUInt32LE(big ? U32_MAX : size, 22);
    header.writeUInt16LE(nameBytes.byteLength, 26);
    header.writeUInt16LE(zip64.byteLength + padding.byteLength, 28);

    written.push({ name: nameBytes, crc, size, offset, zip64: forceZip64 });
    put(Buffer.concat([header, nameBytes, zip64, padding]));
    put(data);
  }

  const directoryStart = offset;
  for (const entry of written) put(centralHeader(entry));
  const directorySize = offset - directoryStart;
  put(endRecords(written.length, directoryStart, directorySize, offset));
}

function centralHeader({ name, crc, size, offset, zip64 }: Written): Buffer {
  const bigSize = zip64 || size >= U32_MAX;
  const bigOffset = zip64 || offset >= U32_MAX;
  const fields = [...(bigSize ? [size, size] : []), ...(bigOffset ? [offset] : [])];
  const extra = fields.length > 0 ? zip64Extra(fields) : Buffer.alloc(0);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(SIG.CENTRAL, 0);
  h.writeUInt16LE(VERSION_ZIP64, 4); // made by
  h.writeUInt16LE(extra.byteLength > 0 ? VERSION_ZIP64 : VERSION_PLAIN, 6);
  h.writeUInt16LE(nameFlags(name.toString('utf8')), 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(bigSize ? U32_MAX : size, 20);
  h.writeUInt32LE(bigSize ? U32_MAX : size, 24);
  h.writeUInt16LE(name.byteLength, 28);
  h.writeUInt16LE(extra.byteLength, 30);
  // comment length, disk, internal and external attributes stay 0
  h.writeUInt32LE(bigOffset ? U32_MAX : offset, 42);
  return Buffer.concat([h, name, extra]);
}

function endRecords(count: number, directoryStart: number, directorySize: number, zip64EndOffset: number): Buffer {
  const zip64End = Buffer.alloc(56);
  zip64End.writeUInt32LE(SIG.ZIP64_END, 0);
  zip64End.writeBigUInt64LE(44n, 4); // size of the rest of this record
  zip64End.writeUInt16LE(VERSION_ZIP64, 12);
  zip64End.writeUInt16LE(VERSION_ZIP64, 14);
  zip64End.writeBigUInt64LE(BigInt(count), 24);
  zip64End.writeBigUInt64LE(BigInt(count), 32);
  zip64End.writeBigUInt64LE(BigInt(directorySize), 40);
  zip64End.writeBigUInt64LE(BigInt(directoryStart), 48);

  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(SIG.ZIP64_LOCATOR, 0);
  locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
  locator.writeUInt32LE(1, 16); // total number of disks

  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG.END, 0);
  end.writeUInt16LE(Math.min(count, U16_MAX), 8);
  end.writeUInt16LE(Math.min(count, U16_MAX), 10);
  end.writeUInt32LE(Math.min(directorySize, U32_MAX), 12);
  end.writeUInt32LE(Math.min(directoryStart, U32_MAX), 16);
  return Buffer.concat([zip64End, locator, end]);
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(ZIP64_EXTRA, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

// Bit 11: the name is UTF-8.
function nameFlags(name: string): number {
  return /^[\x20-\x7e]*$/.test(name) ? 0 : 0x800;
}
