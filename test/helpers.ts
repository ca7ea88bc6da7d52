import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { readSafetensors } from '../src/checkpoint/index.js';
import { fromBuffer, keep, memory, type Tensor } from '../src/tensor/index.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** Every tensor of a reference safetensors file, kept alive for the whole test file. */
export function loadReference(name: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [key, rec] of readSafetensors(fixture(name)).tensors) {
    out.set(key, keep(fromBuffer(rec.data, rec.dtype, rec.shape, { copy: true })));
  }
  return out;
}

export function numbers(t: Tensor): number[] {
  return Array.from(t.double().toTypedArray() as Float64Array);
}

/** |a − e| ≤ tol · max|e| elementwise: the fixtures' tolerance for tensors. */
export function expectCloseToScale(actual: Tensor, expected: Tensor, tol = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = numbers(actual);
  const e = numbers(expected);
  // A loop, not Math.max(...e): spreading a large tensor overflows the stack.
  const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - e[i]))));
  expect(worst / scale).toBeLessThanOrEqual(tol);
}

/** |a − e| ≤ tol · |e|: the fixtures' tolerance for losses and metrics. */
export function expectRelClose(actual: number, expected: number, tol = 1e-5): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.abs(expected));
}

/** Runs fn, disposes what it returns, and checks no tensor outlived the call. */
export function expectNoLeak(fn: () => unknown): void {
  const before = memory().numTensors;
  const result = fn();
  disposeAll(result);
  expect(memory().numTensors).toBe(before);
}

function disposeAll(v: unknown): void {
  if (v === null || typeof v !== 'object') return;
  if ('dispose' in v && typeof (v as { dispose: unknown }).dispose === 'function' && 'isDisposed' in v) {
    (v as Tensor).dispose();
    return;
  }
  for (const x of Array.isArray(v) ? v : Object.values(v)) disposeAll(x);
}

/** Every output folder of a run, under `work`: the config keys a test sets to keep a run to itself. */
export function runFolders(work: string) {
  return {
    weightDir: path.join(work, 'warm-up'),
    loadWeightDir: path.join(work, 'warm-up'),
    saveWeightDir: path.join(work, 'self-train'),
    logDir: path.join(work, 'logs'),
    genImgDir: path.join(work, 'images'),
    centroidDir: path.join(work, 'centroids'),
    pseudoDir: path.join(work, 'pseudo'),
  };
}

/** Runs the built `diga` command and waits: its exit status, and stdout (stderr when it fails). */
export function runDiga(...args: string[]): { status: number; out: string } {
  try {
    return { status: 0, out: execFileSync(process.execPath, ['bin/diga.js', ...args], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { status: err.status, out: err.stderr };
  }
}
