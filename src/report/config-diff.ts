// The run's config beside its preset's, and the class names of its label set.
import { PAPER, RUN_PRESETS } from '../config/defaults.js';
import { CITYSCAPES_19, LABEL_SETS } from '../labels/index.js';
import type { ConfigEntry } from './types.js';

/**
 * The preset a command line ran with: `--preset NAME`, else the command's own default
 * (`diga demo` runs the demo preset, every other command the paper's recipe).
 */
export function presetOf(argv: string[] | null): string {
  if (!argv) return 'paper';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--preset' && argv[i + 1] !== undefined) return argv[i + 1];
    if (argv[i].startsWith('--preset=')) return argv[i].slice('--preset='.length);
  }
  return argv[0] === 'demo' ? 'demo' : 'paper';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every config key with the preset's value beside it (the preset over the paper's recipe). */
export function configEntries(config: Record<string, unknown>, preset: string): ConfigEntry[] {
  const base: Record<string, unknown> = { ...PAPER, ...(Object.hasOwn(RUN_PRESETS, preset) ? RUN_PRESETS[preset] : {}) };
  return Object.keys(config)
    .sort()
    .map((key) => ({ key, value: config[key], presetValue: base[key], differs: !same(config[key], base[key]) }));
}

export const className = (k: number) => `class ${k}`;

/** The class names of a config's label set (Cityscapes' 19 where the log does not say). */
export function classNamesOf(labels: unknown): string[] {
  const set = typeof labels === 'string' && Object.hasOwn(LABEL_SETS, labels) ? LABEL_SETS[labels] : CITYSCAPES_19;
  return [...set.classNames];
}
