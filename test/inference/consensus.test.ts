import { describe, expect, test } from 'vitest';
import { consensusLabels } from '../../src/inference/consensus.js';
import { full, randint, randn, tensor } from '../../src/tensor/index.js';
import { expectNoLeak, numbers } from '../helpers.js';

describe('bilateral consensus', () => {
  // Two feature pixels, at centroid 0 and at centroid 1; labels are 4 wide. Aligned-corner
  // upsampling puts the label pixels at 0, 1/3, 2/3 and 1 of the way: the weight of class 0 is
  // about 1, 2/3, 1/3, 0 there, so y_feat = 0 0 1 1.
  const feat = tensor([0, 10, 0, 0]).reshape(1, 2, 1, 2);
  const centroids = tensor([[0, 0], [10, 0]]);

  test('pixels where the pseudo-label disagrees with the nearest centroid become 255', () => {
    const pseudo = tensor([[[0, 1, 1, 255]]], { dtype: 'int64' });
    expect(consensusLabels(feat, centroids, pseudo).tolist()).toEqual([[[0, 255, 1, 255]]]);
    expect(consensusLabels(feat, centroids, tensor([[[1, 0, 0, 1]]], { dtype: 'uint8' }), [1, 4]).tolist()).toEqual([[[255, 0, 255, 1]]]);
  });

  test('the weights, not the distances, are upsampled, with aligned corners', () => {
    // Centroids at x = 0 and x = 40; feature pixels at x = 19.325 (distances 19.325 and 20.675:
    // class-0 weight 1/(1 + e^-1.35) ≈ 0.794) and x = 100 (distances 100 and 60: weight ≈ 0).
    // Labels 6 wide sit at t = 0, .2, .4, .6, .8, 1 of the way (aligned corners); the class-0
    // weight 0.794·(1 − t) passes 0.5 at t ≈ 0.37, so y_feat = 0 0 1 1 1 1. Interpolated distances
    // would say class 1 from t = .2 on (35.46 vs 28.54); half-pixel sampling (t = 0, 0, 1/3, 2/3,
    // 1, 1) would say 0 0 0 1 1 1.
    const f = tensor([19.325, 100, 0, 0]).reshape(1, 2, 1, 2);
    const c = tensor([[0, 0], [40, 0]]);
    const pseudo = full([1, 1, 6], 0, { dtype: 'int64' });
    expect(numbers(consensusLabels(f, c, pseudo))).toEqual([0, 0, 255, 255, 255, 255]);
  });

  test('shapes are checked; no tensor outlives a call', () => {
    expect(() => consensusLabels(feat, centroids, tensor([[0, 1]], { dtype: 'int64' }))).toThrow(/pseudo-labels must be \(B, H, W\)/);
    expect(() => consensusLabels(feat, centroids, full([1, 1, 4], 0, { dtype: 'int64' }), [2, 8])).toThrow(/size \[2, 8\] differs/);
    expect(() => consensusLabels(feat, centroids, full([2, 1, 4], 0, { dtype: 'int64' }))).toThrow(/B = 2/);
    const [f, c, pseudo] = [randn([2, 16, 8, 16]), randn([19, 16]), randint(0, 19, [2, 32, 64])];
    expectNoLeak(() => consensusLabels(f, c, pseudo));
  });
});
