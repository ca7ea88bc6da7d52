// What every stage does first: threads, seeds, device check, models, loaders.
import type { RunConfig } from '../config/schema.js';
import type { CityscapesDataset } from '../data/dataset.js';
import { createTwoScaleLoader, type TwoScaleLoader } from '../data/loader.js';
import { TwoScaleSampler, type TwoScaleState } from '../data/sampler.js';
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

export function createModel(cfg: RunConfig): SegModel {
  const model = new SegModel(cfg.model).to(cfg.device);
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
