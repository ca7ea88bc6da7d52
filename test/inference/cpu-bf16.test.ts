import { describe, expect, it } from 'vitest';
import { bf16FromCpuinfo } from '../../src/inference/cpu-bf16.js';

describe('native bf16 on the CPU', () => {
  it('is read from the CPU flags: AMX, AVX512-BF16, Arm BF16, or none', () => {
    expect(bf16FromCpuinfo('processor : 0\nflags : fpu avx2 avx512f amx_bf16 amx_tile\n')).toEqual({ native: true, via: 'AMX' });
    expect(bf16FromCpuinfo('flags\t\t: fpu avx2 avx512f avx512_bf16\n').via).toBe('AVX512-BF16');
    expect(bf16FromCpuinfo('Features\t: fp asimd bf16 i8mm\n').via).toBe('Arm BF16');
    expect(bf16FromCpuinfo('flags : fpu sse2 avx2 fma\n').native).toBe(false);
    expect(bf16FromCpuinfo('').native).toBe(false);
  });
});
