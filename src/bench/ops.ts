// Per-operation overhead: a small op (a + b on 4 floats) through the Tensor
// API, through the raw generic call, and the same count of calls made inside C++.
import { native } from '../native/binding.js';
import { ones, op } from '../tensor/index.js';

export interface OpOverheadResult {
  iterations: number;
  /** µs per a.add(b) through the Tensor API, disposing each result. */
  tensorApiUs: number;
  /** µs per raw callOp (no Tensor wrapper). */
  rawCallUs: number;
  /** µs per at::add called directly in C++. */
  cppDirectUs: number;
  /** µs per boxed dispatcher call in C++ (the path callOp takes). */
  cppBoxedUs: number;
  /** tensorApiUs - cppDirectUs: what the JS boundary adds over libtorch's own cost. */
  overheadUs: number;
}

function timeIt(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function benchOpOverhead(iterations = 200_000): OpOverheadResult {
  const a = ones([4]);
  const b = ones([4]);
  const add = op('add', 'Tensor');
  const warm = Math.min(10_000, iterations);
  for (let i = 0; i < warm; i++) a.add(b).dispose();
  const api = timeIt(() => {
    for (let i = 0; i < iterations; i++) a.add(b).dispose();
  });
  const raw = timeIt(() => {
    for (let i = 0; i < iterations; i++) (add([a.handle, b.handle, 1]) as { dispose(): void }).dispose();
  });
  const direct = native().benchAddLoop(a.handle, b.handle, iterations, false);
  const boxed = native().benchAddLoop(a.handle, b.handle, iterations, true);
  a.dispose();
  b.dispose();
  const us = (s: number) => (s / iterations) * 1e6;
  return {
    iterations,
    tensorApiUs: us(api),
    rawCallUs: us(raw),
    cppDirectUs: us(direct),
    cppBoxedUs: us(boxed),
    overheadUs: us(api) - us(direct),
  };
}
