// Where a process stands in a distributed run, from torchrun's or Slurm's environment.
import { describe, expect, test } from 'vitest';
import { distEnv } from '../../src/distributed/env.js';

describe('distEnv', () => {
  test('a single process: nothing set, or a world of one', () => {
    expect(distEnv({})).toBeNull();
    expect(distEnv({ WORLD_SIZE: '1', RANK: '0' })).toBeNull();
  });

  test('torchrun: WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT', () => {
    expect(distEnv({ WORLD_SIZE: '8', RANK: '5', LOCAL_RANK: '1', MASTER_ADDR: '10.1.2.3', MASTER_PORT: '29600' })).toEqual({
      rank: 5, worldSize: 8, localRank: 1, masterAddr: '10.1.2.3', masterPort: 29600,
    });
    // Defaults where torchrun-style launchers leave things out.
    expect(distEnv({ WORLD_SIZE: '2', RANK: '1' })).toEqual({ rank: 1, worldSize: 2, localRank: 0, masterAddr: '127.0.0.1', masterPort: 29500 });
  });

  test('Slurm: SLURM_NTASKS, SLURM_PROCID, SLURM_LOCALID; torchrun names win where both are set', () => {
    expect(distEnv({ SLURM_NTASKS: '4', SLURM_PROCID: '3', SLURM_LOCALID: '1', MASTER_ADDR: 'node0' })).toMatchObject({ rank: 3, worldSize: 4, localRank: 1, masterAddr: 'node0' });
    expect(distEnv({ SLURM_NTASKS: '4', SLURM_PROCID: '3', WORLD_SIZE: '2', RANK: '0' })).toMatchObject({ rank: 0, worldSize: 2 });
  });

  test('inconsistent values are errors that name the variable', () => {
    expect(() => distEnv({ WORLD_SIZE: '2' })).toThrow('WORLD_SIZE=2 is set but RANK is not');
    expect(() => distEnv({ WORLD_SIZE: '2', RANK: '2' })).toThrow('RANK=2 is not below WORLD_SIZE=2');
    expect(() => distEnv({ WORLD_SIZE: 'two', RANK: '0' })).toThrow('WORLD_SIZE=two is not a non-negative integer');
    expect(() => distEnv({ WORLD_SIZE: '2', RANK: '0', MASTER_PORT: '-1' })).toThrow('MASTER_PORT=-1');
  });
});
