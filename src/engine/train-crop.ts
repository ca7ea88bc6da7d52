// The training crop checked against the run's network before any data or weights are read:
// libtorch would otherwise stop at the first step with a message about BatchNorm or kernels.
import type { RunConfig } from '../config/schema.js';
import { resolveModel } from '../models/index.js';

/** Refuses a --crop-size the run's network cannot train on, naming the network's minimum. */
export function checkTrainingCrop(cfg: Pick<RunConfig, 'cropSize' | 'model'>): void {
  const { family } = resolveModel(cfg.model);
  const [h, w] = cfg.cropSize;
  const stride = family.outputStride;
  const problem =
    h < stride || w < stride
      ? `it is under one output pixel (the network predicts at 1/${stride}); give at least ${stride}x${stride}`
      : family.trainCropProblem?.(h, w);
  const name = typeof cfg.model === 'string' ? `--model ${cfg.model} (${family.name})` : `the run's ${family.name} network`;
  if (problem !== undefined) throw new Error(`--crop-size ${h}x${w} is too small for ${name}: ${problem}`);
}
