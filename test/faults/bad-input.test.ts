// Bad input found before any training step: a corrupt val image or label, out-of-range launch
// values, pseudo-label lists whose images share a file name.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runFilesIn } from '../../src/engine/run/outputs.js';
import { diga, faultFiles, haveBuild, runConfig } from './helpers.js';

const files = faultFiles('bad');

const firstLine = (file: string) => readFileSync(file, 'utf8').split('\n')[0];

describe.skipIf(!haveBuild)('bad input', () => {
  test('a corrupt val image stops the run before it trains, naming the file and its list line', async () => {
    const c = runConfig(files.root, files.data, 'corrupt');
    const image = join(files.data, 'leftImg8bit/val', firstLine(join(files.data, 'lists/val.txt')));
    const saved = readFileSync(image);
    writeFileSync(image, saved.subarray(0, 200)); // truncated PNG
    try {
      const r = await diga(['warm-up', '--config', c.file]);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(`image ${image} cannot be decoded`);
      expect(r.err).toContain(`list line 1 of ${join(files.data, 'lists/val.txt')}`);
      expect(runFilesIn(c.weightDir)).toEqual([]);
    } finally {
      writeFileSync(image, saved);
    }
    const label = join(files.data, 'gtFine/val', firstLine(join(files.data, 'lists/val_label.txt')));
    const savedLabel = readFileSync(label);
    writeFileSync(label, Buffer.from('not a png'));
    try {
      const r = await diga(['warm-up', '--config', c.file]);
      expect(r.err).toContain(`label ${label} cannot be decoded`);
      expect(r.err).toContain(`list line 1 of ${join(files.data, 'lists/val_label.txt')}`);
    } finally {
      writeFileSync(label, savedLabel);
    }
  });

  test('launch values out of range are errors', async () => {
    const c = runConfig(files.root, files.data, 'values');
    const port = await diga(['warm-up', '--config', c.file, '--master-port', '99999']);
    expect(port.err).toContain("option '--master-port <port>' argument '99999' is invalid. a port must be an integer from 1 to 65535");
    for (const n of ['0', '-2']) {
      const r = await diga(['warm-up', '--config', c.file, `--nproc-per-node=${n}`]);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain('the process count must be an integer from 1 to 1024');
    }
  });

  test('two listed images with one file name cannot share a pseudo-label: an error names both lines', async () => {
    const c = runConfig(files.root, files.data, 'names');
    const list = join(files.data, 'lists/split_train/train_image_unlabeled_1-8.txt');
    const lines = readFileSync(list, 'utf8').trim().split('\n');
    const [city, file] = lines[1].split('/');
    const dup = join(files.data, 'leftImg8bit/train', `${city}-copy`, file);
    mkdirSync(join(files.data, 'leftImg8bit/train', `${city}-copy`), { recursive: true });
    copyFileSync(join(files.data, 'leftImg8bit/train', lines[1]), dup);
    const dupList = join(files.root, 'dup.txt');
    writeFileSync(dupList, `${[...lines, `${city}-copy/${file}`].join('\n')}\n`);
    const labels = readFileSync(join(files.data, 'lists/split_train/train_label_unlabeled_1-8.txt'), 'utf8').trim().split('\n');
    const dupLabels = join(files.root, 'dup_label.txt');
    const labelFile = labels[1].split('/')[1];
    mkdirSync(join(files.data, 'gtFine/train', `${city}-copy`), { recursive: true });
    copyFileSync(join(files.data, 'gtFine/train', labels[1]), join(files.data, 'gtFine/train', `${city}-copy`, labelFile));
    writeFileSync(dupLabels, `${[...labels, `${city}-copy/${labelFile}`].join('\n')}\n`);
    const r = await diga(['pseudo-label', '--config', c.file, '--data-list-path-train-img', dupList, '--data-list-path-train-lbl', dupLabels]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`${dupList} lines 2 and ${lines.length + 1} (${lines[1]}, ${city}-copy/${file}) share the file name ${file}`);
  });
});
