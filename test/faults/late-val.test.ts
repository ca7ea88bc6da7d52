// A val image that goes bad during training (after the up-front check): the steps before the
// failing evaluation are saved first, and a resumed run evaluates before it trains on.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { runWarmUp } from '../../src/stages/warm-up.js';
import { faultFiles, haveBuild, runConfig } from './helpers.js';

const files = faultFiles('late');

describe.skipIf(!haveBuild)('a failing evaluation', () => {
  test('costs no training steps', async () => {
    const c = runConfig(files.root, files.data, 'run', { steps: 4, evalEvery: 2, checkpointEvery: 100 });
    const cfg = resolveConfig({ preset: 'demo', file: c.file });
    const image = join(files.data, 'leftImg8bit/val', readFileSync(join(files.data, 'lists/val.txt'), 'utf8').split('\n')[0]);
    const saved = readFileSync(image);
    const spoil = (n: number) => n === 2 && writeFileSync(image, saved.subarray(0, 100));
    await expect(runWarmUp(cfg, { onStep: spoil })).rejects.toThrow(`image ${image} cannot be decoded`);
    const record = readTrainStateRecord(join(c.weightDir, 'state.safetensors'));
    expect(record.iteration).toBe(2);
    expect(record.evalPending).toBe(true);

    writeFileSync(image, saved);
    const r = await runWarmUp({ ...cfg, resume: true });
    expect(r.iterations).toBe(4);
    expect([2, 4]).toContain(r.bestIteration);
    // The resumed run evaluated step 2 first, then trained on.
    const log = readFileSync(join(c.logDir, 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.kind === 'eval').map((e) => e.iteration)).toEqual([2, 4]);
  });
});
