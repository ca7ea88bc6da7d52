// A small ONNX graph builder: nodes in the order they are added (so the order is
// topological when every input exists before its consumer), initializers, and names
// made unique so that a network walk can name values after the modules that make them.
import { endianness } from 'node:os';
import {
  AttributeType,
  DataType,
  tensorValueInfo,
  type AttributeMessage,
  type Dim,
  type GraphMessage,
  type NodeMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './proto.js';

export type AttributeValue = number | string | readonly number[];

/** Node attributes: a plain number is an INT, a float is given as { float } (ONNX tells them apart). */
export interface Attributes {
  [name: string]: AttributeValue | { float: number } | { floats: readonly number[] };
}

export interface NodeOptions {
  /** Node name, also the base of its output's name (default: the op type). */
  name?: string;
  /** The output's exact name (refused if taken). */
  output?: string;
  doc?: string;
}

function attribute(name: string, value: Attributes[string]): AttributeMessage {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}: ${value} is not an integer; give { float: ${value} }`);
    return { name, type: AttributeType.INT, i: value };
  }
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.INTS, ints: [...(value as readonly number[])] };
}

/** Float32 elements as little-endian bytes, as raw_data must hold them. */
export function float32Bytes(values: Float32Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

export class GraphBuilder {
  readonly #nodes: NodeMessage[] = [];
  readonly #initializers: TensorMessage[] = [];
  readonly #inputs: ValueInfoMessage[] = [];
  readonly #outputs: ValueInfoMessage[] = [];
  /** Every value name (inputs, initializers, node outputs) and every node name. */
  readonly #values = new Set<string>();
  readonly #nodeNames = new Set<string>();

  constructor(readonly name: string) {}

  /** `base`, or `base_2`, `base_3`, … when it is taken in `taken`. */
  static #fresh(base: string, taken: Set<string>): string {
    if (!taken.has(base)) return base;
    let k = 2;
    while (taken.has(`${base}_${k}`)) k++;
    return `${base}_${k}`;
  }

  #claim(name: string, what: string): string {
    if (this.#values.has(name)) throw new Error(`ONNX graph ${this.name}: the ${what} name "${name}" is taken`);
    this.#values.add(name);
    return name;
  }

  /** Declares a graph input; returns its name. */
  input(name: string, elemType: number, dims: readonly Dim[], doc?: string): string {
    this.#inputs.push(tensorValueInfo(this.#claim(name, 'input'), elemType, dims, doc));
    return name;
  }

  /** Declares `value` (made by a node) a graph output with the given type. */
  output(value: string, elemType: number, dims: readonly Dim[], doc?: string): void {
    if (!this.#values.has(value)) throw new Error(`ONNX graph ${this.name}: no value "${value}" to output`);
    this.#outputs.push(tensorValueInfo(value, elemType, dims, doc));
  }

  /** A float32 constant; the name is `name` made unique. */
  float32(name: string, dims: readonly number[], values: Float32Array, doc?: string): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`ONNX initializer ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
    const unique = this.#claim(GraphBuilder.#fresh(name, this.#values), 'initializer');
    this.#initializers.push({ name: unique, dims: [...dims], data_type: DataType.FLOAT, raw_data: float32Bytes(values), ...(doc ? { doc_string: doc } : {}) });
    return unique;
  }

  /** A 1-d int64 constant (shapes, axes). */
  int64(name: string, values: readonly number[]): string {
    const unique = this.#claim(GraphBuilder.#fresh(name, this.#values), 'initializer');
    this.#initializers.push({ name: unique, dims: [values.length], data_type: DataType.INT64, int64_data: [...values] });
    return unique;
  }

  /** Adds a one-output node; returns the output's name. An input '' is an omitted optional input. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, options: NodeOptions = {}): string {
    for (const input of inputs) {
      if (input !== '' && !this.#values.has(input)) throw new Error(`ONNX graph ${this.name}: ${opType} ${options.name ?? ''} reads "${input}", which nothing made yet`);
    }
    const nodeName = GraphBuilder.#fresh(options.name ?? opType, this.#nodeNames);
    this.#nodeNames.add(nodeName);
    const output = options.output !== undefined ? this.#claim(options.output, 'output') : this.#claim(GraphBuilder.#fresh(nodeName, this.#values), 'output');
    const attrs = Object.entries(attributes).map(([k, v]) => attribute(k, v));
    this.#nodes.push({
      name: nodeName,
      op_type: opType,
      input: [...inputs],
      output: [output],
      ...(attrs.length > 0 ? { attribute: attrs } : {}),
      ...(options.doc ? { doc_string: options.doc } : {}),
    });
    return output;
  }

  /**
   * The graph message, keeping only what the declared outputs depend on: a network walk
   * emits all of a module, and outputs not asked for leave parts of it unused.
   */
  build(doc?: string): GraphMessage {
    const needed = new Set(this.#outputs.map((o) => o.name));
    const kept: NodeMessage[] = [];
    for (let k = this.#nodes.length - 1; k >= 0; k--) {
      const node = this.#nodes[k];
      if (!node.output.some((o) => needed.has(o))) continue;
      kept.push(node);
      for (const input of node.input) if (input !== '') needed.add(input);
    }
    return {
      name: this.name,
      node: kept.reverse(),
      initializer: this.#initializers.filter((t) => needed.has(t.name)),
      input: this.#inputs,
      output: this.#outputs,
      ...(doc ? { doc_string: doc } : {}),
    };
  }
}
