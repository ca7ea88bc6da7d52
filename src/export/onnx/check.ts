// Structural checks of an ONNX model beyond what the protobuf schema can say: the
// graph is well formed (every input defined before it is read, names unique, nothing
// dead), an opset is imported, and every initializer's data fills its dims.
import { DataType, type ModelMessage } from './proto.js';

const ITEM_BYTES: Record<number, number> = { [DataType.FLOAT]: 4, [DataType.INT64]: 8 };

/** What is wrong with `model`, one line each; empty when nothing is. */
export function checkModel(model: ModelMessage): string[] {
  const problems: string[] = [];
  const opsets = model.opset_import ?? [];
  if (!opsets.some((o) => (o.domain ?? '') === '' && Number(o.version) >= 1)) problems.push('no opset import for the default ONNX domain');
  if (!model.ir_version) problems.push('no ir_version');
  const graph = model.graph;
  if (!graph) return [...problems, 'no graph'];

  const defined = new Map<string, string>();
  const define = (name: string, what: string) => {
    if (!name) problems.push(`${what} without a name`);
    else if (defined.has(name)) problems.push(`the name ${name} is used by ${defined.get(name)} and by ${what}`);
    else defined.set(name, what);
  };
  for (const input of graph.input ?? []) define(input.name, 'a graph input');
  for (const t of graph.initializer ?? []) {
    define(t.name, 'an initializer');
    const count = (t.dims ?? []).reduce((a, b) => a * Number(b), 1);
    const size = ITEM_BYTES[t.data_type];
    if (size === undefined) problems.push(`initializer ${t.name} has data type ${t.data_type}, which this exporter never writes`);
    else if (t.raw_data !== undefined && t.raw_data.length !== count * size) problems.push(`initializer ${t.name}: ${t.raw_data.length} bytes for dims [${t.dims.join(', ')}]`);
    else if (t.raw_data === undefined && (t.int64_data ?? []).length !== count) problems.push(`initializer ${t.name}: ${(t.int64_data ?? []).length} values for dims [${(t.dims ?? []).join(', ')}]`);
  }

  const nodeNames = new Set<string>();
  const read = new Set<string>();
  for (const node of graph.node ?? []) {
    const label = `node ${node.name} (${node.op_type})`;
    if (!node.name) problems.push(`a ${node.op_type} node without a name`);
    else if (nodeNames.has(node.name)) problems.push(`two nodes named ${node.name}`);
    nodeNames.add(node.name);
    for (const input of node.input ?? []) {
      if (input === '') continue;
      if (!defined.has(input)) problems.push(`${label} reads ${input}, which is no graph input, initializer or earlier node's output`);
      read.add(input);
    }
    for (const output of node.output ?? []) define(output, label);
  }
  const outputs = new Set<string>();
  for (const output of graph.output ?? []) {
    if (outputs.has(output.name)) problems.push(`graph output ${output.name} is listed twice`);
    outputs.add(output.name);
    if (!defined.has(output.name)) problems.push(`graph output ${output.name} is made by nothing`);
  }
  for (const value of [...graph.input ?? [], ...graph.output ?? []]) {
    const dims = value.type?.tensor_type?.shape?.dim ?? [];
    if (dims.some((d) => d.dim_value === undefined && !d.dim_param)) problems.push(`${value.name} has a dimension that is neither a size nor a symbol`);
  }
  for (const [name, what] of defined) {
    if (!read.has(name) && !outputs.has(name)) problems.push(`${what} makes ${name}, which nothing reads`);
  }
  if ((graph.output ?? []).length === 0) problems.push('the graph has no outputs');
  return problems;
}
