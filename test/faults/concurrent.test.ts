// One run per output folder: a second run on a folder in use is refused, naming the holder;
// a lock left by a process that is gone is taken over with a warning.
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { diga, faultFiles, haveBuild, runConfig, startDiga, waitFor } from './helpers.js';

const files = faultFiles('concurrent');

describe.skipIf(!haveBuild)('two runs, one folder', () => {
  test('the second is refused with the holder named; the first finishes intact', async () => {
    const c = runConfig(files.root, files.data, 'shared', { steps: 200, evalEvery: 200, checkpointEvery: 200 });
    const a = startDiga(['warm-up', '--config', c.file]);
    await waitFor(() => existsSync(join(c.weightDir, '.diga.lock')), 60_000, 'the first run to take its folder');
    const b = await diga(['warm-up', '--config', c.file, '--steps', '2']);
    expect(b.code).not.toBe(0);
    expect(b.err).toContain(`${c.weightDir} is in use by another diga run (pid ${a.child.pid} on ${hostname()}`);
    const first = await a.done;
    expect(first.code, first.err).toBe(0);
    expect(readTrainStateRecord(join(c.weightDir, 'state.safetensors')).iteration).toBe(200);
    expect(existsSync(join(c.weightDir, '.diga.lock'))).toBe(false);
  });

  test("a lock whose process is gone is taken over, with a warning", async () => {
    const c = runConfig(files.root, files.data, 'stale', { steps: 2 });
    mkdirSync(c.weightDir, { recursive: true });
    const gone = startDiga(['--version']);
    await gone.done;
    writeFileSync(join(c.weightDir, '.diga.lock'), JSON.stringify({ pid: gone.child.pid, host: hostname(), started: new Date().toISOString(), command: 'warm-up' }));
    const r = await diga(['warm-up', '--config', c.file]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`taking over the stale lock ${join(c.weightDir, '.diga.lock')} (pid ${gone.child.pid}`);
  });
});
