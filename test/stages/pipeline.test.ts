// End to end on tiny generated data: every stage runs for a few steps, writes
// what it should, and a resumed run continues exactly where it stopped.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoLists } from '../../src/config/defaults.js';
import { resolveConfig } from '../../src/config/load.js';
import type { RunConfig } from '../../src/config/schema.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { readPthTensor, readStateDict, writePth } from '../../src/checkpoint/index.js';
import { runCentroids } from '../../src/stages/centroids.js';
import { runEvaluate } from '../../src/stages/evaluate.js';
import { evaluateModel } from '../../src/inference/validation.js';
import { openDataset } from '../../src/engine/datasets.js';
import { SegModel } from '../../src/models/index.js';
import { runPseudoLabel } from '../../src/stages/pseudo-label.js';
import { runSelfTrain } from '../../src/stages/self-train.js';
import { resolveAmp } from '../../src/inference/forward.js';
import { runWarmUp } from '../../src/stages/warm-up.js';
import { memory } from '../../src/tensor/index.js';
import { runFolders } from '../helpers.js';
import { limitFor } from '../limits.js';
import { imagesOf, readEventDir, scalarsOf, textsOf } from '../../src/tensorboard/index.js';
import { buildReport, reportFromLogs } from '../../src/report/build-report.js';
import { readRunLogs } from '../../src/report/run-logs.js';

let root: string;
let data: string;

function config(name: string, extra: Partial<RunConfig> = {}): RunConfig {
  const work = join(root, name);
  return resolveConfig({
    preset: 'demo',
    overrides: {
      ...demoLists(data),
      ...runFolders(work),
      model: 'tiny',
      steps: 4,
      evalEvery: 2,
      checkpointEvery: 2,
      logEvery: 1,
      imageEvery: 2,
      cropSize: [32, 64],
      fullSize: [64, 128],
      evalScales: [[64, 128], [32, 64]],
      loaderConcurrency: 2,
      ...extra,
    },
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'diga-stages-'));
  data = join(root, 'data');
  await generateDataset({ out: data, train: 16, val: 4, height: 64, width: 128, seed: 1, labelledFraction: 0.125, workers: 0 });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the five stages end to end', () => {
  test('warm-up → pseudo-label → centroids → self-train → evaluate', async () => {
    const cfg = config('run');
    const warm = await runWarmUp(cfg);
    expect(warm.iterations).toBe(4);
    expect(warm.bestMiou).toBeGreaterThanOrEqual(0);
    for (const f of ['student.safetensors', 'teacher.safetensors', 'state.safetensors']) expect(existsSync(join(cfg.weightDir, f))).toBe(true);
    const log = readFileSync(join(cfg.logDir, 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((r) => r.kind === 'step')).toHaveLength(4);
    expect(log.filter((r) => r.kind === 'eval')).toHaveLength(2);
    expect(existsSync(join(cfg.logDir, 'warm-up-loss.png'))).toBe(true);
    expect(readdirSync(cfg.genImgDir).filter((f) => f.startsWith('warm-up'))).toHaveLength(2);
    // The same records as TensorBoard events, one folder (one TensorBoard run) per stage.
    const warmEvents = readEventDir(join(cfg.logDir, 'tensorboard', 'warm-up')).events;
    const warmScalars = scalarsOf(warmEvents);
    for (const tag of ['loss/loss', 'lr', 'time/seconds_per_step', 'memory/peak']) expect(warmScalars.get(tag)?.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(warmScalars.get('val/mIoU')?.map((p) => p.step)).toEqual([2, 4]);
    const lastEval = log.filter((r) => r.kind === 'eval').at(-1);
    expect(warmScalars.get('val/mIoU')!.at(-1)!.value).toBeCloseTo(lastEval.miou * 100, 4);
    expect(warmScalars.get('val/IoU/road')!.at(-1)!.value).toBeCloseTo(lastEval.iou[0] * 100, 4);
    expect(imagesOf(warmEvents).get('samples/grid')?.map((p) => p.step)).toEqual([2, 4]);
    expect(textsOf(warmEvents).get('run/command')).toHaveLength(1);
    expect(textsOf(warmEvents).get('run/config')![0].text).toContain('| model | `"tiny"` |');

    const pl = await runPseudoLabel(cfg);
    expect(pl.images).toBe(14);
    const pngs = readdirSync(cfg.pseudoDir);
    expect(pngs).toHaveLength(14);
    expect(pngs.every((f) => f.endsWith('_leftImg8bit.png'))).toBe(true);

    const c = await runCentroids({ ...cfg, centroidEpochs: 1 });
    expect(c.steps).toBe(16);
    // The published file: <centroid-dir>/feat_centroids, what torch.save(tensor) writes.
    expect(c.file).toBe(join(cfg.centroidDir, 'feat_centroids'));
    expect(readPthTensor(c.file)).toMatchObject({ dtype: 'float32', shape: [19, 32] });

    // The live tensor count stays flat from step to step (pictures on steps 2 and 4 included).
    // and every tensor the stage made is released when it returns.
    const counts: number[] = [];
    const before = memory().numTensors;
    const st = await runSelfTrain(cfg, { onStep: () => counts.push(memory().numTensors) });
    expect(st.iterations).toBe(4);
    expect(new Set(counts).size).toBe(1);
    expect(memory().numTensors).toBeLessThanOrEqual(before);
    expect(existsSync(join(cfg.saveWeightDir, 'student.safetensors'))).toBe(true);
    expect(readdirSync(cfg.genImgDir).filter((f) => f.startsWith('self-train'))).toHaveLength(2);
    const selfScalars = scalarsOf(readEventDir(join(cfg.logDir, 'tensorboard', 'self-train')).events);
    for (const tag of ['consensus/kept', 'centroids/drift']) expect(selfScalars.get(tag)?.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(selfScalars.get('consensus/kept')!.every((p) => p.value >= 0 && p.value <= 1)).toBe(true);
    // The report read from the events alone draws the same training curves and evaluations.
    const fromLogs = buildReport(join(root, 'run'), { warn: () => {} });
    const fromEvents = reportFromLogs(join(root, 'run'), readRunLogs(join(root, 'run'), { fromEvents: true, warn: () => {} }));
    expect(fromEvents.training.map((t) => t.label)).toEqual(['warm-up', 'self-train']);
    fromEvents.training.forEach((t, i) => {
      const l = fromLogs.training[i];
      expect(t.lr.map(([s]) => s)).toEqual(l.lr.map(([s]) => s));
      t.lr.forEach(([, v], j) => expect(v).toBeCloseTo(l.lr[j][1], 6));
      expect(t.terms.map((x) => x.name).sort()).toEqual(l.terms.map((x) => x.name).sort());
      expect(t.miou.map(([s]) => s)).toEqual(l.miou.map(([s]) => s));
      t.miou.forEach(([, v], j) => expect(v).toBeCloseTo(l.miou[j][1], 6));
    });
    expect(fromEvents.classes?.columns.length).toBe(fromLogs.classes?.columns.length);

    const json = join(root, 'run', 'output', 'eval.json');
    const ev = await runEvaluate({ ...cfg, loadWeightDir: cfg.saveWeightDir }, { json });
    expect(ev.images).toBe(4);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(written.iou).toHaveLength(19);
    expect(typeof written.miou).toBe('number');
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['miou', 'iou', 'overall_acc', 'mean_acc', 'fwavacc']));

    // A weight folder as the published code leaves it: student.pth (zip format).
    const published = join(root, 'published');
    mkdirSync(published);
    writePth(join(published, 'student.pth'), readStateDict(join(cfg.saveWeightDir, 'student.safetensors')));
    const fromPth = await runEvaluate({ ...cfg, loadWeightDir: published });
    expect(fromPth.weights).toMatch(/student\.pth$/);
    expect(fromPth.miou).toBe(ev.miou);

    // Batched evaluation and pseudo-labelling (eval-mode BatchNorm: samples stay independent).
    const batched = await runEvaluate({ ...cfg, loadWeightDir: cfg.saveWeightDir, evalBatch: 3 });
    expect(batched.images).toBe(4);
    // The 4 images come in forwards of 3 and 1.
    const seen: number[] = [];
    const model = new SegModel(cfg.model);
    await evaluateModel(model, await openDataset(cfg, 'val'), { ...cfg, evalBatch: 3 }, (done) => seen.push(done));
    model.dispose();
    expect(seen).toEqual([3, 4]);
    expect(batched.miou!).toBeCloseTo(ev.miou!, 6);
    const again = await runPseudoLabel({ ...cfg, evalBatch: 4 }, { outDir: join(root, 'pseudo-batched') });
    expect(again.quality!.miou!).toBeCloseTo(pl.quality!.miou!, 6);
    expect(readdirSync(join(root, 'pseudo-batched')).sort()).toEqual(pngs.sort());
  }, limitFor(82.1));

  test('an interrupted warm-up resumes at the same step with the same state', async () => {
    const straight = config('straight');
    await runWarmUp(straight);

    const cut = config('cut');
    const first = await runWarmUp(cut, { onStep: (n) => n === 2 && process.emit('SIGINT') });
    expect(first.interrupted).toBe(true);
    expect(first.iterations).toBe(2);
    const resumed = await runWarmUp({ ...cut, resume: true });
    expect(resumed.interrupted).toBe(false);
    expect(resumed.iterations).toBe(4);

    const a = readStateDict(join(straight.weightDir, 'state.safetensors'));
    const b = readStateDict(join(cut.weightDir, 'state.safetensors'));
    // Student, teacher, momentum buffers and generator states: bit for bit.
    expect([...b.keys()]).toEqual([...a.keys()]);
    const different = [...a.keys()].filter((k) => !a.get(k)!.data.equals(b.get(k)!.data));
    expect(different).toEqual([]);
    // TensorBoard: the resumed run writes a second file, which starts its session at its first
    // step, so TensorBoard drops anything the first file logged from there on.
    const files = readEventDir(join(cut.logDir, 'tensorboard', 'warm-up')).files;
    expect(files).toHaveLength(2);
    const starts = files[1].events.filter((e) => e.session_log?.status === 1).map((e) => e.step);
    expect(starts).toEqual([3]);
    expect(scalarsOf(files[0].events).get('lr')!.map((p) => p.step)).toEqual([1, 2]);
    expect(scalarsOf(files[1].events).get('lr')!.map((p) => p.step)).toEqual([3, 4]);
  });
});

describe('weight folders for the published code', () => {
  test("--save-format pth keeps the best weights as student.pth / teacher.pth, which evaluate reads", async () => {
    const cfg = config('pth', { steps: 2, evalEvery: 2, imageEvery: 0, saveFormat: 'pth', tensorboard: false });
    await runWarmUp(cfg);
    expect(existsSync(join(cfg.logDir, 'tensorboard'))).toBe(false);
    expect(readdirSync(cfg.weightDir).sort()).toEqual(['state.safetensors', 'student.pth', 'teacher.pth']);
    const ev = await runEvaluate({ ...cfg, loadWeightDir: cfg.weightDir });
    expect(ev.weights).toBe(join(cfg.weightDir, 'student.pth'));
  });
});

describe('speed options', () => {
  test('channels-last training computes the same losses', async () => {
    const losses: number[][] = [];
    for (const channelsLast of [false, true]) {
      const cfg = config(channelsLast ? 'nhwc' : 'nchw', { channelsLast, steps: 2, evalEvery: 2, imageEvery: 0 });
      await runWarmUp(cfg);
      const log = readFileSync(join(cfg.logDir, 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      losses.push(log.filter((r) => r.kind === 'step').map((r) => r.terms.loss as number));
    }
    expect(losses[1]).toHaveLength(2);
    losses[1].forEach((l, i) => expect(Math.abs(l - losses[0][i]) / losses[0][i]).toBeLessThan(1e-4));
  });

  test('--amp auto settles to fp32 on the CPU; bf16 autocast trains close to fp32', async () => {
    const runs: { amp: string; losses: number[] }[] = [];
    for (const amp of ['auto', 'bf16'] as const) {
      const cfg = config(`amp-${amp}`, { amp, steps: 2, evalEvery: 2, imageEvery: 0 });
      await runWarmUp(cfg);
      const log = readFileSync(join(cfg.logDir, 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      runs.push({ amp: log.find((r) => r.kind === 'start').amp, losses: log.filter((r) => r.kind === 'step').map((r) => r.terms.loss as number) });
    }
    expect(runs.map((r) => r.amp)).toEqual(['off', 'bf16']);
    // bfloat16 keeps 8 mantissa bits: the same losses to within a few per cent, but not bit-equal.
    runs[1].losses.forEach((l, i) => {
      const rel = Math.abs(l - runs[0].losses[i]) / runs[0].losses[i];
      expect(rel).toBeLessThan(0.05);
      expect(rel).toBeGreaterThan(0);
    });
  });

  test('--amp auto trains in bf16 only on GPUs with compute capability 8.0 or later', () => {
    const gpus = [{ device: 'cpu' }, { device: 'cuda:0', capability: '7.5' }, { device: 'cuda:1', capability: '9.0' }];
    expect(resolveAmp('auto', 'cpu', 'training', gpus)).toBe('off');
    expect(resolveAmp('auto', 'cuda', 'training', gpus)).toBe('off');
    expect(resolveAmp('auto', 'cuda:0', 'training', gpus)).toBe('off');
    expect(resolveAmp('auto', 'cuda:1', 'training', gpus)).toBe('bf16');
    expect(resolveAmp('auto', 'cuda:2', 'training', gpus)).toBe('off');
    expect(resolveAmp('fp16', 'cuda:0', 'training', gpus)).toBe('fp16');
    expect(resolveAmp('bf16', 'cpu', 'training', gpus)).toBe('bf16');
  });

  test('fp16 needs CUDA and says so', async () => {
    await expect(runWarmUp(config('fp16', { amp: 'fp16' }))).rejects.toThrow(/--amp fp16 needs a CUDA device/);
  });
});

describe('stage errors', () => {
  test('missing weights, missing pseudo-labels and a wrong preset are named', async () => {
    const cfg = config('errors');
    await expect(runPseudoLabel(cfg)).rejects.toThrow(/no student weights in .*warm-up/);
    await expect(runSelfTrain({ ...cfg, loadWeightDir: join(root, 'run', 'warm-up') })).rejects.toThrow(/pseudo-label/);
    await expect(runEvaluate({ ...cfg, model: 'hrnet18-small', loadWeightDir: join(root, 'run', 'warm-up') })).rejects.toThrow(/does not fit the model --model hrnet18-small/);
  });
});
