// The --nproc-per-node launcher with 2 CPU workers: SIGTERM to it reaches the workers, which
// save their state and stop; it waits for them and exits with their status. If the launcher is
// killed outright, the workers notice, save and stop. No process outlives the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { faultFiles, haveBuild, processesWith, runConfig, startDiga, waitFor } from './helpers.js';

const files = faultFiles('launcher');
let port = 29_700 + (process.pid % 200);

const steps = (logDir: string) => {
  const file = join(logDir, 'warm-up.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"kind":"step"')).length : 0;
};

describe.skipIf(!haveBuild)('the data-parallel launcher and its workers', () => {
  test.each(['SIGTERM', 'SIGKILL'] as const)('%s to the launcher: the workers save their state and stop; nothing is left running', async (signal) => {
    const c = runConfig(files.root, files.data, signal, { steps: 2000, evalEvery: 2000, checkpointEvery: 2000 });
    const run = startDiga(['warm-up', '--config', c.file, '--nproc-per-node', '2', '--master-port', String(++port)]);
    await waitFor(() => steps(c.logDir) >= 2, 90_000, 'two logged steps');
    expect(processesWith(c.file).length).toBe(3); // the launcher and two workers
    run.child.kill(signal);
    const r = await run.done;
    if (signal === 'SIGTERM') expect(r.code).toBe(130);
    // Workers of a killed launcher stop by themselves (they poll for it twice a second).
    await waitFor(() => processesWith(c.file).length === 0, 30_000, 'the workers to exit');
    const record = readTrainStateRecord(join(c.weightDir, 'state.safetensors'));
    expect(record.iteration).toBeGreaterThanOrEqual(2);
    expect(record.iteration).toBeLessThan(2000);
    expect(existsSync(join(c.weightDir, '.diga.lock'))).toBe(false);
  });
});
