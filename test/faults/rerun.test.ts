// A fresh run never silently replaces a finished one: a second warm-up into the same folder is
// refused (offering --resume and --overwrite), and --resume past the end says where the run is.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { diga, faultFiles, haveBuild, runConfig, sha } from './helpers.js';

const files = faultFiles('rerun');

describe.skipIf(!haveBuild)('re-running into a finished folder', () => {
  test('is refused; the finished weights and state stay as they were', async () => {
    const c = runConfig(files.root, files.data, 'run');
    const first = await diga(['warm-up', '--config', c.file]);
    expect(first.code, first.err).toBe(0);
    const before = ['student.safetensors', 'teacher.safetensors', 'state.safetensors'].map((f) => sha(join(c.weightDir, f)));

    const again = await diga(['warm-up', '--config', c.file, '--steps', '1']);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/already holds a warm-up run \(state at step 4 of 4, best val mIoU [\d.]+ at step \d\); continue it with --resume, replace it with --overwrite/);
    const after = ['student.safetensors', 'teacher.safetensors', 'state.safetensors'].map((f) => sha(join(c.weightDir, f)));
    expect(after).toEqual(before);
    expect(readTrainStateRecord(join(c.weightDir, 'state.safetensors')).iteration).toBe(4);

    const done = await diga(['warm-up', '--config', c.file, '--resume']);
    expect(done.code).not.toBe(0);
    expect(done.err).toContain(`the warm-up run in ${c.weightDir} is already at step 4 (--steps 4); give a larger --steps`);

    const replaced = await diga(['warm-up', '--config', c.file, '--steps', '2', '--overwrite']);
    expect(replaced.code, replaced.err).toBe(0);
    expect(readTrainStateRecord(join(c.weightDir, 'state.safetensors')).iteration).toBe(2);
    // The first run's log is kept beside the new one, no temp files or lock are left behind.
    expect(readdirSync(c.logDir).filter((f) => /^warm-up\..+\.jsonl$/.test(f))).toHaveLength(1);
    expect(readdirSync(c.weightDir).filter((f) => f.endsWith('.tmp') || f === '.diga.lock')).toEqual([]);
    expect(existsSync(join(c.weightDir, 'student.safetensors'))).toBe(true);
  });
});
