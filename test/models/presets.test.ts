import { describe, expect, test } from 'vitest';
import { backboneChannels, MODEL_FAMILIES, PRESETS, presetNames, resolveModel, resolveModelConfig, resolvePreset } from '../../src/models/index.js';
import { readFileSync } from 'node:fs';

interface TinyReference {
  tiny_config: { widths: number[]; blocks: number; modules: number[]; raw_in: number; pix: number; key: number; stem: number; s1_ch: number; s1_blocks: number };
}
const tinyReference = JSON.parse(
  readFileSync(new URL('../fixtures/tiny_config.json', import.meta.url), 'utf8'),
) as TinyReference;

describe('model presets', () => {
  test('hrnet48 is the published configuration', () => {
    const c = resolvePreset('hrnet48');
    expect(c.widths).toEqual([48, 96, 192, 384]);
    expect(c.modules).toEqual([1, 4, 3]);
    expect([c.stemWidth, c.stage1Width, c.stage1Blocks, c.blocks]).toEqual([64, 64, 4, 4]);
    expect([c.pixelChannels, c.keyChannels, c.classes]).toEqual([512, 256, 19]);
    expect(backboneChannels(c)).toBe(720);
  });

  test('tiny is exactly the reference tiny_config.json', () => {
    const r = tinyReference.tiny_config;
    const c = PRESETS.tiny;
    expect(c.widths).toEqual(r.widths);
    expect(c.modules).toEqual(r.modules);
    expect([c.blocks, c.pixelChannels, c.keyChannels, c.stemWidth, c.stage1Width, c.stage1Blocks]).toEqual([
      r.blocks, r.pix, r.key, r.stem, r.s1_ch, r.s1_blocks,
    ]);
    expect(backboneChannels(c)).toBe(r.raw_in);
  });

  test('an unknown name lists the known ones', () => {
    expect(() => resolvePreset('hrnet64')).toThrow(/unknown model preset "hrnet64".*hrnet48, hrnet32, hrnet18, hrnet18-small, tiny/);
    expect(presetNames()).toContain('hrnet18-small');
  });

  test('config objects are validated field by field', () => {
    expect(resolveModelConfig({ ...PRESETS.tiny })).toEqual(PRESETS.tiny);
    expect(() => resolveModelConfig({ ...PRESETS.tiny, widths: [8, 16, 32] as never })).toThrow(/invalid model config: widths/);
    expect(() => resolveModelConfig({ ...PRESETS.tiny, blocks: 0 })).toThrow(/blocks/);
    expect(() => resolveModelConfig({ ...PRESETS.tiny, keyChannels: 2.5 })).toThrow(/keyChannels/);
    expect(() => resolveModelConfig({ ...PRESETS.tiny, extra: 1 } as never)).toThrow(/invalid model config/);
  });
});

describe('model families', () => {
  test('find the family of a preset name or a config object, and answer for it', () => {
    const byName = resolveModel('hrnet18-small');
    expect(byName.family.name).toBe('hrnet-ocr');
    expect(resolveModel({ ...PRESETS.tiny }).family).toBe(byName.family);
    expect(MODEL_FAMILIES.map((f) => f.name)).toEqual(['hrnet-ocr', 'deeplabv2']);
    expect(byName.family.classes(byName.config)).toBe(19);
    expect(byName.family.featureChannels(byName.config)).toBe(64);
    expect(() => resolveModel('deeplab')).toThrow(
      'unknown model preset "deeplab"; known presets: hrnet48, hrnet32, hrnet18, hrnet18-small, tiny (hrnet-ocr); deeplabv2, deeplabv2-c16, deeplabv2-small, deeplabv2-tiny, deeplabv2-tiny-c16 (deeplabv2)',
    );
    const deeplab = resolveModel('deeplabv2-c16');
    expect([deeplab.family.name, deeplab.family.classes(deeplab.config), deeplab.family.featureChannels(deeplab.config)]).toEqual(['deeplabv2', 16, 256]);
  });
});
