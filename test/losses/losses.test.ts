import { describe, expect, test } from 'vitest';
import { mainAuxDistillation, symmetricDistillation } from '../../src/losses/distillation.js';
import { mainAuxLoss, segLoss } from '../../src/losses/segmentation.js';
import { F, full, randn, randint, tensor, tidy, zeros } from '../../src/tensor/index.js';
import { expectNoLeak, expectRelClose, loadReference, numbers } from '../helpers.js';

const ref = loadReference('losses.safetensors');
const get = (k: string) => ref.get(k)!;

/** Summed NLL over non-ignored pixels and their count, in float64 from the raw numbers. */
function referenceNll(logits: number[], target: number[], [B, C, H, W]: number[]): { sum: number; valid: number } {
  let sum = 0;
  let valid = 0;
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < H * W; p++) {
      const t = target[b * H * W + p];
      if (t === 255) continue;
      const at = (c: number) => logits[(b * C + c) * H * W + p];
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, at(c));
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(at(c) - max);
      sum += Math.log(s) + max - at(t);
      valid += 1;
    }
  }
  return { sum, valid };
}

describe('segmentation loss', () => {
  const logits = get('ce.logits');
  const target = get('ce.target');
  const { sum, valid } = referenceNll(numbers(logits), numbers(target), logits.shape);

  test('default average (all pixels) matches the published number', () => {
    const loss = segLoss(logits, target);
    expectRelClose(loss.item(), get('ce.expected').item());
    expectRelClose(loss.item(), sum / target.numel());
  });

  test("'valid-pixels' averages over the non-ignored pixels", () => {
    expect(valid).toBeLessThan(target.numel());
    expectRelClose(segLoss(logits, target, { average: 'valid-pixels' }).item(), sum / valid);
  });

  test('logits are upsampled bilinearly with aligned corners to the label size', () => {
    // Class 1 logits [[0, 1], [2, 3]] become 0, 0.5, ..., 3 on a 3x3 grid; class 0 stays 0.
    const small = tensor([[[[0, 0], [0, 0]], [[0, 1], [2, 3]]]], { dtype: 'float64' });
    const labels = full([1, 3, 3], 1, { dtype: 'int64' });
    const up = [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3];
    const expected = up.reduce((s, x) => s + Math.log1p(Math.exp(-x)), 0) / up.length;
    expect(Math.abs(segLoss(small, labels).item() - expected)).toBeLessThan(1e-12);
  });

  test('main + 0.1 · aux, gradients reach the logits', () => {
    const main = randn([2, 19, 8, 8], { requiresGrad: true });
    const aux = randn([2, 19, 8, 8], { requiresGrad: true });
    const labels = randint(0, 19, [2, 16, 16]);
    const loss = mainAuxLoss({ main, aux }, labels);
    expectRelClose(loss.item(), segLoss(main, labels).item() + 0.1 * segLoss(aux, labels).item());
    loss.backward();
    // The auxiliary head's gradient is 0.1 times that of its own loss alone.
    const alone = aux.detach().requiresGrad_();
    segLoss(alone, labels).backward();
    expect(alone.grad!.abs().sum().item()).toBeGreaterThan(0);
    expect(aux.grad!.sub(alone.grad!.mul(0.1)).abs().max().item()).toBeLessThan(1e-8);
    expect(main.grad!.abs().sum().item()).toBeGreaterThan(0);
  });

  test('only ignored pixels: 0 for valid-pixels, 0 for all-pixels', () => {
    const labels = full([1, 4, 4], 255, { dtype: 'int64' });
    const l = randn([1, 19, 4, 4]);
    expect(segLoss(l, labels, { average: 'valid-pixels' }).item()).toBe(0);
    expect(segLoss(l, labels).item()).toBe(0);
  });

  test('bad inputs are refused with the shapes named', () => {
    expect(() => segLoss(randn([1, 19, 4, 4]), zeros([1, 4, 4]))).toThrow(/integer class ids, got dtype float32/);
    expect(() => segLoss(randn([19, 4, 4]), zeros([1, 4, 4], { dtype: 'int64' }))).toThrow(/\(B, C, h, w\), got shape \[19, 4, 4\]/);
    expect(() => segLoss(randn([2, 19, 4, 4]), zeros([1, 4, 4], { dtype: 'int64' }))).toThrow(/batch 2 but labels have batch 1/);
    expect(() => segLoss(randn([1, 19, 4, 4]), zeros([4, 4], { dtype: 'int64' }))).toThrow(/\(B, H, W\)/);
    expect(() => segLoss(randn([1, 19, 4, 4]), zeros([1, 4, 4], { dtype: 'int64' }), { average: 'x' as 'all-pixels' })).toThrow(/average/);
    expect(() => segLoss(randn([1, 19, 1, 2]), tensor([[[0, 30]]], { dtype: 'int64' }))).toThrow(/class ids in 0\.\.18 or 255/);
  });

  test('no tensor outlives a call', () => {
    expectNoLeak(() => segLoss(logits, target));
    expectNoLeak(() => segLoss(logits, target, { average: 'valid-pixels' }));
    const narrow = target.slice(2, 0, 8);
    expectNoLeak(() => mainAuxLoss({ main: logits, aux: logits }, narrow));
    narrow.dispose();
  });
});

describe('symmetric distillation', () => {
  const teacher = get('distil.teacher');
  const student = get('distil.student');

  test('matches the published number', () => {
    expectRelClose(symmetricDistillation(teacher, student).item(), get('distil.expected').item());
  });

  test('the same number from the formula, term by term', () => {
    const value = tidy(() => {
      const p = F.softmax(teacher, 1);
      const q = F.logSoftmax(student, 1);
      const term = (a: number, b: number) => p.slice(0, a, a + 2).mul(q.slice(0, b, b + 2)).sum(1).mean().neg().item();
      return term(0, 2) + 0.5 * term(2, 0);
    });
    expectRelClose(symmetricDistillation(teacher, student).item(), value);
  });

  test('the teacher gets no gradient; labelSize upsamples both sides', () => {
    const t = randn([2, 19, 4, 4], { requiresGrad: true });
    const s = randn([2, 19, 4, 4], { requiresGrad: true });
    const kd = symmetricDistillation(t, s, [8, 8]);
    const up = (x: typeof t) => F.interpolate(x, { size: [8, 8], mode: 'bilinear', alignCorners: true });
    expectRelClose(kd.item(), symmetricDistillation(up(t).detach(), up(s).detach()).item());
    kd.backward();
    expect(t.grad).toBeNull();
    expect(s.grad!.abs().sum().item()).toBeGreaterThan(0);
  });

  test('main + 0.1 · aux', () => {
    const [t2, s2] = [teacher.flip(3), student.flip(2)];
    const kd = mainAuxDistillation({ main: teacher, aux: t2 }, { main: student, aux: s2 });
    expectRelClose(kd.item(), symmetricDistillation(teacher, student).item() + 0.1 * symmetricDistillation(t2, s2).item());
  });

  test('refuses odd batches and mismatched shapes', () => {
    expect(() => symmetricDistillation(randn([3, 19, 4, 4]), randn([3, 19, 4, 4]))).toThrow(/odd batch of 3/);
    expect(() => symmetricDistillation(randn([2, 19, 4, 4]), randn([2, 19, 4, 5]))).toThrow(/\[2, 19, 4, 4\] and \[2, 19, 4, 5\]/);
  });

  test('no tensor outlives a call', () => {
    expectNoLeak(() => symmetricDistillation(teacher, student, [32, 64]));
    expectNoLeak(() => mainAuxDistillation({ main: teacher, aux: teacher }, { main: student, aux: student }));
  });
});
