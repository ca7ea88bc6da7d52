// The stages under the output-path policy: each folder or file a stage writes is checked
// before any data or network is read, and a refusal names the flag, the path and the cause.
// Each case is one that wrote where it must not, or failed late with libtorch's words.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { diga, faultFiles, haveBuild, runConfig, sha } from './helpers.js';

const files = faultFiles('stage-outputs');

/** A run config whose weight folder holds random tiny student weights. */
function withWeights(name: string, extra: Record<string, unknown> = {}) {
  const c = runConfig(files.root, files.data, name, extra);
  const model = new SegModel('tiny');
  saveWeights(c.loadWeightDir, 'student', model);
  model.dispose();
  return c;
}

describe.skipIf(!haveBuild)('stage outputs', () => {
  test('evaluate --json onto the weights it reads is refused, and the weights are untouched', async () => {
    const c = withWeights('json-on-weights');
    const weights = join(c.loadWeightDir, 'student.safetensors');
    const before = sha(weights);
    const r = await diga(['evaluate', '--config', c.file, '--json', weights]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`--json ${weights} exists and is not a .json file`);
    expect(sha(weights)).toBe(before);
  });

  test('evaluate --json over an earlier result needs --overwrite, then replaces it', async () => {
    const c = withWeights('json-again');
    const json = join(files.root, 'json-again', 'scores.json');
    writeFileSync(json, '{"earlier": true}\n');
    const refused = await diga(['evaluate', '--config', c.file, '--json', json]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain(`--json ${json} exists; pass --overwrite to replace it`);
    expect(refused.out).not.toContain('mIoU');
    const replaced = await diga(['evaluate', '--config', c.file, '--json', json, '--overwrite']);
    expect(replaced.code, replaced.err).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toHaveProperty('miou');
    expect(replaced.out).toContain(`wrote ${json}`);
  });

  test('a weight folder inside the dataset is refused before anything is written there', async () => {
    const inside = join(files.data, 'leftImg8bit', 'train', 'weights');
    const c = runConfig(files.root, files.data, 'weights-in-data');
    const r = await diga(['warm-up', '--config', c.file, '--weight-dir', inside]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`--weight-dir ${inside} lies inside ${join(files.data, 'leftImg8bit')}, which this run reads its images or labels from`);
    expect(existsSync(inside)).toBe(false);
  });

  test('pseudo-labels written into the label folder are refused', async () => {
    const c = withWeights('pseudo-in-labels');
    const into = join(files.data, 'gtFine', 'train');
    const before = readdirSync(into, { recursive: true }).length;
    const r = await diga(['pseudo-label', '--config', c.file, '--output-dir', into]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`--output-dir ${into} lies inside ${join(files.data, 'gtFine')}`);
    expect(readdirSync(into, { recursive: true })).toHaveLength(before);
  });

  test('a log folder under /proc is refused at once, naming it', async () => {
    const c = runConfig(files.root, files.data, 'log-in-proc');
    const r = await diga(['warm-up', '--config', c.file, '--log-dir', '/proc/diga-logs']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('--log-dir /proc/diga-logs: /proc is a system folder');
  });

  test('a centroid folder that cannot be made gives the real cause', async () => {
    const c = withWeights('centroids-under-file');
    const file = join(files.root, 'centroids-under-file', 'a-file');
    writeFileSync(file, 'not a folder\n');
    const r = await diga(['centroids', '--config', c.file, '--centroid-dir', join(file, 'centroids')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`${file} is a file, not a folder`);
  });

  test('a crop too small for the network is refused before training, with its minimum', async () => {
    const c = runConfig(files.root, files.data, 'small-crop');
    const hrnet = await diga(['warm-up', '--config', c.file, '--crop-size', '32x32']);
    expect(hrnet.code).not.toBe(0);
    expect(hrnet.err).toContain('--crop-size 32x32 is too small for --model tiny (hrnet-ocr): its 1/32 branch would hold one position per crop');
    expect(hrnet.err).toContain('give one side more than 32 px');
    expect(hrnet.err).not.toContain('Expected more than 1 value per channel');
    const under = await diga(['warm-up', '--config', c.file, '--crop-size', '2x64']);
    expect(under.err).toContain('--crop-size 2x64 is too small for --model tiny (hrnet-ocr): it is under one output pixel (the network predicts at 1/4); give at least 4x4');
  });

  test('threads in a config file are capped as the flag is', async () => {
    const c = runConfig(files.root, files.data, 'threads-in-file', { threads: 100_000 });
    const r = await diga(['warm-up', '--config', c.file]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/threads must be 0 \(all cores\) or at most \d+ \(4x the \d+ cores\)/);
  });
});
