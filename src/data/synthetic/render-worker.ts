/**
 * Worker-thread entry: renders scenes for the generator off the main thread. Each job carries
 * the scene's own Rng state, so a scene is the same whichever thread renders it.
 */
import { parentPort } from 'node:worker_threads';
import { Rng, type RngState } from '../random.js';
import { renderScene } from './scene.js';
import type { LookName } from './style.js';

export interface RenderJob {
  id: number;
  rng: RngState;
  width: number;
  height: number;
  shift: LookName;
}

export type RenderReply =
  | { id: number; image: Uint8Array; labelIds: Uint8Array; width: number; height: number }
  | { id: number; error: string };

/** A buffer with an ArrayBuffer of its own, so it can be transferred rather than copied. */
function own(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b);
}

parentPort?.on('message', (job: RenderJob) => {
  let reply: RenderReply;
  try {
    const scene = renderScene(Rng.fromState(job.rng), { width: job.width, height: job.height, shift: job.shift });
    reply = { id: job.id, image: own(scene.image), labelIds: own(scene.labelIds), width: scene.width, height: scene.height };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
  const transfer = 'image' in reply ? [reply.image.buffer as ArrayBuffer, reply.labelIds.buffer as ArrayBuffer] : [];
  parentPort?.postMessage(reply, transfer);
});
