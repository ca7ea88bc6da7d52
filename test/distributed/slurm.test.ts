// Slurm's compressed node lists, as `srun` sets them, expanded as Slurm's own hostlist does.
import { describe, expect, it } from 'vitest';
import { distEnv } from '../../src/distributed/env.js';
import { expandNodeList, slurmMasterAddr } from '../../src/distributed/slurm.js';

describe('Slurm node lists', () => {
  it('expands ranges, single numbers and plain names in order, keeping zero padding', () => {
    expect(expandNodeList('gpu[01-03,07],login2')).toEqual(['gpu01', 'gpu02', 'gpu03', 'gpu07', 'login2']);
    expect(expandNodeList('node7')).toEqual(['node7']);
    expect(expandNodeList('n[8-11]')).toEqual(['n8', 'n9', 'n10', 'n11']);
    expect(expandNodeList('n[098-101]')).toEqual(['n098', 'n099', 'n100', 'n101']);
    expect(expandNodeList('10.0.0.[1-2]')).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('multiplies several bracket groups of one name', () => {
    expect(expandNodeList('rack[1-2]-n[1,3]')).toEqual(['rack1-n1', 'rack1-n3', 'rack2-n1', 'rack2-n3']);
  });

  it('names what is wrong with a malformed list', () => {
    expect(() => expandNodeList('gpu[01-03')).toThrow('unbalanced brackets');
    expect(() => expandNodeList('gpu[3-1]')).toThrow('the range 3-1 runs backwards');
    expect(() => expandNodeList('gpu[a-b]')).toThrow('"a-b" is not a number or a range');
    expect(() => expandNodeList('a,,b')).toThrow('an empty entry');
  });

  it('the rendezvous host is the first node of the step, else of the job', () => {
    expect(slurmMasterAddr({ SLURM_STEP_NODELIST: 'h[4-5]', SLURM_JOB_NODELIST: 'h[1-5]' })).toBe('h4');
    expect(slurmMasterAddr({ SLURM_NODELIST: 'h[2-3]' })).toBe('h2');
    expect(slurmMasterAddr({})).toBeUndefined();
  });

  it('a process srun started finds its rank, its machine and the rendezvous host without launcher flags', () => {
    const srun = { SLURM_PROCID: '5', SLURM_NTASKS: '8', SLURM_LOCALID: '1', SLURM_NTASKS_PER_NODE: '4(x2)', SLURM_STEP_NODELIST: 'gpu[07-08]' };
    expect(distEnv(srun)).toMatchObject({ rank: 5, worldSize: 8, localRank: 1, localWorldSize: 4, masterAddr: 'gpu07', masterPort: 29500 });
    // MASTER_ADDR and MASTER_PORT, where the batch script sets them, win.
    expect(distEnv({ ...srun, MASTER_ADDR: '10.0.0.9', MASTER_PORT: '29600' })).toMatchObject({ masterAddr: '10.0.0.9', masterPort: 29600 });
  });
});
