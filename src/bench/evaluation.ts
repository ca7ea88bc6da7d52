// Evaluation throughput: the evaluate stage's own loop (decode, upload,
// multi-scale prediction, confusion matrix) on a generated validation set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../config/load.js';
import { CityscapesDataset } from '../data/dataset.js';
import { generateDataset } from '../data/synthetic/generate.js';
import { SegModel } from '../models/index.js';
import { evaluateModel } from '../inference/validation.js';
import { rankDevice } from '../engine/runtime.js';

export interface EvalBenchCase {
  model: string;
  height: number;
  width: number;
  /** Scales as [height, width] pairs; the paper uses full size and half size. */
  scales: [number, number][];
  images: number;
  /** Images per forward (--eval-batch); default 1. */
  batch?: number;
}

export interface EvalBenchResult extends EvalBenchCase {
  device: string;
  imagesPerSecond: number;
  peakRssBytes: number;
}

export async function benchEvaluation(c: EvalBenchCase, device = 'cpu'): Promise<EvalBenchResult> {
  const temp = mkdtempSync(path.join(tmpdir(), 'diga-bench-eval-'));
  try {
    const summary = await generateDataset({ out: temp, train: 1, val: c.images, height: c.height, width: c.width, seed: 0 });
    const dataset = await CityscapesDataset.open({ root: temp, split: 'val', imageList: summary.lists.val!.images, labelList: summary.lists.val!.labels });
    const cfg = rankDevice(resolveConfig({ overrides: { model: c.model, device, evalScales: c.scales, evalLimit: 0, evalBatch: c.batch ?? 1 } }), 'labels');
    const model = new SegModel(c.model).to(device);
    try {
      await evaluateModel(model, dataset, { ...cfg, evalLimit: 1 }); // allocator and autotuning warm-up
      const r = await evaluateModel(model, dataset, cfg);
      return { ...c, device, imagesPerSecond: r.images / r.seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
    } finally {
      model.dispose();
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export function defaultEvalCases(device: string): EvalBenchCase[] {
  if (device.startsWith('cuda')) {
    const paper = { model: 'hrnet48', height: 1024, width: 2048, scales: [[1024, 2048], [512, 1024]] as [number, number][], images: 24 };
    return [paper, { ...paper, batch: 4 }];
  }
  return [
    { model: 'hrnet18-small', height: 256, width: 512, scales: [[256, 512], [128, 256]], images: 12 },
    { model: 'hrnet18', height: 256, width: 512, scales: [[256, 512], [128, 256]], images: 6 },
  ];
}

export async function benchEvaluations(device = 'cpu', cases = defaultEvalCases(device)): Promise<EvalBenchResult[]> {
  const out: EvalBenchResult[] = [];
  for (const c of cases) out.push(await benchEvaluation(c, device));
  return out;
}
