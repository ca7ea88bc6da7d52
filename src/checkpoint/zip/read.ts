import * as zlib from 'node:zlib';
import { CheckpointError } from '../errors.js';
import type { CheckpointFile } from '../file.js';
import { crc32 } from './crc32.js';
import { SIG, ZIP64_EXTRA, U16_MAX, U32_MAX } from './records.js';

export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflate. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

const EOCD_SIZE = 22;
const LOCATOR_SIZE = 20;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;

/** Reads entries of a zip archive (with zip64 records) by position, one entry at a time. */
export class ZipReader {
  private constructor(
    private readonly file: CheckpointFile,
    /** Entries by name, in central-directory order. */
    readonly entries: Map<string, ZipEntry>,
  ) {}

  static open(file: CheckpointFile): ZipReader {
    const { offset, count, size } = findCentralDirectory(file);
    const cd = file.read(offset, size, 'the zip central directory');
    const entries = new Map<string, ZipEntry>();
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + CENTRAL_SIZE > cd.byteLength || cd.readUInt32LE(at) !== SIG.CENTRAL) {
        throw new CheckpointError(file.path, `${file.path} is corrupt: zip central directory entry ${i} is malformed`);
      }
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const end = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
      if (end > cd.byteLength) {
        throw new CheckpointError(
          file.path,
          `${file.path} is corrupt: zip central directory entry ${i} runs past the directory`,
        );
      }
      const flags = cd.readUInt16LE(at + 8);
      const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
      const entry: ZipEntry = {
        name,
        method: cd.readUInt16LE(at + 10),
        crc: cd.readUInt32LE(at + 16),
        compressedSize: cd.readUInt32LE(at + 20),
        size: cd.readUInt32LE(at + 24),
        headerOffset: cd.readUInt32LE(at + 42),
      };
      applyZip64Extra(entry, cd.subarray(at + CENTRAL_SIZE + nameLength, at + CENTRAL_SIZE + nameLength + extraLength));
      entries.set(name, entry);
      at = end;
    }
    return new ZipReader(file, entries);
  }

  /** The entry's uncompressed bytes, checked against its CRC-32. */
  read(entry: ZipEntry): Buffer {
    const { path } = this.file;
    const header = this.file.read(entry.headerOffset, LOCAL_SIZE, `the zip header of ${entry.name}`);
    if (header.readUInt32LE(0) !== SIG.LOCAL) {
      throw new CheckpointError(
        path,
        `${path} is corrupt: no zip header where ${entry.name} should start (byte ${entry.headerOffset})`,
      );
    }
    const start = entry.headerOffset + LOCAL_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    const stored = this.file.read(start, entry.compressedSize, `zip entry ${entry.name}`);
    let data: Buffer;
    if (entry.method === 0) {
      data = stored;
    } else if (entry.method === 8) {
      try {
        data = zlib.inflateRawSync(stored, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (err) {
        throw new CheckpointError(
          path,
          `${path} is corrupt: zip entry ${entry.name} does not inflate (${(err as Error).message})`,
          {
            cause: err,
          },
        );
      }
    } else {
      throw new CheckpointError(
        path,
        `${path}: zip entry ${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`,
      );
    }
    if (data.byteLength !== entry.size) {
      throw new CheckpointError(
        path,
        `${path} is corrupt: zip entry ${entry.name} has ${data.byteLength} bytes, its header says ${entry.size}`,
      );
    }
    if (crc32(data) !== entry.crc) {
      throw new CheckpointError(path, `${path} is corrupt: zip entry ${entry.name} fails its CRC-32 check`);
    }
    return data;
  }
}

function findCentralDirectory(file: CheckpointFile): { offset: number; count: number; size: number } {
  const { path } = file;
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  const tailLength = Math.min(file.size, EOCD_SIZE + U16_MAX);
  const tailStart = file.size - tailLength;
  const tail = file.read(tailStart, tailLength, 'the zip end record');
  let eocd = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG.END && i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tailLength) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new CheckpointError(
      path,
      `${path} is truncated or corrupt: it starts like a zip archive but has no zip end record`,
    );
  }
  let count = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  const locator = eocd - LOCATOR_SIZE;
  if (locator >= 0 && tail.readUInt32LE(locator) === SIG.ZIP64_LOCATOR) {
    const recordOffset = safeNumber(tail.readBigUInt64LE(locator + 8));
    const record = file.read(recordOffset, 56, 'the zip64 end record');
    if (record.readUInt32LE(0) !== SIG.ZIP64_END) {
      throw new CheckpointError(
        path,
        `${path} is corrupt: the zip64 locator points to byte ${recordOffset}, where no zip64 end record is`,
      );
    }
    count = safeNumber(record.readBigUInt64LE(32));
    size = safeNumber(record.readBigUInt64LE(40));
    offset = safeNumber(record.readBigUInt64LE(48));
  }
  if (offset + size > file.size) {
    throw new CheckpointError(
      path,
      `${path} is truncated: the zip central directory should end at byte ${offset + size}, the file has ${file.size} bytes`,
    );
  }
  return { offset, count, size };
}

// Values that do not fit 32 bits are 0xffffffff in the fixed fields and follow in the zip64 extra field.
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let at = 0;
  while (at + 4 <= extra.byteLength) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    const body = extra.subarray(at + 4, at + 4 + length);
    if (id === ZIP64_EXTRA) {
      let p = 0;
      const next = (): number => {
        const v = p + 8 <= body.byteLength ? safeNumber(body.readBigUInt64LE(p)) : 0;
        p += 8;
        return v;
      };
      if (entry.size === U32_MAX) entry.size = next();
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
      if (entry.headerOffset === U32_MAX) entry.headerOffset = next();
    }
    at += 4 + length;
  }
}

function safeNumber(v: bigint): number {
  // Beyond 2^53 no file on disk is meant; make it an offset that fails the size checks.
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}
