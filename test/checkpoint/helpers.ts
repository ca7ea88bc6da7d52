import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { RawStateDict } from '../../src/checkpoint/index.js';

export { FIXTURES, fixture } from '../helpers.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diga-checkpoint-'));
  made.push(dir);
  return dir;
}

/** Same names in the same order, and for each the same dtype, shape and bytes. */
export function expectSameStateDict(actual: RawStateDict, expected: RawStateDict): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, e] of expected) {
    const a = actual.get(name)!;
    expect({ name, dtype: a.dtype, shape: a.shape }).toEqual({ name, dtype: e.dtype, shape: e.shape });
    expect(a.data.equals(e.data), `bytes of ${name}`).toBe(true);
  }
}

export function float32(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

export function readFloat32(data: Buffer): number[] {
  return Array.from(new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
}

/** The error `fn` throws; fails the test when it throws none. */
export function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}
