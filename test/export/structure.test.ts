// What the exported file holds, read back with our schema: protobufjs' check and the
// structural one pass, BatchNorm is folded, sizes come from runtime shapes, names are the
// published ones where a tensor maps 1:1, and the metadata says how to feed the model.
import { describe, expect, test } from 'vitest';
import { MEAN_RGB, SCALE } from '../../src/data/normalise.js';
import { checkModel, decodeModel, exportOnnx, verifyModel, type ModelMessage } from '../../src/export/onnx/index.js';
import { CITYSCAPES_19 } from '../../src/labels/index.js';
import { packageVersion } from '../../src/version.js';
import { randomModel } from './helpers.js';

const model = randomModel('tiny', 21);
const all = decodeModel(exportOnnx(model, { outputs: ['main', 'aux', 'features'] }));
const meta = (m: ModelMessage) => Object.fromEntries(m.metadata_props.map((p) => [p.key, p.value]));
const producer = (m: ModelMessage, value: string) => m.graph.node.find((n) => n.output.includes(value));

describe('an exported tiny model', () => {
  test('passes protobufjs verify and the structural checks', () => {
    expect(verifyModel(all)).toBeNull();
    expect(checkModel(all)).toEqual([]);
    expect(all.opset_import.map((o) => [o.domain ?? '', o.version])).toEqual([['', 17]]);
    expect(all.ir_version).toBe(8);
  });

  test('has no BatchNormalization, Dropout or fixed-size Resize', () => {
    const ops = new Set(all.graph.node.map((n) => n.op_type));
    expect(ops.has('BatchNormalization')).toBe(false);
    expect(ops.has('Dropout')).toBe(false);
    const initializers = new Set(all.graph.initializer.map((t) => t.name));
    const resizes = all.graph.node.filter((n) => n.op_type === 'Resize');
    // 6 fuse-layer upsamplings (1 + 3 + … over the three stages) and 3 before the backbone concat.
    expect(resizes.length).toBe(1 + 3 + 6 + 3);
    for (const r of resizes) {
      expect(r.input.slice(1, 3)).toEqual(['', '']); // no roi, no scales
      expect(initializers.has(r.input[3])).toBe(false);
      expect(['Shape', 'Concat']).toContain(producer(all, r.input[3])!.op_type);
    }
  });

  test('initializers keep the published names where a tensor maps 1:1, derived ones where folded', () => {
    const names = all.graph.initializer.map((t) => t.name);
    for (const n of ['ocrnet.segmentation_classes.0.weight', 'ocrnet.segmentation_classes.0.bias', 'ocrnet.soft_object_regions.3.weight']) expect(names).toContain(n);
    for (const n of ['hrnet.conv1.weight.bn_folded', 'hrnet.conv1.bias.bn_folded', 'ocrnet.pixel_representations.0.bias.bn_folded']) expect(names).toContain(n);
    expect(names.some((n) => n.includes('running_') || /\.bn\d\./.test(n))).toBe(false);
    // One conv per conv of the module tree: every state-dict conv weight is 4-d.
    const convs = [...model.stateDict()].filter(([, t]) => t.shape.length === 4).length;
    expect(all.graph.node.filter((n) => n.op_type === 'Conv').length).toBe(convs);
  });

  test('declares a float32 image input and outputs with symbolic batch and size', () => {
    const dims = (v: ModelMessage['graph']['input'][number]) => v.type.tensor_type.shape.dim.map((d) => d.dim_param ?? d.dim_value);
    expect(all.graph.input.map((i) => [i.name, i.type.tensor_type.elem_type, dims(i)])).toEqual([['image', 1, ['batch', 3, 'height', 'width']]]);
    expect(all.graph.output.map((o) => [o.name, dims(o)])).toEqual([
      ['main', ['batch', 19, 'out_height', 'out_width']],
      ['aux', ['batch', 19, 'out_height', 'out_width']],
      ['pixel_features', ['batch', 32, 'out_height', 'out_width']],
    ]);
  });

  test('the metadata gives the normalisation, classes and where the model came from', () => {
    const m = meta(all);
    expect(JSON.parse(m.mean)).toEqual([...MEAN_RGB]);
    expect(JSON.parse(m.std)).toEqual([SCALE, SCALE, SCALE]);
    expect(JSON.parse(m.class_names)).toEqual([...CITYSCAPES_19.classNames]);
    expect(m).toMatchObject({ diga_version: packageVersion(), preset: 'tiny', model_family: 'hrnet-ocr', classes: '19', labels: 'cityscapes-19', outputs: 'main,aux,pixel_features' });
    expect(JSON.parse(m.model_config)).toEqual(model.config);
  });

  test('asking for fewer outputs leaves out what only they need', () => {
    const auxOnly = decodeModel(exportOnnx(model, { outputs: ['aux'] }));
    expect(checkModel(auxOnly)).toEqual([]);
    expect(auxOnly.graph.output.map((o) => o.name)).toEqual(['aux']);
    const names = auxOnly.graph.initializer.map((t) => t.name);
    expect(names).not.toContain('ocrnet.segmentation_classes.0.weight');
    expect(names).not.toContain('ocrnet.pixel_representations.0.weight.bn_folded');
  });

  test('the graph is the same whether the model is in training or eval mode', () => {
    const a = exportOnnx(model.train());
    const b = exportOnnx(model.eval());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('refused', () => {
  test('unknown outputs, repeats, no outputs, unsupported opsets, an unknown label set', () => {
    expect(() => exportOnnx(model, { outputs: ['logits' as 'main'] })).toThrow(/unknown output "logits"; known outputs: main, aux, features/);
    expect(() => exportOnnx(model, { outputs: ['main', 'main'] })).toThrow(/"main" is listed twice/);
    expect(() => exportOnnx(model, { outputs: [] })).toThrow(/at least one/);
    expect(() => exportOnnx(model, { opset: 16 })).toThrow(/opset 16 is not supported; choose one of 17, 18, 19, 20, 21/);
    expect(() => exportOnnx(model, { labels: 'ade20k' })).toThrow(/unknown label set "ade20k"/);
  });
});

describe('the structural check', () => {
  test('finds a node that reads a value before it is made, duplicate names and dead values', () => {
    const broken: ModelMessage = structuredClone(all);
    const nodes = broken.graph.node;
    [nodes[0], nodes[1]] = [nodes[1], nodes[0]];
    broken.graph.initializer.push({ ...broken.graph.initializer[0] });
    broken.graph.initializer.push({ name: 'unused', dims: [1], data_type: 7, int64_data: [0] });
    const problems = checkModel(broken).join('\n');
    expect(problems).toMatch(/reads .*, which is no graph input, initializer or earlier node's output/);
    expect(problems).toMatch(/the name hrnet\.conv1\.weight\.bn_folded is used by an initializer and by an initializer/);
    expect(problems).toMatch(/an initializer makes unused, which nothing reads/);
    expect(checkModel({ ...all, opset_import: [] })).toContain('no opset import for the default ONNX domain');
  });

  test('protobufjs verify finds a field of the wrong type', () => {
    expect(verifyModel({ ...all, ir_version: 'eight' as unknown as number })).toMatch(/ir_version/);
  });
});
