// `diga info`: what this installation runs on.
import type { Command } from 'commander';
import { ProcessGroup } from '../../distributed/group.js';
import { cpuBf16 } from '../../inference/cpu-bf16.js';
import { inferenceConvs } from '../../inference/convolutions.js';
import { cpuCache, info } from '../../tensor/runtime.js';
import { packageVersion } from '../../version.js';

export interface InfoReport {
  diga: string;
  node: string;
  libtorch: string;
  build: 'cuda' | 'cpu';
  blas: string;
  threads: number;
  interopThreads: number;
  mkldnn: boolean;
  openmp: boolean;
  cudaAvailable: boolean;
  cudnnVersion: number | null;
  /** c10d backends compiled in: gloo (CPU), nccl (CUDA builds). */
  distributed: string[];
  devices: Array<{ device: string; name?: string; totalMemory?: number; capability?: string }>;
  /** The caching allocator of large CPU tensors, and the most it keeps. */
  cpuCache: { enabled: boolean; limitBytes: number };
  /** Native bfloat16 on this CPU (where `--amp bf16` makes predict faster). */
  cpuBf16: { native: boolean; via: string };
  /** How `predict`'s float32 convolutions run on the CPU: oneDNN called directly (and Winograd), or libtorch's oneDNN ops. */
  cpuConvolutions: { onednn: boolean; onednnVersion: string | null; winograd: boolean };
}

export function infoReport(): InfoReport {
  const i = info();
  return {
    diga: packageVersion(),
    node: process.version,
    libtorch: i.torchVersion,
    build: i.builtWithCuda ? 'cuda' : 'cpu',
    blas: i.blas || 'unknown',
    threads: i.numThreads,
    interopThreads: i.numInteropThreads,
    mkldnn: i.mkldnn,
    openmp: i.openmp,
    cudaAvailable: i.cudaAvailable,
    cudnnVersion: i.cudnnVersion,
    distributed: ProcessGroup.backends(),
    devices: i.devices,
    cpuBf16: cpuBf16(),
    cpuCache: (({ enabled, limitBytes }) => ({ enabled, limitBytes }))(cpuCache.stats()),
    cpuConvolutions: (({ onednn, onednnVersion, winograd }) => ({ onednn, onednnVersion, winograd }))(inferenceConvs()),
  };
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function convolutionsLine(c: InfoReport['cpuConvolutions']): string {
  if (!c.onednn) return "predict's float32 convolutions use libtorch's oneDNN ops (no Winograd: that needs a libtorch on the shared oneDNN 2.x and its headers, as Debian 12's libtorch-dev with libdnnl-dev, at build time)";
  return `predict's float32 convolutions call oneDNN ${c.onednnVersion} directly, ${c.winograd ? 'Winograd for wide 3x3 ones (DIGA_WINOGRAD=off: direct only)' : 'direct only (DIGA_WINOGRAD=off)'}`;
}

export function formatInfo(r: InfoReport): string {
  const lines = [
    `diga         ${r.diga} (node ${r.node})`,
    `libtorch     ${r.libtorch} (${r.build} build)`,
    `BLAS         ${r.blas}`,
    `threads      ${r.threads} intra-op, ${r.interopThreads} inter-op (oneDNN ${r.mkldnn ? 'yes' : 'no'}, OpenMP ${r.openmp ? 'yes' : 'no'})`,
    `distributed  ${r.distributed.length > 0 ? r.distributed.join(', ') : 'not built (no gloo headers)'}`,
    `CUDA         ${r.cudaAvailable ? 'available' : 'not available'}${r.cudaAvailable && r.cudnnVersion ? `, cuDNN ${r.cudnnVersion}` : ''}`,
    `CPU bf16     ${r.cpuBf16.native ? `native (${r.cpuBf16.via}): predict --amp bf16 is faster but moves some labels (default: float32)` : `${r.cpuBf16.via}: --amp bf16 would be slower than float32`}`,
    `CPU cache    ${r.cpuCache.enabled ? `on: freed tensors of 1 MiB and up are reused, up to ${gib(r.cpuCache.limitBytes)} kept (DIGA_CPU_CACHE_MB; DIGA_CPU_CACHE=off)` : 'off (DIGA_CPU_CACHE=off): libtorch allocates'}`,
    `CPU convs    ${convolutionsLine(r.cpuConvolutions)}`,
    'devices',
    ...r.devices.map((d) => `  ${d.device.padEnd(8)} ${d.name ?? 'host CPU'}${d.totalMemory ? `, ${gib(d.totalMemory)}` : ''}${d.capability ? `, compute ${d.capability}` : ''}`),
  ];
  return lines.join('\n');
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the libtorch, BLAS, threads and devices this installation uses')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const r = infoReport();
      process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatInfo(r)}\n`);
    });
}
