// Where this process stands in a distributed run, from the environment that
// torchrun, Slurm-style scripts and `diga ... --nproc-per-node` all set.
import { slurmMasterAddr } from './slurm.js';
export interface DistEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  masterAddr: string;
  masterPort: number;
  /** Ranks on this machine (LOCAL_WORLD_SIZE), which names a missing machine in rendezvous errors. */
  localWorldSize?: number;
  /** Seconds every rank may take to join (DIGA_RDZV_TIMEOUT); unset: the collective timeout. */
  rdzvTimeoutS?: number;
}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${value} is not a non-negative integer`);
  return n;
}

function seconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new Error(`${name}=${value} is not a positive number of seconds`);
  return n;
}

/** The distributed environment, or null for a single-process run (WORLD_SIZE unset or 1). */
export function distEnv(env: NodeJS.ProcessEnv = process.env): DistEnv | null {
  const worldSize = int('WORLD_SIZE', env.WORLD_SIZE ?? env.SLURM_NTASKS);
  if (worldSize === undefined || worldSize <= 1) return null;
  const rank = int('RANK', env.RANK ?? env.SLURM_PROCID);
  if (rank === undefined) throw new Error(`WORLD_SIZE=${worldSize} is set but RANK is not`);
  if (rank >= worldSize) throw new Error(`RANK=${rank} is not below WORLD_SIZE=${worldSize}`);
  return {
    rank,
    worldSize,
    localRank: int('LOCAL_RANK', env.LOCAL_RANK ?? env.SLURM_LOCALID) ?? 0,
    // Under srun with no MASTER_ADDR, the first node of the step (Slurm's compressed list expanded).
    masterAddr: env.MASTER_ADDR ?? slurmMasterAddr(env) ?? '127.0.0.1',
    masterPort: int('MASTER_PORT', env.MASTER_PORT) ?? 29500,
    // Slurm may say "4(x2)" (4 tasks on each of 2 nodes): the count is the leading number.
    localWorldSize: int('LOCAL_WORLD_SIZE', env.LOCAL_WORLD_SIZE ?? /^\d+/.exec(env.SLURM_NTASKS_PER_NODE ?? '')?.[0]) || undefined,
    rdzvTimeoutS: seconds('DIGA_RDZV_TIMEOUT', env.DIGA_RDZV_TIMEOUT),
  };
}
