import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { generateDataset, type GenerateOptions, type GenerateSummary } from '../../src/data/synthetic/generate.js';

const created: string[] = [];
// Registered once per test file (this module is imported during collection).
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test file finishes. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `diga-${prefix}-`));
  created.push(dir);
  return dir;
}

/** A small generated dataset in a fresh temporary folder. */
export async function makeDataset(options: Partial<GenerateOptions> = {}): Promise<GenerateSummary> {
  return generateDataset({ out: tempDir('synthetic'), train: 8, val: 2, height: 64, width: 128, seed: 11, ...options });
}
