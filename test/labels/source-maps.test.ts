// Every 256-entry label table against the published loaders' tables (label_maps.json), exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CITYSCAPES_16, CITYSCAPES_19, labelSet, sourceLabelTable, SYNTHIA_ID_CLASSES } from '../../src/labels/index.js';

interface PublishedMap {
  n_classes: number;
  map: Record<string, number>;
  lut_0_255: number[];
}
const maps = JSON.parse(readFileSync(new URL('../fixtures/uda/label_maps.json', import.meta.url), 'utf8')) as Record<string, PublishedMap>;

describe('label tables against the published loaders', () => {
  const cases: Array<[string, Uint8Array, number]> = [
    ['gta5', sourceLabelTable('gta5', CITYSCAPES_19), 19],
    ['synthia', sourceLabelTable('synthia', CITYSCAPES_16), 16],
    ['cityscapes_19', CITYSCAPES_19.labelIdToTrainId, 19],
    ['cityscapes_16', CITYSCAPES_16.labelIdToTrainId, 16],
    ['gta5_16', sourceLabelTable('gta5', CITYSCAPES_16), 16],
  ];
  it.each(cases)('%s: all 256 entries', (name, table, classes) => {
    const published = maps[name];
    expect(published.n_classes).toBe(classes);
    expect(published.lut_0_255).toHaveLength(256);
    expect(Array.from(table)).toEqual(published.lut_0_255);
    // The map form says the same as the table form.
    for (const [id, trainId] of Object.entries(published.map)) expect(table[Number(id)]).toBe(trainId);
  });

  it('SYNTHIA ids onto the 19 classes keep every SYNTHIA class, by name', () => {
    const t = sourceLabelTable('synthia', CITYSCAPES_19);
    for (const [id, name] of Object.entries(SYNTHIA_ID_CLASSES)) expect(CITYSCAPES_19.classNames[t[Number(id)]]).toBe(name);
    expect(t[0]).toBe(255);
    expect(t[22]).toBe(255);
  });

  it('a table is a copy: writing it leaves the label set alone', () => {
    const t = sourceLabelTable('gta5', CITYSCAPES_19);
    t[7] = 99;
    expect(CITYSCAPES_19.labelIdToTrainId[7]).toBe(0);
    expect(() => sourceLabelTable('mapillary' as 'gta5', CITYSCAPES_19)).toThrow(/unknown source dataset mapillary/);
  });
});

describe('cityscapes-16', () => {
  it('is the 19 classes without terrain, truck and train, palette included', () => {
    expect(labelSet('cityscapes-16')).toBe(CITYSCAPES_16);
    expect(CITYSCAPES_16.classes).toBe(16);
    expect(CITYSCAPES_16.classNames).not.toContain('terrain');
    expect(CITYSCAPES_16.trainIdToLabelId).toEqual([7, 8, 11, 12, 13, 17, 19, 20, 21, 23, 24, 25, 26, 28, 32, 33]);
    CITYSCAPES_16.classNames.forEach((name, id) => {
      expect(CITYSCAPES_16.palette[id]).toEqual(CITYSCAPES_19.palette[CITYSCAPES_19.classNames.indexOf(name)]);
    });
    for (const labelId of [22, 27, 31]) expect(CITYSCAPES_16.labelIdToTrainId[labelId]).toBe(255);
    expect(CITYSCAPES_16.trainIdClamp[15]).toBe(15);
    expect(CITYSCAPES_16.trainIdClamp[16]).toBe(255);
  });

  it('names the 13-class mIoU: the 16 without wall, fence, pole', () => {
    expect(CITYSCAPES_16.subsetMetrics).toHaveLength(1);
    const [m] = CITYSCAPES_16.subsetMetrics;
    expect(m.name).toBe('mIoU-13');
    expect(m.trainIds).toEqual([0, 1, 2, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(m.classNames).not.toContain('pole');
    expect(CITYSCAPES_19.subsetMetrics).toEqual([]);
  });
});
