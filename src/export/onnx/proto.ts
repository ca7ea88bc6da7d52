// ONNX messages as plain objects (field names as in onnx.proto), and their encoding
// with protobufjs from the schema subset in schema.ts.
import protobuf from 'protobufjs';
import { ONNX_SCHEMA } from './schema.js';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export interface TensorMessage {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  int64_data?: number[];
  doc_string?: string;
}

export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface NodeMessage {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: AttributeMessage[];
  doc_string?: string;
  domain?: string;
}

/** A dimension is a size or, when not fixed, a symbol. */
export type Dim = number | string;

export interface DimensionMessage {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoMessage {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimensionMessage[] } } };
  doc_string?: string;
}

export interface GraphMessage {
  name: string;
  node: NodeMessage[];
  initializer: TensorMessage[];
  input: ValueInfoMessage[];
  output: ValueInfoMessage[];
  doc_string?: string;
}

export interface ModelMessage {
  ir_version: number;
  opset_import: Array<{ domain: string; version: number }>;
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphMessage;
  metadata_props: Array<{ key: string; value: string }>;
}

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
/** The ModelProto type, for protobufjs' own checks (verify) and decoding. */
export const ModelProto = root.lookupType('onnx.ModelProto');

/** The protobufjs check of a message object: null when it fits the schema, else what does not. */
export function verifyModel(model: ModelMessage): string | null {
  return ModelProto.verify(model as unknown as Record<string, unknown>);
}

export function encodeModel(model: ModelMessage): Uint8Array {
  return ModelProto.encode(model as unknown as Record<string, unknown>).finish();
}

/** Reads an encoded model back into plain objects (int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): ModelMessage {
  const message = ModelProto.decode(bytes);
  return ModelProto.toObject(message, { longs: Number, arrays: true, defaults: false, oneofs: false }) as ModelMessage;
}

const ModelMetadataProto = root.lookupType('onnx.ModelMetadataProto');

/** An encoded model's metadata_props as a record, without decoding its graph. */
export function decodeModelMetadata(bytes: Uint8Array): Record<string, string> {
  const message = ModelMetadataProto.toObject(ModelMetadataProto.decode(bytes), { arrays: true }) as Pick<ModelMessage, 'metadata_props'>;
  return Object.fromEntries(message.metadata_props.map((p) => [p.key, p.value]));
}

/** A value's type: float or int64 tensor of the given dimensions. */
export function tensorValueInfo(name: string, elemType: number, dims: readonly Dim[], doc?: string): ValueInfoMessage {
  const dim = dims.map((d): DimensionMessage => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } }, ...(doc ? { doc_string: doc } : {}) };
}
