import { describe, expect, it } from 'vitest';
import { benchLoader } from '../../src/bench/loader.js';

describe('benchLoader', () => {
  it('measures two-scale loading on a generated dataset', async () => {
    const r = await benchLoader({ generate: { height: 64, width: 128, train: 6 }, steps: 3, warmup: 1 });
    expect(r.batchSize).toBe(3);
    expect(r.crop).toEqual({ height: 32, width: 64 });
    expect(r.stepsPerSecond).toBeGreaterThan(0);
    expect(r.imagesPerSecond).toBeCloseTo(3 * r.stepsPerSecond, 6);
    expect(r.jsCpuMsPerBatch).toBeGreaterThan(0);
    expect(r.processCpuMsPerBatch).toBeGreaterThan(0);
    expect(r.generatedImagesPerSecond).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
