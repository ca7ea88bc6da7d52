// `--nproc-per-node N`: starts N worker processes of the same command on this
// machine with the torchrun environment (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT; DIGA_RDZV_TIMEOUT passes
// through). When one worker fails, the others are stopped and the launcher
// exits with the failing worker's code, naming its rank.
// SIGINT and SIGTERM to the launcher are passed to every worker (which save
// their state and stop), and the launcher waits for them and exits with their
// status. Workers are in their own process group, so a terminal's Ctrl-C reaches
// them once, through the launcher; and each watches the launcher, stopping (with
// its state saved) if the launcher dies without a word (kill -9).
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, constants } from 'node:os';

export interface LaunchOptions {
  nprocPerNode: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  /** The command line to run in each worker, without the launch flags. */
  argv: string[];
}

/** Removes the launch flags (and their values) from a command line. */
export function stripLaunchFlags(argv: string[]): string[] {
  const flags = new Set(['--nproc-per-node', '--nnodes', '--node-rank', '--master-addr', '--master-port', '--rdzv-timeout']);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name] = argv[i].split('=');
    if (flags.has(name)) {
      if (!argv[i].includes('=')) i++;
      continue;
    }
    out.push(argv[i]);
  }
  return out;
}

export function launchWorkers(o: LaunchOptions): Promise<number> {
  const world = o.nprocPerNode * o.nnodes;
  const children: ChildProcess[] = [];
  return new Promise((resolve) => {
    let finished = 0;
    let failed: { rank: number; code: number } | null = null;
    let signalled: NodeJS.Signals | null = null;
    let worst = 0;
    const forward = (signal: NodeJS.Signals) => {
      if (signalled === null) process.stderr.write(`diga: ${signal}: asking the workers to save their state and stop\n`);
      signalled = signal;
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    for (let local = 0; local < o.nprocPerNode; local++) {
      const rank = o.nodeRank * o.nprocPerNode + local;
      const child = spawn(process.execPath, o.argv, {
        stdio: 'inherit',
        detached: true,
        env: {
          ...process.env,
          DIGA_LAUNCHER_PID: String(process.pid),
          RANK: String(rank),
          LOCAL_RANK: String(local),
          WORLD_SIZE: String(world),
          LOCAL_WORLD_SIZE: String(o.nprocPerNode),
          MASTER_ADDR: o.masterAddr,
          MASTER_PORT: String(o.masterPort),
          // Each worker gets its share of the cores.
          DIGA_NUM_THREADS: process.env.DIGA_NUM_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / o.nprocPerNode))),
        },
      });
      children.push(child);
      child.on('exit', (code, signal) => {
        finished++;
        const status = code ?? (signal ? 128 + (constants.signals[signal] ?? 9) : 1);
        if (status !== 0 && worst === 0) worst = status;
        if (status !== 0 && failed === null && signalled === null) {
          failed = { rank, code: status };
          process.stderr.write(`diga: worker rank ${rank} exited with ${signal ?? `code ${code}`}; stopping the others\n`);
          for (const c of children) if (c !== child && c.exitCode === null) c.kill('SIGTERM');
        }
        if (finished === children.length) {
          process.off('SIGINT', forward);
          process.off('SIGTERM', forward);
          resolve(failed ? failed.code : worst);
        }
      });
    }
  });
}

let launcherGone = false;

/** In a worker: whether its launcher has died (a stage that starts training now stops after one step). */
export function isLauncherGone(): boolean {
  return launcherGone;
}

/**
 * In a worker started by the launcher: once the launcher is gone, asks the running training
 * loop to save and stop, as a signal would. Polls the parent pid, since a kill -9 leaves no
 * other trace. The request goes to the loop's own SIGTERM listeners rather than through a real
 * signal: a real one landing after the loop has stopped (another rank asked first) would kill
 * the process while it closes, before it releases its folder locks.
 */
export function watchLauncher(): void {
  const launcher = Number(process.env.DIGA_LAUNCHER_PID);
  if (!Number.isInteger(launcher) || launcher <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    launcherGone = true;
    process.stderr.write(`diga: the launcher (pid ${launcher}) is gone; saving and stopping\n`);
    process.emit('SIGTERM', 'SIGTERM');
  }, 500);
  timer.unref();
}
