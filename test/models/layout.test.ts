import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { readFileSync } from 'node:fs';
import { fixturePath, readLayout } from './helpers.js';

const DTYPE_NAMES: Record<string, string> = { float32: 'torch.float32', int64: 'torch.int64' };

function layoutOf(model: SegModel): Array<[string, number[], string]> {
  return [...model.stateDict()].map(([name, t]) => [name, t.shape, DTYPE_NAMES[t.dtype] ?? t.dtype]);
}

describe('state-dict layout equals the published one', () => {
  for (const width of [18, 32, 48] as const) {
    test(`hrnet${width}: names, shapes, dtypes, order and parameter count`, () => {
      const reference = readLayout(width);
      const model = new SegModel(`hrnet${width}`);
      expect(layoutOf(model)).toEqual(reference.keys);
      expect(model.numParameters()).toBe(reference.num_parameters);
      if (width === 48) expect(model.numParameters()).toBe(70_372_678);
    });
  }

  test('tiny: names and shapes of tiny_config.json', () => {
    const reference = JSON.parse(readFileSync(fixturePath('tiny_config.json'), 'utf8')) as {
      tiny_keys: Array<[string, number[]]>;
    };
    const model = new SegModel('tiny');
    expect([...model.stateDict()].map(([name, t]) => [name, t.shape])).toEqual(reference.tiny_keys);
  });

  test('parameters and buffers split the state dict in its order', () => {
    const model = new SegModel('tiny');
    const names = [...model.stateDict().keys()];
    const params = [...model.namedParameters().keys()];
    const buffers = [...model.namedBuffers().keys()];
    expect(params.length + buffers.length).toBe(names.length);
    expect(names.filter((n) => params.includes(n))).toEqual(params);
    expect(buffers.every((n) => /\.(running_mean|running_var|num_batches_tracked)$/.test(n))).toBe(true);
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
  });
});
