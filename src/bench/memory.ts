// Peak memory of a training step with and without activation checkpointing,
// each in its own process (peak figures only grow within a process).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./memory-worker.js', import.meta.url));

export async function benchMemory(device = 'cpu', model = 'hrnet48', h = 256, w = 512, batch = 2): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const ckpt of ['off', 'on']) {
    const r = await run(process.execPath, [worker, model, String(h), String(w), String(batch), device, ckpt], { timeout: 600_000 });
    out.push(JSON.parse(r.stdout.trim()));
  }
  return out;
}
