// The addon's argument readers: an integer argument refuses Infinity, NaN and
// fractions wherever it is read, and every refusal is a TypeError that names
// the call, the argument and the value it got.
import { describe, expect, test } from 'vitest';
import { native } from '../../src/native/binding.js';
import * as t from '../../src/tensor/index.js';

const WORDING = /^(.+?: )?(element \d+ of )?(argument|field) '\w+'.* must be .+, got .+$/;
const NOT_INTEGERS = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1.5];

type Untyped = Record<string, any>;
const addon = native() as unknown as Untyped;

function refusal(fn: () => unknown): TypeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(WORDING);
    return err as TypeError;
  }
  throw new Error('expected a TypeError, nothing was thrown');
}

const config = { stemWidth: 8, stage1Width: 8, stage1Blocks: 1, widths: [8, 8, 8, 8], blocks: 1, modules: [1, 1, 1], pixelChannels: 8, keyChannels: 8, classes: 2 };

describe('native arguments', () => {
  test.each(NOT_INTEGERS)('integer arguments refuse %s everywhere', (bad) => {
    const got = new RegExp(`got ${String(bad)}$`);
    expect(refusal(() => addon.fromBuffer(new Float32Array(4), 'float32', [2, bad])).message).toMatch(/^fromBuffer: element 1 of argument 'shape' must be an integer/);
    expect(refusal(() => addon.setNumThreads(bad)).message).toMatch(got);
    expect(refusal(() => addon.manualSeed(bad)).message).toMatch(/^manualSeed: argument 'seed' must be an integer/);
    expect(refusal(() => new addon.Generator('cpu', bad)).message).toMatch(/argument 'seed'/);
    expect(refusal(() => addon.callOp(bad, [])).message).toMatch(/^callOp: argument 'id'/);
    const sum = addon.resolveOp('aten::sum', 'dim_IntList');
    const x = t.ones([2, 2]);
    expect(refusal(() => addon.callOp(sum, [x.handle, [bad]])).message).toMatch(/^aten::sum: element 0 of argument 'dim' \(int\[1?\]\?\) must be an integer/);
    x.dispose();
    if (addon.Model) {
      expect(refusal(() => new addon.Model({ ...config, blocks: bad })).message).toMatch(/^new Model\(config\): field 'blocks' must be an integer/);
      expect(refusal(() => new addon.Model({ ...config, widths: [8, bad, 8, 8] })).message).toMatch(/element 1 of field 'widths'/);
    }
    if (addon.ProcessGroup) {
      const options = { rank: bad, worldSize: 2, masterAddr: '127.0.0.1', masterPort: 1, timeoutMs: 1 };
      expect(refusal(() => new addon.ProcessGroup(options)).message).toMatch(/^new ProcessGroup\(options\): field 'rank'/);
    }
  });

  test('other readers: booleans, strings, dtypes, devices, options objects', () => {
    refusal(() => addon.setGradEnabled(1));
    refusal(() => addon.setAutocast('cpu', true, 'float8'));
    refusal(() => addon.setAutocast('tpu', true, 'bfloat16'));
    refusal(() => addon.checkDevice(0));
    refusal(() => addon.resolveOp(undefined));
    expect(refusal(() => addon.fromBuffer(new Float32Array(4), 'float8', [4])).message).toMatch(/float32.*complex64\), got the string 'float8'$/);
    if (addon.ProcessGroup) refusal(() => new addon.ProcessGroup(null));
    expect(() => addon.checkDevice('tpu')).toThrow(/unknown device 'tpu'/);
  });

  test('the published addon holds no benchmark loops', () => {
    expect('benchAddLoop' in addon).toBe(false);
    expect('addLoop' in addon).toBe(false);
  });
});
