// What `--amp` settles to: bf16 under `auto` only for training steps on sm80+ GPUs; labels
// (predict, evaluate, pseudo-label, centroids) in float32 unless bf16 or fp16 is given,
// even on a CPU that computes in bf16 natively, which this file makes every CPU report.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runConfigFrom, type StageCommand } from '../../src/cli/options.js';
import { cpuBf16 } from '../../src/inference/cpu-bf16.js';
import { precisionName, resolveAmp } from '../../src/inference/forward.js';
import { createPredictor } from '../../src/inference/predictor.js';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';

vi.mock('../../src/inference/cpu-bf16.js', () => ({ cpuBf16: () => ({ native: true, via: 'AVX512-BF16' }) }));

const gpus = [{ device: 'cpu' }, { device: 'cuda:0', capability: '9.0' }, { device: 'cuda:1', capability: '7.5' }];
const dir = mkdtempSync(join(tmpdir(), 'diga-amp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--amp', () => {
  it('leaves labels in float32 under auto on a CPU with native bf16 and on a compute 9.0 GPU', () => {
    expect(cpuBf16().native).toBe(true);
    for (const device of ['cpu', 'cuda', 'cuda:0', 'cuda:1']) expect(resolveAmp('auto', device, 'labels', gpus)).toBe('off');
    // One flag away.
    expect(resolveAmp('bf16', 'cpu', 'labels', gpus)).toBe('bf16');
    expect(resolveAmp('bf16', 'cuda:0', 'labels', gpus)).toBe('bf16');
    expect(resolveAmp('fp16', 'cuda:0', 'labels', gpus)).toBe('fp16');
    expect(precisionName('off')).toBe('float32');
    expect(precisionName('bf16')).toBe('bf16 autocast');
  });

  it('still trains in bf16 under auto on sm80+, and in float32 on the CPU', () => {
    expect(resolveAmp('auto', 'cuda:0', 'training', gpus)).toBe('bf16');
    expect(resolveAmp('auto', 'cuda', 'training', gpus)).toBe('bf16');
    expect(resolveAmp('auto', 'cuda:1', 'training', gpus)).toBe('off');
    expect(resolveAmp('auto', 'cpu', 'training', gpus)).toBe('off');
  });

  it("is auto in every stage command's config when not given: bf16 on sm80+ for training, float32 for labels", () => {
    const amp = (command: StageCommand) => runConfigFrom(command, { weightDir: join(dir, 'none') }).amp;
    for (const command of ['evaluate', 'pseudo-label', 'centroids'] as const) {
      expect(resolveAmp(amp(command), 'cuda:0', 'labels', gpus)).toBe('off');
    }
    for (const command of ['warm-up', 'self-train'] as const) expect(resolveAmp(amp(command), 'cuda:0', 'training', gpus)).toBe('bf16');
  });

  it('createPredictor runs in float32 unless asked for bf16', async () => {
    const model = new SegModel('tiny');
    saveWeights(dir, 'student', model);
    model.dispose();
    for (const [amp, settled] of [[undefined, 'off'], ['auto', 'off'], ['bf16', 'bf16']] as const) {
      const p = await createPredictor({ weights: dir, amp });
      expect(p.amp).toBe(settled);
      p.dispose();
    }
  });
});
