// The model families diga builds, and how a preset name or a config object finds its family.
import type { ModelFamily } from './family.js';
import { HRNET_OCR } from './hrnet-ocr/index.js';
import { HRNET_OCR_PRESETS, type ModelConfig } from './hrnet-ocr/config.js';

export const MODEL_FAMILIES: readonly ModelFamily[] = [HRNET_OCR as ModelFamily];

/** Every preset of every family, by name (preset names are unique across families). */
export const PRESETS = { ...HRNET_OCR_PRESETS } as const;

export type PresetName = keyof typeof PRESETS;

export interface ResolvedModel {
  family: ModelFamily;
  config: ModelConfig;
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
    return { family, config: family.presets[config] as ModelConfig };
  }
  const attempts = MODEL_FAMILIES.map((family) => ({ family, parsed: family.schema.safeParse(config) }));
  const fit = attempts.find((a) => a.parsed.success);
  if (fit) return { family: fit.family, config: fit.parsed.data as ModelConfig };
  const issues = attempts[0].parsed
    .error!.issues.slice(0, 5)
    .map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)
    .join('; ');
  throw new TypeError(`invalid model config: ${issues}`);
}

/** The named preset's config; throws an Error listing the known names. */
export function resolvePreset(name: string): ModelConfig {
  return resolveModel(name).config;
}

/** A preset name or a config object (validated), as a config. */
export function resolveModelConfig(config: PresetName | string | ModelConfig): ModelConfig {
  return resolveModel(config).config;
}
