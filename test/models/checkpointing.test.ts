import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import { manualSeed, randn, type Tensor } from '../../src/tensor/index.js';

/** Gradients of the input and every parameter for one training forward/backward. */
function grads(model: SegModel, x: Tensor): Map<string, Tensor> {
  const input = x.clone().requiresGrad_(true);
  const out = model.forward(input);
  out.main.square().mean().add(out.aux!.mean()).backward();
  const g = new Map<string, Tensor>([['input', input.grad!]]);
  for (const [name, p] of model.namedParameters()) if (p.grad) g.set(name, p.grad.clone());
  for (const p of model.parameters()) p.grad = null;
  return g;
}

describe('activation checkpointing', () => {
  test('gives the same outputs and gradients as a plain training pass', () => {
    manualSeed(4);
    const plain = new SegModel('tiny').train();
    const ckpt = new SegModel('tiny').train();
    ckpt.loadStateDict(plain.stateDict());
    ckpt.activationCheckpointing(true);
    // Dropout in the OCR head is random: compare with the same generator state.
    const x = randn([2, 3, 64, 128]);
    manualSeed(9);
    const a = grads(plain, x);
    manualSeed(9);
    const b = grads(ckpt, x);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) {
      const scale = v.abs().max().item() || 1;
      expect(b.get(k)!.sub(v).abs().max().item() / scale, k).toBeLessThan(1e-5);
    }
  });

  test('is off under no-grad and in eval mode (nothing to recompute)', () => {
    const m = new SegModel('tiny').activationCheckpointing(true).eval();
    const out = m.forward(randn([1, 3, 32, 64]), { grad: false });
    expect(out.main.shape).toEqual([1, 19, 8, 16]);
  });
});
