// The source class-diversity redraw against the published loaders' decisions (redraw_cases.json):
// crops are in source ids, mapped with the dataset's table first, as the loaders do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CITYSCAPES_16, CITYSCAPES_19, sourceLabelTable } from '../../src/labels/index.js';
import { classDiversity, drawUntil, valuesOverShare } from '../../src/data/redraw.js';

interface Case {
  dataset: 'gta5' | 'synthia';
  name: string;
  crop?: number[][];
  mapped?: number[][];
  values_over_2pct?: number[];
  K?: number;
  accept?: boolean;
  sequence?: number[][][];
  draws?: number;
  kept_index?: number;
  returned_mapped?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/uda/redraw_cases.json', import.meta.url), 'utf8')) as { cases: Case[] };
const tables = { gta5: sourceLabelTable('gta5', CITYSCAPES_19), synthia: sourceLabelTable('synthia', CITYSCAPES_16) };
const mapCrop = (dataset: Case['dataset'], rows: number[][]) => Uint8Array.from(rows.flat(), (id) => tables[dataset][id]);

const single = fixture.cases.filter((c) => c.crop !== undefined);
const sequences = fixture.cases.filter((c) => c.sequence !== undefined);

describe('class-diversity decision', () => {
  it('covers the fixture: 18 single crops and one five-draw sequence per dataset', () => {
    expect(single).toHaveLength(18);
    expect(sequences.map((c) => c.dataset)).toEqual(['gta5', 'synthia']);
  });

  it.each(single.map((c) => [`${c.dataset}: ${c.name}`, c] as const))('%s', (_, c) => {
    const mapped = mapCrop(c.dataset, c.crop as number[][]);
    expect(Array.from(mapped)).toEqual((c.mapped as number[][]).flat());
    const d = classDiversity(mapped);
    expect(d.values).toEqual(c.values_over_2pct);
    expect(d.k).toBe(c.K);
    expect(d.accept).toBe(c.accept);
  });

  it('counts a value only above 2 % (2 of 100 pixels is not enough, 3 is)', () => {
    const label = new Uint8Array(100).fill(0);
    label.fill(1, 0, 2);
    expect(valuesOverShare(label)).toEqual([0]);
    label[2] = 1;
    expect(valuesOverShare(label)).toEqual([0, 1]);
  });
});

describe('five draws at most', () => {
  it.each(sequences.map((c) => [c.dataset, c] as const))('%s: five rejected draws, the fifth kept', async (_, c) => {
    const crops = (c.sequence as number[][][]).map((rows) => mapCrop(c.dataset, rows));
    let next = 0;
    const { value, draws } = await drawUntil(async () => crops[next++], (m) => classDiversity(m).accept);
    expect(draws).toBe(c.draws);
    expect(next).toBe(5);
    expect(Array.from(value)).toEqual(Array.from(crops[c.kept_index as number]));
    expect(Array.from(value)).toEqual((c.returned_mapped as number[][]).flat());
    // The draw after the sequence would have been accepted: the cap, not acceptance, stopped it.
    expect(classDiversity(crops[5]).accept).toBe(true);
  });

  it('stops at the first accepted draw', async () => {
    const sequence = (fixture.cases.find((c) => c.sequence && c.dataset === 'gta5') as Case).sequence as number[][][];
    const crops = [sequence[0], sequence[5]].map((rows) => mapCrop('gta5', rows));
    let next = 0;
    const r = await drawUntil(async () => crops[next++], (m) => classDiversity(m).accept);
    expect(r.draws).toBe(2);
    expect(r.value).toBe(crops[1]);
    await expect(drawUntil(async () => 1, () => false, 0)).rejects.toThrow(/positive integer/);
  });
});
