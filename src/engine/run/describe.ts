// What a run log records about the run itself, for the run report: the command line, the
// config, the versions and the device, and the memory high-water marks.
import type { RunConfig } from '../../config/schema.js';
import { info, memory, tidy, type Tensor } from '../../tensor/index.js';
import { packageVersion } from '../../version.js';

export interface RunVersions {
  diga: string;
  libtorch: string;
  node: string;
  /** The device's own name (the GPU's model, or "host CPU"). */
  deviceName: string;
}

export interface RunDescription {
  /** The arguments after `diga` (or after the script's path, for library use). */
  argv: string[];
  config: RunConfig;
  versions: RunVersions;
}

export function describeRun(cfg: RunConfig): RunDescription {
  const i = info();
  const device = i.devices.find((d) => d.device === cfg.device || (cfg.device === 'cuda' && d.device === 'cuda:0'));
  return {
    argv: process.argv.slice(2),
    config: cfg,
    versions: { diga: packageVersion(), libtorch: i.torchVersion, node: process.version, deviceName: device?.name ?? 'host CPU' },
  };
}

export interface PeakMemory {
  /** The process's resident-set high-water mark. */
  maxRssBytes: number;
  /** The CUDA caching allocator's peak on the run's device; null on the CPU. */
  devicePeakBytes: number | null;
}

export function peakMemory(device: string): PeakMemory {
  const cuda = device.startsWith('cuda') ? memory().cuda.find((c) => c.device === device || (device === 'cuda' && c.device === 'cuda:0')) : undefined;
  return { maxRssBytes: process.resourceUsage().maxRSS * 1024, devicePeakBytes: cuda?.peakAllocated ?? null };
}

/** A logged figure: a scalar as a number, anything larger as a flat list. */
export function readBack(t: Tensor): number | number[] {
  return t.ndim === 0 ? t.item() : tidy(() => Array.from(t.double().cpu().toTypedArray() as Float64Array));
}
