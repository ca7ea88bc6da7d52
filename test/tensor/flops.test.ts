import { describe, expect, it } from 'vitest';
import { countFlops, F, randn, tidy } from '../../src/index.js';

describe('countFlops', () => {
  it('counts a convolution forward and both of its backward products', () => {
    tidy(() => {
      const x = randn([2, 3, 16, 20]).requiresGrad_();
      const w = randn([8, 3, 3, 3]).requiresGrad_();
      // 2 · N · H_out · W_out · C_out · C_in · k · k, stride 2 and padding 1: 8 × 10 output.
      const fwd = 2 * 2 * 8 * 10 * 8 * 3 * 3 * 3;
      const { flops } = countFlops(() => F.conv2d(x, w, null, { stride: 2, padding: 1 }).sum().backward());
      expect(flops.conv).toBe(fwd);
      expect(flops.convBackward).toBe(2 * fwd);
      expect(flops.matmul).toBe(0);
      expect(flops.total).toBe(3 * fwd);
    });
  });

  it('skips the input gradient of an input that needs none', () => {
    tidy(() => {
      const x = randn([1, 4, 6, 6]);
      const w = randn([5, 4, 1, 1]).requiresGrad_();
      const { flops } = countFlops(() => F.conv2d(x, w).sum().backward());
      expect(flops.conv).toBe(2 * 36 * 5 * 4);
      expect(flops.convBackward).toBe(2 * 36 * 5 * 4);
    });
  });

  it('counts matrix products, batched or not, and nothing while stopped', () => {
    tidy(() => {
      const a = randn([4, 5]);
      const b = randn([5, 6]);
      const { flops } = countFlops(() => {
        a.mm(b);
        randn([2, 3, 4]).bmm(randn([2, 4, 5]));
        a.add(1);
      });
      expect(flops.matmul).toBe(2 * 4 * 5 * 6 + 2 * 2 * 3 * 4 * 5);
      expect(flops.conv).toBe(0);
      a.mm(b);
      expect(countFlops(() => a.add(1)).flops.total).toBe(0);
    });
  });

  it('stops counting when fn throws, so the next count starts clean', () => {
    expect(() => countFlops(() => { throw new Error('boom'); })).toThrow('boom');
    tidy(() => expect(countFlops(() => randn([2, 2]).mm(randn([2, 2]))).flops.matmul).toBe(16));
  });
});
