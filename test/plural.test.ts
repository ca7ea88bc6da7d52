// Counts in messages agree with their nouns, and `diga predict`'s refusal to replace
// outputs says "1 output already exists", not "1 outputs already exist".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SegModel } from '../src/models/index.js';
import { saveWeights } from '../src/models/weights.js';
import { plural } from '../src/plural.js';
import { runPredict } from '../src/stages/predict.js';

describe('plural', () => {
  test('the singular for 1 only', () => {
    expect(plural(1, 'output')).toBe('1 output');
    expect(plural(2, 'output')).toBe('2 outputs');
    expect(plural(0, 'output')).toBe('0 outputs');
    expect(plural(1.5, 'step')).toBe('1.5 steps');
    expect(plural(-1, 'step')).toBe('-1 steps');
  });

  test('-es after s, x, ch and sh; any other irregular plural as given', () => {
    expect(plural(3, 'process')).toBe('3 processes');
    expect(plural(19, 'class')).toBe('19 classes');
    expect(plural(2, 'shape mismatch')).toBe('2 shape mismatches');
    expect(plural(2, 'box')).toBe('2 boxes');
    expect(plural(1, 'class')).toBe('1 class');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
  });
});

describe('diga predict refuses to replace outputs', () => {
  // The weights are checked first, so real ones; the refusal comes before any image is read.
  const root = mkdtempSync(join(tmpdir(), 'diga-plural-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const images = join(root, 'images');
  const out = join(root, 'out');
  mkdirSync(images);
  for (const name of ['a.png', 'b.png']) writeFileSync(join(images, name), '');
  const model = new SegModel('tiny');
  saveWeights(root, 'student', model);
  model.dispose();
  const predict = () => runPredict({ inputs: [images], weights: join(root, 'student.safetensors'), out, save: ['color'], progress: false });

  test('one existing output: "1 output already exists"', async () => {
    mkdirSync(join(out, 'color'), { recursive: true });
    writeFileSync(join(out, 'color', 'a.png'), '');
    await expect(predict()).rejects.toThrow(`1 output already exists (first: ${join(out, 'color', 'a.png')}); give another --out, or --overwrite to replace them`);
  });

  test('two: "2 outputs already exist"', async () => {
    writeFileSync(join(out, 'color', 'b.png'), '');
    await expect(predict()).rejects.toThrow(`2 outputs already exist (first: ${join(out, 'color', 'a.png')}); give another --out, or --overwrite to replace them`);
  });
});
