// The model families diga builds, and how a preset name or a config object finds its family.
import { DEEPLABV2 } from './deeplabv2/index.js';
import { DEEPLABV2_PRESETS, type DeepLabConfig } from './deeplabv2/config.js';
import type { ModelFamily } from './family.js';
import { HRNET_OCR } from './hrnet-ocr/index.js';
import { HRNET_OCR_PRESETS, type ModelConfig } from './hrnet-ocr/config.js';

export const MODEL_FAMILIES: readonly ModelFamily[] = [HRNET_OCR as ModelFamily, DEEPLABV2 as ModelFamily];

/** Every preset of every family, by name (preset names are unique across families). */
export const PRESETS = { ...HRNET_OCR_PRESETS, ...DEEPLABV2_PRESETS } as const;

export type PresetName = keyof typeof PRESETS;

/** A config of any family. */
export type SegModelConfig = ModelConfig | DeepLabConfig;

export interface ResolvedModel {
  family: ModelFamily;
  config: SegModelConfig;
}

export function presetNames(): PresetName[] {
  return MODEL_FAMILIES.flatMap((f) => Object.keys(f.presets)) as PresetName[];
}

export function isPresetName(name: string): name is PresetName {
  return MODEL_FAMILIES.some((f) => Object.hasOwn(f.presets, name));
}

function knownPresets(): string {
  return MODEL_FAMILIES.map((f) => `${Object.keys(f.presets).join(', ')} (${f.name})`).join('; ');
}

/** The family and config of a preset name, or of a config object (validated against each family). */
export function resolveModel(config: string | object): ResolvedModel {
  if (typeof config === 'string') {
    const family = MODEL_FAMILIES.find((f) => Object.hasOwn(f.presets, config));
    if (!family) throw new Error(`unknown model preset "${config}"; known presets: ${knownPresets()}`);
    return { family, config: family.presets[config] as SegModelConfig };
  }
  const attempts = MODEL_FAMILIES.map((family) => ({ family, parsed: family.schema.safeParse(config) }));
  const fit = attempts.find((a) => a.parsed.success);
  if (fit) return { family: fit.family, config: fit.parsed.data as SegModelConfig };
  // Report against the family whose fields the object shares most (the one it was meant for).
  const keys = Object.keys(config);
  const overlap = (f: ModelFamily) => keys.filter((k) => Object.hasOwn(Object.values(f.presets)[0], k)).length;
  const closest = attempts.reduce((best, a) => (overlap(a.family) > overlap(best.family) ? a : best));
  const issues = closest.parsed
    .error!.issues.slice(0, 5)
    .map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)
    .join('; ');
  throw new TypeError(`invalid model config: ${issues} (read as a ${closest.family.name} config)`);
}

/** The named preset's config; throws an Error listing the known names. */
export function resolvePreset<N extends PresetName>(name: N): (typeof PRESETS)[N];
export function resolvePreset(name: string): SegModelConfig;
export function resolvePreset(name: string): SegModelConfig {
  return resolveModel(name).config;
}

/** A preset name or a config object (validated), as a config. */
export function resolveModelConfig(config: PresetName | string | SegModelConfig): SegModelConfig {
  return resolveModel(config).config;
}

/** The presets by setting, for the help of --model: "semi-supervised: hrnet48 | ...; domain adaptation: ...". */
export function presetHelp(): string {
  return MODEL_FAMILIES.map((f) => `${f.setting}: ${Object.keys(f.presets).join(' | ')}`).join('; ');
}
