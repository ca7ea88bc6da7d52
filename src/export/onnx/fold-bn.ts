// BatchNorm in eval mode is an affine map per channel, so it folds into the convolution
// before it: y = γ (conv(x) + b − μ) / √(σ² + ε) + β = conv'(x) + b' with
// W'[o] = W[o] · s[o], b'[o] = (b[o] − μ[o]) · s[o] + β[o], s = γ / √(σ² + ε).
// The products are formed in double precision and rounded once to float32.

export interface BatchNormStats {
  weight: Float32Array;
  bias: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
  eps: number;
}

export interface FoldedConv {
  weight: Float32Array;
  bias: Float32Array;
}

/** `weight` is [out, in, kh, kw] flattened; `bias` the conv's own bias, if it has one. */
export function foldBatchNorm(weight: Float32Array, outChannels: number, bias: Float32Array | undefined, bn: BatchNormStats): FoldedConv {
  const perChannel = weight.length / outChannels;
  if (!Number.isInteger(perChannel)) throw new Error(`conv weight of ${weight.length} values does not split into ${outChannels} output channels`);
  for (const [what, v] of [['weight', bn.weight], ['bias', bn.bias], ['running_mean', bn.runningMean], ['running_var', bn.runningVar]] as const) {
    if (v.length !== outChannels) throw new Error(`BatchNorm ${what} has ${v.length} channels, the conv before it ${outChannels}`);
  }
  if (bias !== undefined && bias.length !== outChannels) throw new Error(`conv bias has ${bias.length} channels, its weight ${outChannels}`);
  const folded = new Float32Array(weight.length);
  const foldedBias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const s = bn.weight[o] / Math.sqrt(bn.runningVar[o] + bn.eps);
    const base = o * perChannel;
    for (let k = 0; k < perChannel; k++) folded[base + k] = weight[base + k] * s;
    foldedBias[o] = ((bias?.[o] ?? 0) - bn.runningMean[o]) * s + bn.bias[o];
  }
  return { weight: folded, bias: foldedBias };
}
