// The stage runtime's model: built from the run's preset, and refused where the
// family is not one the stages can train.
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { createModel } from '../../src/engine/runtime.js';

describe('createModel', () => {
  test('builds the preset on the run device', () => {
    const model = createModel(resolveConfig({ overrides: { model: 'tiny', device: 'cpu' } }));
    expect(model.family.name).toBe('hrnet-ocr');
    model.dispose();
  });

  test('refuses a deeplabv2 preset, naming it and its family', () => {
    expect(() => createModel(resolveConfig({ overrides: { model: 'deeplabv2-tiny', device: 'cpu' } }))).toThrow(
      /--model deeplabv2-tiny is a deeplabv2 network, which the semi-supervised stages cannot train/,
    );
  });
});
