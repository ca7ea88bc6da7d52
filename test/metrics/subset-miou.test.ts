import { describe, expect, it } from 'vitest';
import { CITYSCAPES_16, CITYSCAPES_19 } from '../../src/labels/index.js';
import { segmentationScores } from '../../src/metrics/scores.js';
import { subsetMiou, subsetScores } from '../../src/metrics/subset-miou.js';
import { formatIouTable } from '../../src/metrics/table.js';

/** A diagonal-heavy confusion matrix with distinct per-class IoUs. */
function confusion(n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (r === c ? 10 + r : c === (r + 1) % n ? r : 0)));
}

describe('subset mIoU', () => {
  it('is the mean of the defined IoUs of the subset (nanmean)', () => {
    expect(subsetMiou([0.5, 0.1, null, 0.3], [0, 2, 3])).toBeCloseTo(0.4, 15);
    expect(subsetMiou([0.5, 0.1, null, Number.NaN], [2, 3])).toBeNull();
    expect(() => subsetMiou([0.5], [1])).toThrow(/train id 1 is outside the 1 IoU values/);
  });

  it('gives the 13-class mIoU of cityscapes-16 from the 16 per-class IoUs', () => {
    const scores = segmentationScores(confusion(16));
    const iou = scores.iou as number[];
    const skip = new Set([3, 4, 5]);
    const expected = iou.filter((_, k) => !skip.has(k)).reduce((a, b) => a + b, 0) / 13;
    const [{ metric, value }] = subsetScores(scores.iou, CITYSCAPES_16);
    expect(metric.name).toBe('mIoU-13');
    expect(value).toBeCloseTo(expected, 15);
    expect(value).not.toBeCloseTo(scores.miou as number, 6);
  });

  it('adds a line to the IoU table for cityscapes-16 only', () => {
    const s16 = segmentationScores(confusion(16));
    const table = formatIouTable(s16, CITYSCAPES_16);
    const expected = (100 * (subsetScores(s16.iou, CITYSCAPES_16)[0].value as number)).toFixed(2);
    expect(table).toMatch(new RegExp(`^mIoU-13 +${expected.replace('.', '\\.')}$`, 'm'));
    expect(table.split('\n')).toHaveLength(1 + 1 + 16 + 1 + 5);
    expect(table.indexOf('mIoU-13')).toBeGreaterThan(table.indexOf('\nmIoU '));
    // The 19-class table is the same whether given the label set or its names.
    const s19 = segmentationScores(confusion(19));
    expect(formatIouTable(s19, CITYSCAPES_19)).toBe(formatIouTable(s19));
    expect(formatIouTable(s19, CITYSCAPES_19)).not.toContain('mIoU-13');
  });
});
