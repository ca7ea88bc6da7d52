// The adaptation setting's schedules against the published functions (fixture
// uda/schedules_uda.json, Python float64): within 1e-12 relative.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { emaAlpha, polyLr, rampLr, scheduledLr, SEGMENTATION_LR, TRANSLATOR_LR } from '../../src/optim/schedule.js';
import { fixture } from '../helpers.js';

const ref = JSON.parse(readFileSync(fixture('uda/schedules_uda.json'), 'utf8'));

function rel(actual: number, expected: number): void {
  if (expected === 0) expect(actual).toBe(0);
  else expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12);
}

describe('adaptation schedules', () => {
  test('segmentation poly, both groups (head 10x)', () => {
    const { base_lr, max_iter, power, iters, lr } = ref.seg_poly;
    expect([base_lr, power]).toEqual([SEGMENTATION_LR.base, SEGMENTATION_LR.power]);
    iters.forEach((i: number, k: number) => {
      const backbone = scheduledLr('poly', SEGMENTATION_LR.base, i, max_iter, SEGMENTATION_LR.power);
      rel(backbone, lr[k][0]);
      rel(backbone * SEGMENTATION_LR.headScale, lr[k][1]);
    });
  });

  test('SYNTHIA warm-up ramp, both groups, and at N', () => {
    const { base_lr, iters, lr, beyond } = ref.synthia_warmup_ramp;
    iters.forEach((i: number, k: number) => {
      const backbone = scheduledLr('ramp', base_lr, i, 60_000);
      rel(backbone, lr[k][0]);
      rel(backbone * SEGMENTATION_LR.headScale, lr[k][1]);
    });
    rel(rampLr(base_lr, 60_000, 60_000), beyond['60000'][0]);
    rel(rampLr(base_lr, 60_000, 60_000) * 10, beyond['60000'][1]);
    expect(rampLr(base_lr, 70_000, 60_000)).toBe(base_lr);
    expect(() => rampLr(base_lr, -1, 60_000)).toThrow(/non-negative integer/);
  });

  test("translator's Adam poly", () => {
    const { base_lr, max_iter, power, iters, lr } = ref.translator_poly;
    expect([base_lr, max_iter, power]).toEqual([TRANSLATOR_LR.base, TRANSLATOR_LR.maxIter, TRANSLATOR_LR.power]);
    iters.forEach((i: number, k: number) => rel(polyLr(TRANSLATOR_LR.base, i, TRANSLATOR_LR.maxIter, TRANSLATOR_LR.power), lr[k]));
  });

  test('EMA factors of the teacher update', () => {
    const { iters, alpha } = ref.ema_alpha;
    iters.forEach((i: number, k: number) => rel(emaAlpha(i), alpha[k]));
  });

  test('schedules by name; an unknown name is refused', () => {
    expect(scheduledLr('poly', 1, 50, 100, 2)).toBeCloseTo(0.25, 15);
    expect(scheduledLr('ramp', 1, 25, 100)).toBe(0.25);
    expect(() => scheduledLr('step' as never, 1, 0, 10)).toThrow(/unknown learning-rate schedule "step".*poly, ramp/);
  });
});
