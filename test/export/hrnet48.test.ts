// The paper's network exported with random weights and read back without running it:
// declared shapes, symbolic dims, no BatchNorm left, and a file the size of its weights.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { checkModel, decodeModel, writeOnnx } from '../../src/export/onnx/index.js';
import { SegModel } from '../../src/models/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diga-onnx48-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('hrnet48: outputs, symbolic dims, BatchNorm folded, size ≈ its parameters in float32', () => {
  const model = new SegModel('hrnet48');
  const file = join(dir, 'hrnet48.onnx');
  const written = writeOnnx(model, file, { outputs: ['main', 'aux', 'features'] });
  expect(statSync(file).size).toBe(written);
  const m = decodeModel(readFileSync(file));
  expect(checkModel(m)).toEqual([]);

  const dims = (v: (typeof m.graph.input)[number]) => v.type.tensor_type.shape.dim.map((d) => d.dim_param ?? d.dim_value);
  expect(m.graph.input.map((i) => [i.name, dims(i)])).toEqual([['image', ['batch', 3, 'height', 'width']]]);
  expect(m.graph.output.map((o) => [o.name, dims(o)])).toEqual([
    ['main', ['batch', 19, 'out_height', 'out_width']],
    ['aux', ['batch', 19, 'out_height', 'out_width']],
    ['pixel_features', ['batch', 512, 'out_height', 'out_width']],
  ]);

  const sd = model.stateDict();
  const norms = [...sd.keys()].filter((k) => k.endsWith('.running_mean')).map((k) => k.slice(0, -'.running_mean'.length));
  expect(m.graph.node.some((n) => n.op_type === 'BatchNormalization')).toBe(false);
  expect(m.graph.node.filter((n) => n.op_type === 'Conv').length).toBe([...sd.values()].filter((t) => t.shape.length === 4).length);
  // Each conv followed by a BatchNorm says which one it absorbed.
  const folded = m.graph.node.filter((n) => n.op_type === 'Conv' && n.doc_string?.includes('folded')).length;
  expect(folded).toBe(norms.length);

  // Weights: each conv keeps its weight and has one bias per output channel (its own and its
  // BatchNorm's folded together), plus the attention scale. The rest of the file is the graph.
  expect(m.graph.node.filter((n) => n.op_type === 'Conv').every((n) => n.input.length === 3)).toBe(true);
  const convs = [...sd.values()].filter((t) => t.shape.length === 4);
  const expected = convs.reduce((s, t) => s + t.numel() + t.shape[0], 0) + 1;
  const floatBytes = m.graph.initializer.filter((t) => t.data_type === 1).reduce((s, t) => s + t.raw_data!.length, 0);
  expect(floatBytes).toBe(4 * expected);
  const params = model.numParameters();
  expect(params).toBe(70_372_678);
  expect(Math.abs(written / (4 * params) - 1)).toBeLessThan(0.005);
  model.dispose();
});

test('an existing file is refused unless overwrite is given', () => {
  const model = new SegModel('tiny');
  const file = join(dir, 'tiny.onnx');
  writeOnnx(model, file);
  expect(() => writeOnnx(model, file)).toThrow(/exists; give overwrite: true/);
  expect(writeOnnx(model, file, { overwrite: true })).toBe(statSync(file).size);
  model.dispose();
});
