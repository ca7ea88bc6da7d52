import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { EmaTeacher } from '../../src/optim/ema.js';
import { emaAlpha, polyLr } from '../../src/optim/schedule.js';
import { SGD } from '../../src/optim/sgd.js';
import { memory, noGrad, type Tensor, tensor } from '../../src/tensor/index.js';
import { fixture, numbers } from '../helpers.js';

const schedules = JSON.parse(readFileSync(fixture('schedules.json'), 'utf8'));

const close = (actual: number[], expected: number[], tol = 1e-12) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol));
};

describe('schedules', () => {
  test('poly learning rate matches the reference', () => {
    const { base_lr, max_iter, power, iters, lr } = schedules.poly_lr;
    iters.forEach((i: number, k: number) => expect(Math.abs(polyLr(base_lr, i, max_iter, power) - lr[k])).toBeLessThanOrEqual(1e-18));
    expect(polyLr(base_lr, max_iter, max_iter)).toBe(0);
    expect(polyLr(base_lr, max_iter + 5, max_iter, 0.9)).toBe(0);
    expect(polyLr(1, 50, 100, 2)).toBeCloseTo(0.25, 15);
    expect(() => polyLr(base_lr, -1, max_iter)).toThrow(/non-negative integer/);
    expect(() => polyLr(base_lr, 1, 0)).toThrow(/maxIter/);
  });

  test('EMA factor matches the reference', () => {
    const { iters, alpha } = schedules.ema_alpha;
    iters.forEach((i: number, k: number) => expect(Math.abs(emaAlpha(i) - alpha[k])).toBeLessThanOrEqual(1e-15));
    expect(() => emaAlpha(1.5)).toThrow(/non-negative integer/);
  });
});

/** Sets p.grad to g by backpropagating sum(p · g). */
function setGrads(params: Tensor[], grads: number[][]): void {
  params.forEach((p, i) => {
    if (grads[i].length === 0) return;
    p.mul(tensor(grads[i], { dtype: 'float64' })).sum().backward();
  });
}

const param = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });

describe('SGD', () => {
  // lr 0.1, momentum 0.9, weight decay 0.01; p0 = [1, −2], q0 = [3] (no gradient on step 1).
  // Step 1: d = g1 + 0.01·p0 = [0.51, 0.23]; buf = d; p1 = p0 − 0.1·buf = [0.949, −2.023]; q unchanged.
  // Step 2: d = g2 + 0.01·p1 = [−0.99051, 1.97977]; buf = 0.9·[0.51, 0.23] + d = [−0.53151, 2.18677];
  //         p2 = p1 − 0.1·buf = [1.002151, −2.241677]. q: d = 1 + 0.03 = 1.03 = buf; q = 3 − 0.103 = 2.897.
  const g1 = [[0.5, 0.25], []];
  const g2 = [[-1, 2], [1]];

  test('two steps follow torch.optim.SGD by hand', () => {
    const p = param([1, -2]);
    const q = param([3]);
    const opt = new SGD([p, q], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    setGrads([p, q], g1);
    opt.step();
    close(numbers(p), [0.949, -2.023]);
    close(numbers(q), [3]);
    expect(numbers(p.grad!)).toEqual([0.5, 0.25]); // the gradient itself is left as it was
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    setGrads([p, q], g2);
    opt.step();
    close(numbers(p), [1.002151, -2.241677]);
    close(numbers(q), [2.897]);
    const state = opt.stateDict();
    close(numbers(state.momentumBuffers[0]!), [-0.53151, 2.18677]);
    close(numbers(state.momentumBuffers[1]!), [1.03]);
    expect(state.step).toBe(2);
  });

  test('Nesterov', () => {
    // Step 1: buf = d = [0.51, 0.23]; p −= 0.1·(d + 0.9·buf) → [0.9031, −2.0437].
    // Step 2: d = [−0.990969, 1.979563]; buf = [−0.531969, 2.186563]; d + 0.9·buf = [−1.4697411, 3.9474697]
    //         → p = [1.05007411, −2.43844697].
    const p = param([1, -2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true });
    setGrads([p], [g1[0]]);
    opt.step();
    close(numbers(p), [0.9031, -2.0437]);
    opt.zeroGrad(false);
    expect(numbers(p.grad!)).toEqual([0, 0]);
    setGrads([p], [g2[0]]);
    opt.step();
    close(numbers(p), [1.05007411, -2.43844697]);
  });

  test('no momentum, no weight decay: plain gradient steps; setLr', () => {
    const p = param([1, 1]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0, weightDecay: 0 });
    setGrads([p], [[2, -2]]);
    opt.step();
    close(numbers(p), [0, 2]);
    opt.setLr(0.25);
    expect(opt.lr).toBe(0.25);
    opt.step();
    close(numbers(p), [-0.5, 2.5]);
  });

  test('stateDict / loadStateDict resume the same trajectory', () => {
    const a = param([1, -2]);
    const b = param([1, -2]);
    const optA = new SGD([a], { lr: 0.1, weightDecay: 0.01 });
    setGrads([a], [g1[0]]);
    optA.step();
    const saved = optA.stateDict();
    const optB = new SGD([b], { lr: 0.5, weightDecay: 0.01 });
    noGrad(() => b.copy_(a));
    optB.loadStateDict(saved);
    saved.momentumBuffers.forEach((t) => t?.dispose());
    expect(optB.lr).toBe(0.1);
    expect(optB.stepCount).toBe(1);
    optA.zeroGrad();
    setGrads([a], [g2[0]]);
    setGrads([b], [g2[0]]);
    optA.step();
    optB.step();
    close(numbers(b), numbers(a), 0);
    close(numbers(a), [1.002151, -2.241677]);
    expect(() => optB.loadStateDict({ step: 0, lr: 0.1, momentumBuffers: [] })).toThrow(/expected 1 momentum buffers/);
    expect(() => optB.loadStateDict({ step: 0, lr: 0.1, momentumBuffers: [tensor([1, 2, 3])] })).toThrow(/shape \[3\], parameter 0 has \[2\]/);
  });

  test('options are checked', () => {
    expect(() => new SGD([], { lr: -1 })).toThrow(/lr must be/);
    expect(() => new SGD([], { lr: 0.1, momentum: 0, nesterov: true })).toThrow(/Nesterov/);
  });

  test('steps create no tensors beyond the momentum buffers', () => {
    const ps = [param([1, 2]), param([3]), param([4, 5, 6])];
    const opt = new SGD(ps, { lr: 0.1 });
    setGrads(ps, [[1, 1], [1], [1, 1, 1]]);
    const before = memory().numTensors;
    opt.step();
    expect(memory().numTensors).toBe(before + 3);
    opt.step();
    opt.zeroGrad(false);
    opt.step();
    expect(memory().numTensors).toBe(before + 3);
    opt.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe('EMA teacher', () => {
  test('α θ_T + (1 − α) θ_S with α from the schedule; copyFromStudent', () => {
    const teacher = [param([1, 2]), param([0])];
    const student = [param([3, 6]), param([4])];
    const ema = new EmaTeacher(teacher, student);
    expect(ema.update(1)).toBe(0.5);
    close(numbers(teacher[0]), [2, 4]);
    close(numbers(teacher[1]), [2]);
    expect(ema.update(3)).toBe(0.75);
    close(numbers(teacher[0]), [2.25, 4.5]); // 0.75·[2, 4] + 0.25·[3, 6]
    close(numbers(teacher[1]), [2.5]);
    expect(ema.update(5000)).toBe(0.999);
    close(numbers(teacher[0]), [0.999 * 2.25 + 0.001 * 3, 0.999 * 4.5 + 0.001 * 6]);
    ema.update(0); // α = 0: the teacher becomes the student
    close(numbers(teacher[0]), [3, 6], 0);
    noGrad(() => student[1].fill_(7));
    ema.copyFromStudent();
    close(numbers(teacher[1]), [7], 0);
    close(numbers(student[0]), [3, 6], 0);
  });

  test('parameter lists must match', () => {
    expect(() => new EmaTeacher([param([1])], [])).toThrow(/as many parameters/);
    expect(() => new EmaTeacher([param([1])], [param([1, 2])])).toThrow(/parameter 0 has shape \[1\] in the teacher and \[2\]/);
  });

  test('updates create no tensors', () => {
    const ema = new EmaTeacher([param([1, 2])], [param([3, 4])]);
    const before = memory().numTensors;
    ema.update(10);
    ema.copyFromStudent();
    expect(memory().numTensors).toBe(before);
  });
});
