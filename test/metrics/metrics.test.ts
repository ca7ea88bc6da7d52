import { describe, expect, test } from 'vitest';
import { ConfusionMatrix } from '../../src/metrics/confusion.js';
import { segmentationScores } from '../../src/metrics/scores.js';
import { formatIouTable } from '../../src/metrics/table.js';
import { memory, tensor } from '../../src/tensor/index.js';
import { expectRelClose, loadReference, numbers } from '../helpers.js';

const ref = loadReference('metrics.safetensors');
const get = (k: string) => ref.get(k)!;

describe('confusion matrix', () => {
  test('accumulated over two updates, equals the reference counts', () => {
    const cm = new ConfusionMatrix(19);
    const [gtA, gtB] = get('gt').chunk(2, 0);
    const [predA, predB] = get('pred').chunk(2, 0);
    cm.update(predA, gtA);
    cm.update(predB, gtB);
    expect(Array.from(cm.compute())).toEqual(numbers(get('confusion')));
    cm.reset();
    expect(cm.compute().every((v) => v === 0)).toBe(true);
    cm.dispose();
  });

  test('pixels with ground truth or prediction outside the classes are left out', () => {
    const cm = new ConfusionMatrix(3);
    cm.update(tensor([[0, 1, 2, 2, 255, 1]], { dtype: 'int64' }), tensor([[0, 1, 1, 255, 2, 7]], { dtype: 'uint8' }));
    expect(Array.from(cm.compute())).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 0]);
    const other = new ConfusionMatrix(3);
    other.update(tensor([2]), tensor([2]));
    cm.merge(other);
    expect(Array.from(cm.compute())).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 1]);
    expect(() => cm.update(tensor([1, 2]), tensor([1]))).toThrow(/pred has shape \[2\] but gt has \[1\]/);
    expect(() => cm.merge(new ConfusionMatrix(4))).toThrow(/4 classes cannot merge into 3/);
  });

  test('updates create no lasting tensors', () => {
    const cm = new ConfusionMatrix(19);
    const before = memory().numTensors;
    cm.update(get('pred'), get('gt'));
    cm.compute();
    expect(memory().numTensors).toBe(before);
  });
});

describe('segmentation scores', () => {
  test('match the reference (a class absent from the ground truth but predicted has IoU 0)', () => {
    const s = segmentationScores(get('confusion').toTypedArray() as Float64Array);
    const iou = numbers(get('iou'));
    s.iou.forEach((v, k) => {
      expect(v).not.toBeNull();
      if (iou[k] === 0) expect(v).toBe(0);
      else expectRelClose(v!, iou[k]);
    });
    expectRelClose(s.miou!, get('miou').item());
    expectRelClose(s.overallAcc!, get('overall_acc').item());
    expectRelClose(s.meanAcc!, get('mean_acc').item());
    expectRelClose(s.fwavacc!, get('fwavacc').item());
  });

  test('a class neither present nor predicted is null and skipped by the means', () => {
    // Rows = ground truth. Class 0: 3 pixels, 2 right, 1 predicted as 1. Class 1: 2 pixels, 1 right,
    // 1 predicted as 3. Class 2: neither in the truth nor predicted. Class 3: predicted once, never true.
    const s = segmentationScores([
      [2, 1, 0, 0],
      [0, 1, 0, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    // IoU: 0 → 2/3; 1 → 1/(2 + 2 − 1) = 1/3; 2 → undefined; 3 → 0/(0 + 1 − 0) = 0.
    expect(s.iou[0]).toBeCloseTo(2 / 3, 15);
    expect(s.iou[1]).toBeCloseTo(1 / 3, 15);
    expect(s.iou[2]).toBeNull();
    expect(s.iou[3]).toBe(0);
    expect(s.miou).toBeCloseTo((2 / 3 + 1 / 3 + 0) / 3, 15);
    expect(s.overallAcc).toBeCloseTo(3 / 5, 15);
    expect(s.meanAcc).toBeCloseTo((2 / 3 + 1 / 2) / 2, 15);
    expect(s.fwavacc).toBeCloseTo((3 / 5) * (2 / 3) + (2 / 5) * (1 / 3), 15);
  });

  test('empty matrices give nulls; malformed ones are refused', () => {
    expect(segmentationScores(new Float64Array(4))).toEqual({ iou: [null, null], miou: null, overallAcc: null, meanAcc: null, fwavacc: null });
    expect(() => segmentationScores(new Float64Array(5))).toThrow(/square number of entries, got 5/);
    expect(() => segmentationScores([[1, 2], [3]])).toThrow(/row 1 has 1 entries, expected 2/);
    expect(() => segmentationScores([[1, -2], [3, 4]])).toThrow(/entry \(0, 1\) is -2/);
  });

  test('the IoU table names every Cityscapes class', () => {
    const table = formatIouTable(segmentationScores(get('confusion').toTypedArray() as Float64Array));
    expect(table).toMatch(/^road +46\.94$/m);
    expect(table).toMatch(/^traffic light +45\.18$/m);
    expect(table).toMatch(/^bicycle +0\.00$/m);
    expect(table).toMatch(/^mIoU +43\.95$/m);
    expect(table.split('\n')).toHaveLength(1 + 1 + 19 + 1 + 4);
    const small = formatIouTable(segmentationScores([[1, 0], [0, 0]]), ['a', 'b']);
    expect(small).toMatch(/^b +n\/a$/m);
    expect(() => formatIouTable(segmentationScores([[1]]))).toThrow(/1 IoU values but 19 class names/);
  });
});
