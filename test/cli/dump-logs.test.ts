// The published `--dump_logs` flag: what a training stage prints also lands in <log-dir>/output.txt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diga, faultFiles, haveBuild, runConfig } from '../faults/helpers.js';

const files = faultFiles('dump-logs');

describe.skipIf(!haveBuild)('--dump-logs', () => {
  test('copies the stage output to <log-dir>/output.txt', async () => {
    const c = runConfig(files.root, files.data, 'run', { steps: 2 });
    const r = await diga(['warm-up', '--config', c.file, '--dump-logs', 'True']);
    expect(r.code, r.err).toBe(0);
    const dumped = readFileSync(join(c.logDir, 'output.txt'), 'utf8');
    expect(dumped).toContain('warm-up done: 2 steps');
    expect(r.out).toContain('warm-up done: 2 steps');
  });
});
