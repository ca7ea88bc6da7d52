import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { memory, randn } from '../../src/tensor/index.js';

describe('SegModel lifetime', () => {
  test('dispose frees the parameter tensors at once; a disposed model says so', () => {
    const x = randn([1, 3, 32, 64]);
    const before = memory().numTensors;
    const model = new SegModel('tiny');
    expect(model.stateDict().size).toBeGreaterThan(100);
    expect(memory().numTensors).toBeGreaterThan(before + 100);
    model.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => model.forward(x)).toThrow(/model was disposed/);
    expect(() => model.stateDict()).toThrow(/model was disposed/);
    {
      using scoped = new SegModel('tiny');
      scoped.parameters();
    }
    expect(memory().numTensors).toBe(before);
  });
});
