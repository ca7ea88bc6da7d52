// The stages' own training steps (src/stages/step-losses.ts), timed on
// synthetic device batches with the trainer's optimiser and EMA, split into
// forward (both networks and the losses), backward and update, with the FLOPs
// of one step counted and the achieved TFLOP/s derived from them.
import { DIGA_PHOTOMETRIC } from '../augment/photometric.js';
import { CentroidBank } from '../centroids/bank.js';
import type { DenseClassMeans } from '../centroids/class-means.js';
import { resolveConfig } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { Rng } from '../data/random.js';
import { EmaTeacher } from '../optim/ema.js';
import { GradScaler } from '../optim/grad-scaler.js';
import { createOptimizer } from '../engine/trainer.js';
import { ImageDecoder, ImageEncoder, TRANSLATOR_PRESETS } from '../models/index.js';
import type { FrozenTranslator } from '../stages/step-terms.js';
import { disposeBatch, type DeviceBatch } from '../data/device-batch.js';
import { createModel, prepareRuntime, rankDevice } from '../engine/runtime.js';
import { selfTrainLoss, warmupLoss } from '../stages/step-losses.js';
import { median } from './report.js';
import { countFlops, cuda, full, keep, manualSeed, memory, noGrad, randint, randn, tidy, type FlopCount } from '../tensor/index.js';

export interface TrainStepCase {
  stage: 'warm-up' | 'self-train';
  /** Domain adaptation's step (DeepLabV2, the translator's mixture, its preset's losses); null: semi-supervised. */
  source?: 'gta5' | 'synthia' | null;
  /** The frozen translator's sizes in an adaptation step. */
  translator?: 'published' | 'small' | 'tiny';
  model: string;
  height: number;
  width: number;
  /** Labelled (and, for self-training, unlabelled) samples per step; the paper uses 3 + 3. */
  batch: number;
  amp?: RunConfig['amp'];
  channelsLast?: boolean;
  activationCheckpointing?: boolean;
}

export interface TrainStepResult extends Required<TrainStepCase> {
  device: string;
  /** Median seconds per whole step. */
  stepS: number;
  /** Median seconds of each part: both forwards and the losses, backward, EMA + SGD. */
  forwardS: number;
  backwardS: number;
  updateS: number;
  /** FLOPs of one step (convolutions and matrix products, forward and backward). */
  flops: FlopCount;
  /** flops.total / stepS. */
  tflopsPerS: number;
  peakRssBytes: number;
  peakDeviceBytes?: number;
}

function syntheticBatch(n: number, h: number, w: number, device: string, pseudo: boolean, classes: number): DeviceBatch {
  return {
    images: keep(randn([n, 3, h, w], { device })),
    labels: keep(randint(0, classes, [n, h, w], { device })),
    pseudo: pseudo ? keep(randint(0, classes, [n, h, w], { device })) : undefined,
    names: Array.from({ length: n }, (_, i) => `synthetic-${i}`),
    n,
  };
}

export function benchTrainStep(c: TrainStepCase, device = 'cpu', steps = 3): TrainStepResult {
  const settled: Required<TrainStepCase> = { amp: 'auto', channelsLast: false, activationCheckpointing: false, source: null, translator: 'published', ...c };
  const cfg = rankDevice(
    resolveConfig({
      preset: settled.source ?? undefined,
      overrides: { model: c.model, device, amp: settled.amp, channelsLast: settled.channelsLast, activationCheckpointing: settled.activationCheckpointing },
    }),
    'training',
  );
  prepareRuntime(cfg); // cuDNN autotuning as in training
  manualSeed(0);
  const student = createModel(cfg).train();
  const teacher = createModel(cfg).train();
  const opt = createOptimizer(student, cfg);
  const ema = new EmaTeacher(teacher.parameters(), student.parameters(), { maxAlpha: cfg.emaMax });
  const scaler = cfg.amp === 'fp16' ? new GradScaler() : null;
  const photometric = { ...DIGA_PHOTOMETRIC, beta: cfg.augBeta, space: cfg.augSpace, order: student.family.inputOrder };
  const translator = settled.source ? randomTranslator(settled.translator, device) : undefined;
  const k = student.classes;
  const bank = new CentroidBank(k, student.featureChannels, device, { maxCount: cfg.centroidCountCap });
  tidy(() => bank.loadStateDict({ centroids: randn([k, student.featureChannels], { device }), count: full([k], 100, { device }) }));
  const s = syntheticBatch(c.batch, c.height, c.width, device, false, k);
  const t = syntheticBatch(c.batch, c.height, c.width, device, true, k);
  const models = { student, teacher, cfg, photometric, bank, translator };
  const updateCentroids = (m: DenseClassMeans) => bank.movingAverageUpdateDense(m.means, m.keep, cfg.centroidMomentum);
  const sync = () => {
    if (device.startsWith('cuda')) cuda.synchronize(device);
  };
  const now = () => Number(process.hrtime.bigint()) / 1e9;

  const step = (iter: number, times?: number[][]) => {
    const t0 = now();
    const loss = tidy(() => {
      noGrad(() => ema.update(iter));
      const rng = Rng.fromSeed(0).fork(`bench-${iter}`);
      if (c.stage === 'warm-up') return warmupLoss(models, s, rng, cfg.unlabelledBnPass ? t : undefined).loss;
      const o = selfTrainLoss(models, s, t, rng);
      for (const means of o.centroidMeans) updateCentroids(means);
      return o.loss;
    });
    sync();
    const t1 = now();
    if (scaler) {
      using scaled = scaler.scaleLoss(loss);
      scaled.backward();
    } else {
      loss.backward();
    }
    loss.dispose();
    sync();
    const t2 = now();
    if (scaler) scaler.step(opt, student.parameters());
    else opt.step();
    opt.zeroGrad();
    sync();
    times?.push([now() - t0, t1 - t0, t2 - t1, now() - t2]);
  };

  step(0); // warm-up: allocator, cuDNN autotuning
  if (device.startsWith('cuda')) cuda.resetPeakMemoryStats(device);
  const times: number[][] = [];
  for (let i = 1; i <= steps; i++) step(i, times);
  const { flops } = countFlops(() => step(steps + 1));
  const stepS = median(times.map((x) => x[0]));
  const result: TrainStepResult = {
    ...settled,
    amp: cfg.amp,
    device,
    stepS,
    forwardS: median(times.map((x) => x[1])),
    backwardS: median(times.map((x) => x[2])),
    updateS: median(times.map((x) => x[3])),
    flops,
    tflopsPerS: flops.total / stepS / 1e12,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (device.startsWith('cuda')) {
    const index = device.includes(':') ? device : 'cuda:0';
    result.peakDeviceBytes = memory().cuda.find((d) => d.device === index)?.peakAllocated;
  }
  disposeBatch(s);
  disposeBatch(t);
  bank.dispose();
  opt.dispose();
  student.dispose();
  teacher.dispose();
  translator?.dispose();
  return result;
}

/** A translator of the given sizes with its fresh random weights: the step costs the same as a trained one's. */
function randomTranslator(preset: 'published' | 'small' | 'tiny', device: string): FrozenTranslator & { dispose(): void } {
  const p = TRANSLATOR_PRESETS[preset];
  const enc = new ImageEncoder(p.encoder).to(device).eval();
  const dec = new ImageDecoder(p.decoder).to(device).eval();
  return {
    translate: (x) => noGrad(() => tidy(() => dec.forward(enc.forward(x)))),
    dispose: () => {
      enc.dispose();
      dec.dispose();
    },
  };
}

/** CPU-sized cases by default; the paper's configuration (W48, 3 + 3 at 512×1024) on CUDA. */
export function defaultTrainStepCases(device: string): TrainStepCase[] {
  if (device.startsWith('cuda')) {
    const paper = { model: 'hrnet48', height: 512, width: 1024, batch: 3 };
    // The adaptation's published step: DeepLabV2 ResNet-101, 3 source + 3 target crops of 512×896.
    const adaptation = { source: 'gta5' as const, model: 'deeplabv2', height: 512, width: 896, batch: 3 };
    return [
      { stage: 'warm-up', ...adaptation, amp: 'off' },
      { stage: 'warm-up', ...adaptation, amp: 'bf16' },
      { stage: 'self-train', ...adaptation, amp: 'bf16' },
      { stage: 'warm-up', ...paper, amp: 'off' },
      { stage: 'warm-up', ...paper, amp: 'bf16' },
      { stage: 'warm-up', ...paper, amp: 'bf16', channelsLast: true },
      { stage: 'self-train', ...paper, amp: 'off' },
      { stage: 'self-train', ...paper, amp: 'bf16' },
      { stage: 'self-train', ...paper, amp: 'bf16', activationCheckpointing: true },
    ];
  }
  return [
    { stage: 'warm-up', model: 'hrnet18-small', height: 128, width: 256, batch: 3 },
    { stage: 'self-train', model: 'hrnet18-small', height: 128, width: 256, batch: 3 },
    { stage: 'warm-up', model: 'hrnet18', height: 256, width: 512, batch: 1, amp: 'off' },
    { stage: 'warm-up', model: 'hrnet18', height: 256, width: 512, batch: 1, amp: 'bf16' },
    // Domain adaptation: the demo's networks, and the published ones on small crops.
    { stage: 'warm-up', source: 'gta5', translator: 'small', model: 'deeplabv2-small', height: 128, width: 224, batch: 3 },
    { stage: 'self-train', source: 'gta5', translator: 'small', model: 'deeplabv2-small', height: 128, width: 224, batch: 3 },
    { stage: 'warm-up', source: 'gta5', model: 'deeplabv2', height: 256, width: 448, batch: 1, amp: 'off' },
  ];
}

export function benchTrainSteps(device = 'cpu', cases = defaultTrainStepCases(device)): TrainStepResult[] {
  return cases.map((c) => {
    process.stderr.write(`[bench] train step ${c.source ? `${c.source} ` : ''}${c.stage} ${c.model} ${c.batch}×${c.height}×${c.width} amp ${c.amp ?? 'auto'}\n`);
    return benchTrainStep(c, device);
  });
}
