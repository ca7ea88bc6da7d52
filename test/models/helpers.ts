import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readSafetensors } from '../../src/checkpoint/index.js';
import type { SegModel } from '../../src/models/index.js';
import { fromBuffer, noGrad, rand, randn, type Tensor } from '../../src/tensor/index.js';
import { fixture } from '../helpers.js';

export const fixturePath = fixture;

/** A published state-dict layout: [name, shape, dtype] in order, and the parameter count. */
export interface Layout {
  keys: Array<[string, number[], string]>;
  num_parameters: number;
}

export function readLayout(width: 18 | 32 | 48): Layout {
  return JSON.parse(gunzipSync(readFileSync(fixturePath(`state_dict_layout_w${width}.json.gz`))).toString('utf8')) as Layout;
}

/** Every tensor of a safetensors fixture, as Tensors. */
export function readTensors(name: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [key, raw] of readSafetensors(fixturePath(name)).tensors) {
    out.set(key, fromBuffer(raw.data, raw.dtype, raw.shape, { copy: true }));
  }
  return out;
}

/** max |a - b| / max |b| */
export function maxRelativeError(actual: Tensor, expected: Tensor): number {
  const a = actual.detach().double();
  const e = expected.double();
  return a.sub(e).abs().max().item() / e.abs().max().item();
}

/** ||a - b|| / ||b|| */
export function l2RelativeError(actual: Tensor, expected: Tensor): number {
  const a = actual.detach().double();
  const e = expected.double();
  return a.sub(e).norm().item() / e.norm().item();
}

/** Share of pixel positions (N, H, W) whose largest error over channels is within `tol` of max |b|. */
export function pixelsWithin(actual: Tensor, expected: Tensor, tol: number): number {
  const a = actual.detach().double();
  const e = expected.double();
  const scale = e.abs().max().item();
  const perPixel = a.sub(e).abs().max(1)[0];
  return perPixel.le(tol * scale).double().mean().item();
}

/** A reference-uda layout entry: [name, shape, dtype, role, published optimiser listings]. */
export type UdaLayoutEntry = [string, number[], string, '1x' | '10x' | 'frozen' | 'buffer', number];

export interface UdaLayout {
  keys: UdaLayoutEntry[];
  num_parameters: number;
  num_parameters_backbone: number;
  num_parameters_head: number;
  num_parameters_trainable: number;
  sgd_group_sizes_with_duplicates: [number, number];
}

/** The published DeepLabV2 state-dict layout for `classes` (19: GTA5, 16: SYNTHIA). */
export function readUdaLayout(classes: 19 | 16): UdaLayout {
  return JSON.parse(gunzipSync(readFileSync(fixturePath(`uda/seg_layout_c${classes}.json.gz`))).toString('utf8')) as UdaLayout;
}

/** max |a - b| over max |b|, and max |a - b| over max |a|, |b| elementwise ≥ 1e-3 of the scale (for reports). */
export function errorReport(actual: Tensor, expected: Tensor): { abs: number; rel: number } {
  const a = actual.detach().double();
  const e = expected.double();
  const abs = a.sub(e).abs().max().item();
  return { abs, rel: abs / e.abs().max().item() };
}

/**
 * Gives every BatchNorm of `m` statistics and scales far from identity (means about
 * 0.1, variances in [0.5, 1.5), scales in [0.5, 1.5)), so that a wrong fold of them shows.
 */
export function batchNormsFarFromIdentity(m: SegModel): SegModel {
  noGrad(() => {
    for (const [name, t] of m.stateDict()) {
      if (name.endsWith('running_mean')) t.copy_(randn(t.shape).mul(0.1));
      else if (name.endsWith('running_var')) t.copy_(rand(t.shape).add(0.5));
      else if (/bn\d?\.weight$|\.1\.weight$/.test(name) && t.ndim === 1) t.copy_(rand(t.shape).add(0.5));
    }
  });
  return m;
}
