// torch.nn.functional, the parts diga uses (and a few neighbours).
import { op } from './dispatch.js';
import type { DType } from './dtype.js';
import { optionalDType, optionalHandle, wrap } from './ops/wrap.js';
import type { Tensor } from './tensor.js';

const ops = {
  conv2d: op('conv2d'), softmax: op('softmax', 'int'), logSoftmax: op('log_softmax', 'int'),
  nllLoss: op('nll_loss_nd'), crossEntropy: op('cross_entropy_loss'),
  nearest: op('upsample_nearest2d', 'vec'), bilinear: op('upsample_bilinear2d', 'vec'),
  bicubic: op('upsample_bicubic2d', 'vec'),
  adaptiveAvgPool2d: op('adaptive_avg_pool2d'), avgPool2d: op('avg_pool2d'), maxPool2d: op('max_pool2d'),
  oneHot: op('one_hot'), cdist: op('cdist'), dropout: op('dropout'), featureDropout: op('feature_dropout'),
  pad: op('constant_pad_nd'), linear: op('linear'),
  mseLoss: op('mse_loss'), reflectionPad2d: op('reflection_pad2d'),
};

const REDUCTION = { none: 0, mean: 1, sum: 2 } as const;
export type Reduction = keyof typeof REDUCTION;

const pair2 = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, o: Conv2dOptions = {}): Tensor {
  return wrap(ops.conv2d([input.handle, weight.handle, optionalHandle(bias), pair2(o.stride ?? 1), pair2(o.padding ?? 0), pair2(o.dilation ?? 1), o.groups ?? 1]));
}

export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return wrap(ops.linear([input.handle, weight.handle, optionalHandle(bias)]));
}

export function softmax(input: Tensor, dim: number, dtype?: DType): Tensor {
  return wrap(ops.softmax([input.handle, dim, optionalDType(dtype)]));
}

export function logSoftmax(input: Tensor, dim: number, dtype?: DType): Tensor {
  return wrap(ops.logSoftmax([input.handle, dim, optionalDType(dtype)]));
}

export interface LossOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
  ignoreIndex?: number;
}

/** Negative log-likelihood of log-probabilities (N, C, ...) against class ids (N, ...). */
export function nllLoss(logProbs: Tensor, target: Tensor, o: LossOptions = {}): Tensor {
  return wrap(ops.nllLoss([logProbs.handle, target.handle, optionalHandle(o.weight), REDUCTION[o.reduction ?? 'mean'], o.ignoreIndex ?? -100]));
}

/** Cross entropy of logits (N, C, ...) against class ids (N, ...); pixels equal to ignoreIndex are left out. */
export function crossEntropy(logits: Tensor, target: Tensor, o: LossOptions & { labelSmoothing?: number } = {}): Tensor {
  return wrap(
    ops.crossEntropy([
      logits.handle, target.handle, optionalHandle(o.weight), REDUCTION[o.reduction ?? 'mean'], o.ignoreIndex ?? -100, o.labelSmoothing ?? 0,
    ]),
  );
}

export interface InterpolateOptions {
  size?: [number, number];
  scaleFactor?: number | [number, number];
  mode?: 'nearest' | 'bilinear' | 'bicubic';
  alignCorners?: boolean;
}

/** Resizes (N, C, H, W) maps, as torch.nn.functional.interpolate. */
export function interpolate(input: Tensor, o: InterpolateOptions): Tensor {
  const mode = o.mode ?? 'nearest';
  if ((o.size === undefined) === (o.scaleFactor === undefined)) {
    throw new TypeError('interpolate: give exactly one of size and scaleFactor');
  }
  if (mode === 'nearest' && o.alignCorners !== undefined) {
    throw new TypeError('interpolate: alignCorners only applies to bilinear and bicubic modes');
  }
  const size = o.size ?? null;
  const scales = o.scaleFactor === undefined ? null : pair2(o.scaleFactor);
  if (mode === 'nearest') return wrap(ops.nearest([input.handle, size, scales]));
  const f = mode === 'bilinear' ? ops.bilinear : ops.bicubic;
  return wrap(f([input.handle, size, o.alignCorners ?? false, scales]));
}

export function adaptiveAvgPool2d(input: Tensor, outputSize: number | [number, number]): Tensor {
  return wrap(ops.adaptiveAvgPool2d([input.handle, pair2(outputSize)]));
}

export function avgPool2d(input: Tensor, kernel: number | [number, number], o: { stride?: number | [number, number]; padding?: number | [number, number]; ceilMode?: boolean; countIncludePad?: boolean } = {}): Tensor {
  return wrap(ops.avgPool2d([input.handle, pair2(kernel), o.stride === undefined ? [] : pair2(o.stride), pair2(o.padding ?? 0), o.ceilMode ?? false, o.countIncludePad ?? true]));
}

export function maxPool2d(input: Tensor, kernel: number | [number, number], o: { stride?: number | [number, number]; padding?: number | [number, number] } = {}): Tensor {
  return wrap(ops.maxPool2d([input.handle, pair2(kernel), o.stride === undefined ? [] : pair2(o.stride), pair2(o.padding ?? 0), [1, 1], false]));
}

/** One-hot encoding of int64 class ids; adds a trailing dimension of numClasses. */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  return wrap(ops.oneHot([input.handle, numClasses]));
}

/** Pairwise p-norm distances between the rows of x1 (.., P, M) and x2 (.., R, M). */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  return wrap(ops.cdist([x1.handle, x2.handle, p]));
}

export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  return wrap(ops.dropout([input.handle, p, training]));
}

/** Drops whole channels (Dropout2d). */
export function dropout2d(input: Tensor, p = 0.5, training = true): Tensor {
  return wrap(ops.featureDropout([input.handle, p, training]));
}

export function relu(input: Tensor): Tensor {
  return input.relu();
}

/** Constant padding; `pad` lists (left, right, top, bottom, ...) from the last dimension back. */
export function pad(input: Tensor, padding: number[], value = 0): Tensor {
  return wrap(ops.pad([input.handle, padding, value]));
}

/** Reflect padding of (N, C, H, W) maps by (left, right, top, bottom). */
export function reflectionPad2d(input: Tensor, padding: [number, number, number, number]): Tensor {
  return wrap(ops.reflectionPad2d([input.handle, padding]));
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return wrap(ops.mseLoss([input.handle, target.handle, REDUCTION[reduction]]));
}
