import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { cpuCache, empty, tidy } from '../../src/tensor/index.js';

// A loop of large elementwise ops, as a forward pass makes: the minor page faults
// of its 4th pass and the cache's figures, in a fresh process (run on the built
// package, dist, as the CLI tests do) so that the environment can switch it.
const PROBE = `
import { cpuCache, randn, tidy } from './dist/tensor/index.js';
const faults = () => process.resourceUsage().minorPageFault;
const x = randn([8, 1024, 1024]);
const pass = () => tidy(() => { let y = x; for (let k = 0; k < 4; k++) y = y.mul(1.5).add(k).relu(); y.sum().item(); });
for (let i = 0; i < 3; i++) pass();
const before = faults();
pass();
console.log(JSON.stringify({ faults: faults() - before, ...cpuCache.stats() }));
`;

interface Probe {
  faults: number;
  enabled: boolean;
  cachedBytes: number;
  limitBytes: number;
  hits: number;
}

function probe(env: NodeJS.ProcessEnv): Probe {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Probe;
}

describe('CPU caching allocator', () => {
  // 12 temporaries of 32 MiB per pass.
  const pagesPerPass = (12 * 32 * 2 ** 20) / 4096;

  test('reuses freed large blocks: a repeated pass maps no fresh memory', () => {
    const on = probe({});
    const off = probe({ DIGA_CPU_CACHE: 'off' });
    expect(on.enabled).toBe(true);
    expect(off.enabled).toBe(false);
    expect(on.hits).toBeGreaterThan(0);
    // libtorch's own allocator maps (and the kernel zeroes) every block again.
    expect(off.faults).toBeGreaterThan(pagesPerPass * 0.9);
    expect(on.faults).toBeLessThan(pagesPerPass * 0.02);
  });

  test('keeps at most DIGA_CPU_CACHE_MB cached', () => {
    const capped = probe({ DIGA_CPU_CACHE_MB: '100' });
    expect(capped.limitBytes).toBe(100 * 2 ** 20);
    expect(capped.cachedBytes).toBeLessThanOrEqual(100 * 2 ** 20);
  });

  test('over its limit, gives back the longest-cached blocks first', () => {
    const script = `
import { cpuCache, empty } from './dist/tensor/index.js';
const make = (mib) => empty([mib, 256, 1024]);
const a = [make(40), make(40)];
a.forEach((t) => t.dispose());        // 80 MiB cached, two blocks of one size
make(50).dispose();                   // 130 MiB would pass 100: the older 40 MiB block goes
const after = cpuCache.stats();
make(50).dispose();                   // the 50 MiB block is reused
make(40).dispose();                   // so is the newer 40 MiB one
console.log(JSON.stringify({ cached: after.cachedBytes, hits: cpuCache.stats().hits - after.hits }));
`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, DIGA_CPU_CACHE_MB: '100' }, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { cached: number; hits: number };
    expect(r.cached).toBe(90 * 2 ** 20);
    expect(r.hits).toBe(2);
  });

  test('empty() returns every cached block', () => {
    tidy(() => void empty([4, 1024, 1024]).fill_(0));
    expect(cpuCache.stats().cachedBytes).toBeGreaterThan(0);
    cpuCache.empty();
    expect(cpuCache.stats().cachedBytes).toBe(0);
  });
});
