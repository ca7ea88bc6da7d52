import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveTensors } from '../../src/checkpoint/tensors.js';
import { TwoScaleSampler } from '../../src/data/sampler.js';
import type { ProcessGroup } from '../../src/distributed/group.js';
import {
  loadTrainState,
  readTrainStateRecord,
  resumeLoaders,
  saveTrainState,
  type TrainStateRecord,
} from '../../src/engine/train-state.js';
import { dispose, tensor } from '../../src/tensor/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sampler = (seed: number) => TwoScaleSampler.create({ size: 10, seed, low: 2, high: 1 }).state();

function record(ranks: number): TrainStateRecord {
  return {
    stage: 'self-train',
    iteration: 12,
    bestMiou: 0.25,
    bestIteration: 10,
    optimizer: { step: 12, momentumPresent: [true, false, true] },
    gradScaler: { scale: 1024, growthTracker: 3 },
    evalPending: true,
    loaders: Array.from({ length: ranks }, (_, r) => ({ source: sampler(r), target: sampler(10 + r) })),
    config: { steps: 40 },
    version: 1,
  };
}

const fakeGroup = (rank: number, worldSize: number) => ({ rank, worldSize }) as ProcessGroup;

describe('training state record', () => {
  it('reads back what was saved, for one process and for several', () => {
    for (const ranks of [1, 3]) {
      const path = join(dir, `state-${ranks}.safetensors`);
      const tensors = new Map([['student.w', tensor([1, 2, 3])]]);
      saveTrainState(path, { record: record(ranks), tensors });
      expect(readTrainStateRecord(path)).toEqual(record(ranks));
      const st = loadTrainState(path);
      expect([...st.tensors.keys()]).toEqual(['student.w']);
      expect([...(st.tensors.get('student.w')!.toTypedArray() as Float32Array)]).toEqual([1, 2, 3]);
      dispose([...st.tensors.values(), ...tensors.values()]);
    }
  });

  it('gives each rank its own data streams, and refuses another number of ranks', () => {
    const three = record(3);
    expect(resumeLoaders(three, fakeGroup(2, 3))).toEqual(three.loaders[2]);
    expect(resumeLoaders(three, null)).toEqual(three.loaders[0]);
    expect(() => resumeLoaders(three, fakeGroup(0, 2))).toThrow('a run of 3 processes; resume it with as many (this run has 2)');
    expect(resumeLoaders(undefined, null)).toBeUndefined();
  });

  it('reads the on-disk layout of earlier releases (counters and loaders side by side)', () => {
    const path = join(dir, 'old.safetensors');
    const old = {
      stage: 'warm-up',
      iteration: 8,
      bestMiou: null,
      bestIteration: null,
      streams: { labelled: sampler(1), momentumPresent: [true] },
      config: {},
      version: 1,
    };
    saveTensors(path, new Map(), { 'diga.train_state': JSON.stringify(old) });
    expect(readTrainStateRecord(path)).toMatchObject({
      optimizer: { step: 8, momentumPresent: [true] },
      gradScaler: null,
      evalPending: false,
      loaders: [{ labelled: sampler(1) }],
    });
  });

  it('names the file and the field of a damaged record', () => {
    const path = join(dir, 'damaged.safetensors');
    saveTensors(path, new Map(), { 'diga.train_state': JSON.stringify({ ...record(1), iteration: -1, streams: {} }) });
    expect(() => readTrainStateRecord(path)).toThrow(`${path}: the training state's record is damaged (iteration:`);
    saveTensors(path, new Map(), { 'diga.train_state': '{"stage":' });
    expect(() => readTrainStateRecord(path)).toThrow('not valid JSON');
    expect(() => readTrainStateRecord(join(dir, 'absent.safetensors'))).toThrow('cannot resume: no training state at');
  });
});
