// Finds and loads the native addon. Like sharp's loader: try the local build,
// then a prebuilt binary for this platform, and when nothing loads, throw one
// error that says what was tried and what fixes it.
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './types.js';

const require = createRequire(import.meta.url);

/** The package root: the folder holding package.json (src/native or dist/native → ../..). */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where an addon may be: DIGA_ADDON, the local build, then the prebuilt ones for this platform. */
function candidates(): string[] {
  const list: string[] = [];
  if (process.env.DIGA_ADDON) list.push(process.env.DIGA_ADDON);
  list.push(join(packageRoot, 'build', 'Release', 'diga.node'));
  const prebuilds = join(packageRoot, 'prebuilds');
  if (existsSync(prebuilds)) {
    for (const dir of readdirSync(prebuilds).sort()) {
      if (dir.startsWith(`${process.platform}-${process.arch}-`)) list.push(join(prebuilds, dir, 'diga.node'));
    }
  }
  return list;
}

/** A hint for a load failure, from the first line of its message. */
function hintFor(message: string): string {
  if (/libtorch[^:]*\.so[^:]*: cannot open shared object/.test(message) || /libc10[^:]*\.so/.test(message)) {
    return ' (libtorch is not installed or not on the library path)';
  }
  if (/undefined symbol/.test(message)) return ' (built against another libtorch than the one found)';
  return '';
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
      const first = (err as Error).message.split('\n')[0];
      tried.push(`${file}: ${first}${hintFor(first)}`);
    }
  }
  const help = [
    'Could not load the diga native addon (libtorch binding).',
    'Tried:',
    ...tried.map((t) => `  - ${t}`),
    'Possible solutions:',
    '  - Install libtorch (Debian/Ubuntu: `apt-get install libtorch-dev libopenblas0-pthread`) for the prebuilt addon.',
    '  - Build it: `npm rebuild diga` in a project, or `npm run bootstrap` in a checkout (installs libtorch-dev, libgloo-dev, libdnnl-dev, cmake, make and g++ on Debian/Ubuntu and compiles).',
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
