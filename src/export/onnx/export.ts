// A SegModel's evaluation network as an ONNX model: graph from the family's exporter,
// the metadata a consumer needs to feed it (normalisation, classes), protobufjs' check
// and our structural one, then the encoded bytes.
import { MEAN_RGB, SCALE } from '../../data/normalise.js';
import { labelSet } from '../../labels/index.js';
import type { SegModel } from '../../models/index.js';
import { packageVersion } from '../../version.js';
import { checkModel } from './check.js';
import { onnxExporter } from './families.js';
import { GraphBuilder } from './graph.js';
import { checkOutputs, ONNX_OUTPUTS, type OnnxOutput } from './outputs.js';
import { DataType, encodeModel, verifyModel, type ModelMessage } from './proto.js';
import { WeightSource } from './weights.js';

/** Opsets the graph is written for; every operator it uses has the same meaning in all of them. */
export const ONNX_OPSETS = [17, 18, 19, 20, 21] as const;
/** The IR version that came with each opset (onnx 1.12 … 1.16). */
const IR_VERSION: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const DEFAULT_OPSET = 17;
export const INPUT_NAME = 'image';
const DEFAULT_LABELS = 'cityscapes-19';

export interface OnnxExportOptions {
  /** Outputs to declare, in this order (default: ['main']). */
  outputs?: readonly OnnxOutput[];
  /** Default 17. */
  opset?: number;
  /** Preset name for the metadata (default: the preset whose config the model has, else "custom"). */
  preset?: string;
  /** Label set whose class names go into the metadata (default cityscapes-19, when its class count fits). */
  labels?: string;
  /** Further metadata_props entries. */
  metadata?: Record<string, string>;
}

/** Key-sorted JSON, so that configs compare by content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function presetOf(model: SegModel): string {
  const own = canonical(model.config);
  const hit = Object.entries(model.family.presets).find(([, c]) => canonical(c) === own);
  return hit ? hit[0] : 'custom';
}

function classNames(model: SegModel, labels: string | undefined): readonly string[] | undefined {
  const set = labelSet(labels ?? DEFAULT_LABELS);
  if (set.classes === model.classes) return set.classNames;
  if (labels === undefined) return undefined;
  throw new Error(`label set ${set.name} has ${set.classes} classes but the model predicts ${model.classes}`);
}

/** Encodes the eval-mode network of `model` (BatchNorm with running statistics, no dropout). */
export function exportOnnx(model: SegModel, options: OnnxExportOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!(ONNX_OPSETS as readonly number[]).includes(opset)) throw new Error(`ONNX opset ${opset} is not supported; choose one of ${ONNX_OPSETS.join(', ')}`);
  const outputs = checkOutputs(options.outputs ?? ['main']);
  const exporter = onnxExporter(model.family.name);
  const names = classNames(model, options.labels);

  const g = new GraphBuilder(`diga-${model.family.name}`);
  g.input(INPUT_NAME, DataType.FLOAT, ['batch', 3, 'height', 'width'], 'RGB normalised as (rgb - mean) / std per channel, rgb in 0..255 (see the metadata)');
  const weights = new WeightSource(model.stateDict());
  const graphNames = { main: ONNX_OUTPUTS.main.graphName, aux: ONNX_OUTPUTS.aux.graphName, pixelFeatures: ONNX_OUTPUTS.features.graphName };
  exporter.build(g, weights, model.config, INPUT_NAME, graphNames);
  const left = weights.unused();
  if (left.length > 0) throw new Error(`the ONNX graph does not use ${left.length} state-dict entries (${left.slice(0, 3).join(', ')}…): it does not match the module tree`);
  const channels = exporter.channels(model.config);
  for (const o of outputs) {
    const spec = ONNX_OUTPUTS[o];
    g.output(spec.graphName, DataType.FLOAT, ['batch', channels[spec.key], 'out_height', 'out_width'], `${spec.what} at 1/${exporter.stride} of the input size`);
  }

  const metadata: Record<string, string> = {
    diga_version: packageVersion(),
    model_family: model.family.name,
    preset: options.preset ?? presetOf(model),
    model_config: JSON.stringify(model.config),
    classes: String(model.classes),
    ...(names ? { class_names: JSON.stringify(names), labels: options.labels ?? DEFAULT_LABELS } : {}),
    input: `${INPUT_NAME}: float32 batch x 3 x height x width, RGB channels, (rgb - mean) / std with rgb in 0..255`,
    mean: JSON.stringify(MEAN_RGB),
    std: JSON.stringify([SCALE, SCALE, SCALE]),
    output_stride: String(exporter.stride),
    out_size: `out_height = ceil(height / ${exporter.stride}), out_width = ceil(width / ${exporter.stride}); upsample logits bilinearly (align_corners) to the image size before arg-max, as diga evaluates`,
    outputs: outputs.map((o) => ONNX_OUTPUTS[o].graphName).join(','),
    batchnorm: 'folded into the convolutions (eval-mode running statistics)',
    ...options.metadata,
  };
  const message: ModelMessage = {
    ir_version: IR_VERSION[opset],
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'diga',
    producer_version: packageVersion(),
    doc_string: `DiGA ${model.family.name} segmentation network (${model.describe()}), evaluation mode`,
    graph: g.build(),
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  const invalid = verifyModel(message);
  if (invalid) throw new Error(`ONNX export produced a message that does not fit the schema: ${invalid}`);
  const problems = checkModel(message);
  if (problems.length > 0) throw new Error(`ONNX export produced a malformed graph: ${problems.slice(0, 5).join('; ')}`);
  return encodeModel(message);
}
