// Shared by the export tests: models with weights that make folding matter, and
// onnxruntime runs compared with the native forward.
import * as ort from 'onnxruntime-node';
import { SegModel } from '../../src/models/index.js';
import { fromBuffer, manualSeed, noGrad, rand, randn, type Tensor } from '../../src/tensor/index.js';

/**
 * A model of `preset` with random weights that keep activations of order one (He-scaled
 * convs) and BatchNorms far from the identity: random γ and β, and running statistics
 * that are random and then moved part of the way toward the data's.
 */
export function randomModel(preset: string, seed: number): SegModel {
  manualSeed(seed);
  const model = new SegModel(preset);
  const sd = model.stateDict();
  const isNorm = (name: string) => sd.has(`${name.slice(0, name.lastIndexOf('.'))}.running_mean`);
  noGrad(() => {
    for (const [name, t] of sd) {
      if (name.endsWith('num_batches_tracked')) continue;
      const shape = t.shape;
      let v: Tensor;
      if (name.endsWith('running_mean')) v = randn(shape).mul(0.2);
      else if (name.endsWith('running_var')) v = rand(shape).mul(1.5).add(0.5);
      else if (isNorm(name) && name.endsWith('.weight')) v = rand(shape).add(0.5);
      else if (shape.length === 4) v = randn(shape).mul(Math.sqrt(2 / (shape[1] * shape[2] * shape[3])));
      else v = randn(shape).mul(0.1);
      t.copy_(v);
      v.dispose();
    }
  });
  // Three training-mode forwards (momentum 0.1) keep 73 % of the random statistics. Those alone make the OCR attention so peaky that the
  // native forward itself moves by 1e-4 under a 1e-6 change of its input.
  noGrad(() => {
    model.train();
    for (let k = 0; k < 3; k++) for (const t of Object.values(model.forward(randn([2, 3, 64, 64])))) t.dispose();
  });
  return model.eval();
}

export async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

/** Runs the session on x; the outputs as Tensors of ours. */
export async function runOrt(s: ort.InferenceSession, x: Tensor): Promise<Record<string, Tensor>> {
  const data = x.contiguous().toTypedArray() as Float32Array;
  const result = await s.run({ image: new ort.Tensor('float32', data, x.shape) });
  const out: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(result)) {
    out[name] = fromBuffer(value.data as Float32Array, 'float32', [...value.dims], { copy: true });
  }
  return out;
}

/** max |a − e| / max |e|. */
export function relativeError(actual: Tensor, expected: Tensor): number {
  return actual.sub(expected).abs().max().item() / expected.abs().max().item();
}

/** Share of pixels whose arg-max over channels agrees. */
export function argmaxAgreement(actual: Tensor, expected: Tensor): number {
  return actual.argmax(1).eq(expected.argmax(1)).double().mean().item();
}
