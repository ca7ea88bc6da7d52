// Finds and loads the native addon. Like sharp's loader: try the local build,
// then a prebuilt binary for this platform, and when nothing loads, throw one
// error that says what was tried and what fixes it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './types.js';

const require = createRequire(import.meta.url);

/** The package root: the folder holding package.json (src/native or dist/native → ../..). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function candidates(): string[] {
  const list: string[] = [];
  if (process.env.DIGA_ADDON) list.push(process.env.DIGA_ADDON);
  list.push(join(packageRoot, 'build', 'Release', 'diga.node'));
  list.push(join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'diga.node'));
  return list;
}

function loadBinding(): NativeBinding {
  const tried: string[] = [];
  for (const file of candidates()) {
    if (!existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    try {
      return require(file) as NativeBinding;
    } catch (err) {
      tried.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const help = [
    'Could not load the diga native addon (libtorch binding).',
    'Tried:',
    ...tried.map((t) => `  - ${t}`),
    'Possible solutions:',
    '  - Build it: `npm run bootstrap` (installs libtorch-dev, cmake and g++ on Debian/Ubuntu and compiles the addon).',
    '  - With your own libtorch (e.g. a CUDA build): `LIBTORCH=/path/to/libtorch npm run build:native`;',
    "    a pip torch works too: LIBTORCH=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')",
    '  - If the addon was built but fails to load with a missing libtorch*.so, add the libtorch lib folder to LD_LIBRARY_PATH.',
  ];
  throw new Error(help.join('\n'));
}

let cached: NativeBinding | undefined;

/**
 * libtorch may start with a single intra-op thread however many cores there
 * are; use them all unless DIGA_NUM_THREADS says otherwise.
 */
function defaultThreads(): number {
  const fromEnv = Number.parseInt(process.env.DIGA_NUM_THREADS ?? '', 10);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** The loaded addon (loaded on first use). */
export function native(): NativeBinding {
  if (cached === undefined) {
    const b = loadBinding();
    b.setNumThreads(defaultThreads());
    cached = b;
  }
  return cached;
}
