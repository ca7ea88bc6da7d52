import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  readPth,
  readPthObject,
  readSafetensors,
  readStateDict,
  writePth,
  writeStateDict,
  type RawStateDict,
  type RawTensor,
} from '../../src/checkpoint/index.js';
import { crc32Table } from '../../src/checkpoint/zip/crc32.js';
import { expectSameStateDict, fixture, tempDir } from './helpers.js';

const reference = (): RawStateDict => readSafetensors(fixture('tiny_state_dict.safetensors')).tensors;

describe('reading PyTorch checkpoints', () => {
  it('reads the zip format (PyTorch >= 1.6) as the safetensors state dict', () => {
    expectSameStateDict(readPth(fixture('tiny_state_dict_zip.pth')), reference());
  });

  it('reads the legacy format (before 1.6) as the safetensors state dict', () => {
    expectSameStateDict(readPth(fixture('tiny_state_dict_legacy.pth')), reference());
  });

  it('tells the format from the content, whatever the name', () => {
    const dir = tempDir();
    for (const name of ['tiny_state_dict_zip.pth', 'tiny_state_dict_legacy.pth', 'tiny_state_dict.safetensors']) {
      const renamed = path.join(dir, `${name}.bin`);
      fs.copyFileSync(fixture(name), renamed);
      expectSameStateDict(readStateDict(renamed), reference());
    }
  });

  it('returns the saved OrderedDict with tensors as records', () => {
    const obj = readPthObject(fixture('tiny_state_dict_zip.pth'));
    expect(obj).toBeInstanceOf(Map);
    const conv = (obj as Map<string, RawTensor>).get('hrnet.conv1.weight')!;
    expect(conv.dtype).toBe('float32');
    expect(conv.shape).toEqual([16, 3, 3, 3]);
  });
});

describe('writePth', () => {
  it('round-trips the tiny state dict byte for byte, and writes the same file twice', () => {
    const dir = tempDir();
    const first = path.join(dir, 'a.pth');
    const second = path.join(dir, 'b.pth');
    writePth(first, reference());
    const back = readPth(first);
    expectSameStateDict(back, reference());
    writePth(second, back);
    expect(fs.readFileSync(second).equals(fs.readFileSync(first))).toBe(true);
  });

  it('round-trips every dtype, scalars, empty tensors and names that look like integers', () => {
    const tensors: RawStateDict = new Map([
      ['2', { dtype: 'float16', shape: [2], data: Buffer.from([0, 0x3c, 0, 0xc0]) }],
      ['1', { dtype: 'bfloat16', shape: [1, 1], data: Buffer.from([0x80, 0x3f]) }],
      ['x.bool', { dtype: 'bool', shape: [3], data: Buffer.from([1, 0, 1]) }],
      ['x.u8', { dtype: 'uint8', shape: [2], data: Buffer.from([0, 255]) }],
      ['x.i8', { dtype: 'int8', shape: [2], data: Buffer.from([0x80, 0x7f]) }],
      ['x.i16', { dtype: 'int16', shape: [1], data: Buffer.from([1, 2]) }],
      ['x.i32', { dtype: 'int32', shape: [1], data: Buffer.from([1, 2, 3, 4]) }],
      ['x.i64', { dtype: 'int64', shape: [], data: Buffer.from([9, 0, 0, 0, 0, 0, 0, 0x80]) }],
      ['x.f64', { dtype: 'float64', shape: [1], data: Buffer.from(new Float64Array([-0.5]).buffer) }],
      ['x.empty', { dtype: 'float32', shape: [0, 4], data: Buffer.alloc(0) }],
      ['x.big', { dtype: 'float32', shape: [300, 300], data: Buffer.alloc(360000, 7) }],
    ]);
    const file = path.join(tempDir(), 'dtypes.pth');
    writePth(file, tensors);
    expectSameStateDict(readPth(file), tensors);
  });

  it('lays the archive out as torch.save does', () => {
    const file = path.join(tempDir(), 'layout.pth');
    const tensors = reference();
    writePth(file, tensors);
    const entries = readZipEntries(fs.readFileSync(file));
    const n = tensors.size;
    expect(entries.map((e) => e.name)).toEqual([
      'archive/data.pkl',
      'archive/byteorder',
      ...Array.from({ length: n }, (_, i) => `archive/data/${i}`),
      'archive/version',
    ]);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('archive/version')!.data.toString()).toBe('3\n');
    expect(byName.get('archive/byteorder')!.data.toString()).toBe('little');
    [...tensors.values()].forEach((t, i) => expect(byName.get(`archive/data/${i}`)!.data.equals(t.data)).toBe(true));
    for (const e of entries) {
      expect(e.dataOffset % 64, `alignment of ${e.name}`).toBe(0);
      expect(e.method).toBe(0);
      expect(crc32Table(e.data), `CRC of ${e.name}`).toBe(e.crc);
      expect(e.localCrc).toBe(e.crc);
    }
    const pkl = byName.get('archive/data.pkl')!.data;
    expect(pkl.subarray(0, 2).equals(Buffer.from([0x80, 0x02]))).toBe(true);
    expect(pkl.includes('ccollections\nOrderedDict\n')).toBe(true);
    expect(pkl.includes('ctorch._utils\n_rebuild_tensor_v2\n')).toBe(true);
    expect(pkl.includes('ctorch\nFloatStorage\n')).toBe(true);
    expect(pkl.includes('ctorch\nLongStorage\n')).toBe(true);
    expect(pkl.at(-1)).toBe(0x2e); // STOP
  });

  it('refuses malformed tensors before touching the file', () => {
    const file = path.join(tempDir(), 'bad.pth');
    fs.writeFileSync(file, 'previous');
    const bad: RawStateDict = new Map([['w', { dtype: 'float32', shape: [2, 2], data: Buffer.alloc(4) }]]);
    expect(() => writePth(file, bad)).toThrow(/tensor "w" has 4 bytes/);
    expect(fs.readFileSync(file, 'utf8')).toBe('previous');
  });
});

describe('writeStateDict', () => {
  it('picks the format from the extension', () => {
    const dir = tempDir();
    const tensors = reference();
    for (const name of ['w.safetensors', 'w.pth', 'w.pt']) {
      const file = path.join(dir, name);
      writeStateDict(file, tensors, { note: 'x' });
      expectSameStateDict(readStateDict(file), tensors);
    }
    expect(fs.readFileSync(path.join(dir, 'w.pth')).subarray(0, 2).toString()).toBe('PK');
    expect(readSafetensors(path.join(dir, 'w.safetensors')).metadata).toEqual({ note: 'x' });
  });

  it('refuses an unknown extension', () => {
    const file = path.join(tempDir(), 'w.ckpt');
    expect(() => writeStateDict(file, reference())).toThrow(CheckpointError);
    expect(() => writeStateDict(file, reference())).toThrow(/unknown extension ".ckpt"; use .safetensors, .pth or .pt/);
  });
});

interface ZipEntryBytes {
  name: string;
  method: number;
  crc: number;
  localCrc: number;
  dataOffset: number;
  data: Buffer;
}

// An independent reading of the archive, straight from the zip specification.
function readZipEntries(raw: Buffer): ZipEntryBytes[] {
  const eocd = raw.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = raw.readUInt16LE(eocd + 10);
  let at = raw.readUInt32LE(eocd + 16);
  const entries: ZipEntryBytes[] = [];
  for (let i = 0; i < count; i++) {
    expect(raw.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = raw.readUInt16LE(at + 28);
    const name = raw.toString('utf8', at + 46, at + 46 + nameLength);
    const size = raw.readUInt32LE(at + 24);
    const local = raw.readUInt32LE(at + 42);
    expect(raw.readUInt32LE(local)).toBe(0x04034b50);
    const dataOffset = local + 30 + raw.readUInt16LE(local + 26) + raw.readUInt16LE(local + 28);
    entries.push({
      name,
      method: raw.readUInt16LE(at + 10),
      crc: raw.readUInt32LE(at + 16),
      localCrc: raw.readUInt32LE(local + 14),
      dataOffset,
      data: raw.subarray(dataOffset, dataOffset + size),
    });
    at += 46 + nameLength + raw.readUInt16LE(at + 30) + raw.readUInt16LE(at + 32);
  }
  return entries;
}
