import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './native/binding.js';

let version: string | undefined;

/** This package's version, from its package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
