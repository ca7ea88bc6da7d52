// Network pieces any family's exporter is made of: a convolution with the BatchNorm
// after it folded in, optionally followed by ReLU, with initializers named after the
// state-dict entries they come from.
import { foldBatchNorm } from './fold-bn.js';
import type { GraphBuilder } from './graph.js';
import type { WeightSource } from './weights.js';

/** BatchNorm2d's eps in the networks (native/model/layers.cc). */
export const BN_EPS = 1e-5;

export interface ConvSpec {
  /** State-dict prefix of the conv ("hrnet.conv1"). */
  conv: string;
  /** State-dict prefix of the BatchNorm after it, if any ("hrnet.bn1"). */
  bn?: string;
  stride?: number;
  relu?: boolean;
  /** Exact name for the unit's output value. */
  output?: string;
}

/**
 * Conv (padding k/2, as native/model/layers.cc's Conv) [+ folded BN] [+ ReLU]. A conv
 * that maps 1:1 keeps its published initializer names; a folded one gets
 * `<conv>.weight.bn_folded` / `<conv>.bias.bn_folded`.
 */
export function convUnit(g: GraphBuilder, w: WeightSource, x: string, spec: ConvSpec): string {
  const weight = w.take(`${spec.conv}.weight`);
  const bias = w.has(`${spec.conv}.bias`) ? w.take(`${spec.conv}.bias`) : undefined;
  const [out, , kh, kw] = weight.shape;
  if (weight.shape.length !== 4 || kh % 2 !== 1 || kw % 2 !== 1) throw new Error(`${spec.conv}.weight: expected an odd-kernel 2-d conv, got shape [${weight.shape.join(', ')}]`);
  let inputs: string[];
  let doc: string | undefined;
  if (spec.bn !== undefined) {
    const bn = spec.bn;
    const folded = foldBatchNorm(weight.data, out, bias?.data, {
      weight: w.take(`${bn}.weight`).data,
      bias: w.take(`${bn}.bias`).data,
      runningMean: w.take(`${bn}.running_mean`).data,
      runningVar: w.take(`${bn}.running_var`).data,
      eps: BN_EPS,
    });
    w.skip(`${bn}.num_batches_tracked`);
    doc = `${bn} (eval-mode BatchNorm, eps ${BN_EPS}) folded into ${spec.conv}`;
    inputs = [g.float32(`${spec.conv}.weight.bn_folded`, weight.shape, folded.weight, doc), g.float32(`${spec.conv}.bias.bn_folded`, [out], folded.bias, doc)];
  } else {
    inputs = [g.float32(`${spec.conv}.weight`, weight.shape, weight.data)];
    if (bias) inputs.push(g.float32(`${spec.conv}.bias`, [out], bias.data));
  }
  const stride = spec.stride ?? 1;
  const pads = [kh >> 1, kw >> 1, kh >> 1, kw >> 1];
  const conv = g.node('Conv', [x, ...inputs], { kernel_shape: [kh, kw], strides: [stride, stride], pads }, {
    name: spec.conv,
    doc,
    output: spec.relu ? undefined : spec.output,
  });
  return spec.relu ? g.node('Relu', [conv], {}, { name: `${spec.conv}.relu`, output: spec.output }) : conv;
}
