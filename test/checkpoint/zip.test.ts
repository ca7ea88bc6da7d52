import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointFile } from '../../src/checkpoint/file.js';
import { crc32, crc32Table } from '../../src/checkpoint/zip/crc32.js';
import { ZipReader } from '../../src/checkpoint/zip/read.js';
import { writeZip, type ZipInput } from '../../src/checkpoint/zip/write.js';
import { tempDir } from './helpers.js';

function roundTrip(entries: ZipInput[], options: Parameters<typeof writeZip>[2]): Map<string, Buffer> {
  const file = path.join(tempDir(), 'a.zip');
  const fd = fs.openSync(file, 'w');
  writeZip(fd, entries, options);
  fs.closeSync(fd);
  return CheckpointFile.use(file, (f) => {
    const zip = ZipReader.open(f);
    return new Map([...zip.entries.values()].map((e) => [e.name, zip.read(e)]));
  });
}

describe('zip', () => {
  it('computes the standard CRC-32', () => {
    const check = Buffer.from('123456789');
    expect(crc32Table(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    const data = Buffer.alloc(100_000).map((_, i) => (i * 31) & 0xff);
    expect(crc32Table(data)).toBe(crc32(data));
    expect(crc32Table(data.subarray(500), crc32Table(data.subarray(0, 500)))).toBe(crc32(data));
  });

  const entries: ZipInput[] = [
    { name: 'x/data.pkl', data: Buffer.from('pickle') },
    { name: 'x/empty', data: Buffer.alloc(0) },
    { name: 'x/data/0', data: Buffer.alloc(1000, 9) },
    { name: 'x/ünï', data: Buffer.from([1, 2, 3]) },
  ];

  for (const forceZip64 of [false, true]) {
    it(`writes and reads entries${forceZip64 ? ' with zip64 fields' : ''}, data aligned`, () => {
      const back = roundTrip(entries, { forceZip64, align: 64 });
      expect([...back.keys()]).toEqual(entries.map((e) => e.name));
      for (const e of entries) expect(back.get(e.name)!.equals(e.data)).toBe(true);
    });
  }

  it('aligns to other boundaries on request', () => {
    const file = path.join(tempDir(), 'b.zip');
    const fd = fs.openSync(file, 'w');
    writeZip(fd, entries, { align: 4096 });
    fs.closeSync(fd);
    const raw = fs.readFileSync(file);
    CheckpointFile.use(file, (f) => {
      for (const e of ZipReader.open(f).entries.values()) {
        const start =
          e.headerOffset + 30 + raw.readUInt16LE(e.headerOffset + 26) + raw.readUInt16LE(e.headerOffset + 28);
        expect(start % 4096).toBe(0);
      }
    });
  });
});
