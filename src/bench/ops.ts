// Per-operation overhead: a small op (a + b on 4 floats) through the Tensor
// API, through the raw generic call, and the same count of calls made inside
// C++ (by the bench addon; without it those figures are skipped).
import { ones, op } from '../tensor/index.js';
import { loadBenchAddon } from './native-bench.js';

export interface OpOverheadResult {
  iterations: number;
  /** µs per a.add(b) through the Tensor API, disposing each result. */
  tensorApiUs: number;
  /** µs per raw callOp (no Tensor wrapper). */
  rawCallUs: number;
  /** µs per at::add called directly in C++; null when skipped. */
  cppDirectUs: number | null;
  /** µs per boxed dispatcher call in C++ (the path callOp takes); null when skipped. */
  cppBoxedUs: number | null;
  /** tensorApiUs - cppDirectUs: what the JS boundary adds over libtorch's own cost; null when skipped. */
  overheadUs: number | null;
  /** Why the C++ figures were skipped (no bench addon). */
  skipped?: string;
}

const NUMEL = 4;

function timeIt(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function benchOpOverhead(iterations = 200_000): OpOverheadResult {
  const a = ones([NUMEL]);
  const b = ones([NUMEL]);
  const add = op('add', 'Tensor');
  const warm = Math.min(10_000, iterations);
  for (let i = 0; i < warm; i++) a.add(b).dispose();
  const api = timeIt(() => {
    for (let i = 0; i < iterations; i++) a.add(b).dispose();
  });
  const raw = timeIt(() => {
    for (let i = 0; i < iterations; i++) (add([a.handle, b.handle, 1]) as { dispose(): void }).dispose();
  });
  a.dispose();
  b.dispose();
  const us = (s: number) => (s / iterations) * 1e6;
  const js = { iterations, tensorApiUs: us(api), rawCallUs: us(raw) };
  const addon = loadBenchAddon();
  if ('missing' in addon) {
    process.stderr.write(`[bench] ops: C++ reference loops skipped: ${addon.missing}\n`);
    return { ...js, cppDirectUs: null, cppBoxedUs: null, overheadUs: null, skipped: addon.missing };
  }
  const direct = addon.binding.addLoop(NUMEL, iterations, false);
  const boxed = addon.binding.addLoop(NUMEL, iterations, true);
  return { ...js, cppDirectUs: us(direct), cppBoxedUs: us(boxed), overheadUs: us(api) - us(direct) };
}
