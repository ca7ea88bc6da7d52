// What every stage does first: threads, seeds, device check, models, loaders.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { createTwoScaleLoader, type TwoScaleLoader } from '../data/loader.js';
import { TwoScaleSampler, type TwoScaleState } from '../data/sampler.js';
import { distEnv } from '../distributed/env.js';
import { ProcessGroup } from '../distributed/group.js';
import { SegModel, type SegOutputs } from '../model/index.js';
import { autocast, checkDevice, cuda, manualSeed, setNumThreads, type Tensor } from '../tensor/index.js';

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
  return env ? new ProcessGroup(env, cfg.distTimeoutS * 1000) : null;
}

/** Each rank on its own GPU (cuda:LOCAL_RANK) when the device names none. */
export function rankDevice(cfg: RunConfig): RunConfig {
  const env = distEnv();
  return env && cfg.device === 'cuda' ? { ...cfg, device: `cuda:${env.localRank}` } : cfg;
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

/** Runs the model, under autocast when --amp asks for it; logits come back as float32. */
export function forward(model: SegModel, input: Tensor, cfg: RunConfig, options: { grad?: boolean } = {}): SegOutputs {
  const x = cfg.channelsLast ? input.contiguous('channelsLast') : input;
  if (cfg.amp === 'off') return model.forward(x, options);
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
