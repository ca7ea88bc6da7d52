// What every stage does first: threads, seeds, device check, models, loaders.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { createTwoScaleLoader, type TwoScaleLoader } from '../data/loader.js';
import { TwoScaleSampler, type TwoScaleState } from '../data/sampler.js';
import { distEnv } from '../distributed/env.js';
import { ProcessGroup } from '../distributed/group.js';
import { SegModel, type SegOutputs } from '../model/index.js';
import { autocast, checkDevice, cuda, info, manualSeed, setNumThreads, type Tensor } from '../tensor/index.js';

export function prepareRuntime(cfg: RunConfig): void {
  checkDevice(cfg.device);
  if (cfg.threads > 0) setNumThreads(cfg.threads);
  manualSeed(cfg.seed);
  if (cfg.amp === 'fp16' && !cfg.device.startsWith('cuda')) {
    throw new Error("--amp fp16 needs a CUDA device; on the CPU use --amp bf16 or --amp off");
  }
  if (cfg.device.startsWith('cuda')) cuda.setCudnnBenchmark(cfg.cudnnBenchmark);
}

/** This process's place in a distributed run (from the environment), or null when alone. */
export function joinProcessGroup(cfg: RunConfig): ProcessGroup | null {
  const env = distEnv();
  if (!env) return null;
  // NCCL for the gradients of CUDA training where the addon has it, as PyTorch DDP does.
  const nccl = cfg.device.startsWith('cuda') && ProcessGroup.backends().includes('nccl');
  return new ProcessGroup(env, cfg.distTimeoutS * 1000, { nccl });
}

/**
 * Each rank on its own GPU (cuda:LOCAL_RANK) when the device names none, and
 * `--amp auto` settled for that device.
 */
export function rankDevice(cfg: RunConfig): RunConfig {
  const env = distEnv();
  const device = env && cfg.device === 'cuda' ? `cuda:${env.localRank}` : cfg.device;
  return { ...cfg, device, amp: resolveAmp(cfg.amp, device) };
}

export type AmpMode = Exclude<RunConfig['amp'], 'auto'>;

/**
 * What `--amp auto` means on a device: bfloat16 on GPUs that compute in it
 * natively (compute capability 8.0 and later: A100, H100, RTX 30/40), where it
 * needs no loss scaling and halves activation memory; float32 elsewhere,
 * including the CPU, where bfloat16 convolutions are rarely faster.
 */
export function resolveAmp(amp: RunConfig['amp'], device: string, devices: { device: string; capability?: string }[] = info().devices): AmpMode {
  if (amp !== 'auto') return amp;
  if (!device.startsWith('cuda')) return 'off';
  const name = device.includes(':') ? device : 'cuda:0';
  const major = Number.parseInt(devices.find((d) => d.device === name)?.capability?.split('.')[0] ?? '', 10);
  return Number.isInteger(major) && major >= 8 ? 'bf16' : 'off';
}

/** A seed for (seed, rank): different samples per rank, deterministic. */
export function rankSeed(seed: number, group: ProcessGroup | null): number {
  return seed + 7919 * (group?.rank ?? 0);
}

/** The dataset indices this rank handles (round robin), all of them when alone. */
export function shardIndices(count: number, group: ProcessGroup | null): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  return group ? all.filter((i) => i % group.worldSize === group.rank) : all;
}

export function createModel(cfg: RunConfig): SegModel {
  const model = new SegModel(cfg.model).to(cfg.device);
  if (cfg.activationCheckpointing) model.activationCheckpointing(true);
  return cfg.channelsLast ? model.channelsLast() : model;
}

/** The eval-mode forward of pseudo-labelling and evaluation, with the run's --amp and channels-last. */
export function inferenceForward(cfg: Pick<RunConfig, 'amp' | 'channelsLast' | 'device'>): (model: SegModel, x: Tensor) => SegOutputs {
  const settled = { ...cfg, amp: resolveAmp(cfg.amp, cfg.device) } as RunConfig;
  return (model, x) => forward(model, x, settled, { grad: false });
}

/** Runs the model, under autocast when --amp asks for it; logits come back as float32. */
export function forward(model: SegModel, input: Tensor, cfg: RunConfig, options: { grad?: boolean } = {}): SegOutputs {
  const x = cfg.channelsLast ? input.contiguous('channelsLast') : input;
  if (cfg.amp === 'off') return model.forward(x, options);
  if (cfg.amp === 'auto') throw new Error('forward: --amp auto must be settled first (rankDevice)');
  const deviceType = cfg.device.startsWith('cuda') ? 'cuda' : 'cpu';
  const dtype = cfg.amp === 'bf16' ? 'bfloat16' : 'float16';
  const out = autocast({ deviceType, dtype }, () => model.forward(x, options));
  const f32 = (t: Tensor) => {
    if (t.dtype === 'float32') return t;
    const c = t.float();
    t.dispose();
    return c;
  };
  return { backbone: f32(out.backbone), aux: f32(out.aux), main: f32(out.main), pixelFeatures: f32(out.pixelFeatures) };
}

/** An endless two-scale loader over `dataset`, continuing from `state` on resume. */
export function twoScaleLoader(
  cfg: RunConfig,
  dataset: CityscapesDataset,
  options: { seed: number; highRecipe?: 'high' | 'high-rescale'; state?: TwoScaleState },
): TwoScaleLoader {
  const sampler = options.state
    ? TwoScaleSampler.restore(options.state)
    : TwoScaleSampler.create({ size: dataset.entries.length, seed: options.seed, low: cfg.lowPerStep, high: cfg.highPerStep, highRecipe: options.highRecipe });
  return createTwoScaleLoader({
    dataset,
    sampler,
    config: {
      crop: { height: cfg.cropSize[0], width: cfg.cropSize[1] },
      full: { height: cfg.fullSize[0], width: cfg.fullSize[1] },
      rescaleRange: [cfg.rescaleMin, 1],
    },
    depth: cfg.loaderDepth,
    concurrency: cfg.loaderConcurrency,
  });
}

/** The next batch of an endless loader. */
export async function nextBatch(loader: TwoScaleLoader, what: string) {
  const r = await loader.next();
  if (r.done) throw new Error(`the ${what} loader ended unexpectedly`);
  return r.value;
}
