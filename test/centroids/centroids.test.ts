import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeSafetensors } from '../../src/checkpoint/index.js';
import { CentroidBank } from '../../src/centroids/bank.js';
import { classMeansDense, classMeanVectors } from '../../src/centroids/class-means.js';
import { centroidWeights } from '../../src/centroids/weights.js';
import { F, memory, tensor, zeros } from '../../src/tensor/index.js';
import { expectCloseToScale, expectNoLeak, loadReference, numbers } from '../helpers.js';

const ref = loadReference('centroids.safetensors');
const get = (k: string) => ref.get(k)!;
const pred = get('logits').argmax(1);

const dir = mkdtempSync(path.join(tmpdir(), 'diga-centroids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('class mean vectors', () => {
  test('prediction masks: the reference vectors and ids', () => {
    const { vectors, ids } = classMeanVectors(get('feat'), pred);
    expect(ids.dtype).toBe('int64');
    expect(ids.tolist()).toEqual(get('ids.pred').tolist());
    expectCloseToScale(vectors, get('vectors.pred'));
  });

  test('label ∧ prediction masks: the reference vectors and ids', () => {
    const { vectors, ids } = classMeanVectors(get('feat'), pred, { label: get('labels') });
    expect(ids.tolist()).toEqual(get('ids.masked').tolist());
    expectCloseToScale(vectors, get('vectors.masked'));
  });

  test('a label at a higher resolution is brought down by nearest neighbour', () => {
    const big = F.interpolate(get('labels'), { size: [16, 32], mode: 'nearest' }).squeeze(1);
    const a = classMeanVectors(get('feat'), pred, { label: big });
    expect(a.ids.tolist()).toEqual(get('ids.masked').tolist());
    expectCloseToScale(a.vectors, get('vectors.masked'));
  });

  test('minPixels on a hand-made map', () => {
    // One sample, 1 channel, 1×6 pixels; features 0..5; classes 2 2 2 0 0 1.
    const feat = tensor([0, 1, 2, 3, 4, 5]).reshape(1, 1, 1, 6);
    const p = tensor([2, 2, 2, 0, 0, 1], { dtype: 'int64' }).reshape(1, 1, 6);
    const a = classMeanVectors(feat, p, { minPixels: 2, numClasses: 3 });
    expect(a.ids.tolist()).toEqual([0, 2]);
    expect(a.vectors.tolist()).toEqual([[3.5], [1]]);
    const none = classMeanVectors(feat, p, { minPixels: 4, numClasses: 3 });
    expect(none.vectors.shape).toEqual([0, 1]);
    expect(none.ids.shape).toEqual([0]);
  });

  test('bad shapes are refused; no tensor outlives a call', () => {
    expect(() => classMeanVectors(get('feat'), pred.slice(2, 0, 4))).toThrow(/pred must be \(B, h, w\) = \[2, 8, 16\]/);
    expect(() => classMeanVectors(get('feat'), pred, { label: zeros([1, 8, 16]) })).toThrow(/label must be/);
    expectNoLeak(() => classMeanVectors(get('feat'), pred, { label: get('labels') }));
  });
});

describe('centroid weights', () => {
  test('softmax of the negative distances matches the reference', () => {
    const w = centroidWeights(get('feat'), get('centroids'));
    expect(w.shape).toEqual([2, 19, 8, 16]);
    expectCloseToScale(w, get('centroid_weight'));
  });

  test('hand-made: two centroids on a line', () => {
    const feat = tensor([0, 3]).reshape(1, 1, 1, 2);
    const c = tensor([[0], [1]]);
    // distances (0, 1) and (3, 2): weights softmax(−d).
    const e = (a: number, b: number) => Math.exp(-a) / (Math.exp(-a) + Math.exp(-b));
    const w = numbers(centroidWeights(feat, c));
    [e(0, 1), e(3, 2), e(1, 0), e(2, 3)].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
    expect(() => centroidWeights(feat, tensor([[0, 1]]))).toThrow(/centroids must be \(N, 1\)/);
    expectNoLeak(() => centroidWeights(get('feat'), get('centroids')));
  });
});

describe('centroid bank', () => {
  test('running means then moving averages match the reference, counts included', () => {
    const bank = new CentroidBank(19, 512);
    bank.meanUpdate(get('vectors.pred'), get('ids.pred'));
    expectCloseToScale(bank.centroids, get('running.after_mean'));
    bank.movingAverageUpdate(get('vectors.masked'), get('ids.masked'));
    expectCloseToScale(bank.centroids, get('running.after_moving_average'));
    expect(numbers(bank.count)).toEqual(numbers(get('running.count')));
    bank.dispose();
  });

  test('dense means with a keep mask update the bank exactly as the kept rows do, counts included', () => {
    const rowWise = new CentroidBank(19, 512);
    const dense = new CentroidBank(19, 512);
    for (const bank of [rowWise, dense]) bank.meanUpdate(get('vectors.pred'), get('ids.pred'));
    const options = { label: get('labels'), minPixels: 40 };
    const { vectors, ids } = classMeanVectors(get('feat'), pred, options);
    rowWise.movingAverageUpdate(vectors, ids, 0.3);
    const { means, keep } = classMeansDense(get('feat'), pred, options);
    expect(means.shape).toEqual([pred.shape[0], 19, 512]);
    expect(numbers(keep.sum())[0]).toBe(ids.shape[0]);
    dense.movingAverageUpdateDense(means, keep, 0.3);
    expect(dense.centroids.toBuffer().equals(rowWise.centroids.toBuffer())).toBe(true);
    expect(numbers(dense.count)).toEqual(numbers(rowWise.count));
    expect(() => dense.movingAverageUpdateDense(means.narrow(1, 0, 18), keep)).toThrow(/means must be \(B, 19, 512\)/);
    rowWise.dispose();
    dense.dispose();
  });

  test('exact means below the cap, then weight 1/cap; repeated ids in one call apply in order', () => {
    const bank = new CentroidBank(2, 1, 'cpu', { maxCount: 2 });
    // Class 1 gets 4, 8, then 2 in one call: 4 → (4 + 8)/2 = 6 → 6 + (2 − 6)/2 = 4 (count capped at 2).
    bank.meanUpdate(tensor([[4], [8], [2]]), tensor([1, 1, 1], { dtype: 'int64' }));
    expect(numbers(bank.centroids)).toEqual([0, 4]);
    expect(numbers(bank.count)).toEqual([0, 2]);
    // Moving average with momentum 0.5: 0.5·4 + 0.5·10 = 7, then 0.5·7 + 0.5·1 = 4; class 0 from 0: 0.5·6 = 3.
    bank.movingAverageUpdate(tensor([[10], [6], [1]]), tensor([1, 0, 1], { dtype: 'int64' }), 0.5);
    expect(numbers(bank.centroids)).toEqual([3, 4]);
    expect(numbers(bank.count)).toEqual([1, 2]);
    bank.dispose();
  });

  test('stateDict, save and load round trip', () => {
    const bank = new CentroidBank(19, 512);
    bank.meanUpdate(get('vectors.pred'), get('ids.pred'));
    const file = path.join(dir, 'centroids.safetensors');
    bank.save(file);
    const loaded = CentroidBank.load(file);
    expect([loaded.numClasses, loaded.dim, loaded.maxCount]).toEqual([19, 512, 3000]);
    expect(numbers(loaded.centroids)).toEqual(numbers(bank.centroids));
    expect(numbers(loaded.count)).toEqual(numbers(bank.count));
    const state = bank.stateDict();
    const other = new CentroidBank(19, 512);
    other.loadStateDict(state);
    expect(numbers(other.centroids)).toEqual(numbers(bank.centroids));
    expect(() => other.loadStateDict({ centroids: zeros([19, 4]), count: state.count })).toThrow(/centroids must be \(19, 512\), got \[19, 4\]/);
    for (const b of [bank, loaded, other]) b.dispose();
  });

  test('bad inputs are refused, not crashed on', () => {
    const bank = new CentroidBank(3, 2);
    expect(() => bank.meanUpdate(zeros([1, 2]), tensor([3], { dtype: 'int64' }))).toThrow(/class id 3 \(row 0\) is outside 0\.\.2/);
    expect(() => bank.meanUpdate(zeros([1, 5]), tensor([0], { dtype: 'int64' }))).toThrow(/vectors must be \(K, 2\), got shape \[1, 5\]/);
    expect(() => bank.meanUpdate(zeros([2, 2]), tensor([0], { dtype: 'int64' }))).toThrow(/ids must be \(K,\) with K = 2/);
    expect(() => bank.movingAverageUpdate(zeros([1, 2]), tensor([0], { dtype: 'int64' }), 2)).toThrow(/momentum/);
    const file = path.join(dir, 'other.safetensors');
    writeSafetensors(file, new Map([['weights', { dtype: 'float32', shape: [1], data: Buffer.alloc(4) }]]));
    expect(() => CentroidBank.load(file)).toThrow(/lacks a "centroids" or "count" tensor/);
    expect(() => CentroidBank.load(path.join(dir, 'missing.safetensors'))).toThrow(/missing\.safetensors/);
    bank.dispose();
  });

  test('updates create no lasting tensors', () => {
    const bank = new CentroidBank(19, 512);
    const before = memory().numTensors;
    bank.meanUpdate(get('vectors.pred'), get('ids.pred'));
    bank.movingAverageUpdate(get('vectors.masked'), get('ids.masked'));
    expect(memory().numTensors).toBe(before);
    expectNoLeak(() => bank.stateDict());
    bank.dispose();
  });
});
