// HRNetV2 + OCR (native/model/hrnet.cc, blocks.cc, ocr.cc) as an ONNX graph: the same
// module tree walked in the same order, every BatchNorm folded into its conv, Dropout2d
// gone (eval mode), and every upsampling sized from the runtime shapes of its tensors.
import type { ModelConfig } from '../../models/hrnet-ocr/config.js';
import type { OnnxFamilyExporter, OutputValues } from './family.js';
import type { GraphBuilder } from './graph.js';
import { convUnit } from './layers.js';
import type { WeightSource } from './weights.js';

/** Bottleneck output width per unit of width (native/model/blocks.h). */
const BOTTLENECK_EXPANSION = 4;

class Walk {
  constructor(
    readonly g: GraphBuilder,
    readonly w: WeightSource,
  ) {}

  /** Bilinear, align_corners = true (ResizeAligned); `sizes` is a runtime int64[4]. */
  resize(x: string, sizes: string, name: string): string {
    return this.g.node('Resize', [x, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, { name });
  }

  /** Residual join: ReLU(out + shortcut), the shortcut projected when the block has a downsample. */
  residual(x: string, out: string, prefix: string): string {
    const shortcut = this.w.has(`${prefix}.downsample.0.weight`) ? convUnit(this.g, this.w, x, { conv: `${prefix}.downsample.0`, bn: `${prefix}.downsample.1` }) : x;
    const sum = this.g.node('Add', [out, shortcut], {}, { name: `${prefix}.add` });
    return this.g.node('Relu', [sum], {}, { name: `${prefix}.relu` });
  }

  bottleneck(x: string, p: string): string {
    let out = convUnit(this.g, this.w, x, { conv: `${p}.conv1`, bn: `${p}.bn1`, relu: true });
    out = convUnit(this.g, this.w, out, { conv: `${p}.conv2`, bn: `${p}.bn2`, relu: true });
    out = convUnit(this.g, this.w, out, { conv: `${p}.conv3`, bn: `${p}.bn3` });
    return this.residual(x, out, p);
  }

  basicBlock(x: string, p: string): string {
    let out = convUnit(this.g, this.w, x, { conv: `${p}.conv1`, bn: `${p}.bn1`, relu: true });
    out = convUnit(this.g, this.w, out, { conv: `${p}.conv2`, bn: `${p}.bn2` });
    return this.residual(x, out, p);
  }

  /** TransitionImpl: keep, re-width, or open a new branch from the last one with stride-2 steps. */
  transition(x: string[], pre: readonly number[], cur: readonly number[], p: string): string[] {
    return cur.map((width, i) => {
      if (i < pre.length) {
        return width === pre[i] ? x[i] : convUnit(this.g, this.w, x[i], { conv: `${p}.${i}.0`, bn: `${p}.${i}.1`, relu: true });
      }
      let y = x[x.length - 1];
      for (let k = 0; k < i + 1 - pre.length; k++) y = convUnit(this.g, this.w, y, { conv: `${p}.${i}.${k}.0`, bn: `${p}.${i}.${k}.1`, stride: 2, relu: true });
      return y;
    });
  }

  /** HighResolutionModuleImpl: branches, then every branch fused into every other. */
  module(input: string[], blocks: number, p: string): string[] {
    const n = input.length;
    const x = input.map((xb, b) => {
      let y = xb;
      for (let k = 0; k < blocks; k++) y = this.basicBlock(y, `${p}.branches.${b}.${k}`);
      return y;
    });
    return x.map((_, i) => {
      // A lower branch's 1x1 projection has branch i's width, so branch i's own shape is its target size.
      const target = n > i + 1 ? this.g.node('Shape', [x[i]], {}, { name: `${p}.fuse_layers.${i}.shape` }) : '';
      const term = (j: number): string => {
        const f = `${p}.fuse_layers.${i}.${j}`;
        if (j === i) return x[j];
        if (j > i) return this.resize(convUnit(this.g, this.w, x[j], { conv: `${f}.0`, bn: `${f}.1` }), target, `${f}.resize`);
        let y = x[j];
        for (let k = 0; k < i - j; k++) {
          y = convUnit(this.g, this.w, y, { conv: `${f}.${k}.0`, bn: `${f}.${k}.1`, stride: 2, relu: k + 1 < i - j });
        }
        return y;
      };
      // Summed in the order of the C++ forward: term 0 first, then 1, 2, …
      let y = term(0);
      for (let j = 1; j < n; j++) y = this.g.node('Add', [y, term(j)], {}, { name: `${p}.fuse.${i}.add${j}` });
      return this.g.node('Relu', [y], {}, { name: `${p}.fuse.${i}.relu` });
    });
  }

  /** HRNetImpl::forward: the concatenated branches at branch 0's resolution. */
  backbone(image: string, c: ModelConfig): string {
    const { g, w } = this;
    let x = convUnit(g, w, image, { conv: 'hrnet.conv1', bn: 'hrnet.bn1', stride: 2, relu: true });
    x = convUnit(g, w, x, { conv: 'hrnet.conv2', bn: 'hrnet.bn2', stride: 2, relu: true });
    for (let k = 0; k < c.stage1Blocks; k++) x = this.bottleneck(x, `hrnet.stage1.${k}`);
    let y = [x];
    let pre: number[] = [c.stage1Width * BOTTLENECK_EXPANSION];
    for (let s = 0; s < 3; s++) {
      const cur = c.widths.slice(0, s + 2);
      y = this.transition(y, pre, cur, `hrnet.transition_stage_${s + 1}_${s + 2}`);
      for (let m = 0; m < c.modules[s]; m++) y = this.module(y, c.blocks, `hrnet.stage${s + 2}.${m}`);
      pre = cur;
    }
    const hw = g.node('Shape', [y[0]], { start: 2 }, { name: 'hrnet.upsample.hw' });
    const parts = [y[0]];
    for (let b = 1; b < y.length; b++) {
      const nc = g.node('Shape', [y[b]], { start: 0, end: 2 }, { name: `hrnet.upsample.${b}.nc` });
      const sizes = g.node('Concat', [nc, hw], { axis: 0 }, { name: `hrnet.upsample.${b}.sizes` });
      parts.push(this.resize(y[b], sizes, `hrnet.upsample.${b}`));
    }
    return g.node('Concat', parts, { axis: 1 }, { name: 'hrnet.concat' });
  }

  /** N × C × h × w → N × C × hw. */
  flatten(x: string, channels: number, name: string): string {
    return this.g.node('Reshape', [x, this.g.int64(`${name}.shape`, [0, channels, -1])], {}, { name });
  }

  transpose12(x: string, name: string): string {
    return this.g.node('Transpose', [x], { perm: [0, 2, 1] }, { name });
  }

  /** Two projection units (1x1 conv + BN + ReLU) of PixelRegionRelation. */
  projection2(x: string, p: string): string {
    const y = convUnit(this.g, this.w, x, { conv: `${p}.0`, bn: `${p}.1`, relu: true });
    return convUnit(this.g, this.w, y, { conv: `${p}.3`, bn: `${p}.4`, relu: true });
  }

  /** OcrHeadImpl::forward. */
  head(features: string, c: ModelConfig, names: OutputValues<string>): void {
    const { g, w } = this;
    const o = 'ocrnet';
    const key = c.keyChannels;
    const soft = convUnit(g, w, features, { conv: `${o}.soft_object_regions.0`, bn: `${o}.soft_object_regions.1`, relu: true });
    const aux = convUnit(g, w, soft, { conv: `${o}.soft_object_regions.3`, output: names.aux });
    const pixels = convUnit(g, w, features, { conv: `${o}.pixel_representations.0`, bn: `${o}.pixel_representations.1`, relu: true });

    // ObjectRegions: per class, pixel features averaged with the softmax over space of its soft region.
    const spatial = g.node('Softmax', [this.flatten(aux, c.classes, `${o}.regions.aux_flat`)], { axis: 2 }, { name: `${o}.regions.softmax` });
    const pixelsFlat = this.flatten(pixels, c.pixelChannels, `${o}.regions.pixels_flat`);
    const regions3 = g.node('MatMul', [pixelsFlat, this.transpose12(spatial, `${o}.regions.softmax_t`)], {}, { name: `${o}.regions.matmul` });
    const regions = g.node('Unsqueeze', [regions3, g.int64(`${o}.regions.axes`, [3])], {}, { name: `${o}.regions` }); // N × pix × K × 1

    // PixelRegionRelation: softmax over regions of query · key / √key.
    const p = `${o}.pixel_region_relations`;
    const query4 = this.projection2(pixels, `${p}.pixel_rep`); // N × key × h × w
    const query = this.transpose12(this.flatten(query4, key, `${p}.query_flat`), `${p}.query`);
    const keys = this.flatten(this.projection2(regions, `${p}.obj_reg_rep`), key, `${p}.keys`);
    const sim = g.node('MatMul', [query, keys], {}, { name: `${p}.matmul` });
    const scale = g.float32(`${p}.scale`, [], new Float32Array([1 / Math.sqrt(key)]), '1 / sqrt(key channels)');
    const relation = g.node('Softmax', [g.node('Mul', [sim, scale], {}, { name: `${p}.scaled` })], { axis: -1 }, { name: `${p}.softmax` });

    const valueProj = convUnit(g, w, regions, { conv: `${o}.value.0`, bn: `${o}.value.1`, relu: true });
    const values = this.transpose12(this.flatten(valueProj, key, `${o}.value.flat`), `${o}.value.t`);
    const context3 = this.transpose12(g.node('MatMul', [relation, values], {}, { name: `${o}.context.matmul` }), `${o}.context.t`);
    // The query map is N × key × h × w: exactly the shape the context takes back.
    const context4 = g.node('Reshape', [context3, g.node('Shape', [query4], {}, { name: `${o}.context.shape` })], {}, { name: `${o}.context` });
    const up = convUnit(g, w, context4, { conv: `${o}.ocr_up.0`, bn: `${o}.ocr_up.1`, relu: true });

    // Context first, then the pixel representation, as published; Dropout2d is identity in eval.
    const both = g.node('Concat', [up, pixels], { axis: 1 }, { name: `${o}.augmented_rep.concat` });
    const feats = convUnit(g, w, both, { conv: `${o}.augmented_rep.0`, bn: `${o}.augmented_rep.1`, relu: true, output: names.pixelFeatures });
    convUnit(g, w, feats, { conv: `${o}.segmentation_classes.0`, output: names.main });
  }
}

export const HRNET_OCR_ONNX: OnnxFamilyExporter<ModelConfig> = {
  build(g, w, config, input, names) {
    const walk = new Walk(g, w);
    walk.head(walk.backbone(input, config), config, names);
  },
  channels: (c) => ({ main: c.classes, aux: c.classes, pixelFeatures: c.pixelChannels }),
  stride: 4,
};
