import { describe, expect, it } from 'vitest';
import {
  CLASS_NAMES,
  colourMapToTrainIds,
  colourToTrainId,
  LABEL_ID_TO_TRAIN_ID,
  PALETTE,
  PALETTE_TABLE,
  TRAIN_ID_CLAMP,
  TRAIN_ID_TO_LABEL_ID,
} from '../../src/labels/cityscapes.js';

describe('Cityscapes label tables', () => {
  it('maps the 19 label ids of spec §1 to train ids and everything else to 255', () => {
    const expected: Record<number, number> = {
      7: 0, 8: 1, 11: 2, 12: 3, 13: 4, 17: 5, 19: 6, 20: 7, 21: 8, 22: 9,
      23: 10, 24: 11, 25: 12, 26: 13, 27: 14, 28: 15, 31: 16, 32: 17, 33: 18,
    };
    for (let id = 0; id < 256; id++) expect(LABEL_ID_TO_TRAIN_ID[id], `label id ${id}`).toBe(expected[id] ?? 255);
    expect(CLASS_NAMES).toHaveLength(19);
    expect(CLASS_NAMES[13]).toBe('car');
    TRAIN_ID_TO_LABEL_ID.forEach((labelId, trainId) => expect(LABEL_ID_TO_TRAIN_ID[labelId]).toBe(trainId));
  });

  it('clamps train ids: 0..18 kept, anything else 255', () => {
    expect(TRAIN_ID_CLAMP[0]).toBe(0);
    expect(TRAIN_ID_CLAMP[18]).toBe(18);
    expect(TRAIN_ID_CLAMP[19]).toBe(255);
    expect(TRAIN_ID_CLAMP[200]).toBe(255);
  });

  it('inverts the palette and sends unknown colours to 255', () => {
    expect(PALETTE[0]).toEqual([128, 64, 128]);
    expect(PALETTE[18]).toEqual([119, 11, 32]);
    PALETTE.forEach(([r, g, b], id) => expect(colourToTrainId(r, g, b)).toBe(id));
    expect(colourToTrainId(0, 0, 0)).toBe(255);
    expect(colourToTrainId(128, 64, 129)).toBe(255);
    const rgb = new Uint8Array([70, 130, 180, 70, 130, 180, 1, 2, 3, 0, 0, 142]);
    expect(Array.from(colourMapToTrainIds(rgb))).toEqual([10, 10, 255, 13]);
    expect(Array.from(PALETTE_TABLE.subarray(255 * 3, 256 * 3))).toEqual([0, 0, 0]);
  });
});
