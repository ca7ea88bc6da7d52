// The published optimiser groups of the DeepLabV2 network (docs/method.md,
// "The adaptation network"): the backbone at the base learning rate, the head
// ("final.*") at 10x. BatchNorm affine parameters are frozen and in neither.
//
// The published backbone list also names most conv weights more than once
// (it walks every module and takes each one's recursive parameters), so SGD
// steps them once per listing. `publishedListings` gives that count, so that a
// stage can reproduce the published step or take the clean one.

import type { ParamGroupRole } from '../family.js';

/** The lr group of a parameter by its state-dict name. */
export function deepLabParamGroup(name: string): ParamGroupRole {
  return name.startsWith('final.') ? '10x' : '1x';
}

/**
 * How often the published optimiser list names a trainable parameter: head 1; the stem conv
 * 2 (model and layer0); a Bottleneck conv 3 (model, layer, block); a projection conv 4
 * (model, layer, block, downsample).
 */
export function publishedListings(name: string): number {
  if (name.startsWith('final.')) return 1;
  if (name.startsWith('layer0.')) return 2;
  return name.includes('.downsample.') ? 4 : 3;
}
