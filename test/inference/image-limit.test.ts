// Images over the pixel limit are refused from their header, before their pixels are decoded,
// with an estimate of the memory they would take; one under it whose estimate exceeds the
// machine's memory is warned about once. The estimate itself, and the --max-megapixels flag.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { decodeImage, imageSize } from '../../src/data/images.js';
import { encodeRgb } from '../../src/data/writers.js';
import { estimatePeakBytes, networkCost, type MemorySettings } from '../../src/inference/memory-estimate.js';
import { createPredictor, ImageTooLargeError } from '../../src/inference/predictor.js';
import { PRESETS, SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { runPredict } from '../../src/stages/predict.js';
import { memory } from '../../src/tensor/index.js';
import { diga, haveBuild } from '../faults/helpers.js';

// Which images get decoded, and a machine with as much memory as a test says.
vi.mock('../../src/data/images.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/data/images.js')>();
  return { ...actual, decodeImage: vi.fn(actual.decodeImage) };
});
const machine = vi.hoisted(() => ({ memory: 0 }));
vi.mock('node:os', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:os')>();
  const totalmem = () => machine.memory || actual.totalmem();
  return { ...actual, default: { ...actual, totalmem }, totalmem };
});

const dir = mkdtempSync(join(tmpdir(), 'diga-image-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = new SegModel('tiny');
saveWeights(dir, 'student', model);
model.dispose();

async function png(file: string, width: number, height: number): Promise<string> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, await encodeRgb({ data, width, height }, 'png'));
  return file;
}

const decoded = () => vi.mocked(decodeImage).mock.calls.map(([, name]) => name);

beforeEach(() => {
  vi.mocked(decodeImage).mockClear();
  machine.memory = 0;
});

describe('the pixel limit', () => {
  it('refuses an image just over it from its header, naming it, its size, the estimate and what to do', async () => {
    const big = await png(join(dir, 'big.png'), 200, 100);
    expect(await imageSize(big)).toEqual({ width: 200, height: 100 });
    const p = await createPredictor({ weights: dir, maxPixels: 0.01e6 });
    const before = memory().numTensors;
    const refusal = await p.predict(big).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(ImageTooLargeError);
    const message = (refusal as Error).message;
    expect(message).toContain(`image ${big} (200x100, 0.02 megapixels) is over the limit of 0.01 megapixels`);
    expect(message).toMatch(/would take about \d+ MB at its peak with tiny at scales 1,0\.5/);
    expect(message).toContain('--max-megapixels 0.02');
    expect((refusal as ImageTooLargeError).estimatedBytes).toBe(p.estimateBytes({ width: 200, height: 100 }));
    // Nothing was decoded for it, and no tensor made.
    expect(decoded()).toEqual([]);
    expect(memory().numTensors).toBe(before);
    // Encoded bytes and decoded pixels are held to the same limit.
    await expect(p.predict(await encodeRgb({ data: Buffer.alloc(200 * 100 * 3), width: 200, height: 100 }, 'png'))).rejects.toThrow(
      'image the given bytes (200x100, 0.02 megapixels) is over the limit',
    );
    await expect(p.predictBatch([{ data: Buffer.alloc(200 * 100 * 3), width: 200, height: 100 }])).rejects.toThrow('an image (200x100, 0.02 megapixels)');
    expect(decoded()).toEqual([]);
    p.dispose();
  });

  it('predicts an image under it, and warns once before one whose estimate exceeds the machine', async () => {
    const small = await png(join(dir, 'small.png'), 100, 50);
    const warnings: string[] = [];
    const p = await createPredictor({ weights: dir, maxPixels: 0.01e6, warn: (m) => warnings.push(m) });
    expect((await p.predict(small)).trainIds.length).toBe(5000);
    expect(warnings).toEqual([]);
    machine.memory = 1e6;
    expect((await p.predict(small)).trainIds.length).toBe(5000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^image ${small} \\(100x50, 0.005 megapixels\\) may take about \\d+ MB at its peak with tiny .*more than this machine's 1 MB of memory`));
    expect(decoded()).toEqual([small, small]);
    p.dispose();
  });

  it('predict skips a refused image as it skips a corrupt one, writes nothing for it, and warns before a large one', async () => {
    const images = join(dir, 'run');
    await png(join(images, 'a-big.png'), 200, 100);
    const small = await png(join(images, 'b-small.png'), 100, 50);
    const out = join(dir, 'out');
    machine.memory = 1e6;
    let said = '';
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((said += String(chunk)), true));
    const r = await runPredict({ inputs: [images], weights: dir, out, save: ['color'], progress: false, maxPixels: 0.01e6 }).finally(() => err.mockRestore());
    expect(said).toMatch(new RegExp(`^warning: image ${small} \\(100x50, 0.005 megapixels\\) may take about \\d+ MB .* more than this machine's 1 MB of memory.*\n$`));
    expect(r.predicted).toBe(1);
    expect(r.skipped).toEqual([{ file: join(images, 'a-big.png'), reason: expect.stringContaining('(200x100, 0.02 megapixels) is over the limit of 0.01 megapixels') }]);
    expect(existsSync(join(out, 'color', 'a-big.png'))).toBe(false);
    expect(existsSync(join(out, 'color', 'b-small.png'))).toBe(true);
    expect(decoded()).toEqual([small]);
  });

  it.skipIf(!haveBuild)('diga predict --max-megapixels lists a refused image with the skipped ones and exits with status 3', async () => {
    const images = join(dir, 'cli');
    await png(join(images, 'a-big.png'), 200, 100);
    await png(join(images, 'b-small.png'), 100, 50);
    const out = join(dir, 'cli-out');
    const r = await diga(['predict', images, '--weight-dir', dir, '--out', out, '--max-megapixels', '0.01', '--no-progress']);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toContain('predicted 1 image ');
    expect(r.out).toMatch(/skipped 1:\n {2}.*a-big\.png: image .*a-big\.png \(200x100, 0\.02 megapixels\) is over the limit of 0\.01 megapixels: predicting it would take about \d+ MB/);
    expect(existsSync(join(out, 'color', 'a-big.png'))).toBe(false);
    expect(existsSync(join(out, 'color', 'b-small.png'))).toBe(true);
  });
});

describe('the memory estimate', () => {
  const base: MemorySettings = {
    network: networkCost('tiny', 'hrnet-ocr', PRESETS.tiny, 281_270),
    classes: 19,
    scales: [1, 0.5],
    flip: false,
    sliding: null,
    cacheLimit: 8e9,
  };
  const at = (side: number, changes: Partial<MemorySettings> = {}) => estimatePeakBytes(side, side, { ...base, ...changes });

  it('grows with pixels, scales, flip and the network, and is lower with sliding windows', () => {
    expect(at(2048)).toBeGreaterThan(at(1024));
    expect(at(1024)).toBeGreaterThan(at(512));
    expect(at(2048, { scales: [1, 0.5, 0.75] })).toBeGreaterThan(at(2048));
    expect(at(2048)).toBeGreaterThan(at(2048, { scales: [1] }));
    expect(at(2048, { flip: true })).toBeGreaterThan(at(2048));
    expect(at(6000, { sliding: [512, 512] })).toBeLessThan(at(6000));
    expect(at(2048, { network: networkCost('hrnet48', 'hrnet-ocr', PRESETS.hrnet48, 70_372_678) })).toBeGreaterThan(4 * at(2048));
    // The measurements it was fitted to, within 10 %: tiny at 2048x2048 peaked at 2221 MiB, hrnet48 at 14891 MiB.
    expect(at(2048) / 2221 / 2 ** 20).toBeCloseTo(1, 1);
    const hrnet48 = networkCost('hrnet48', 'hrnet-ocr', PRESETS.hrnet48, 70_372_678);
    expect(at(2048, { network: hrnet48, cacheLimit: 20000 * 2 ** 20 }) / 14891 / 2 ** 20).toBeCloseTo(1, 1);
    // What the tensor cache keeps is bounded by its limit: 36 megapixels free more than 8 GB into it.
    expect(at(6000) - at(6000, { cacheLimit: 0 })).toBeCloseTo(8e9, -3);
    expect(at(6000, { cacheLimit: 1e15 })).toBeGreaterThan(at(6000));
  });
});

/** What the parser says about `args` (it stops at --help, after every value is parsed). */
async function parse(...args: string[]): Promise<string> {
  let said = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((said += String(chunk)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
  try {
    await buildProgram().parseAsync([...args, '--help'], { from: 'user' });
  } catch {
    // commander's exit: the help, or the refusal
  } finally {
    err.mockRestore();
    out.mockRestore();
    exit.mockRestore();
  }
  return said;
}

describe('--max-megapixels', () => {
  it('takes a positive number of megapixels', async () => {
    for (const bad of ['0', '-1', 'none', 'Infinity']) {
      expect(await parse('predict', 'x.png', '--out', 'o', '--max-megapixels', bad), bad).toContain('expected a positive number of megapixels');
    }
    expect(await parse('predict', 'x.png', '--out', 'o', '--max-megapixels', '0.5')).toBe('');
    await expect(createPredictor({ weights: dir, maxPixels: 0 })).rejects.toThrow('maxPixels must be positive, got 0');
  });
});
