// The DeepLabV2 network's state dict against the published SegModel's
// (fixtures uda/seg_layout_c{19,16}, uda/seg_tiny_config): every entry's name,
// shape, dtype and order, which entries are frozen BatchNorm affine parameters
// or buffers, the optimiser group of each trainable one, and the published
// optimiser's listing count.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEEPLABV2, headInChannels, PRESETS, publishedListings, resolveModel, SegModel } from '../../src/models/index.js';
import { fixturePath, readUdaLayout, type UdaLayoutEntry } from './helpers.js';

const DTYPE_NAMES: Record<string, string> = { float32: 'torch.float32', int64: 'torch.int64' };

function layoutOf(model: SegModel): UdaLayoutEntry[] {
  const params = model.namedParameters();
  return [...model.stateDict()].map(([name, t]) => {
    const p = params.get(name);
    const role = p === undefined ? 'buffer' : p.requiresGrad ? DEEPLABV2.paramGroup(name) : 'frozen';
    const listings = role === '1x' || role === '10x' ? publishedListings(name) : 0;
    return [name, t.shape, DTYPE_NAMES[t.dtype] ?? t.dtype, role, listings];
  });
}

function count(model: SegModel, keep: (name: string, trainable: boolean) => boolean): number {
  let n = 0;
  for (const [name, t] of model.namedParameters()) if (keep(name, t.requiresGrad)) n += t.numel();
  return n;
}

describe('deeplabv2 state-dict layout equals the published one', () => {
  for (const [preset, classes] of [['deeplabv2', 19], ['deeplabv2-c16', 16]] as const) {
    test(`${preset}: entries, roles, listings and parameter counts of seg_layout_c${classes}`, () => {
      const reference = readUdaLayout(classes);
      const model = new SegModel(preset);
      try {
        expect(layoutOf(model)).toEqual(reference.keys);
        expect(model.numParameters()).toBe(reference.num_parameters);
        expect(count(model, (_, trainable) => trainable)).toBe(reference.num_parameters_trainable);
        if (classes === 19) {
          expect(model.numParameters()).toBe(65_063_568);
          expect(count(model, (name) => !name.startsWith('final.'))).toBe(reference.num_parameters_backbone);
          expect(count(model, (name) => name.startsWith('final.'))).toBe(reference.num_parameters_head);
        } else {
          expect(model.numParameters()).toBe(65_062_800);
        }
        // The published groups, each parameter repeated as often as it is listed.
        const sizes = model.parameterGroups().map((g) => [...g.params.keys()].reduce((n, name) => n + publishedListings(name), 0));
        expect(sizes).toEqual(reference.sgd_group_sizes_with_duplicates);
        expect(model.parameterGroups().map((g) => [g.role, g.lrScale])).toEqual([['1x', 1], ['10x', 10]]);
        expect([model.classes, model.featureChannels, model.outputStride]).toEqual([classes, 256, 8]);
      } finally {
        model.dispose();
      }
    });
  }

  test('deeplabv2-tiny is the fixture configuration, with its entries', () => {
    const reference = JSON.parse(readFileSync(fixturePath('uda/seg_tiny_config.json'), 'utf8')) as {
      tiny_config: Record<string, number | number[]>;
      tiny_keys: UdaLayoutEntry[];
      num_parameters: number;
    };
    const t = reference.tiny_config;
    const c = PRESETS['deeplabv2-tiny'];
    expect([c.blocks, c.stemWidth, c.widths, c.branchWidth, c.groupNormGroups, c.seHidden, c.dilations, c.classes, c.dropout]).toEqual([
      t.blocks, t.stem, t.widths, t.head_branch, t.gn_groups, t.se_hidden, t.dilations, t.classes, t.dropout,
    ]);
    // The fixture's derived sizes are the ones the network derives.
    expect(c.widths.map((w) => 4 * w)).toEqual(t.out_channels);
    expect([headInChannels(c), 5 * c.branchWidth]).toEqual([t.head_in, t.concat]);
    const model = new SegModel('deeplabv2-tiny');
    expect(layoutOf(model)).toEqual(reference.tiny_keys);
    expect(model.numParameters()).toBe(reference.num_parameters);
    model.dispose();
  });

  test('frozen BatchNorm affine parameters are not trainable; every head parameter is', () => {
    const model = new SegModel('deeplabv2-tiny');
    const trainable = model.trainableParameters();
    for (const [name, p] of model.namedParameters()) {
      const isBn = /^layer\d\.(\d+\.)?(bn\d|downsample\.1|1)\.(weight|bias)$/.test(name);
      expect(p.requiresGrad, name).toBe(!isBn);
      expect(trainable.has(name), name).toBe(!isBn);
    }
    model.dispose();
  });

  test('configs resolve to their family; a bad one is refused naming the field', () => {
    expect(resolveModel('deeplabv2').family.name).toBe('deeplabv2');
    expect(resolveModel({ ...PRESETS['deeplabv2-tiny'], classes: 16 }).family.name).toBe('deeplabv2');
    expect(() => resolveModel({ ...PRESETS['deeplabv2-tiny'], groupNormGroups: 3 })).toThrow(/groupNormGroups.*deeplabv2/);
    expect(() => resolveModel({ ...PRESETS['deeplabv2-tiny'], dilations: [6, 12, 18] })).toThrow(/dilations/);
    expect(() => resolveModel({ ...PRESETS['deeplabv2-tiny'], dropout: 1 })).toThrow(/dropout/);
  });
});
