// Inference on the CPU, side by side in one run: our forward in float32 and bf16
// autocast, plain and as `diga predict` runs it (channels-last, BatchNorm folded),
// against the same network in eager PyTorch (bench/pytorch/predict.py, where Python
// has torch) and, where an exporter and onnxruntime-node are present, against
// onnxruntime on our ONNX export. Then `runPredict` over 200 images, with the RSS it holds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../data/synthetic/generate.js';
import { writeOnnx } from '../export/onnx/index.js';
import { inferenceConvs } from '../inference/convolutions.js';
import { cpuBf16 } from '../inference/cpu-bf16.js';
import { OnnxRunner } from '../inference/onnx-runner.js';
import { forward } from '../inference/forward.js';
import { SegModel } from '../models/index.js';
import { saveWeights } from '../models/weights.js';
import { runPredict } from '../stages/predict.js';
import { cpuCache, info, manualSeed, randn, tidy, type Tensor } from '../tensor/index.js';
import { median } from './report.js';

export interface PredictCase {
  model: string;
  height: number;
  width: number;
  images: number;
}

const CASES: PredictCase[] = [
  { model: 'hrnet18', height: 1024, width: 2048, images: 3 },
  { model: 'hrnet48', height: 512, width: 1024, images: 3 },
];

/** Median seconds of `images` calls of `once`, after one call that creates what they reuse (oneDNN primitives, buffers). */
async function medianSeconds(images: number, once: () => void | Promise<void>): Promise<number> {
  await once();
  const times: number[] = [];
  for (let i = 0; i < images; i++) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

/** onnxruntime on our export of `model`, or why it did not run. */
async function onnxruntime(model: SegModel, x: Tensor, images: number, threads: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'diga-bench-onnx-'));
  try {
    const file = join(dir, 'model.onnx');
    writeOnnx(model, file);
    const runner = await OnnxRunner.open(file, threads);
    try {
      return { fp32S: await medianSeconds(images, async () => (await runner.main(x)).dispose()) };
    } finally {
      await runner.dispose();
    }
  } catch (err) {
    return { error: `onnxruntime not run: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The eager PyTorch figures, or why there are none. */
function pytorch(c: PredictCase, threads: number, bf16: boolean): Record<string, unknown> {
  const python = process.env.DIGA_PYTHON ?? '/usr/bin/python3';
  const args = ['bench/pytorch/predict.py', '--preset', c.model, '--height', String(c.height), '--width', String(c.width), '--images', String(c.images), '--threads', String(threads)];
  try {
    return JSON.parse(execFileSync(python, bf16 ? [...args, '--bf16'] : args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Record<string, unknown>;
  } catch (err) {
    return { error: `PyTorch not run (${python}: ${(err as Error).message.split('\n')[0]}); set DIGA_PYTHON to a Python with torch` };
  }
}

export async function benchPredict(device = 'cpu', cases: PredictCase[] = CASES, streamImages = 200): Promise<unknown> {
  const threads = info().numThreads;
  const bf16 = cpuBf16();
  const rows: unknown[] = [];
  for (const c of cases) {
    // Each case starts without the blocks of the one before (sizes differ).
    cpuCache.empty();
    manualSeed(0);
    const model = new SegModel(c.model).to(device).eval();
    const x = randn([1, 3, c.height, c.width], { device });
    const time = (amp: 'off' | 'bf16', channelsLast: boolean) =>
      medianSeconds(c.images, () => tidy(() => void forward(model, x, { amp, channelsLast, device }, { grad: false })));
    const fp32 = await time('off', false);
    const ours: Record<string, number> = { fp32S: fp32 };
    if (bf16.native) ours.bf16S = await time('bf16', false);
    const ort = device === 'cpu' ? await onnxruntime(model, x, c.images, threads) : { error: 'CPU only' };
    model.channelsLast().foldBatchNorm();
    ours.channelsLastFp32S = await time('off', true);
    if (bf16.native) ours.channelsLastBf16S = await time('bf16', true);
    x.dispose();
    model.dispose();
    const torch = pytorch(c, threads, bf16.native);
    const torchFp32 = typeof torch.fp32S === 'number' ? torch.fp32S : null;
    rows.push({
      ...c,
      device,
      threads,
      ours,
      pytorch: torch,
      onnxruntime: ort,
      speedupOverPytorchFp32: torchFp32 === null ? null : Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, torchFp32 / v])),
      oursFp32OverOnnxruntime: typeof ort.fp32S === 'number' ? ort.fp32S / fp32 : null,
      oursPredictFp32OverOnnxruntime: typeof ort.fp32S === 'number' ? ort.fp32S / ours.channelsLastFp32S : null,
    });
  }
  // How the folded rows' convolutions ran (oneDNN direct / Winograd, or libtorch's ops), with run counts.
  return { cpuBf16: bf16, convolutions: inferenceConvs(), cases: rows, stream: await benchPredictStream(streamImages) };
}

/** `runPredict` over `count` generated images: images/s and the RSS after 20 and after all of them. */
async function benchPredictStream(count: number): Promise<unknown> {
  cpuCache.empty();
  const dir = mkdtempSync(join(tmpdir(), 'diga-bench-predict-'));
  try {
    await generateDataset({ out: join(dir, 'data'), train: 1, val: count, height: 128, width: 256, seed: 1, workers: 0 });
    const model = new SegModel('hrnet18-small');
    saveWeights(join(dir, 'w'), 'student', model);
    model.dispose();
    const rss: Array<[number, number]> = [];
    let done = 0;
    const r = await runPredict({
      inputs: [join(dir, 'data', 'leftImg8bit', 'val')],
      weights: join(dir, 'w'),
      out: join(dir, 'out'),
      save: ['color', 'overlay'],
      scales: [1],
      progress: false,
      onImage: () => {
        done++;
        if (done === 20 || done === count) rss.push([done, process.memoryUsage().rss]);
      },
    });
    return { model: 'hrnet18-small', size: [128, 256], amp: r.amp, images: r.predicted, imagesPerSecond: r.imagesPerSecond, rssBytesAfter: Object.fromEntries(rss), peakRssBytes: process.resourceUsage().maxRSS * 1024, cpuCache: cpuCache.stats() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
