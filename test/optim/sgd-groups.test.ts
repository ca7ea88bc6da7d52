// SGD with parameter groups and repeated listings against the published optimiser on the tiny
// DeepLabV2 (fixture uda/seg_tiny_sgd, float32 on CPU): two steps with lr from the published
// poly schedule (base 0.01), updates (after − before) within 1e-4 of their largest magnitude.
// `after*` ran PyTorch 1.13; `t17.after*` is PyTorch ≤ 1.7's loop.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readSafetensors } from '../../src/checkpoint/index.js';
import { publishedListings, SegModel } from '../../src/models/index.js';
import { polyLr } from '../../src/optim/schedule.js';
import { type RepeatMode, SGD, sgdGroups } from '../../src/optim/sgd.js';
import { memory, noGrad, type Tensor, tensor } from '../../src/tensor/index.js';
import { expectCloseToScale, fixture, loadReference, numbers } from '../helpers.js';

const ref = loadReference('uda/seg_tiny_sgd.safetensors');
const get = (k: string) => ref.get(k)!;
const multiplicity = JSON.parse(readSafetensors(fixture('uda/seg_tiny_sgd.safetensors')).metadata.multiplicity) as Record<string, ['1x' | '10x', number]>;
const NAMES = Object.keys(multiplicity);
const OPTIONS = { momentum: 0.9, weightDecay: 5e-4 };
const lrAt = (i: number) => polyLr(0.01, i, 80_000, 0.9);

/** Fresh parameters at `before.*` with the fixture's gradients, in two groups as published. */
function setup(repeats?: RepeatMode) {
  const params = new Map(NAMES.map((n) => [n, get(`before.${n}`).clone().requiresGrad_()]));
  for (const [n, p] of params) p.grad = get(`grad.${n}`).clone();
  const groups = (['1x', '10x'] as const).map((role) => ({
    lrScale: role === '10x' ? 10 : 1,
    params: new Map([...params].filter(([n]) => multiplicity[n][0] === role)),
  }));
  const opt = new SGD(sgdGroups(groups, publishedListings), { lr: lrAt(0), ...OPTIONS, ...(repeats && { repeats }) });
  return { params, opt };
}

function twoSteps(repeats: RepeatMode | undefined, check: (step: 1 | 2, name: string, p: Tensor) => void): SGD {
  const { params, opt } = setup(repeats);
  opt.step();
  for (const [n, p] of params) check(1, n, p);
  opt.setLr(lrAt(1));
  opt.step();
  for (const [n, p] of params) check(2, n, p);
  return opt;
}

const update = (p: Tensor, name: string) => p.detach().sub(get(`before.${name}`));
const expected = (prefix: string, step: number, name: string) => get(`${prefix}after${step}.${name}`).sub(get(`before.${name}`));

describe('SGD with groups and listings', () => {
  test('the fixture lists its parameters 1 to 4 times, as publishedListings says', () => {
    for (const n of NAMES) expect(publishedListings(n), n).toBe(multiplicity[n][1]);
    expect(new Set(NAMES.map((n) => multiplicity[n][1]))).toEqual(new Set([1, 2, 3, 4]));
  });

  test("'published' (the default): PyTorch ≤ 1.7's loop", () => {
    const opt = twoSteps(undefined, (s, n, p) => expectCloseToScale(update(p, n), expected('t17.', s, n)));
    expect(opt.repeats).toBe('published');
    expect(opt.groupLrs).toEqual([lrAt(1), 10 * lrAt(1)]);
  });

  test("'torch-1.13': what PyTorch 1.13 computes for the same list", () => {
    twoSteps('torch-1.13', (s, n, p) => expectCloseToScale(update(p, n), expected('', s, n)));
  });

  test('the two versions differ for repeated parameters only, by far more than the tolerance', () => {
    for (const n of NAMES) {
      const a = expected('', 2, n);
      const b = expected('t17.', 2, n);
      const gap = a.sub(b).abs().max().item() / b.abs().max().item();
      if (multiplicity[n][1] === 1) expect(gap, n).toBeLessThan(1e-6);
      else expect(gap, n).toBeGreaterThan(1e-2);
    }
  });

  test("'once': one update per parameter, by hand in float64", () => {
    twoSteps('once', (s, n, p) => {
      const scale = multiplicity[n][0] === '10x' ? 10 : 1;
      const g = numbers(get(`grad.${n}`));
      let w = numbers(get(`before.${n}`));
      let buf: number[] = [];
      for (let i = 0; i < s; i++) {
        const d = g.map((x, j) => x + 5e-4 * w[j]);
        buf = i === 0 ? d : buf.map((b, j) => 0.9 * b + d[j]);
        w = w.map((x, j) => x - scale * lrAt(i) * buf[j]);
      }
      const want = tensor(w, { dtype: 'float64' }).reshape(...get(`before.${n}`).shape);
      expectCloseToScale(update(p, n), want.sub(get(`before.${n}`)));
    });
  });

  test('a weight listed k times in published mode by hand: k momentum steps through one buffer', () => {
    // p = 1, g = 1, lr 0.1, momentum 0.5, no decay, k = 2, then k = 2 again on step 2.
    // Step 1: buf = 1, p = 0.9; buf = 0.5 + 1 = 1.5, p = 0.75.
    // Step 2: buf = 0.75 + 1 = 1.75, p = 0.575; buf = 0.875 + 1 = 1.875, p = 0.3875.
    // 1.13 step 1: buf = 1, p = 0.9; fresh buf = 1, p = 0.8; step 2 as published from buf 1:
    //   buf = 1.5, p = 0.65; buf = 1.75, p = 0.475.
    for (const [mode, want] of [['published', [0.75, 0.3875]], ['torch-1.13', [0.8, 0.475]], ['once', [0.9, 0.75]]] as const) {
      const p = tensor([1], { dtype: 'float64', requiresGrad: true });
      p.grad = tensor([1], { dtype: 'float64' });
      const opt = new SGD([{ params: [p], listings: [2] }], { lr: 0.1, momentum: 0.5, weightDecay: 0, repeats: mode });
      opt.step();
      expect(numbers(p)[0], mode).toBeCloseTo(want[0], 14);
      opt.step();
      expect(numbers(p)[0], mode).toBeCloseTo(want[1], 14);
    }
  });

  test('stateDict / loadStateDict resume the grouped, repeated step exactly', () => {
    for (const mode of ['published', 'torch-1.13'] as const) {
      const a = setup(mode);
      a.opt.step();
      a.opt.setLr(lrAt(1));
      const saved = a.opt.stateDict();
      expect(saved.momentumBuffers.length).toBe(NAMES.length);
      const b = setup(mode);
      noGrad(() => [...b.params].forEach(([n, p]) => p.copy_(a.params.get(n)!)));
      b.opt.loadStateDict(saved);
      saved.momentumBuffers.forEach((t) => t?.dispose());
      a.opt.step();
      b.opt.step();
      for (const [n, p] of a.params) {
        expect(numbers(b.params.get(n)!), `${mode} ${n}`).toEqual(numbers(p));
        expectCloseToScale(update(p, n), expected(mode === 'published' ? 't17.' : '', 2, n));
      }
    }
  });

  test('a step keeps one buffer per parameter, whatever the listings', () => {
    const { opt } = setup('torch-1.13');
    const before = memory().numTensors;
    opt.step();
    expect(memory().numTensors).toBe(before + NAMES.length);
    opt.step();
    expect(memory().numTensors).toBe(before + NAMES.length);
    opt.dispose();
    expect(memory().numTensors).toBe(before);
  });

  test('groups from a SegModel: trainable parameters only, head at 10x, listings from its family', () => {
    const model = new SegModel('deeplabv2-tiny');
    const layout = JSON.parse(readFileSync(fixture('uda/seg_tiny_config.json'), 'utf8')).tiny_keys as Array<[string, number[], string, string, number]>;
    const groups = model.parameterGroups();
    const sgd = sgdGroups(groups, (n) => model.publishedListings(n));
    const named = groups.flatMap((g, gi) => [...g.params.keys()].map((n, i) => [n, g.role, sgd[gi].listings![i], sgd[gi].lrScale] as const));
    const published = layout.filter(([, , , role]) => role === '1x' || role === '10x');
    expect(named.map(([n, role, k]) => [n, role, k])).toEqual(published.map(([n, , , role, k]) => [n, role, k]));
    expect(named.every(([, role, , scale]) => scale === (role === '10x' ? 10 : 1))).toBe(true);
    const opt = new SGD(sgd, { lr: 0.01 });
    expect(opt.params.length).toBe(published.length);
    model.dispose();
  });

  test('groups are checked; the single-list form is one group at scale 1', () => {
    const p = tensor([1], { requiresGrad: true });
    const q = tensor([2], { requiresGrad: true });
    expect(new SGD([p, q], { lr: 0.1 }).groupLrs).toEqual([0.1]);
    expect(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(/listed twice/);
    expect(() => new SGD([{ params: [p], listings: [0] }], { lr: 0.1 })).toThrow(/positive integer, got 0/);
    expect(() => new SGD([{ params: [p, q], listings: [1] }], { lr: 0.1 })).toThrow(/one count per parameter \(2\), got 1/);
    expect(() => new SGD([{ params: [p], lrScale: -1 }], { lr: 0.1 })).toThrow(/lrScale/);
    expect(() => new SGD([p], { lr: 0.1, repeats: 'twice' as RepeatMode })).toThrow(/repeats must be one of/);
  });
});
