// Adam against torch.optim.Adam (fixture uda/adam_reference.json, PyTorch 1.13, float32, written
// by test/fixtures/uda/tools/adam_reference.py): parameters and moments within 1e-6 of each
// tensor's largest magnitude; plus a first step derived by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Adam, TRANSLATOR_ADAM } from '../../src/optim/adam.js';
import { memory, noGrad, type Tensor, tensor } from '../../src/tensor/index.js';
import { fixture, numbers } from '../helpers.js';

interface Case {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  shapes: Record<string, number[]>;
  initial: Record<string, number[]>;
  steps: Array<{ lr: number; grads: Record<string, number[] | null>; after: Record<string, number[]> }>;
  state: Record<string, { step: number; exp_avg: number[]; exp_avg_sq: number[] }>;
}
const ref = JSON.parse(readFileSync(fixture('uda/adam_reference.json'), 'utf8')) as Record<'translator' | 'weight_decay', Case>;
const TOL = 1e-6;

function expectNear(actual: Tensor, expected: number[], what: string): void {
  const a = numbers(actual);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
  expect(a.length, what).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - expected[i]) / scale, `${what}[${i}]: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(TOL));
}

function setup(c: Case) {
  const names = Object.keys(c.shapes);
  const params = names.map((n) => tensor(c.initial[n]).reshape(...c.shapes[n]).requiresGrad_());
  const opt = new Adam(params, { lr: c.steps[0].lr, betas: c.betas, eps: c.eps, weightDecay: c.weight_decay });
  const runStep = (k: number) => {
    const s = c.steps[k];
    opt.setLr(s.lr);
    names.forEach((n, i) => {
      const g = s.grads[n];
      params[i].grad = g === null ? null : tensor(g).reshape(...c.shapes[n]);
    });
    opt.step();
  };
  return { names, params, opt, runStep };
}

describe('Adam', () => {
  for (const key of ['translator', 'weight_decay'] as const) {
    test(`${key}: every step and the final state match torch.optim.Adam`, () => {
      const c = ref[key];
      const { names, params, opt, runStep } = setup(c);
      c.steps.forEach((s, k) => {
        runStep(k);
        names.forEach((n, i) => expectNear(params[i], s.after[n], `step ${k + 1} ${n}`));
      });
      const state = opt.stateDict();
      expect(state.step).toBe(c.steps.length);
      names.forEach((n, i) => {
        expect(state.steps[i], n).toBe(c.state[n].step);
        expectNear(state.expAvg[i]!, c.state[n].exp_avg, `exp_avg ${n}`);
        expectNear(state.expAvgSq[i]!, c.state[n].exp_avg_sq, `exp_avg_sq ${n}`);
      });
    });
  }

  test('the fixture has a parameter that skipped a step, so step counts differ', () => {
    const counts = Object.values(ref.translator.state).map((s) => s.step);
    expect(new Set(counts).size).toBeGreaterThan(1);
    expect(ref.translator.betas).toEqual([...TRANSLATOR_ADAM.betas]);
  });

  test('first step by hand: p −= lr · g / (|g| + eps), whatever the betas', () => {
    // m̂ = m / (1 − β1) = g and v̂ = v / (1 − β2) = g², so the step is lr · g / (|g| + eps).
    const p = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    p.grad = tensor([0.5, -4, 1e-9], { dtype: 'float64' });
    const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.999] });
    opt.step();
    const want = [1 - 0.1 * (0.5 / (0.5 + 1e-8)), 2 + 0.1 * (4 / (4 + 1e-8)), 3 - 0.1 * (1e-9 / (1e-9 + 1e-8))];
    numbers(p).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-13));
  });

  test('stateDict / loadStateDict resume the same trajectory', () => {
    const c = ref.translator;
    const a = setup(c);
    a.runStep(0);
    a.runStep(1);
    const saved = a.opt.stateDict();
    const b = setup(c);
    noGrad(() => b.params.forEach((p, i) => p.copy_(a.params[i])));
    b.opt.loadStateDict(saved);
    for (const t of [...saved.expAvg, ...saved.expAvgSq]) t?.dispose();
    expect(b.opt.stepCount).toBe(2);
    for (const k of [2, 3]) {
      b.runStep(k);
      b.names.forEach((n, i) => expectNear(b.params[i], c.steps[k].after[n], `resumed step ${k + 1} ${n}`));
    }
    const bad = { ...saved, expAvg: saved.expAvg.slice(1) };
    expect(() => b.opt.loadStateDict(bad)).toThrow(/expected 3 entries in expAvg/);
    expect(() => b.opt.loadStateDict({ ...saved, steps: [0, 2, 2] })).toThrow(/step count 0 but an expAvg/);
  });

  test('steps create no tensors beyond the moments; dispose frees them; options checked', () => {
    const ps = [tensor([1, 2], { requiresGrad: true }), tensor([3], { requiresGrad: true })];
    const opt = new Adam(ps, { lr: 1e-3, weightDecay: 0.01 });
    ps.forEach((p) => (p.grad = p.detach().mul(2)));
    const before = memory().numTensors;
    opt.step();
    expect(memory().numTensors).toBe(before + 4);
    opt.step();
    opt.zeroGrad(false);
    opt.step();
    expect(memory().numTensors).toBe(before + 4);
    opt.dispose();
    expect(memory().numTensors).toBe(before);
    expect(opt.stepCount).toBe(0);
    expect(() => new Adam(ps, { lr: -1 })).toThrow(/lr must be/);
    expect(() => new Adam(ps, { lr: 1, betas: [1, 0.9] })).toThrow(/betas\[0\] must be in \[0, 1\)/);
    expect(() => new Adam([ps[0], ps[0]], { lr: 1 })).toThrow(/listed twice/);
  });
});
