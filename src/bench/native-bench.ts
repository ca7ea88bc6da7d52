// Loads diga_bench.node, the benchmarks' own addon (C++ reference loops). A
// checkout builds it beside diga.node; the published package has none, and
// the benchmarks that need it then say so and skip.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../native/binding.js';

const require = createRequire(import.meta.url);

export interface BenchBinding {
  /** Seconds for `iterations` additions of two float tensors of `numel` elements in C++ (boxed: through the dispatcher, as callOp). */
  addLoop(numel: number, iterations: number, boxed: boolean): number;
}

export const benchAddonPath = join(packageRoot, 'build', 'Release', 'diga_bench.node');

/** The bench addon, or why there is none. */
export function loadBenchAddon(): { binding: BenchBinding } | { missing: string } {
  if (!existsSync(benchAddonPath)) {
    return { missing: `${benchAddonPath} is not built (npm run build:native builds it unless -DDIGA_BENCH=OFF)` };
  }
  try {
    return { binding: require(benchAddonPath) as BenchBinding };
  } catch (err) {
    return { missing: `${benchAddonPath} does not load: ${(err as Error).message.split('\n')[0]}` };
  }
}
