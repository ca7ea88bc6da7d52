/**
 * Where scenes are rendered: on the calling thread, or on a small pool of worker threads so
 * that rendering (plain JS) uses every core while sharp encodes on libuv's pool. Workers need
 * the compiled JavaScript; run from TypeScript sources, the generator renders inline.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Rng, type RngState } from '../random.js';
import type { RenderJob, RenderReply } from './render-worker.js';
import { renderScene, type Scene } from './scene.js';
import type { LookName } from './style.js';

export interface SceneRequest {
  rng: RngState;
  width: number;
  height: number;
  shift: LookName;
}

export interface Renderer {
  readonly threads: number;
  render(request: SceneRequest): Promise<Scene>;
  close(): Promise<void>;
}

export function inlineRenderer(): Renderer {
  return {
    threads: 0,
    render: async (r) => renderScene(Rng.fromState(r.rng), { width: r.width, height: r.height, shift: r.shift }),
    close: async () => undefined,
  };
}

/** The compiled worker script, or null when running from sources (no .js next to this module). */
export function workerScript(): URL | null {
  if (!import.meta.url.endsWith('.js')) return null;
  const url = new URL('./render-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

interface Pending {
  resolve: (scene: Scene) => void;
  reject: (err: Error) => void;
}

/** A pool of `threads` render workers; falls back to inline rendering when workers cannot run. */
export function workerRenderer(threads: number): Renderer {
  const script = workerScript();
  if (script === null || threads < 1) return inlineRenderer();
  const workers = Array.from({ length: threads }, () => new Worker(script));
  const idle = [...workers];
  const queue: { job: RenderJob; pending: Pending }[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let broken: Error | null = null;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const { job, pending: p } = queue.shift() as { job: RenderJob; pending: Pending };
      pending.set(job.id, p);
      worker.postMessage(job);
    }
  };
  for (const worker of workers) {
    worker.on('message', (reply: RenderReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      idle.push(worker);
      if ('error' in reply) p?.reject(new Error(`scene rendering failed: ${reply.error}`));
      else {
        p?.resolve({
          image: Buffer.from(reply.image.buffer, reply.image.byteOffset, reply.image.byteLength),
          labelIds: Buffer.from(reply.labelIds.buffer, reply.labelIds.byteOffset, reply.labelIds.byteLength),
          width: reply.width,
          height: reply.height,
        });
      }
      dispatch();
    });
    worker.on('error', (err) => {
      broken = err;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      for (const q of queue.splice(0)) q.pending.reject(err);
    });
  }
  return {
    threads,
    render: (request) =>
      new Promise<Scene>((resolve, reject) => {
        if (broken) {
          reject(broken);
          return;
        }
        queue.push({ job: { id: nextId++, ...request }, pending: { resolve, reject } });
        dispatch();
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
