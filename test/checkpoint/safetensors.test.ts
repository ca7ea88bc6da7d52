import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  DTYPES,
  itemSize,
  numel,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors,
  type RawStateDict,
} from '../../src/checkpoint/index.js';
import { catchError, expectSameStateDict, fixture, readFloat32, tempDir } from './helpers.js';

const TINY = fixture('tiny_state_dict.safetensors');

function header(json: object | string, padTo = 8): Buffer {
  const text = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json));
  const padded = Buffer.alloc(Math.ceil(text.byteLength / padTo) * padTo, ' ');
  text.copy(padded);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.byteLength));
  return Buffer.concat([length, padded]);
}

describe('readSafetensors', () => {
  it('reads the tiny model state dict in file order', () => {
    const { tensors, metadata } = readSafetensors(TINY);
    expect(tensors.size).toBe(378);
    const names = [...tensors.keys()];
    expect(names.slice(0, 3)).toEqual(['hrnet.conv1.weight', 'hrnet.bn1.weight', 'hrnet.bn1.bias']);
    expect(names.at(-1)).toBe('ocrnet.segmentation_classes.0.bias');
    const conv = tensors.get('hrnet.conv1.weight')!;
    expect(conv.dtype).toBe('float32');
    expect(conv.shape).toEqual([16, 3, 3, 3]);
    expect(conv.data.byteLength).toBe(16 * 27 * 4);
    const batches = tensors.get('hrnet.bn1.num_batches_tracked')!;
    expect(batches).toMatchObject({ dtype: 'int64', shape: [] });
    expect(batches.data.byteLength).toBe(8);
    expect(JSON.parse(metadata.config)).toMatchObject({ widths: [8, 16, 32, 64] });
  });

  it('reads the header alone, with absolute byte positions', () => {
    const { entries, metadata } = readSafetensorsHeader(TINY);
    expect(entries).toHaveLength(378);
    expect(metadata.config).toBeDefined();
    const first = entries[0];
    const headerLength = Number(fs.readFileSync(TINY).readBigUInt64LE(0));
    expect(first).toEqual({
      name: 'hrnet.conv1.weight',
      dtype: 'float32',
      shape: [16, 3, 3, 3],
      offset: 8 + headerLength,
      length: 1728,
    });
    const fd = fs.openSync(TINY, 'r');
    const bytes = Buffer.alloc(first.length);
    fs.readSync(fd, bytes, 0, first.length, first.offset);
    fs.closeSync(fd);
    expect(bytes.equals(readSafetensors(TINY).tensors.get('hrnet.conv1.weight')!.data)).toBe(true);
  });

  it('keeps the order of the data for names that look like integers', () => {
    const file = path.join(tempDir(), 'order.safetensors');
    const tensors: RawStateDict = new Map([
      ['b', { dtype: 'uint8', shape: [1], data: Buffer.from([1]) }],
      ['10', { dtype: 'uint8', shape: [1], data: Buffer.from([2]) }],
      ['2', { dtype: 'uint8', shape: [1], data: Buffer.from([3]) }],
      ['a', { dtype: 'uint8', shape: [0], data: Buffer.alloc(0) }],
    ]);
    writeSafetensors(file, tensors);
    expect([...readSafetensors(file).tensors.keys()]).toEqual(['b', '10', '2', 'a']);
  });
});

describe('writeSafetensors', () => {
  it('writes the tiny state dict back byte for byte', () => {
    const { tensors, metadata } = readSafetensors(TINY);
    const out = path.join(tempDir(), 'tiny.safetensors');
    writeSafetensors(out, tensors, metadata);
    expect(fs.readFileSync(out).equals(fs.readFileSync(TINY))).toBe(true);
  });

  it('round-trips every dtype, scalars and empty tensors', () => {
    const tensors: RawStateDict = new Map();
    DTYPES.forEach((dtype, i) => {
      const shape = [2, i + 1];
      const data = Buffer.alloc(numel(shape) * itemSize(dtype));
      for (let b = 0; b < data.byteLength; b++) data[b] = (b * 7 + i) & 0xff;
      if (dtype === 'bool') data.forEach((_, b) => (data[b] = b % 2));
      tensors.set(`t.${dtype}`, { dtype, shape, data });
    });
    tensors.set('scalar', { dtype: 'float64', shape: [], data: Buffer.from(new Float64Array([Math.PI]).buffer) });
    tensors.set('empty', { dtype: 'float32', shape: [0, 3], data: Buffer.alloc(0) });
    const file = path.join(tempDir(), 'all.safetensors');
    writeSafetensors(file, tensors, { note: 'ünïcode ok', step: '12' });
    const back = readSafetensors(file);
    expectSameStateDict(back.tensors, tensors);
    expect(back.metadata).toEqual({ note: 'ünïcode ok', step: '12' });
    // The header is padded with spaces so the data starts 8-byte aligned.
    const raw = fs.readFileSync(file);
    const n = Number(raw.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    expect(
      raw
        .subarray(8, 8 + n)
        .toString()
        .trimEnd()
        .endsWith('}'),
    ).toBe(true);
  });

  it('refuses a tensor whose bytes do not match its shape, naming it', () => {
    const file = path.join(tempDir(), 'bad.safetensors');
    const tensors: RawStateDict = new Map([['w', { dtype: 'float32', shape: [3], data: Buffer.alloc(8) }]]);
    expect(() => writeSafetensors(file, tensors)).toThrow(
      /tensor "w" has 8 bytes of data; shape \[3\] of float32 needs 12/,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses metadata that is not a string', () => {
    const file = path.join(tempDir(), 'meta.safetensors');
    const bad = { step: 3 } as unknown as Record<string, string>;
    expect(() => writeSafetensors(file, new Map(), bad)).toThrow(CheckpointError);
  });
});

describe('safetensors errors', () => {
  const cases: Array<[string, () => Buffer, RegExp]> = [
    ['a file shorter than the length field', () => Buffer.from([1, 2, 3]), /truncated/],
    ['a header longer than the file', () => header({}).subarray(0, 6 + 8), /truncated/],
    ['a header that is not JSON', () => header('{"a": '), /not JSON/],
    [
      'an unknown dtype',
      () => header({ w: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }),
      /"w" has dtype "F8_E4M3"/,
    ],
    [
      'offsets that disagree with the shape',
      () => header({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }),
      /"w" spans 4 bytes/,
    ],
    ['negative dimensions', () => header({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }), /"w" has shape/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`names the file for ${what}`, () => {
      const file = path.join(tempDir(), 'broken.safetensors');
      fs.writeFileSync(file, bytes());
      const err = catchError(() => readSafetensors(file));
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointError).path).toBe(file);
      expect(err.message).toContain(file);
      expect(err.message).toMatch(message);
    });
  }

  it('says how much data is missing from a cut file', () => {
    const file = path.join(tempDir(), 'cut.safetensors');
    const raw = fs.readFileSync(TINY);
    fs.writeFileSync(file, raw.subarray(0, raw.byteLength - 1000));
    const headerLength = Number(raw.readBigUInt64LE(0));
    const dataLength = raw.byteLength - 8 - headerLength;
    expect(() => readSafetensors(file)).toThrow(
      `${file} is truncated: the header says ${dataLength} bytes of data, the file has ${dataLength - 1000}`,
    );
  });

  it('reads a tensor of a hand-made file', () => {
    const file = path.join(tempDir(), 'hand.safetensors');
    const data = Buffer.from(new Float32Array([1, -2]).buffer);
    fs.writeFileSync(
      file,
      Buffer.concat([
        header({ __metadata__: { a: 'b' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }),
        data,
      ]),
    );
    expect(readFloat32(readSafetensors(file).tensors.get('w')!.data)).toEqual([1, -2]);
  });
});
