// Outputs a run can do without: a full disk under the run log (ENOSPC, injected) and a sample
// grid folder that cannot be made are said once, and training goes on to its end.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readStateDict } from '../../src/checkpoint/index.js';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { diga, faultFiles, haveBuild, runConfig } from './helpers.js';

const files = faultFiles('outputs');

describe.skipIf(!haveBuild)('non-essential outputs', () => {
  test('ENOSPC on the log and an unwritable picture folder: warned once each, the run finishes', async () => {
    const c = runConfig(files.root, files.data, 'full', { imageEvery: 2 });
    writeFileSync(join(files.root, 'not-a-folder'), 'x');
    const r = await diga(['warm-up', '--config', c.file, '--gen-img-dir', join(files.root, 'not-a-folder', 'images')], { DIGA_TEST_FAULT: 'enospc:warm-up.jsonl' });
    expect(r.code, r.err).toBe(0);
    expect(r.err.match(/cannot write the run log .*warm-up\.jsonl \(ENOSPC: no space left on device/g)).toHaveLength(1);
    expect(r.err.match(/cannot write sample grids/g)).toHaveLength(1);
    expect(readTrainStateRecord(join(c.weightDir, 'state.safetensors')).iteration).toBe(4);
    expect(readStateDict(join(c.weightDir, 'student.safetensors')).has('hrnet.conv1.weight')).toBe(true);
    expect(existsSync(join(c.logDir, 'warm-up-loss.png'))).toBe(true);
  });
});
