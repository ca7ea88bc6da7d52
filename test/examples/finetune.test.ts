// The example runs as a user would run it: importing the built package by name.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'diga-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync('dist/index.js'))('examples/finetune.ts', () => {
  test('fine-tunes a checkpoint on generated data and evaluates it', async () => {
    const diga = await import('diga');
    const { finetune } = await import('../../examples/finetune.js');
    const data = join(dir, 'data');
    await diga.generateDataset({ out: data, train: 8, val: 2, height: 64, width: 128, seed: 3, workers: 0 });
    const weights = join(dir, 'weights');
    const model = new diga.SegModel('tiny');
    diga.saveTensors(join(weights, 'student.safetensors'), model.stateDict());
    model.dispose();
    const r = await finetune({ data, weights, model: 'tiny', steps: 3, crop: [32, 64] });
    expect(r.before).toBeGreaterThanOrEqual(0);
    expect(r.after).toBeGreaterThanOrEqual(0);
  });
});
