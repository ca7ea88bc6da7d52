// Event messages as plain objects (field names as in the .proto files) and their encoding with
// protobufjs from the schema in schema.ts, proto3 as TensorBoard's writer encodes them.
import protobuf from 'protobufjs';
import { TENSORBOARD_SCHEMA } from './schema.js';

/** types.proto's DataType values used here. */
export const DataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_STRING: 7 } as const;

export interface PluginDataMessage {
  plugin_name: string;
  content?: Uint8Array;
}

export interface SummaryMetadataMessage {
  plugin_data?: PluginDataMessage;
  display_name?: string;
  summary_description?: string;
  data_class?: number;
}

export interface ImageMessage {
  height: number;
  width: number;
  colorspace: number;
  encoded_image_string: Uint8Array;
}

export interface HistogramMessage {
  min: number;
  max: number;
  num: number;
  sum: number;
  sum_squares: number;
  bucket_limit: number[];
  bucket: number[];
}

export interface TensorMessage {
  dtype: number;
  tensor_shape?: { dim?: Array<{ size?: number; name?: string }>; unknown_rank?: boolean };
  version_number?: number;
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  string_val?: Uint8Array[];
  int64_val?: number[];
  bool_val?: boolean[];
}

/** A Summary.Value: a tag and one of simple_value, image, histo or tensor. */
export interface SummaryValueMessage {
  tag: string;
  simple_value?: number;
  image?: ImageMessage;
  histo?: HistogramMessage;
  tensor?: TensorMessage;
  metadata?: SummaryMetadataMessage;
}

export interface EventMessage {
  wall_time: number;
  step: number;
  file_version?: string;
  summary?: { value: SummaryValueMessage[] };
  /** status 1: START (see schema.ts). */
  session_log?: { status?: number; checkpoint_path?: string; msg?: string };
  source_metadata?: { writer?: string };
}

const root = protobuf.Root.fromJSON(TENSORBOARD_SCHEMA);
export const EventProto = root.lookupType('tensorboard.Event');

export function encodeEvent(event: EventMessage): Uint8Array {
  return EventProto.encode(event as unknown as Record<string, unknown>).finish();
}

/** Reads an encoded Event into plain objects: int64 as numbers, bytes as Uint8Array, absent
 * wall_time and step as 0 (proto3 defaults), other absent fields left out. */
export function decodeEvent(bytes: Uint8Array): EventMessage {
  const message = EventProto.toObject(EventProto.decode(bytes), { longs: Number, arrays: true, defaults: false });
  const event = message as EventMessage;
  event.wall_time ??= 0;
  event.step ??= 0;
  if (event.summary) event.summary.value ??= [];
  return event;
}
