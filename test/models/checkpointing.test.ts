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

  test('deeplabv2: every Bottleneck recomputed, the same outputs and gradients', () => {
    manualSeed(6);
    const plain = new SegModel('deeplabv2-tiny').train();
    const ckpt = new SegModel('deeplabv2-tiny').train();
    ckpt.loadStateDict(plain.stateDict());
    ckpt.activationCheckpointing(true);
    const x = randn([2, 3, 64, 48]);
    const keep = randn([2, 16, 1, 1]).gt(0).float();
    const run = (m: SegModel) => {
      const input = x.clone().requiresGrad_(true);
      const out = m.setDropoutKeep(keep).forward(input);
      out.main.square().mean().add(out.pixelFeatures.mean()).backward();
      const g = new Map<string, Tensor>([['input', input.grad!], ['main', out.main.detach()]]);
      for (const [name, p] of m.trainableParameters()) g.set(name, p.grad!);
      return g;
    };
    const a = run(plain);
    const b = run(ckpt);
    // The blocks really ran twice (forward, then in backward): their BatchNorms counted both runs; the stem's did not.
    const tracked = (m: SegModel, name: string) => m.namedBuffers().get(`${name}.num_batches_tracked`)!.item();
    expect([tracked(plain, 'layer3.1.bn2'), tracked(ckpt, 'layer3.1.bn2'), tracked(ckpt, 'layer0.1')]).toEqual([1, 2, 1]);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) {
      const scale = v.abs().max().item() || 1;
      expect(b.get(k)!.sub(v).abs().max().item() / scale, k).toBeLessThan(1e-5);
    }
    plain.dispose();
    ckpt.dispose();
  });

  test('is off under no-grad and in eval mode (nothing to recompute)', () => {
    const m = new SegModel('tiny').activationCheckpointing(true).eval();
    const out = m.forward(randn([1, 3, 32, 64]), { grad: false });
    expect(out.main.shape).toEqual([1, 19, 8, 16]);
  });
});
