// `diga export --format onnx` on weights saved as the stages save them, and refusals that
// name what is wrong.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { saveWeights } from '../../src/models/weights.js';
import { decodeModel } from '../../src/export/onnx/index.js';
import { manualSeed, randn } from '../../src/tensor/index.js';
import { randomModel, relativeError, runOrt, session } from '../export/helpers.js';
import { runDiga as diga } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-export-'));
const weightDir = join(dir, 'weights');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = randomModel('tiny', 31);
beforeAll(() => {
  saveWeights(weightDir, 'student', model);
});

describe.skipIf(!existsSync('dist/cli/main.js'))('diga export', () => {
  test('writes a model that onnxruntime runs as the native forward does', async () => {
    const out = join(dir, 'tiny.onnx');
    const r = diga('export', '--format', 'onnx', '--model', 'tiny', '--weight-dir', weightDir, '--out', out, '--outputs', 'main,features');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/wrote .*tiny\.onnx \(ONNX opset 17, outputs main, features/);
    const bytes = readFileSync(out);
    const meta = Object.fromEntries(decodeModel(bytes).metadata_props.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({ preset: 'tiny', weights: 'student.safetensors', weights_role: 'student' });
    const s = await session(bytes);
    expect(s.outputNames).toEqual(['main', 'pixel_features']);
    manualSeed(32);
    const x = randn([2, 3, 32, 48]);
    const got = await runOrt(s, x);
    const ref = model.forward(x, { grad: false });
    expect(relativeError(got.main, ref.main)).toBeLessThan(1e-4);
    expect(relativeError(got.pixel_features, ref.pixelFeatures)).toBeLessThan(1e-4);
    await s.release();

    // The same weights named as one file; an existing --out needs --overwrite.
    const again = ['export', '--model', 'tiny', '--weights', join(weightDir, 'student.safetensors'), '--out', out];
    expect(diga(...again).out).toMatch(/tiny\.onnx exists; pass --overwrite to replace it/);
    expect(diga(...again, '--overwrite').status).toBe(0);
  });

  test('bad input is refused with what is wrong, and nothing is written', () => {
    const out = join(dir, 'bad.onnx');
    const base = ['export', '--model', 'tiny', '--out', out];
    const cases: Array<[string[], RegExp]> = [
      [['--weight-dir', weightDir, '--outputs', 'main,logits'], /--outputs: unknown output "logits"; known outputs: main, aux, features/],
      [['--weight-dir', weightDir, '--format', 'tflite'], /--format tflite: unknown export format; known formats: onnx/],
      [['--weight-dir', join(dir, 'nowhere')], /no student weights in .*nowhere/],
      [[], /give the weights to export: --weight-dir <dir> or --weights <file>/],
    ];
    for (const [args, message] of cases) {
      const r = diga(...base, ...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.out, args.join(' ')).toMatch(message);
    }
    expect(diga('export', '--model', 'hrnet18-small', '--weight-dir', weightDir, '--out', out).out).toMatch(/does not fit the model --model hrnet18-small/);
    // A family without an exporter is refused by name before any weights are read.
    const deeplab = diga('export', '--model', 'deeplabv2-tiny', '--weight-dir', weightDir, '--out', out);
    expect(deeplab.status).not.toBe(0);
    expect(deeplab.out).toMatch(/--model deeplabv2-tiny is a deeplabv2 network, which has no ONNX export yet; families with one: hrnet-ocr/);
    expect(existsSync(out)).toBe(false);
  });

  test('--out is checked before the export: never the weights, a folder, another kind of file or a system folder', () => {
    const weights = join(weightDir, 'student.safetensors');
    const before = readFileSync(weights);
    const base = ['export', '--model', 'tiny', '--weight-dir', weightDir];
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'mine');
    const cases: Array<[string[], string]> = [
      [['--out', weights, '--overwrite'], `--out ${weights} is a file this command reads`],
      [['--out', folder, '--overwrite'], `--out ${folder} is a folder; name the file to write in it`],
      [['--out', notes, '--overwrite'], `--out ${notes} exists and is not a .onnx file`],
      [['--out', '/proc/diga.onnx'], '--out /proc/diga.onnx: /proc is a system folder'],
    ];
    for (const [args, message] of cases) {
      const r = diga(...base, ...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.out, args.join(' ')).toContain(message);
    }
    expect(readFileSync(weights).equals(before)).toBe(true);
    expect(readFileSync(notes, 'utf8')).toBe('mine');
  });

  test('--out in a folder still to be made: the folder is made', () => {
    const out = join(dir, 'new', 'deeper', 'tiny.onnx');
    const r = diga('export', '--model', 'tiny', '--weight-dir', weightDir, '--out', out);
    expect(r.status, r.out).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
