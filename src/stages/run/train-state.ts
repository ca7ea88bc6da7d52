// The full state of a training stage in one safetensors file, written
// atomically: tensors (student, teacher, momentum buffers, centroids, torch
// RNG state) plus a JSON record (iteration, best mIoU, sampler RNG states,
// config) in the file's metadata. `--resume` continues from it exactly.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSafetensors, readSafetensorsHeader } from '../../checkpoint/safetensors.js';
import { rawToTensor, saveTensors } from '../../checkpoint/tensors.js';
import type { Tensor } from '../../tensor/index.js';

export interface TrainStateRecord {
  stage: string;
  /** Steps completed. */
  iteration: number;
  bestMiou: number | null;
  bestIteration: number | null;
  /** JSON-serialisable state of the data pipeline and other JS-side randomness. */
  streams: Record<string, unknown>;
  config: Record<string, unknown>;
  version: number;
}

export interface TrainState {
  record: TrainStateRecord;
  /** Prefixed groups of tensors: student.*, teacher.*, optim.*, centroids.*, rng.* */
  tensors: Map<string, Tensor>;
}

const META_KEY = 'diga.train_state';

export function saveTrainState(path: string, state: TrainState): void {
  mkdirSync(dirname(path), { recursive: true });
  saveTensors(path, state.tensors, { [META_KEY]: JSON.stringify(state.record) });
}

function checkExists(path: string): void {
  if (!existsSync(path)) {
    throw new Error(`cannot resume: no training state at ${path} (it is written every --checkpoint-every steps)`);
  }
}

function recordOf(path: string, metadata: Record<string, string>): TrainStateRecord {
  const json = metadata[META_KEY];
  if (json === undefined) throw new Error(`${path} is a safetensors file but not a diga training state (no '${META_KEY}' metadata)`);
  return JSON.parse(json) as TrainStateRecord;
}

/** Only the record (iteration, sampler states ...), from the file's header. */
export function readTrainStateRecord(path: string): TrainStateRecord {
  checkExists(path);
  return recordOf(path, readSafetensorsHeader(path).metadata);
}

export function loadTrainState(path: string): TrainState {
  checkExists(path);
  const { tensors, metadata } = readSafetensors(path);
  const record = recordOf(path, metadata);
  const out = new Map<string, Tensor>();
  for (const [k, r] of tensors) out.set(k, rawToTensor(r));
  return { record, tensors: out };
}

/** The tensors under `prefix.` with the prefix removed. */
export function group(tensors: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const p = `${prefix}.`;
  for (const [k, t] of tensors) if (k.startsWith(p)) out.set(k.slice(p.length), t);
  return out;
}

/** Adds `entries` to `into` under `prefix.`. */
export function addGroup(into: Map<string, Tensor>, prefix: string, entries: Map<string, Tensor> | Tensor[]): void {
  if (Array.isArray(entries)) entries.forEach((t, i) => into.set(`${prefix}.${i}`, t));
  else for (const [k, t] of entries) into.set(`${prefix}.${k}`, t);
}
