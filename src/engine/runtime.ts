// What every stage does first: threads, seeds, the device check, this rank's
// device and process group, and the networks it trains or runs.
import type { RunConfig } from '../config/schema.js';
import { distEnv } from '../distributed/env.js';
import { ProcessGroup } from '../distributed/group.js';
import { resolveAmp, type AmpUse } from '../inference/forward.js';
import { resolveModel, SegModel } from '../models/index.js';
import { checkDevice, cuda, manualSeed, setNumThreads } from '../tensor/index.js';

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
 * `--amp auto` settled for that device and `use` (resolveAmp).
 */
export function rankDevice(cfg: RunConfig, use: AmpUse): RunConfig {
  const env = distEnv();
  const device = env && cfg.device === 'cuda' ? `cuda:${env.localRank}` : cfg.device;
  return { ...cfg, device, amp: resolveAmp(cfg.amp, device, use) };
}

/** A network of the run's preset on its device, with its memory options. */
export function createModel(cfg: RunConfig): SegModel {
  const family = resolveModel(cfg.model).family;
  // The semi-supervised losses use the auxiliary head too; DeepLabV2 has none and is for domain adaptation.
  if (family.outputs.aux === undefined && cfg.source === null) {
    throw new Error(
      `--model ${cfg.model} is a ${family.name} network, which the semi-supervised stages cannot train (they need an auxiliary head); ` +
        'use an hrnet-ocr preset, or train it for domain adaptation (--preset gta5 / synthia, or --gta5-data-path / --synthia-data-path)',
    );
  }
  const model = new SegModel(cfg.model).to(cfg.device);
  if (cfg.activationCheckpointing) model.activationCheckpointing(true);
  return cfg.channelsLast ? model.channelsLast() : model;
}
