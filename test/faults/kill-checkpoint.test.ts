// kill -9 while a checkpoint is being written: the previous state stays whole and loadable,
// the best weights are untouched, and the next run removes the dead writer's temp file.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { readStateDict } from '../../src/checkpoint/index.js';
import { diga, faultFiles, haveBuild, runConfig, sha, startDiga, waitFor } from './helpers.js';

const files = faultFiles('kill');

const temps = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : []);
const stateTemps = (dir: string) => temps(dir).filter((f) => f.startsWith('.state.safetensors.'));

describe.skipIf(!haveBuild)('kill -9 during a checkpoint write', () => {
  test('loses nothing that was saved, and the temp file is cleared on resume', async () => {
    const c = runConfig(files.root, files.data, 'run', { steps: 8, evalEvery: 2, checkpointEvery: 2 });
    // Every state write waits before its rename: a window to kill the writer in.
    const run = startDiga(['warm-up', '--config', c.file], { DIGA_TEST_FAULT: 'slow-rename:state.safetensors:3000' });
    const state = join(c.weightDir, 'state.safetensors');
    const student = join(c.weightDir, 'student.safetensors');
    await waitFor(() => existsSync(state) && existsSync(student) && stateTemps(c.weightDir).length > 0, 90_000, 'a second state write in progress');
    const saved = { state: sha(state), student: sha(student), teacher: sha(join(c.weightDir, 'teacher.safetensors')) };
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(stateTemps(c.weightDir)).toHaveLength(1);
    expect(temps(c.weightDir)).toHaveLength(1);
    expect({ state: sha(state), student: sha(student), teacher: sha(join(c.weightDir, 'teacher.safetensors')) }).toEqual(saved);
    const at = readTrainStateRecord(state).iteration;
    expect(at).toBeGreaterThan(0);
    expect(readStateDict(state).has('student.hrnet.conv1.weight')).toBe(true);

    const resumed = await diga(['warm-up', '--config', c.file, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toMatch(/removed 1 unfinished write of a stopped run/);
    expect(readTrainStateRecord(state).iteration).toBe(8);
    expect(temps(c.weightDir)).toEqual([]);
  });
});
