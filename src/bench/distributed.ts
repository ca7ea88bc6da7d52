// Data-parallel throughput: the same training step in 1 process and in 2
// processes (each with half the cores), with the gradient all-reduce after
// backward and overlapped with it, and the all-reduce time left per step.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./dist-worker.js', import.meta.url));

async function processes(n: number, args: string[]): Promise<unknown> {
  const threads = String(Math.max(1, Math.floor(availableParallelism() / n)));
  const port = String(29900 + Math.floor(Math.random() * 90));
  const outs = await Promise.all(
    Array.from({ length: n }, (_, rank) =>
      run(process.execPath, [worker, ...args], {
        env: { ...process.env, DIGA_NUM_THREADS: threads, ...(n > 1 ? { RANK: String(rank), WORLD_SIZE: String(n), MASTER_ADDR: '127.0.0.1', MASTER_PORT: port } : {}) },
        timeout: 600_000,
      }),
    ),
  );
  return JSON.parse(outs[0].stdout.trim());
}

export async function benchDistributed(model = 'hrnet18-small'): Promise<unknown[]> {
  const args = [model, '6', '128', '256', '3'];
  return [await processes(1, args), await processes(2, [...args, 'after']), await processes(2, [...args, 'overlap'])];
}
