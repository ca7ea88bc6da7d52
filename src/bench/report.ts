// Benchmark reports: one JSON file per run, with the machine and versions.
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import { info } from '../tensor/index.js';
import { packageVersion } from '../version.js';

export interface BenchEnvironment {
  date: string;
  diga: string;
  node: string;
  libtorch: string;
  build: string;
  device: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  threads: number;
  blas: string;
}

export function benchEnvironment(device: string): BenchEnvironment {
  const i = info();
  const gpu = i.devices.find((d) => d.device === device);
  return {
    date: new Date().toISOString(),
    diga: packageVersion(),
    node: process.version,
    libtorch: i.torchVersion,
    build: i.builtWithCuda ? 'cuda' : 'cpu',
    device: gpu?.name ? `${device} (${gpu.name})` : device,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    threads: i.numThreads,
    blas: i.blas,
  };
}

/** The middle value (the upper one of an even count): robust to a slow first or last run. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Writes the report under dir as bench-<timestamp>.json and returns the path. */
export function writeReport(dir: string, report: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileAtomic(file, [Buffer.from(`${JSON.stringify(report, null, 2)}\n`)]);
  return file;
}
