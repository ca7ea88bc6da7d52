// The CUDA path: runs where the addon was built against a CUDA libtorch and a
// GPU is present (scripts/gpu-check.sh), skipped elsewhere.
import { describe, expect, test } from 'vitest';
import { SegModel } from '../../src/models/index.js';
import * as t from '../../src/tensor/index.js';

const hasCuda = (() => {
  try {
    return t.cuda.isAvailable();
  } catch {
    return false;
  }
})();

describe.skipIf(!hasCuda)('CUDA', () => {
  test('tensors move to the GPU and back; ops and autograd run there', () => {
    const x = t.randn([64, 32]).to('cuda');
    expect(x.device).toBe('cuda:0');
    const w = t.randn([32, 8], { device: 'cuda', requiresGrad: true });
    const y = x.matmul(w).relu().sum();
    y.backward();
    expect(w.grad!.device).toBe('cuda:0');
    const cpu = x.cpu().matmul(w.detach().cpu()).relu().sum().item();
    expect(Math.abs(cpu - y.item()) / Math.abs(cpu)).toBeLessThan(1e-4);
  });

  test('pinned memory and non-blocking copies', () => {
    const host = t.arange(1000).float().pinMemory();
    expect(host.isPinned()).toBe(true);
    const dev = host.to({ device: 'cuda', nonBlocking: true });
    t.cuda.synchronize();
    expect(dev.sum().item()).toBe(499500);
  });

  test('memory() reports the CUDA allocator', () => {
    const before = t.memory().cuda[0].allocated;
    const big = t.zeros([1024, 1024], { device: 'cuda' });
    expect(t.memory().cuda[0].allocated - before).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    big.dispose();
  });

  test('bf16 autocast runs convolutions in bfloat16', () => {
    const x = t.randn([2, 3, 16, 16], { device: 'cuda' });
    const w = t.randn([4, 3, 3, 3], { device: 'cuda' });
    expect(t.autocast({ dtype: 'bfloat16' }, () => t.F.conv2d(x, w)).dtype).toBe('bfloat16');
  });

  test('the network gives the same outputs on the GPU as on the CPU', () => {
    t.manualSeed(0);
    const cpu = new SegModel('tiny').eval();
    const gpu = new SegModel('tiny').eval();
    gpu.loadStateDict(cpu.stateDict());
    gpu.to('cuda');
    const x = t.randn([1, 3, 64, 128]);
    const a = t.noGrad(() => cpu.forward(x).main);
    const b = t.noGrad(() => gpu.forward(x.to('cuda')).main.cpu());
    expect(a.sub(b).abs().max().item() / a.abs().max().item()).toBeLessThan(1e-3);
  });
});
