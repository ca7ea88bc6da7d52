import { describe, expect, it } from 'vitest';
import { CITYSCAPES_19, colourMapToTrainIds, defineLabelSet, labelSet, labelSetNames } from '../../src/labels/index.js';

const three = defineLabelSet({
  name: 'three',
  classNames: ['a', 'b', 'c'],
  palette: [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
  trainIdToLabelId: [40, 10, 20],
});

describe('label sets', () => {
  it('derive their tables from names, colours and label ids', () => {
    expect(three.classes).toBe(3);
    expect([three.labelIdToTrainId[40], three.labelIdToTrainId[10], three.labelIdToTrainId[20], three.labelIdToTrainId[0]]).toEqual([0, 1, 2, 255]);
    expect([three.trainIdClamp[2], three.trainIdClamp[3]]).toEqual([2, 255]);
    expect([...three.paletteTable.subarray(3, 6)]).toEqual([4, 5, 6]);
    expect([...three.paletteTable.subarray(9, 12)]).toEqual([0, 0, 0]);
    expect(Array.from(colourMapToTrainIds(three, new Uint8Array([7, 8, 9, 7, 8, 9, 0, 0, 1])))).toEqual([2, 2, 255]);
  });

  it('refuse tables of different lengths, and unknown names', () => {
    expect(() => defineLabelSet({ name: 'bad', classNames: ['a', 'b'], palette: [[0, 0, 0]], trainIdToLabelId: [1, 2] })).toThrow(
      'label set bad: 2 names, 1 colours and 2 label ids',
    );
    expect(labelSet('cityscapes-19')).toBe(CITYSCAPES_19);
    expect(labelSetNames()).toContain('cityscapes-19');
    expect(() => labelSet('cityscapes-20')).toThrow('unknown label set "cityscapes-20"; known label sets: cityscapes-19');
  });
});

describe('subset metrics', () => {
  it('resolves class names to train ids and refuses unknown or repeated names', () => {
    const base = { name: 't', classNames: ['a', 'b', 'c'], palette: [[0, 0, 0], [1, 1, 1], [2, 2, 2]] as const, trainIdToLabelId: [1, 2, 3] };
    expect(defineLabelSet({ ...base, subsetMetrics: [{ name: 'm', classNames: ['c', 'a'] }] }).subsetMetrics[0].trainIds).toEqual([2, 0]);
    expect(() => defineLabelSet({ ...base, subsetMetrics: [{ name: 'm', classNames: ['d'] }] })).toThrow('subset metric m names "d"');
    expect(() => defineLabelSet({ ...base, subsetMetrics: [{ name: 'm', classNames: ['a', 'a'] }] })).toThrow(/names a class twice/);
  });
});
