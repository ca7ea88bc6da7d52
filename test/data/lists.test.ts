import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CityscapesDataset } from '../../src/data/dataset.js';
import { defaultLists, parseList, readList, readPairedLists, repeatedLines, zipLists } from '../../src/data/lists.js';
import { tempDir } from './helpers.js';

const dir = tempDir('lists');
function listFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('list files', () => {
  it('reads one path per line, tolerating CRLF and trailing blank lines', async () => {
    const file = listFile('a.txt', 'x/a_leftImg8bit.png\r\ny/b_leftImg8bit.png  \n\n\n');
    expect(await readList(file)).toEqual(['x/a_leftImg8bit.png', 'y/b_leftImg8bit.png']);
  });

  it('rejects empty lists and blank lines, naming the file and line', async () => {
    await expect(readList(listFile('empty.txt', '\n\n'))).rejects.toThrow(/empty\.txt is empty/);
    expect(() => parseList('a\n\nb\n', 'gaps.txt')).toThrow(/gaps\.txt line 2 is blank/);
    await expect(readList(path.join(dir, 'missing.txt'))).rejects.toThrow(/missing\.txt/);
  });

  it('zips image and label lists line by line', async () => {
    const images = listFile('img.txt', 'c/c_000001_000019_leftImg8bit.png\nc/c_000002_000019_leftImg8bit.png\n');
    const labels = listFile('lab.txt', 'c/c_000001_000019_gtFine_labelIds.png\nc/c_000002_000019_gtFine_labelIds.png\n');
    const rows = await readPairedLists(images, labels);
    expect(rows).toEqual([
      { image: 'c/c_000001_000019_leftImg8bit.png', label: 'c/c_000001_000019_gtFine_labelIds.png', line: 1 },
      { image: 'c/c_000002_000019_leftImg8bit.png', label: 'c/c_000002_000019_gtFine_labelIds.png', line: 2 },
    ]);
    expect((await readPairedLists(images)).map((r) => r.label)).toEqual([undefined, undefined]);
  });

  it('names both lists when their lengths differ', () => {
    expect(() => zipLists({ file: 'imgs.txt', lines: ['a', 'b'] }, { file: 'labs.txt', lines: ['a'] })).toThrow(
      /imgs\.txt has 2 lines but label list labs\.txt has 1/,
    );
  });

  it('names the line when an image and its label name different frames', () => {
    expect(() =>
      zipLists(
        { file: 'i.txt', lines: ['c/c_000001_000019_leftImg8bit.png', 'c/c_000002_000019_leftImg8bit.png'] },
        { file: 'l.txt', lines: ['c/c_000001_000019_gtFine_labelIds.png', 'c/c_000003_000019_gtFine_labelIds.png'] },
      ),
    ).toThrow(/line 2: image c\/c_000002_000019_leftImg8bit\.png \(i\.txt\) and label c\/c_000003/);
  });

  it('ships the published Cityscapes lists', async () => {
    const s = defaultLists.splits['1-8'];
    const labelled = await readPairedLists(s.labelled.images, s.labelled.labels);
    const unlabelled = await readPairedLists(s.unlabelled.images, s.unlabelled.labels);
    expect(labelled).toHaveLength(372);
    expect(unlabelled).toHaveLength(2603);
    expect(await readList(defaultLists.splits['1-16'].labelled.images)).toHaveLength(186);
    expect(await readPairedLists(defaultLists.val.images, defaultLists.val.labels)).toHaveLength(500);
    expect(await readPairedLists(defaultLists.train.images, defaultLists.train.labels)).toHaveLength(2975);
  });

  it('names, with counts, the lines that repeat an earlier one', () => {
    expect(repeatedLines('v.txt', ['a', 'b', 'c'])).toBeUndefined();
    expect(repeatedLines('v.txt', ['a', 'b', 'a', 'c', 'b', 'b', 'd', 'e'])).toBe(
      'list file v.txt: 3 lines of 8 repeat an earlier line (1 entry twice, 1 entry three times; the first is line 3, a, as on line 1); ' +
        'every line is read, so those entries count more than once',
    );
  });

  it('a dataset over a list with a repeated line keeps it, and names it', async () => {
    const images = listFile('dup-img.txt', 'c/c_000001_000019_leftImg8bit.png\nc/c_000002_000019_leftImg8bit.png\nc/c_000001_000019_leftImg8bit.png\n');
    const labels = listFile('dup-lab.txt', 'c/c_000001_000019_gtFine_labelIds.png\nc/c_000002_000019_gtFine_labelIds.png\nc/c_000001_000019_gtFine_labelIds.png\n');
    const ds = await CityscapesDataset.open({ root: dir, split: 'val', imageList: images, labelList: labels });
    expect(ds.size).toBe(3);
    expect(ds.repeats).toBe(
      `list file ${images}: 1 line of 3 repeats an earlier line (1 entry twice; the first is line 3, c/c_000001_000019_leftImg8bit.png, as on line 1); ` +
        'every line is read, so that entry counts more than once',
    );
    const once = await CityscapesDataset.open({ root: dir, split: 'val', imageList: listFile('once.txt', 'a_leftImg8bit.png\n') });
    expect(once.repeats).toBeUndefined();
  });
});
