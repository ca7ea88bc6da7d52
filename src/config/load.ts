// Building a run's config: preset → config file (YAML or JSON) → flags.
// Every layer is validated; errors name the key and the file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { PAPER, RUN_PRESETS } from './defaults.js';
import { partialConfigSchema, runConfigSchema, type PartialRunConfig, type RunConfig } from './schema.js';

function describeIssues(error: z.ZodError, where: string): string {
  const lines = error.issues.map((i) => {
    const key = i.path.join('.') || '(top level)';
    if (i.code === 'unrecognized_keys') return `  unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    return `  '${key}': ${i.message}`;
  });
  return `invalid configuration in ${where}:\n${lines.join('\n')}`;
}

export function runPresetNames(): string[] {
  return Object.keys(RUN_PRESETS);
}

export function presetConfig(name: string): PartialRunConfig {
  const p = RUN_PRESETS[name];
  if (p === undefined) throw new Error(`unknown preset '${name}' (available: ${runPresetNames().join(', ')})`);
  return p;
}

/** Reads and validates a YAML or JSON config file (a partial config). */
export function readConfigFile(path: string): PartialRunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // The parser's message shows the line and a caret under the fault: keep all of it.
    throw new Error(`config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.trimEnd()}`);
  }
  const parsed = partialConfigSchema.safeParse(data ?? {});
  if (!parsed.success) throw new Error(describeIssues(parsed.error, path));
  return parsed.data;
}

/**
 * The paper's recipe, then `base` (a command's own published defaults), the preset, the
 * file, and the overrides (flags); validated as a whole.
 */
export function resolveConfig(layers: { base?: PartialRunConfig; preset?: string; file?: string; overrides?: PartialRunConfig }): RunConfig {
  const merged: Record<string, unknown> = { ...PAPER, ...layers.base };
  if (layers.preset) Object.assign(merged, presetConfig(layers.preset));
  if (layers.file) Object.assign(merged, readConfigFile(layers.file));
  if (layers.overrides) {
    const checked = partialConfigSchema.safeParse(layers.overrides);
    if (!checked.success) throw new Error(describeIssues(checked.error, 'the command-line options'));
    for (const [k, v] of Object.entries(checked.data)) if (v !== undefined) merged[k] = v;
  }
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) throw new Error(describeIssues(parsed.error, 'the resolved configuration'));
  return parsed.data;
}
