import { describe, expect, test } from 'vitest';
import { GradScaler } from '../../src/optim/grad-scaler.js';
import { SGD } from '../../src/optim/sgd.js';
import { full, tensor, zeros } from '../../src/tensor/index.js';

function setup() {
  const p = zeros([2], { requiresGrad: true });
  const opt = new SGD([p], { lr: 0.5, momentum: 0, weightDecay: 0 });
  return { p, opt };
}

describe('GradScaler', () => {
  test('scales the loss, unscales the gradients and steps as without scaling', () => {
    const { p, opt } = setup();
    const scaler = new GradScaler({ initScale: 1024 });
    const loss = p.mul(tensor([3, -4])).sum();
    scaler.scaleLoss(loss).backward();
    expect(p.grad!.tolist()).toEqual([3072, -4096]);
    expect(scaler.step(opt, [p])).toBe(true);
    expect(p.detach().tolist()).toEqual([-1.5, 2]);
    expect(scaler.scale).toBe(1024);
  });

  test('skips the step and halves the scale when a gradient is not finite', () => {
    const { p, opt } = setup();
    const scaler = new GradScaler({ initScale: 8 });
    p.grad = full([2], Number.POSITIVE_INFINITY);
    expect(scaler.step(opt, [p])).toBe(false);
    expect(p.detach().tolist()).toEqual([0, 0]);
    expect(scaler.scale).toBe(4);
    p.grad = tensor([1, Number.NaN]);
    expect(scaler.step(opt, [p])).toBe(false);
    expect(scaler.scale).toBe(2);
  });

  test('grows the scale after growthInterval clean steps; state round-trips', () => {
    const { p, opt } = setup();
    const scaler = new GradScaler({ initScale: 4, growthInterval: 3 });
    for (let i = 0; i < 3; i++) {
      p.grad = full([2], 4);
      scaler.step(opt, [p]);
    }
    expect(scaler.scale).toBe(8);
    expect(scaler.stateDict()).toEqual({ scale: 8, growthTracker: 0 });
    const other = new GradScaler();
    other.loadStateDict({ scale: 8, growthTracker: 2 });
    expect(other.stateDict()).toEqual({ scale: 8, growthTracker: 2 });
    expect(() => other.loadStateDict({ scale: -1, growthTracker: 0 })).toThrow(/invalid state/);
  });
});
