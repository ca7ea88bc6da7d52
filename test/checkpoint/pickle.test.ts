import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/checkpoint/index.js';
import { call, float, global, orderedDict, pickle, tuple } from '../../src/checkpoint/pickle/pickle.js';
import { BufferSource } from '../../src/checkpoint/pickle/source.js';
import { unpickle } from '../../src/checkpoint/pickle/unpickle.js';
import { TorchPickleContext } from '../../src/checkpoint/torch/globals.js';

const read = (bytes: Buffer): unknown => {
  const context = new TorchPickleContext('test.pth');
  return unpickle(new BufferSource(bytes), { path: 'test.pth', what: 'data.pkl', findGlobal: context.findGlobal });
};

// pickle.dumps(v, protocol=p) in Python 3.11 for
// v = {'int': -5, 'big': 2**70, 'neg_big': -2**65, 'float': 2.5, 's': 'héllo', 'none': None, 't': True,
//      'f': False, 'list': [1, [2, 3]], 'tuple': (1, 'a'), 'bytes': b'\x00\xff', 'set': {7}, 'fs': frozenset([8])}
const PYTHON: Record<number, string> = {
  0: '286470300a56696e740a70310a492d350a73566269670a70320a4c313138303539313632303731373431313330333432344c0a73566e65675f6269670a70330a4c2d33363839333438383134373431393130333233324c0a7356666c6f61740a70340a46322e350a7356730a70350a5668e96c6c6f0a70360a73566e6f6e650a70370a4e7356740a70380a4930310a7356660a70390a4930300a73566c6973740a7031300a286c7031310a49310a61286c7031320a49320a6149330a616173567475706c650a7031330a2849310a56610a7031340a747031350a735662797465730a7031360a635f636f646563730a656e636f64650a7031370a28565c7530303030ff0a7031380a566c6174696e310a7031390a747032300a527032310a73567365740a7032320a635f5f6275696c74696e5f5f0a7365740a7032330a28286c7032340a49370a61747032350a527032360a735666730a7032370a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7032380a28286c7032390a49380a61747033300a527033310a732e',
  2: '80027d7100285803000000696e7471014afbffffff580300000062696771028a0900000000000000004058070000006e65675f62696771038a090000000000000000fe5805000000666c6f617471044740040000000000005801000000737105580600000068c3a96c6c6f710658040000006e6f6e6571074e58010000007471088858010000006671098958040000006c697374710a5d710b284b015d710c284b024b03656558050000007475706c65710d4b01580100000061710e86710f580500000062797465737110635f636f646563730a656e636f64650a7111580300000000c3bf711258060000006c6174696e31711386711452711558030000007365747116635f5f6275696c74696e5f5f0a7365740a71175d71184b076185711952711a58020000006673711b635f5f6275696c74696e5f5f0a66726f7a656e7365740a711c5d711d4b086185711e52711f752e',
  5: '800595ae000000000000007d94288c03696e74944afbffffff8c03626967948a090000000000000000408c076e65675f626967948a090000000000000000fe8c05666c6f6174944740040000000000008c0173948c0668c3a96c6c6f948c046e6f6e65944e8c017494888c016694898c046c697374945d94284b015d94284b024b0365658c057475706c65944b018c01619486948c05627974657394430200ff948c03736574948f94284b07908c02667394284b089194752e',
};

describe('unpickle', () => {
  for (const protocol of [0, 2, 5]) {
    it(`reads Python's protocol ${protocol}`, () => {
      const v = read(Buffer.from(PYTHON[protocol], 'hex')) as Map<string, unknown>;
      expect(v).toBeInstanceOf(Map);
      expect([...v.keys()]).toEqual([
        'int',
        'big',
        'neg_big',
        'float',
        's',
        'none',
        't',
        'f',
        'list',
        'tuple',
        'bytes',
        'set',
        'fs',
      ]);
      expect(v.get('int')).toBe(-5);
      expect(v.get('big')).toBe(2n ** 70n);
      expect(v.get('neg_big')).toBe(-(2n ** 65n));
      expect(v.get('float')).toBe(2.5);
      expect(v.get('s')).toBe('héllo');
      expect(v.get('none')).toBeNull();
      expect(v.get('t')).toBe(true);
      expect(v.get('f')).toBe(false);
      expect(v.get('list')).toEqual([1, [2, 3]]);
      expect(v.get('tuple')).toEqual([1, 'a']);
      expect(Object.isFrozen(v.get('tuple'))).toBe(true);
      expect(v.get('bytes')).toEqual(Buffer.from([0, 255]));
      expect(v.get('set')).toEqual(new Set([7]));
      expect(v.get('fs')).toEqual(new Set([8]));
    });
  }

  it('names an unknown opcode and where it is', () => {
    const err = catchCheckpointError(() => read(Buffer.from([0x80, 0x02, 0x69, 0x2e])));
    expect(err.message).toBe(
      'test.pth: data.pkl at byte 2: opcode 0x69 is not supported; the file may not be a PyTorch checkpoint',
    );
  });

  it('says when a pickle is cut short', () => {
    const bytes = pickle(['a', 'b']);
    expect(() => read(bytes.subarray(0, bytes.byteLength - 3))).toThrow(
      /test\.pth is truncated: data\.pkl ends at byte/,
    );
  });

  it('refuses a bad memo reference and an empty stack', () => {
    expect(() => read(Buffer.from([0x80, 0x02, 0x68, 0x05, 0x2e]))).toThrow(
      /memo entry 5 is read before it is written/,
    );
    expect(() => read(Buffer.from([0x80, 0x02, 0x2e]))).toThrow(/the pickle stack is empty/);
  });
});

describe('pickle', () => {
  it('writes what the unpickler reads back', () => {
    const value = new Map<unknown, unknown>([
      ['ints', [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2 ** 40, -(2 ** 40)]],
      ['bigints', [2n ** 64n, -(2n ** 64n) - 1n, 2n ** 63n - 1n]],
      ['floats', [0.1, -1e300, Infinity]],
      ['text', ['', 'ü€😀']],
      ['nested', [[], [[null, true, false]]]],
      ['bytes', Buffer.from([0, 1, 128, 255])],
    ]);
    const back = read(pickle(value as never)) as Map<string, unknown>;
    expect(back.get('ints')).toEqual(value.get('ints'));
    expect(back.get('bigints')).toEqual(value.get('bigints'));
    expect(back.get('floats')).toEqual(value.get('floats'));
    expect(back.get('text')).toEqual(value.get('text'));
    expect(back.get('nested')).toEqual(value.get('nested'));
    expect(back.get('bytes')).toEqual(value.get('bytes'));
  });

  it('writes tuples, floats, ordered dicts, calls and large lists', () => {
    const many = Array.from({ length: 2500 }, (_, i) => i);
    const value = orderedDict([
      ['t', tuple(1, 2, 3, 4, 5)],
      ['one', float(1)],
      ['s', call(global('builtins', 'set'), [1, 2])],
      ['many', many],
      ['9', 'integer-like key keeps its place'],
    ]);
    const back = read(pickle(value)) as Map<string, unknown>;
    expect([...back.keys()]).toEqual(['t', 'one', 's', 'many', '9']);
    expect(back.get('t')).toEqual([1, 2, 3, 4, 5]);
    expect(back.get('one')).toBe(1);
    expect(back.get('s')).toEqual(new Set([1, 2]));
    expect(back.get('many')).toEqual(many);
  });

  it('emits a global once and refers to it afterwards', () => {
    const g = global('torch', 'FloatStorage');
    const bytes = pickle([g, g, g]);
    expect(bytes.toString('latin1').split('ctorch\nFloatStorage\n').length - 1).toBe(1);
  });
});

function catchCheckpointError(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return err as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}
