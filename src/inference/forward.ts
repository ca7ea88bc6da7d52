// The forward pass under the run's --amp and channels-last, and what `--amp auto`
// means for each use. Training steps and the prediction loop both go through here.
import type { RunConfig } from '../config/schema.js';
import type { SegModel, SegOutputs } from '../models/index.js';
import { autocast, info, type Tensor } from '../tensor/index.js';

export type AmpMode = Exclude<RunConfig['amp'], 'auto'>;

/**
 * What the network runs for: training steps, or labels (predict, evaluate, pseudo-label,
 * centroids, and the evaluations inside training), which are written or scored.
 */
export type AmpUse = 'training' | 'labels';

/**
 * The one rule for `--amp` (commands, config files and the library alike). off, bf16 and fp16
 * are used as given. `auto` is bfloat16 for training steps on GPUs that compute in it natively
 * (compute capability 8.0 and later: A100, H100, RTX 30/40), where it needs no loss scaling and
 * halves activation memory, and float32 for training elsewhere. For labels `auto` is always
 * float32, on every device, CPUs with native bf16 included: bf16 moves some arg-max pixels
 * (0.41 % of them on the demo's val images), and the ids `predict` writes must score what
 * `evaluate` reports and what the published code gives.
 */
export function resolveAmp(
  amp: RunConfig['amp'],
  device: string,
  use: AmpUse,
  devices: { device: string; capability?: string }[] = info().devices,
): AmpMode {
  if (amp !== 'auto') return amp;
  if (use === 'labels' || !device.startsWith('cuda')) return 'off';
  const name = device.includes(':') ? device : 'cuda:0';
  const major = Number.parseInt(devices.find((d) => d.device === name)?.capability?.split('.')[0] ?? '', 10);
  return Number.isInteger(major) && major >= 8 ? 'bf16' : 'off';
}

/** How a settled --amp reads in a summary: "float32", "bf16 autocast" or "fp16 autocast". */
export function precisionName(amp: AmpMode): string {
  return amp === 'off' ? 'float32' : `${amp} autocast`;
}

/** The eval-mode forward of prediction, pseudo-labelling and evaluation: --amp settled for labels, and channels-last. */
export function inferenceForward(cfg: Pick<RunConfig, 'amp' | 'channelsLast' | 'device'>): (model: SegModel, x: Tensor) => SegOutputs {
  const settled = { ...cfg, amp: resolveAmp(cfg.amp, cfg.device, 'labels') };
  return (model, x) => forward(model, x, settled, { grad: false });
}

/** Runs the model, under autocast when --amp asks for it; logits come back as float32. */
export function forward(
  model: SegModel,
  input: Tensor,
  cfg: Pick<RunConfig, 'amp' | 'channelsLast' | 'device'>,
  options: { grad?: boolean } = {},
): SegOutputs {
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
  const result: SegOutputs = { backbone: f32(out.backbone), main: f32(out.main), pixelFeatures: f32(out.pixelFeatures) };
  if (out.aux) result.aux = f32(out.aux);
  if (out.lowLevel) result.lowLevel = f32(out.lowLevel);
  return result;
}
