// Whether this CPU computes in bfloat16 natively (AVX512-BF16 or AMX on x86, the BF16
// extension on Arm), for `diga info` and the bench. Where it does, `--amp bf16` makes
// predict faster at the cost of some labels; where it does not, bf16 is emulated and
// slower than float32. Nothing picks bf16 from this on its own: labels stay float32.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CpuBf16 {
  native: boolean;
  /** The instruction-set feature that provides it ("AMX", "AVX512-BF16", "Arm BF16"), or why not. */
  via: string;
}

/** Reads the answer from the text of /proc/cpuinfo. */
export function bf16FromCpuinfo(text: string): CpuBf16 {
  const flags = new Set((/^(?:flags|Features)\s*:\s*(.*)$/m.exec(text)?.[1] ?? '').split(/\s+/));
  if (flags.has('amx_bf16')) return { native: true, via: 'AMX' };
  if (flags.has('avx512_bf16')) return { native: true, via: 'AVX512-BF16' };
  if (flags.has('bf16')) return { native: true, via: 'Arm BF16' };
  return { native: false, via: 'no bf16 instructions (it would be emulated)' };
}

let cached: CpuBf16 | undefined;

export function cpuBf16(): CpuBf16 {
  if (cached) return cached;
  try {
    if (process.platform === 'linux') cached = bf16FromCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
    else if (process.platform === 'darwin' && process.arch === 'arm64') {
      const on = execFileSync('sysctl', ['-n', 'hw.optional.arm.FEAT_BF16'], { encoding: 'utf8' }).trim() === '1';
      cached = on ? { native: true, via: 'Arm BF16' } : { native: false, via: 'no bf16 instructions (it would be emulated)' };
    }
  } catch {
    // No way to tell: treat as emulated.
  }
  cached ??= { native: false, via: 'unknown CPU features (treated as emulated)' };
  return cached;
}
