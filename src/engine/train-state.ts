// The full state of a training stage in one safetensors file, written
// atomically: tensors (student, teacher, momentum buffers, centroids, torch
// RNG state) plus a JSON record (iteration, best mIoU, optimiser counters,
// every rank's sampler states, config) in the file's metadata. `--resume`
// continues from it exactly.
//
// The record is typed here and checked when read; on disk it keeps the layout of
// version 1 (the optimiser and loader states side by side under `streams`), so
// states written by earlier releases still resume.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readSafetensors, readSafetensorsHeader } from '../checkpoint/safetensors.js';
import { rawToTensor, saveTensors } from '../checkpoint/tensors.js';
import type { TwoScaleState } from '../data/sampler.js';
import type { ProcessGroup } from '../distributed/group.js';
import { TRAIN_STATE_KEY } from '../models/weights.js';
import type { GradScalerState } from '../optim/grad-scaler.js';
import { plural } from '../plural.js';
import type { Tensor } from '../tensor/index.js';

/** One process's data streams, by loader name ("labelled", "source", ...). */
export type LoaderStates = Record<string, TwoScaleState>;

export interface TrainStateRecord {
  stage: string;
  /** Steps completed. */
  iteration: number;
  bestMiou: number | null;
  bestIteration: number | null;
  optimizer: {
    /** The optimiser's own step count (it equals `iteration` in states that predate it). */
    step: number;
    /** Which parameters have a momentum buffer (saved as optim.momentum.<i>). */
    momentumPresent: boolean[];
  };
  /** The --amp fp16 loss scale, null without one. */
  gradScaler: GradScalerState | null;
  /** Saved just before an evaluation: a resume from it evaluates first. */
  evalPending: boolean;
  /** Each rank's data streams, in rank order (one entry for a single process). */
  loaders: LoaderStates[];
  config: Record<string, unknown>;
  version: number;
}

export interface TrainState {
  record: TrainStateRecord;
  /** Prefixed groups of tensors: student.*, teacher.*, optim.*, extra.*, rng.* */
  tensors: Map<string, Tensor>;
}

const META_KEY = TRAIN_STATE_KEY;
/** Keys of the on-disk `streams` object that are not loader names. */
const COUNTERS = ['optimizerStep', 'momentumPresent', 'gradScaler', 'evalPending', 'byRank'];

const diskRecord = z.object({
  stage: z.string(),
  iteration: z.number().int().nonnegative(),
  bestMiou: z.number().nullable(),
  bestIteration: z.number().int().nullable(),
  streams: z.record(z.string(), z.unknown()),
  config: z.record(z.string(), z.unknown()),
  version: z.number().int(),
});

const counters = z.object({
  optimizerStep: z.number().int().nonnegative().optional(),
  momentumPresent: z.array(z.boolean()).optional(),
  gradScaler: z.object({ scale: z.number(), growthTracker: z.number().int() }).nullable().optional(),
  evalPending: z.boolean().optional(),
  byRank: z.array(z.record(z.string(), z.unknown())).optional(),
});

export function statePath(saveDir: string): string {
  return join(saveDir, 'state.safetensors');
}

function encode(record: TrainStateRecord): string {
  const { optimizer, gradScaler, evalPending, loaders, ...rest } = record;
  const streams: Record<string, unknown> = {
    optimizerStep: optimizer.step,
    momentumPresent: optimizer.momentumPresent,
    gradScaler,
    evalPending,
    ...loaders[0],
  };
  if (loaders.length > 1) streams.byRank = loaders;
  return JSON.stringify({ ...rest, streams });
}

function decode(path: string, json: string): TrainStateRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${path}: the training state's record is not valid JSON; the file is damaged`);
  }
  const disk = diskRecord.safeParse(parsed);
  const c = disk.success ? counters.safeParse(disk.data.streams) : undefined;
  if (!disk.success || !c?.success) {
    const issue = (disk.success ? c!.error! : disk.error).issues[0];
    throw new Error(`${path}: the training state's record is damaged (${issue.path.join('.') || 'record'}: ${issue.message})`);
  }
  const { streams, ...rest } = disk.data;
  const own = Object.fromEntries(Object.entries(streams).filter(([k]) => !COUNTERS.includes(k))) as LoaderStates;
  return {
    ...rest,
    optimizer: { step: c.data.optimizerStep ?? rest.iteration, momentumPresent: c.data.momentumPresent ?? [] },
    gradScaler: c.data.gradScaler ?? null,
    evalPending: c.data.evalPending ?? false,
    loaders: (c.data.byRank as LoaderStates[] | undefined) ?? [own],
  };
}

export function saveTrainState(path: string, state: TrainState): void {
  mkdirSync(dirname(path), { recursive: true });
  saveTensors(path, state.tensors, { [META_KEY]: encode(state.record) });
}

function checkExists(path: string): void {
  if (!existsSync(path)) {
    throw new Error(`cannot resume: no training state at ${path} (it is written every --checkpoint-every steps)`);
  }
}

function recordOf(path: string, metadata: Record<string, string>): TrainStateRecord {
  const json = metadata[META_KEY];
  if (json === undefined) throw new Error(`${path} is a safetensors file but not a diga training state (no '${META_KEY}' metadata)`);
  return decode(path, json);
}

/** Only the record (iteration, sampler states ...), from the file's header. */
export function readTrainStateRecord(path: string): TrainStateRecord {
  checkExists(path);
  return recordOf(path, readSafetensorsHeader(path).metadata);
}

/** The record of the state saved in a weight folder, without reading its tensors. */
export function readResumeRecord(saveDir: string): TrainStateRecord {
  return readTrainStateRecord(statePath(saveDir));
}

/** This rank's data-stream states in a saved record. */
export function resumeLoaders(record: TrainStateRecord | undefined, group: ProcessGroup | null): LoaderStates | undefined {
  if (!record) return undefined;
  const ranks = record.loaders.length;
  if (group && ranks > 1 && ranks !== group.worldSize) {
    throw new Error(`the saved state comes from a run of ${plural(ranks, 'process')}; resume it with as many (this run has ${group.worldSize})`);
  }
  return record.loaders[ranks > 1 ? (group?.rank ?? 0) : 0];
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
