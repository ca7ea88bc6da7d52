// TFRecord framing: uint64 LE data length, masked CRC-32C of those 8 bytes (uint32 LE), the
// data, masked CRC-32C of the data (uint32 LE).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { maskedCrc32c } from './crc32c.js';

export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;

/** One record's frame, ready to append. */
export function frameRecord(data: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + data.length + FOOTER_BYTES);
  frame.writeBigUInt64LE(BigInt(data.length), 0);
  frame.writeUInt32LE(maskedCrc32c(frame.subarray(0, 8)), 8);
  frame.set(data, HEADER_BYTES);
  frame.writeUInt32LE(maskedCrc32c(data), HEADER_BYTES + data.length);
  return frame;
}

/** A record's data and the byte offset of its frame in the file. */
export interface RawRecord {
  offset: number;
  data: Buffer;
}

/** How a walk over a file's records ended. */
export interface RecordWalkEnd {
  /** The file ends inside a record (a writer killed mid-write, or one still writing). */
  truncated: boolean;
  /** Bytes up to the end of the last whole record. */
  validBytes: number;
}

const CHUNK = 1 << 20;

/**
 * The records of `file`, a chunk of the file at a time, each CRC checked; a CRC mismatch
 * throws with the file and byte offset. A file that ends inside a record yields the whole
 * records before it, and the generator's return value says so.
 */
export function* walkRecords(file: string): Generator<RawRecord, RecordWalkEnd> {
  const fd = openSync(file, 'r');
  try {
    // Bytes appended after this are left for the next read: a record being written now is cut.
    const size = fstatSync(fd).size;
    let window = Buffer.alloc(0);
    let windowStart = 0; // file offset of window[0]
    // Bytes [at, at + n) in the window; false when the file (as it was opened) ends first.
    const need = (at: number, n: number): boolean => {
      if (at + n > size) return false;
      while (windowStart + window.length < at + n) {
        const keep = window.subarray(at - windowStart);
        const next = Buffer.allocUnsafe(keep.length + Math.min(Math.max(CHUNK, n), size - at - keep.length));
        keep.copy(next);
        const got = readSync(fd, next, keep.length, next.length - keep.length, at + keep.length);
        if (got === 0) return false; // the file shrank while read
        window = next.subarray(0, keep.length + got);
        windowStart = at;
      }
      return true;
    };
    const bytesAt = (at: number, n: number) => window.subarray(at - windowStart, at - windowStart + n);

    let offset = 0;
    for (;;) {
      if (!need(offset, 1)) return { truncated: false, validBytes: offset };
      if (!need(offset, HEADER_BYTES)) return { truncated: true, validBytes: offset };
      const header = bytesAt(offset, HEADER_BYTES);
      check(file, offset, 'length', header.readUInt32LE(8), maskedCrc32c(header.subarray(0, 8)));
      const length = Number(header.readBigUInt64LE(0));
      if (!need(offset, HEADER_BYTES + length + FOOTER_BYTES)) return { truncated: true, validBytes: offset };
      const data = Buffer.from(bytesAt(offset + HEADER_BYTES, length)); // a copy: the window is reused
      check(file, offset, 'data', bytesAt(offset + HEADER_BYTES + length, 4).readUInt32LE(0), maskedCrc32c(data));
      yield { offset, data };
      offset += HEADER_BYTES + length + FOOTER_BYTES;
    }
  } finally {
    closeSync(fd);
  }
}

function check(file: string, offset: number, what: string, stored: number, computed: number): void {
  if (stored !== computed)
    throw new Error(
      `${file}: record at byte ${offset}: ${what} CRC mismatch (stored 0x${hex(stored)}, computed 0x${hex(computed)}); the file is corrupt`,
    );
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
