// The rendezvous on one machine: its timeout, its errors, and the flags and
// environment that set it (the two-machine cases are in two-hosts.test.ts).
import { createServer, type Server } from 'node:net';
import { describe, expect, test } from 'vitest';
import { distEnv, type DistEnv } from '../../src/distributed/env.js';
import { ProcessGroup } from '../../src/distributed/group.js';
import { stripLaunchFlags } from '../../src/distributed/launch.js';

let port = 30100 + Math.floor(Math.random() * 400);
const env = (rank: number, over: Partial<DistEnv> = {}): DistEnv => ({ rank, worldSize: 2, localRank: rank, masterAddr: '127.0.0.1', masterPort: port, rdzvTimeoutS: 1, ...over });

/** The error of joining, and how long it took. */
function joinError(e: DistEnv): { message: string; seconds: number } {
  const started = Date.now();
  try {
    new ProcessGroup(e, 60_000).close();
  } catch (err) {
    return { message: (err as Error).message, seconds: (Date.now() - started) / 1000 };
  }
  throw new Error('joined a group that should have failed');
}

describe('rendezvous', () => {
  test('a rank that never comes: the others wait the rendezvous timeout, not the collective one, and say who is missing', () => {
    port++;
    const { message, seconds } = joinError(env(0));
    expect(message).toBe(`rank 0: could not join the process group at 127.0.0.1:${port}: rank 1 of 2 did not join within 1 s; joined: rank 0 from 127.0.0.1`);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThan(10);
  });

  test('the machine of a missing rank is named when the ranks per machine are known', () => {
    port++;
    const { message } = joinError({ ...env(0), worldSize: 4, localWorldSize: 2 });
    expect(message).toContain('ranks 1-3 of 4 did not join within 1 s (the machines of --node-rank 0, 1); joined: rank 0 from 127.0.0.1');
  });

  test('rank 0 not there: nothing listens on the port', () => {
    port++;
    const { message, seconds } = joinError(env(1));
    expect(message).toBe(
      `rank 1: could not join the process group at 127.0.0.1:${port}: nothing listened on 127.0.0.1:${port} within 1 s (Connection refused): ` +
        'rank 0 has not started there, or uses another --master-port',
    );
    expect(seconds).toBeLessThan(10);
  });

  test('another program on the port: rank 0 says so at once; the others time out', async () => {
    port++;
    // The kernel completes connections to a listening socket even while this
    // thread is blocked in the join, and nothing ever answers them.
    const server: Server = await new Promise((resolve) => {
      const s = createServer(() => {}).listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      const zero = joinError(env(0));
      expect(zero.message).toBe(
        `rank 0: could not join the process group at 127.0.0.1:${port}: port ${port} is already in use on rank 0's machine (by another run or program): pick another --master-port`,
      );
      expect(zero.seconds).toBeLessThan(5);
      const one = joinError(env(1));
      expect(one.message).toMatch(
        new RegExp(`^rank 1: could not join the process group at 127\\.0\\.0\\.1:${port}: the rendezvous at 127\\.0\\.0\\.1:${port} did not answer within 1 s \\(another program on that port, or rank 0 gone\\?\\)`),
      );
      expect(one.seconds).toBeLessThan(10);
    } finally {
      server.close();
    }
  });

  test('an unresolvable --master-addr', () => {
    const { message } = joinError(env(1, { masterAddr: 'no-such-host.invalid' }));
    expect(message).toMatch(/^rank 1: could not join the process group at no-such-host\.invalid:\d+: cannot resolve no-such-host\.invalid/);
  });
});

describe('the rendezvous timeout', () => {
  test('DIGA_RDZV_TIMEOUT (seconds, fractions allowed) and LOCAL_WORLD_SIZE reach the environment; nonsense is an error', () => {
    const base = { WORLD_SIZE: '4', RANK: '1' };
    expect(distEnv({ ...base, DIGA_RDZV_TIMEOUT: '2.5', LOCAL_WORLD_SIZE: '2' })).toMatchObject({ rdzvTimeoutS: 2.5, localWorldSize: 2 });
    expect(distEnv(base)?.rdzvTimeoutS).toBeUndefined();
    for (const bad of ['0', '-3', 'soon', 'Infinity']) {
      expect(() => distEnv({ ...base, DIGA_RDZV_TIMEOUT: bad })).toThrow(`DIGA_RDZV_TIMEOUT=${bad} is not a positive number of seconds`);
    }
  });

  test('--rdzv-timeout is a launch flag: the launcher takes it off the workers\' command line', () => {
    expect(stripLaunchFlags(['bin/diga.js', 'warm-up', '--rdzv-timeout', '30', '--nnodes=2', '--steps', '4'])).toEqual(['bin/diga.js', 'warm-up', '--steps', '4']);
    expect(stripLaunchFlags(['bin/diga.js', 'warm-up', '--rdzv-timeout=30'])).toEqual(['bin/diga.js', 'warm-up']);
  });
});
