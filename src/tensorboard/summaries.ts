// The values of read events, by kind and tag, in event order. A tensor value's plugin is named
// by its metadata, which writers may give only with a tag's first value, so it is remembered
// per tag across events.
import { DataType, type EventMessage, type HistogramMessage, type SummaryValueMessage, type TensorMessage } from './proto.js';

interface Point {
  step: number;
  wallTime: number;
}
export interface ScalarPoint extends Point {
  value: number;
}
export interface ImagePoint extends Point {
  width: number;
  height: number;
  colorspace: number;
  png: Uint8Array;
}
export interface TextPoint extends Point {
  /** The tensor's strings, joined by newlines when there are several. */
  text: string;
}
export interface HistogramPoint extends Point {
  histogram: HistogramMessage;
}

/** Walks every summary value with the plugin its tag was first given. */
function eachValue(events: Iterable<EventMessage>, visit: (v: SummaryValueMessage, plugin: string | undefined, event: EventMessage) => void): void {
  const plugins = new Map<string, string>();
  for (const event of events)
    for (const v of event.summary?.value ?? []) {
      const named = v.metadata?.plugin_data?.plugin_name;
      if (named && !plugins.has(v.tag)) plugins.set(v.tag, named);
      visit(v, plugins.get(v.tag), event);
    }
}

function collect<P>(events: Iterable<EventMessage>, pick: (v: SummaryValueMessage, plugin: string | undefined) => Omit<P, keyof Point> | undefined): Map<string, P[]> {
  const out = new Map<string, P[]>();
  eachValue(events, (v, plugin, event) => {
    const picked = pick(v, plugin);
    if (picked === undefined) return;
    const list = out.get(v.tag) ?? [];
    list.push({ step: event.step, wallTime: event.wall_time, ...picked } as P);
    out.set(v.tag, list);
  });
  return out;
}

/** Scalars: simple_value (float32), and the scalars plugin's rank-0 tensors. */
export function scalarsOf(events: Iterable<EventMessage>): Map<string, ScalarPoint[]> {
  return collect<ScalarPoint>(events, (v, plugin) => {
    if (v.simple_value !== undefined) return { value: v.simple_value };
    if (v.tensor && plugin === 'scalars') {
      const value = tensorNumber(v.tensor);
      return value === undefined ? undefined : { value };
    }
    return undefined;
  });
}

/** Summary.Image values. */
export function imagesOf(events: Iterable<EventMessage>): Map<string, ImagePoint[]> {
  return collect<ImagePoint>(events, (v) => {
    const image = v.image;
    if (!image) return undefined;
    return { width: image.width ?? 0, height: image.height ?? 0, colorspace: image.colorspace ?? 0, png: image.encoded_image_string ?? new Uint8Array() };
  });
}

/** The text plugin's string tensors, decoded as UTF-8. */
export function textsOf(events: Iterable<EventMessage>): Map<string, TextPoint[]> {
  return collect<TextPoint>(events, (v, plugin) => {
    if (!v.tensor || plugin !== 'text') return undefined;
    return { text: (v.tensor.string_val ?? []).map((s) => Buffer.from(s).toString('utf8')).join('\n') };
  });
}

/** HistogramProto values. */
export function histogramsOf(events: Iterable<EventMessage>): Map<string, HistogramPoint[]> {
  return collect<HistogramPoint>(events, (v) => {
    if (!v.histo) return undefined;
    const h = v.histo;
    const histogram = { min: h.min ?? 0, max: h.max ?? 0, num: h.num ?? 0, sum: h.sum ?? 0, sum_squares: h.sum_squares ?? 0, bucket_limit: h.bucket_limit ?? [], bucket: h.bucket ?? [] };
    return { histogram };
  });
}

/** A one-element float or double tensor's value. */
function tensorNumber(t: TensorMessage): number | undefined {
  if (t.float_val?.length) return t.float_val[0];
  if (t.double_val?.length) return t.double_val[0];
  const raw = t.tensor_content;
  if (!raw) return undefined;
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (t.dtype === DataType.DT_FLOAT && bytes.length >= 4) return bytes.readFloatLE(0);
  if (t.dtype === DataType.DT_DOUBLE && bytes.length >= 8) return bytes.readDoubleLE(0);
  return undefined;
}
