// `--backend onnx`: an exported file through onnxruntime-node predicts what the network does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOnnx } from '../../src/export/onnx/index.js';
import { createPredictor } from '../../src/inference/predictor.js';
import { saveWeights } from '../../src/models/weights.js';
import { randomModel } from '../export/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-predict-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const width = 80;
const height = 48;
const data = Buffer.alloc(width * height * 3);
for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251;
const image = { data, width, height };

describe('predict --backend onnx', () => {
  it('agrees with the network on fused, flipped, multi-scale predictions', async () => {
    const model = randomModel('tiny', 4);
    saveWeights(dir, 'student', model);
    const file = join(dir, 'tiny.onnx');
    writeOnnx(model, file);
    model.dispose();
    for (const flip of [false, true]) {
      const torch = await createPredictor({ weights: dir, amp: 'off', scales: [1, 0.5], flip });
      const onnx = await createPredictor({ weights: file, backend: 'onnx', scales: [1, 0.5], flip });
      expect(onnx.model).toBeNull();
      const a = await torch.predict(image);
      const b = await onnx.predict(image);
      const same = a.trainIds.reduce((n, v, i) => n + (v === b.trainIds[i] ? 1 : 0), 0) / a.trainIds.length;
      expect(same).toBeGreaterThanOrEqual(0.999);
      torch.dispose();
      onnx.dispose();
    }
  });

  it('refuses what it cannot do, naming it', async () => {
    await expect(createPredictor({ weights: join(dir, 'tiny.onnx'), backend: 'onnx', sliding: [32, 32] })).rejects.toThrow('--sliding is not available with --backend onnx');
    await expect(createPredictor({ weights: join(dir, 'student.safetensors'), backend: 'onnx' })).rejects.toThrow('cannot load the ONNX model');
  });
});
