// The weights a command is given, said in its own words: a training-state file is named as
// one, with the file to use instead; export builds the network the weights record, as
// predict does, rather than assuming the paper's.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeModel } from '../../src/export/onnx/index.js';
import { addGroup, saveTrainState, statePath } from '../../src/engine/train-state.js';
import { SegModel } from '../../src/models/index.js';
import { saveWeights } from '../../src/models/weights.js';
import { runDiga as diga } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-weights-files-'));
const weightDir = join(dir, 'warm-up');
const state = statePath(weightDir);
const image = join(dir, 'street.png');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await sharp({ create: { width: 64, height: 32, channels: 3, background: '#808080' } }).png().toFile(image);
  // A training stage's folder: its weights, and the state --resume continues from.
  const student = new SegModel('tiny');
  const teacher = new SegModel('tiny');
  saveWeights(weightDir, 'student', student);
  const tensors = new Map();
  addGroup(tensors, 'student', student.stateDict());
  addGroup(tensors, 'teacher', teacher.stateDict());
  saveTrainState(state, {
    record: {
      stage: 'warm-up', iteration: 4, bestMiou: null, bestIteration: null, optimizer: { step: 4, momentumPresent: [] },
      gradScaler: null, evalPending: false, loaders: [{}], config: {}, version: 1,
    },
    tensors,
  });
  student.dispose();
  teacher.dispose();
});

describe.skipIf(!existsSync('dist/cli/main.js'))('the weights given to predict and export', () => {
  test('a training-state file is named as one, with the weights file to use', () => {
    const said =
      `${state} is a training-state file (what --resume continues a training stage from: student, teacher, optimiser and data streams), ` +
      `not a network's weights; use ${join(weightDir, 'student.safetensors')}, the student weights the stage saves beside it (or give the folder: --weight-dir ${weightDir})`;
    const predict = diga('predict', image, '--weights', state, '--out', join(dir, 'out'), '--no-progress');
    expect(predict.status).toBe(1);
    expect(predict.out).toBe(`diga: ${said}\n`);
    expect(predict.out).not.toContain('missing');
    const exported = diga('export', '--weights', state, '--out', join(dir, 'state.onnx'));
    expect(exported.status).toBe(1);
    expect(exported.out).toBe(`diga: ${said}\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  test('export with no --model builds the network the weights record', () => {
    mkdirSync(join(dir, 'onnx'));
    for (const args of [['--weights', join(weightDir, 'student.safetensors')], ['--weight-dir', weightDir]]) {
      const out = join(dir, 'onnx', `${args[0].slice(2)}.onnx`);
      const r = diga('export', ...args, '--out', out);
      expect(r.status, r.out).toBe(0);
      const meta = Object.fromEntries(decodeModel(readFileSync(out)).metadata_props.map((p) => [p.key, p.value]));
      expect(meta.preset).toBe('tiny');
    }
  });
});
