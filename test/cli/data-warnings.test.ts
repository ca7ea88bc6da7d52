// What the commands say about odd data they still read as the published code does: a val
// list with a repeated line is scored as listed (the image counts twice), with one warning.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { diga, faultFiles, haveBuild, runConfig } from '../faults/helpers.js';

const files = faultFiles('data-warnings');

describe.skipIf(!haveBuild)('warnings about the data', () => {
  test('evaluate over a val list with a repeated line: one warning with the counts, every line scored', async () => {
    const lists = join(files.data, 'lists');
    const repeat = (name: string) => {
      const lines = readFileSync(join(lists, name), 'utf8').trim().split('\n');
      const file = join(files.root, `repeated-${name}`);
      writeFileSync(file, [...lines, lines[0]].map((l) => `${l}\n`).join(''));
      return { file, lines };
    };
    const images = repeat('val.txt');
    const labels = repeat('val_label.txt');
    const c = runConfig(files.root, files.data, 'repeated', { dataListPathValImg: images.file, dataListPathValLbl: labels.file });
    const model = new SegModel('tiny');
    saveWeights(c.loadWeightDir, 'student', model);
    model.dispose();
    const json = join(files.root, 'repeated.json');
    const r = await diga(['evaluate', '--config', c.file, '--json', json]);
    expect(r.code, r.err).toBe(0);
    const n = images.lines.length;
    const warning =
      `diga: list file ${images.file}: 1 line of ${n + 1} repeats an earlier line (1 entry twice; the first is line ${n + 1}, ${images.lines[0]}, as on line 1); ` +
      'every line is read, so that entry counts more than once\n';
    expect(r.err.split(warning)).toHaveLength(2);
    // Scored as listed, as the published evaluation does.
    expect(JSON.parse(readFileSync(json, 'utf8')).images).toBe(n + 1);
    // --strict: the same list stops the run before it scores anything.
    const strict = await diga(['evaluate', '--config', c.file, '--strict']);
    expect(strict.code).not.toBe(0);
    expect(strict.err).toContain(`list file ${images.file}: 1 line of ${n + 1} repeats an earlier line`);
    expect(strict.err).toContain('--strict makes this an error');
    expect(strict.out).not.toContain('mIoU');
  });
});
