// The training engine on its own, with a fake step and a scripted evaluation: what it
// saves and when, best-keeping, the state record, and the guards around its folder.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readSafetensorsHeader } from '../../src/checkpoint/index.js';
import { resolveConfig } from '../../src/config/load.js';
import { SegModel } from '../../src/models/index.js';
import { readTrainStateRecord } from '../../src/engine/train-state.js';
import { Trainer } from '../../src/engine/trainer.js';
import type { EvaluationResult } from '../../src/inference/validation.js';
import { manualSeed, randn, tidy } from '../../src/tensor/index.js';

const root = mkdtempSync(join(tmpdir(), 'diga-trainer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function scores(miou: number): EvaluationResult {
  return { miou, iou: [], overallAcc: 0, meanAcc: 0, fwavacc: 0, images: 1, seconds: 0 } as unknown as EvaluationResult;
}

/** A trainer over the tiny network whose step is a plain loss on a fixed input, and whose evaluations return `mious` in turn. */
function fakeRun(name: string, mious: number[], extra: Record<string, unknown> = {}) {
  const dir = join(root, name);
  const cfg = resolveConfig({
    overrides: { model: 'tiny', device: 'cpu', amp: 'off', steps: 6, evalEvery: 2, checkpointEvery: 3, logEvery: 1, imageEvery: 0, logDir: join(dir, 'logs'), ...extra },
  });
  manualSeed(1);
  const student = new SegModel('tiny');
  const teacher = new SegModel('tiny');
  const x = randn([1, 3, 32, 64]);
  const evaluations: number[] = [];
  let stepsTaken = 0;
  const trainer = new Trainer({
    stage: 'warm-up',
    cfg,
    student,
    teacher,
    saveDir: join(dir, 'weights'),
    loaders: {},
    step: async () => {
      stepsTaken++;
      return tidy(() => {
        const loss = student.forward(x).main.square().mean();
        return { loss, terms: { loss: loss.detach() } };
      });
    },
    evaluate: async () => {
      evaluations.push(stepsTaken);
      return scores(mious[evaluations.length - 1]);
    },
  });
  return { trainer, dir, evaluations, cfg, x };
}

describe('the training engine', () => {
  test('evaluates every evalEvery steps, keeps the best weights, saves the state before and after each evaluation', async () => {
    const { trainer, dir, evaluations } = fakeRun('best', [0.1, 0.3, 0.2]);
    const r = await trainer.runFrom(false);
    await trainer.close();
    expect(evaluations).toEqual([2, 4, 6]);
    expect(r).toMatchObject({ iterations: 6, bestMiou: 0.3, bestIteration: 4, interrupted: false });
    // The best weights are the step-4 ones: their metadata says so.
    expect(readSafetensorsHeader(join(dir, 'weights', 'student.safetensors')).metadata).toMatchObject({ stage: 'warm-up', iteration: '4', miou: '0.3' });
    const record = readTrainStateRecord(join(dir, 'weights', 'state.safetensors'));
    expect(record).toMatchObject({ stage: 'warm-up', iteration: 6, bestMiou: 0.3, bestIteration: 4 });
    expect(record.evalPending).toBe(false);
    const log = readFileSync(join(dir, 'logs', 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.kind === 'step').map((e) => e.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.filter((e) => e.kind === 'eval').map((e) => [e.iteration, e.best])).toEqual([[2, true], [4, true], [6, false]]);
    expect(existsSync(join(dir, 'weights', '.diga.lock'))).toBe(false);
  });

  test('refuses a fresh start over a finished run, and a resume past its last step', async () => {
    const first = fakeRun('guard', [0.1, 0.2, 0.3]);
    await first.trainer.runFrom(false);
    await first.trainer.close();
    const again = fakeRun('guard', [0.5]);
    await expect(again.trainer.runFrom(false)).rejects.toThrow(/already holds a warm-up run \(state at step 6 of 6, best val mIoU 30\.00 at step 6\)/);
    await again.trainer.close();
    const resumed = fakeRun('guard', [0.5], { resume: true });
    await expect(resumed.trainer.runFrom(true)).rejects.toThrow(/already at step 6 \(--steps 6\)/);
    await resumed.trainer.close();
  });
});
