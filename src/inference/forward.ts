// The forward pass under the run's --amp and channels-last, and what `--amp auto`
// means on a device. Training steps and the prediction loop both go through here.
import type { RunConfig } from '../config/schema.js';
import type { SegModel, SegOutputs } from '../models/index.js';
import { autocast, info, type Tensor } from '../tensor/index.js';

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

/** The eval-mode forward of pseudo-labelling and evaluation, with the run's --amp and channels-last. */
export function inferenceForward(cfg: Pick<RunConfig, 'amp' | 'channelsLast' | 'device'>): (model: SegModel, x: Tensor) => SegOutputs {
  const settled = { ...cfg, amp: resolveAmp(cfg.amp, cfg.device) };
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
