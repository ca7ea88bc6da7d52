import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PAPER } from '../../src/config/defaults.js';
import { readConfigFile, resolveConfig } from '../../src/config/load.js';
import { runConfigFrom } from '../../src/cli/options.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run configuration', () => {
  test("defaults are the paper's recipe", () => {
    const c = resolveConfig({});
    expect(c.steps).toBe(80_000);
    expect(c.cropSize).toEqual([512, 1024]);
    expect(c.lr).toBe(1e-3);
    expect(c.momentum).toBe(0.9);
    expect(c.weightDecay).toBe(5e-4);
    expect(c.model).toBe('hrnet48');
    expect(c.centroidEpochs).toBe(5);
    expect(c.dataListPathCityImgGt).toMatch(/train_image_labeled_1-16\.txt$/);
  });

  test('preset, then file (YAML or JSON), then flags', () => {
    const yaml = join(dir, 'run.yaml');
    writeFileSync(yaml, 'steps: 1234\nlr: 0.02\ncropSize: [64, 128]\n');
    const c = resolveConfig({ preset: 'demo', file: yaml, overrides: { lr: 0.5 } });
    expect(c.model).toBe('hrnet18-small');
    expect(c.steps).toBe(1234);
    expect(c.cropSize).toEqual([64, 128]);
    expect(c.lr).toBe(0.5);
    const json = join(dir, 'run.json');
    writeFileSync(json, JSON.stringify({ seed: 9 }));
    expect(readConfigFile(json).seed).toBe(9);
  });

  test('unknown keys and bad types are errors that name the key and the file', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'stepz: 10\n');
    expect(() => readConfigFile(bad)).toThrow(/bad\.yaml[\s\S]*unknown key 'stepz'/);
    writeFileSync(bad, 'steps: many\n');
    expect(() => readConfigFile(bad)).toThrow(/'steps'/);
    writeFileSync(bad, 'steps: [1, 2\n');
    expect(() => readConfigFile(bad)).toThrow(/not valid YAML/);
    // The parser's pointer to the fault is kept: the line and a caret under it.
    expect(() => readConfigFile(bad)).toThrow(/steps: \[1, 2\n\s*\^/);
    expect(() => readConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config file .*missing\.yaml: no such file/);
    expect(() => resolveConfig({ preset: 'nope' })).toThrow(/unknown preset 'nope' \(available: paper, gta5, synthia, demo-uda, demo\)/);
  });

  test('CLI flags map to config keys; --cuda-device-id maps to --device cuda:N', () => {
    const c = runConfigFrom('warm-up', { steps: 7, cityDataPath: '/data/cs', cudaDeviceId: 1, resume: true, cropSize: [8, 16] });
    expect(c.steps).toBe(7);
    expect(c.cityDataPath).toBe('/data/cs');
    expect(c.device).toBe('cuda:1');
    expect(c.resume).toBe(true);
    expect(c.cropSize).toEqual([8, 16]);
    expect(() => runConfigFrom('warm-up', { device: 'cpu', cudaDeviceId: 0 })).toThrow(/not both/);
    expect(PAPER.evalScales).toEqual([[1024, 2048], [512, 1024]]);
  });
});
