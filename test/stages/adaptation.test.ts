// Domain adaptation end to end on tiny generated data: the translator, warm-up,
// pseudo-labels, centroids, self-training and evaluation in the GTA5 setting; the
// SYNTHIA setting (16-bit labels, 16 classes, OHEM, the linear warm-up ramp); and
// an interrupted translator that resumes to exactly the weights of an unbroken run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readStateDict } from '../../src/checkpoint/index.js';
import { resolveConfig } from '../../src/config/load.js';
import type { PartialRunConfig, RunConfig } from '../../src/config/schema.js';
import { generateDataset } from '../../src/data/synthetic/generate.js';
import { generateSourceDataset } from '../../src/data/synthetic/generate-source.js';
import { CITYSCAPES_19, labelSet } from '../../src/labels/index.js';
import { formatIouTable } from '../../src/metrics/table.js';
import { runCentroids } from '../../src/stages/centroids.js';
import { runEvaluate } from '../../src/stages/evaluate.js';
import { runPseudoLabel } from '../../src/stages/pseudo-label.js';
import { runSelfTrain } from '../../src/stages/self-train.js';
import { runTranslate } from '../../src/stages/translate.js';
import { runWarmUp } from '../../src/stages/warm-up.js';
import { memory } from '../../src/tensor/index.js';
import { runFolders } from '../helpers.js';
import { limitFor } from '../limits.js';

let root: string;
let target: string;
let gta5: string;
let synthia: string;

/** SYNTHIA ids of the Cityscapes label ids the generator draws (by class), for a SYNTHIA-layout copy. */
const SYNTHIA_ID: Record<number, number> = { 7: 3, 8: 4, 11: 2, 12: 21, 13: 5, 17: 7, 19: 15, 20: 9, 21: 6, 23: 1, 24: 10, 25: 17, 26: 8, 28: 19, 32: 12, 33: 11 };

/** The generated GTA5-layout set rewritten in SYNTHIA's layout: RGB/, GT/LABELS/ with 16-bit 3-channel labels. */
async function toSynthia(from: string, to: string): Promise<void> {
  mkdirSync(join(to, 'RGB'), { recursive: true });
  mkdirSync(join(to, 'GT', 'LABELS'), { recursive: true });
  const names = readdirSync(join(from, 'images')).sort();
  for (const name of names) {
    writeFileSync(join(to, 'RGB', name), readFileSync(join(from, 'images', name)));
    const { data, info } = await sharp(join(from, 'labels', name)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const out = new Uint16Array(info.width * info.height * 3);
    for (let i = 0; i < data.length; i++) out[i * 3] = SYNTHIA_ID[data[i]] ?? 0;
    writeFileSync(join(to, 'GT', 'LABELS', name), Buffer.from(encode({ width: info.width, height: info.height, data: out, depth: 16, channels: 3 })));
  }
  writeFileSync(join(to, 'train.txt'), `${names.join('\n')}\n`);
}

function config(name: string, preset: 'gta5' | 'synthia', extra: PartialRunConfig = {}): RunConfig {
  const lists = join(target, 'lists');
  return resolveConfig({
    preset,
    overrides: {
      ...runFolders(join(root, name)),
      cityDataPath: target,
      sourceDataPath: preset === 'gta5' ? gta5 : synthia,
      dataListPathCityImg: join(lists, 'train.txt'),
      dataListPathCityLbl: join(lists, 'train_label.txt'),
      dataListPathTrainImg: join(lists, 'train.txt'),
      dataListPathTrainLbl: join(lists, 'train_label.txt'),
      dataListPathValImg: join(lists, 'val.txt'),
      dataListPathValLbl: join(lists, 'val_label.txt'),
      model: 'deeplabv2-tiny',
      translator: 'tiny',
      cropSize: [64, 96],
      sourceSizes: [[64, 128], [96, 192]],
      targetSizes: [[64, 128], [96, 192]],
      evalScales: [[96, 192], [64, 128]],
      steps: 4,
      selfTrainSteps: 4,
      translatorSteps: 4,
      translatorSaveEvery: 2,
      evalEvery: 2,
      checkpointEvery: 2,
      logEvery: 1,
      imageEvery: 2,
      loaderConcurrency: 2,
      centroidEpochs: 1,
      lr: 1e-3,
      ...extra,
    },
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'diga-adapt-'));
  target = join(root, 'cityscapes');
  gta5 = join(root, 'gta5');
  synthia = join(root, 'synthia');
  await generateDataset({ out: target, train: 8, val: 3, height: 96, width: 192, seed: 2, labelledFraction: 0.125, workers: 0 });
  await generateSourceDataset({ out: gta5, count: 8, height: 96, width: 192, seed: 3, workers: 0 });
  await toSynthia(gta5, synthia);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('domain adaptation, stage by stage', () => {
  test('GTA5: translate → warm-up → pseudo-label → centroids → self-train → evaluate', async () => {
    const live = memory().numTensors;
    const cfg = config('gta5', 'gta5');
    const lines: string[] = [];
    const say = (l: string) => lines.push(l);
    const t = await runTranslate(cfg, { say });
    expect(t.iterations).toBe(4);
    for (const f of ['enc_s.safetensors', 'dec_s2t.safetensors', 'translator-state.safetensors']) expect(existsSync(join(cfg.weightDir, f)), f).toBe(true);
    expect(lines.some((l) => l.includes('perceptual loss left out'))).toBe(true);
    expect(readdirSync(cfg.genImgDir).filter((f) => f.startsWith('translate-'))).toHaveLength(2);

    const warm = await runWarmUp(cfg, { say });
    expect(warm.iterations).toBe(4);
    expect(warm.bestMiou).not.toBeNull();
    expect(lines.some((l) => l.startsWith('translator from '))).toBe(true);
    const log = readFileSync(join(cfg.logDir, 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Poly with power 0.9 on the backbone rate (the head's is ten times it, inside SGD).
    const rates = log.filter((r) => r.kind === 'step').map((r) => r.lr);
    expect(rates[1]).toBeCloseTo(1e-3 * (1 - 1 / 4) ** 0.9, 12);

    const pl = await runPseudoLabel(cfg);
    expect(pl.images).toBe(8);
    const c = await runCentroids(cfg);
    expect(existsSync(c.file)).toBe(true);
    const st = await runSelfTrain({ ...cfg, centroidDir: c.file });
    expect(st.iterations).toBe(4);
    // The translator travels with the best self-trained weights, for a refined round.
    expect(existsSync(join(cfg.saveWeightDir, 'enc_s.safetensors'))).toBe(true);
    const ev = await runEvaluate({ ...cfg, loadWeightDir: cfg.saveWeightDir });
    expect(ev.iou).toHaveLength(19);
    expect(memory().numTensors).toBe(live);
  }, limitFor(64.1));

  test('SYNTHIA: 16-bit labels, 16 classes, OHEM and the linear warm-up ramp; the 13-class mean', async () => {
    const cfg = config('synthia', 'synthia', { model: 'deeplabv2-tiny', labels: 'cityscapes-16' });
    // The tiny preset has 19 classes; the 16-class run needs a 16-class network.
    await expect(runWarmUp(cfg)).rejects.toThrow(/19 classes, but the label set cityscapes-16 has 16/);
    const tiny16 = { ...cfg, model: 'deeplabv2-tiny-c16' };
    await runTranslate(tiny16);
    const warm = await runWarmUp(tiny16);
    expect(warm.iterations).toBe(4);
    const log = readFileSync(join(cfg.logDir, 'warm-up.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((r) => r.kind === 'step').map((r) => r.lr)).toEqual([0, 1e-3 / 4, 2e-3 / 4, 3e-3 / 4]);
    const ev = await runEvaluate(tiny16);
    expect(ev.iou).toHaveLength(16);
    expect(formatIouTable(ev, labelSet('cityscapes-16'))).toMatch(/mIoU-13 +(\d+\.\d\d|n\/a)/);
  }, limitFor(90.5));

  test('an interrupted translator resumes to the weights of an unbroken run, bit for bit', async () => {
    const whole = config('translate-whole', 'gta5');
    await runTranslate(whole);
    const part = config('translate-part', 'gta5', { stopAt: 2 });
    const first = await runTranslate(part);
    expect(first).toMatchObject({ iterations: 2, interrupted: true });
    // A fresh run refuses the folder; --resume continues it.
    await expect(runTranslate({ ...part, stopAt: 0 })).rejects.toThrow(/already holds a translator .*--resume/);
    const rest = await runTranslate({ ...part, stopAt: 0, resume: true });
    expect(rest).toMatchObject({ iterations: 4, interrupted: false });
    for (const name of ['enc_s.safetensors', 'dec_s2t.safetensors']) {
      const a = readStateDict(join(whole.weightDir, name));
      const b = readStateDict(join(part.weightDir, name));
      for (const [k, t] of a) expect(Buffer.compare(Buffer.from(t.data), Buffer.from(b.get(k)!.data)), `${name} ${k}`).toBe(0);
    }
  });

  test('an interrupted adaptation warm-up resumes to the state of an unbroken run, bit for bit', async () => {
    const whole = config('warm-whole', 'gta5');
    const part = config('warm-part', 'gta5');
    for (const c of [whole, part]) await runTranslate(c);
    await runWarmUp(whole);
    const first = await runWarmUp({ ...part, stopAt: 2 });
    expect(first).toMatchObject({ iterations: 2, interrupted: true });
    await runWarmUp({ ...part, resume: true });
    const a = readStateDict(join(whole.weightDir, 'state.safetensors'));
    const b = readStateDict(join(part.weightDir, 'state.safetensors'));
    const compared = [...a.keys()].filter((k) => k.startsWith('student.') || k.startsWith('teacher.') || k.startsWith('optim.'));
    expect(compared.length).toBeGreaterThan(100);
    for (const k of compared) expect(Buffer.compare(Buffer.from(a.get(k)!.data), Buffer.from(b.get(k)!.data)), k).toBe(0);
  }, limitFor(41));

  test('bad input is named: a missing source folder, a missing translator', async () => {
    await expect(runWarmUp(config('bad', 'gta5', { sourceDataPath: join(root, 'nowhere') }))).rejects.toThrow(/nowhere/);
    await expect(runWarmUp(config('no-translator', 'gta5'))).rejects.toThrow(/no enc_s weights in .*no-translator.*diga translate/);
  });
});

test('label ids the generator draws all have a SYNTHIA id (the copy above loses no class)', () => {
  for (const id of CITYSCAPES_19.trainIdToLabelId) if (![22, 27, 31].includes(id)) expect(SYNTHIA_ID[id], `label id ${id}`).toBeDefined();
});
