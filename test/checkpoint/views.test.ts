import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, readPth, readPthObject, type RawTensor } from '../../src/checkpoint/index.js';
import {
  call,
  global,
  orderedDict,
  persistent,
  pickle,
  tuple,
  type PickleValue,
} from '../../src/checkpoint/pickle/pickle.js';
import { writeZip } from '../../src/checkpoint/zip/write.js';
import { catchError, fixture, float32, readFloat32, tempDir } from './helpers.js';

// Pickles built here the way torch.save builds them, to test what the tiny fixtures never show:
// views into shared storages, offsets, strides, parameters, half-precision storages.

const STORAGE = float32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

// The legacy format appends view metadata to the persistent id.
const storage = (cls: string, key: string, numel: number, ...view: PickleValue[]): PickleValue =>
  persistent(tuple('storage', global('torch', cls), key, 'cpu', numel, ...view));

const tensor = (st: PickleValue, offset: number, size: number[], stride: number[]): PickleValue =>
  call(
    global('torch._utils', '_rebuild_tensor_v2'),
    st,
    offset,
    tuple(...size),
    tuple(...stride),
    false,
    orderedDict([]),
  );

const floats = (offset: number, size: number[], stride: number[]): PickleValue =>
  tensor(storage('FloatStorage', '0', 12), offset, size, stride);

function zipPth(value: PickleValue, storages: Record<string, Buffer>, prefix = 'archive'): string {
  const file = path.join(tempDir(), 'views.pth');
  const fd = fs.openSync(file, 'w');
  writeZip(fd, [
    { name: `${prefix}/data.pkl`, data: pickle(value) },
    ...Object.entries(storages).map(([key, data]) => ({ name: `${prefix}/data/${key}`, data })),
    { name: `${prefix}/version`, data: Buffer.from('3\n') },
  ]);
  fs.closeSync(fd);
  return file;
}

const values = (t: RawTensor | undefined): number[] => readFloat32(t!.data);

describe('tensor views in a pickle', () => {
  it('materialises offsets, strides and shared storages as contiguous tensors', () => {
    const file = zipPth(
      orderedDict([
        ['base', floats(0, [3, 4], [4, 1])],
        ['transposed', floats(0, [4, 3], [1, 4])],
        ['strided', floats(2, [5], [2])],
        ['cube', floats(0, [2, 2, 2], [6, 1, 4])],
        ['slice', floats(4, [2, 2], [2, 1])],
        ['expanded', floats(5, [3], [0])],
        ['column', floats(0, [3, 1], [1, 7])],
        ['row', floats(0, [1, 3], [99, 4])],
      ]),
      { '0': STORAGE },
    );
    const sd = readPth(file);
    expect(values(sd.get('base'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(sd.get('transposed')!.shape).toEqual([4, 3]);
    expect(values(sd.get('transposed'))).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(values(sd.get('strided'))).toEqual([2, 4, 6, 8, 10]);
    expect(values(sd.get('cube'))).toEqual([0, 4, 1, 5, 6, 10, 7, 11]);
    expect(values(sd.get('slice'))).toEqual([4, 5, 6, 7]);
    expect(values(sd.get('expanded'))).toEqual([5, 5, 5]);
    expect(values(sd.get('column'))).toEqual([0, 1, 2]);
    expect(values(sd.get('row'))).toEqual([0, 4, 8]);
    for (const t of sd.values()) expect(t.data.byteLength).toBe(t.shape.reduce((a, b) => a * b, 1) * 4);
  });

  it('gives tensors that share a storage their own memory', () => {
    const file = zipPth(
      orderedDict([
        ['a', floats(0, [12], [1])],
        ['b', floats(0, [12], [1])],
      ]),
      { '0': STORAGE },
    );
    const sd = readPth(file);
    sd.get('a')!.data.fill(0);
    expect(values(sd.get('b'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads parameters and half, bfloat16 and int64 storages', () => {
    const half = Buffer.from([0x00, 0x3e, 0x00, 0xc0]); // 1.5, -2
    const bf16 = Buffer.from([0x80, 0x3f, 0x40, 0x40]); // 1, 3
    const longs = Buffer.alloc(16);
    longs.writeBigInt64LE(-3n, 0);
    longs.writeBigInt64LE(1n << 40n, 8);
    const file = zipPth(
      new Map<PickleValue, PickleValue>([
        ['epoch', 4],
        [
          'state_dict',
          orderedDict([
            [
              'w',
              call(
                global('torch._utils', '_rebuild_parameter'),
                tensor(storage('HalfStorage', 'h', 2), 0, [2], [1]),
                true,
                orderedDict([]),
              ),
            ],
            ['b', tensor(storage('BFloat16Storage', 'b', 2), 1, [], [])],
            ['n', tensor(storage('LongStorage', 'n', 2), 0, [2], [1])],
          ]),
        ],
      ]),
      { h: half, b: bf16, n: longs },
    );
    const sd = readPth(file);
    expect([...sd.keys()]).toEqual(['w', 'b', 'n']);
    expect(sd.get('w')).toEqual({ dtype: 'float16', shape: [2], data: half });
    expect(sd.get('b')).toEqual({ dtype: 'bfloat16', shape: [], data: Buffer.from([0x40, 0x40]) });
    expect(sd.get('n')).toEqual({ dtype: 'int64', shape: [2], data: longs });
  });

  it('refuses a view that reaches past its storage', () => {
    const file = zipPth(orderedDict([['w', floats(6, [3, 3], [3, 1])]]), { '0': STORAGE });
    const err = catchError(() => readPth(file));
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/storage 0/);
  });

  it('refuses globals that are not part of a checkpoint, naming them', () => {
    const file = zipPth(call(global('os', 'system'), 'true'), {});
    expect(() => readPthObject(file)).toThrow(/global os\.system is not allowed/);
  });

  it('finds the state dict under a nested key and lists the keys when there is none', () => {
    const inner = orderedDict([['w', floats(0, [12], [1])]]);
    const nested = zipPth(
      new Map<PickleValue, PickleValue>([['model', new Map<PickleValue, PickleValue>([['state_dict', inner]])]]),
      { '0': STORAGE },
    );
    expect([...readPth(nested).keys()]).toEqual(['w']);

    const none = zipPth(
      new Map<PickleValue, PickleValue>([
        ['epoch', 1],
        ['optimizer', new Map()],
      ]),
      {},
    );
    expect(() => readPth(none)).toThrow(/holds a dict with keys "epoch", "optimizer", and no state dict/);
  });
});

describe('the legacy format', () => {
  it('reads storage views (view metadata) and storages in key-list order', () => {
    const magic = pickle(0x1950a86a20f9469cfc6cn);
    const system = pickle(
      new Map<PickleValue, PickleValue>([
        ['protocol_version', 1001],
        ['little_endian', true],
      ]),
    );
    const view = tuple('view', 4, 6);
    const object = orderedDict([
      ['v', tensor(storage('FloatStorage', 'root', 12, view), 0, [2, 3], [3, 1])],
      ['w', tensor(storage('FloatStorage', 'root', 12, view), 1, [2], [3])],
      ['x', tensor(storage('FloatStorage', 'root', 12, null), 0, [12], [1])],
      ['i', tensor(storage('IntStorage', 'ints', 2, null), 1, [1], [1])],
    ]);
    const ints = Buffer.from(new Int32Array([10, -20]).buffer);
    const count = (n: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(n));
      return b;
    };
    const file = path.join(tempDir(), 'legacy.pth');
    fs.writeFileSync(
      file,
      Buffer.concat([
        magic,
        pickle(1001),
        system,
        pickle(object),
        pickle(['ints', 'root']),
        count(2),
        ints,
        count(12),
        STORAGE,
      ]),
    );
    const sd = readPth(file);
    expect(values(sd.get('v'))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(values(sd.get('w'))).toEqual([5, 8]);
    expect(values(sd.get('x'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(sd.get('i')).toEqual({ dtype: 'int32', shape: [1], data: ints.subarray(4) });
  });
});

describe('checkpoints pickled by Python', () => {
  // Made with Python's pickle and zipfile (deflate), with stand-ins for the torch globals:
  // a dict {epoch, state_dict, meta} whose state dict views storages as above.
  for (const name of ['views_deflate.pth', 'views_protocol4.pth']) {
    it(`reads ${name}`, () => {
      const obj = readPthObject(fixture(name)) as Map<string, unknown>;
      expect(obj.get('epoch')).toBe(3);
      const meta = obj.get('meta') as Map<string, unknown>;
      expect(meta.get('lr')).toBe(0.01);
      expect(meta.get('names')).toEqual(['a', 'b']);
      expect(meta.get('pair')).toEqual([1, 2]);
      expect(Object.isFrozen(meta.get('pair'))).toBe(true);
      expect(meta.get('none')).toBeNull();
      expect(meta.get('flag')).toBe(true);
      expect(meta.get('blob')).toEqual(Buffer.from([0, 255]));

      const sd = readPth(fixture(name));
      expect([...sd.keys()]).toEqual(['base', 'transposed', 'strided', 'cube', 'param', 'bf16', 'scalar', 'big']);
      expect(values(sd.get('transposed'))).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
      expect(values(sd.get('strided'))).toEqual([2, 4, 6, 8, 10]);
      expect(values(sd.get('cube'))).toEqual([0, 4, 1, 5, 6, 10, 7, 11]);
      const param = sd.get('param')!;
      expect(param.dtype).toBe('float16');
      expect([0, 1, 2].map((i) => param.data.readUInt16LE(2 * i))).toEqual([0x3e00, 0xc000, 0x3400]); // 1.5, -2, 0.25
      expect(sd.get('bf16')).toEqual({ dtype: 'bfloat16', shape: [2], data: Buffer.from([0x80, 0x3f, 0x00, 0xc0]) });
      expect(sd.get('scalar')!.shape).toEqual([]);
      expect(sd.get('scalar')!.data.readBigInt64LE(0)).toBe(-9n);
      expect(sd.get('big')!.data.readBigInt64LE(0)).toBe(1n << 40n);
    });
  }
});
