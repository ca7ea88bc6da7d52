// The Tensor class: a typed, PyTorch-named view over one native tensor handle.
// Each method is one generic operator call (see dispatch.ts); the class adds
// overload choice (tensor vs number), argument defaults and lifetimes.
import { native } from '../native/binding.js';
import type { OpResult, TensorHandle } from '../native/types.js';
import { checkDevice, type Device } from './device.js';
import { op } from './dispatch.js';
import { checkDType, type DType, scalarTypeCode, type TypedArray, typedArrayOf } from './dtype.js';
import { trackTensor } from './scope.js';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
export type NestedArray = number | boolean | NestedArray[];

const MEMORY_FORMAT = { contiguous: 0, preserve: 1, channelsLast: 2 } as const;
export type MemoryFormat = keyof typeof MEMORY_FORMAT;

export interface ToOptions {
  device?: Device | string;
  dtype?: DType;
  nonBlocking?: boolean;
  copy?: boolean;
  memoryFormat?: MemoryFormat;
}

const ops = {
  add: op('add', 'Tensor'), addS: op('add', 'Scalar'), add_: op('add_', 'Tensor'), addS_: op('add_', 'Scalar'),
  sub: op('sub', 'Tensor'), subS: op('sub', 'Scalar'), sub_: op('sub_', 'Tensor'), subS_: op('sub_', 'Scalar'),
  mul: op('mul', 'Tensor'), mulS: op('mul', 'Scalar'), mul_: op('mul_', 'Tensor'), mulS_: op('mul_', 'Scalar'),
  div: op('div', 'Tensor'), divS: op('div', 'Scalar'), div_: op('div_', 'Tensor'), divS_: op('div_', 'Scalar'),
  divMode: op('div', 'Tensor_mode'),
  remainder: op('remainder', 'Tensor'), remainderS: op('remainder', 'Scalar'),
  pow: op('pow', 'Tensor_Tensor'), powS: op('pow', 'Tensor_Scalar'),
  maximum: op('maximum'), minimum: op('minimum'),
  neg: op('neg'), exp: op('exp'), log: op('log'), sqrt: op('sqrt'), rsqrt: op('rsqrt'), abs: op('abs'),
  sigmoid: op('sigmoid'), tanh: op('tanh'), relu: op('relu'), floor: op('floor'), ceil: op('ceil'),
  round: op('round'), sign: op('sign'), reciprocal: op('reciprocal'), sin: op('sin'), cos: op('cos'),
  log1p: op('log1p'), expm1: op('expm1'), square: op('square'), isfinite: op('isfinite'),
  clamp: op('clamp'), clampT: op('clamp', 'Tensor'), clamp_: op('clamp_'),
  eq: op('eq', 'Tensor'), eqS: op('eq', 'Scalar'), ne: op('ne', 'Tensor'), neS: op('ne', 'Scalar'),
  lt: op('lt', 'Tensor'), ltS: op('lt', 'Scalar'), le: op('le', 'Tensor'), leS: op('le', 'Scalar'),
  gt: op('gt', 'Tensor'), gtS: op('gt', 'Scalar'), ge: op('ge', 'Tensor'), geS: op('ge', 'Scalar'),
  logicalAnd: op('logical_and'), logicalOr: op('logical_or'), logicalNot: op('logical_not'),
  logicalXor: op('logical_xor'),
  maskedFill: op('masked_fill', 'Scalar'), maskedFillT: op('masked_fill', 'Tensor'),
  maskedFill_: op('masked_fill_', 'Scalar'),
  where: op('where', 'self'), whereSO: op('where', 'ScalarOther'),
  sum: op('sum'), sumDim: op('sum', 'dim_IntList'), mean: op('mean'), meanDim: op('mean', 'dim'),
  prod: op('prod'), max: op('max'), maxDim: op('max', 'dim'), min: op('min'), minDim: op('min', 'dim'),
  argmax: op('argmax'), argmin: op('argmin'), norm: op('linalg_vector_norm'),
  all: op('all'), allDim: op('all', 'dim'), any: op('any'), anyDim: op('any', 'dim'),
  varDim: op('var', 'correction'), stdDim: op('std', 'correction'),
  cumsum: op('cumsum'), topk: op('topk'), sort: op('sort'),
  unique: op('_unique2'), bincount: op('bincount'),
  matmul: op('matmul'), mm: op('mm'), bmm: op('bmm'), outer: op('outer'),
  reshape: op('reshape'), view: op('view'), permute: op('permute'), transpose: op('transpose', 'int'),
  narrow: op('narrow'), slice: op('slice', 'Tensor'), select: op('select', 'int'),
  indexSelect: op('index_select'), index: op('index', 'Tensor'), gather: op('gather'),
  scatter: op('scatter', 'src'), scatterV: op('scatter', 'value'), scatter_: op('scatter_', 'src'),
  scatterV_: op('scatter_', 'value'), scatterAdd: op('scatter_add'),
  chunk: op('chunk'), split: op('split', 'Tensor'), splitSizes: op('split_with_sizes'),
  squeeze: op('squeeze'), squeezeDim: op('squeeze', 'dim'), unsqueeze: op('unsqueeze'),
  flip: op('flip'), expand: op('expand'), flatten: op('flatten', 'using_ints'), repeat: op('repeat'),
  contiguous: op('contiguous'), clone: op('clone'), detach: op('detach'), t: op('t'),
  maskedSelect: op('masked_select'), nonzero: op('nonzero'), unbind: op('unbind', 'int'),
  amax: op('amax'), amin: op('amin'),
  to: op('to', 'dtype_layout'), pinMemory: op('pin_memory'), isPinned: op('is_pinned'),
  copy_: op('copy_'), zero_: op('zero_'), fill_: op('fill_', 'Scalar'),
  addcmul_: op('addcmul_'), addcdiv_: op('addcdiv_'), lerp_: op('lerp_', 'Scalar'),
  lerpT_: op('lerp_', 'Tensor'), uniform_: op('uniform_'), normal_: op('normal_'),
  fullLike: op('full_like'),
};

function h(x: Tensor): TensorHandle {
  if (!(x instanceof Tensor)) throw new TypeError(`expected a Tensor, got ${describe(x)}`);
  return x.handle;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function scalar(x: unknown, what: string): Scalar {
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new TypeError(`${what} must be a Tensor or a number, got ${describe(x)}`);
  }
  return x;
}

function dimList(dim: number | number[] | undefined): number[] | undefined {
  if (dim === undefined) return undefined;
  return Array.isArray(dim) ? dim : [dim];
}

function T(r: OpResult): Tensor {
  return new Tensor(r as TensorHandle);
}

function pair(r: OpResult): [Tensor, Tensor] {
  const [a, b] = r as TensorHandle[];
  return [new Tensor(a), new Tensor(b)];
}

export class Tensor {
  readonly handle: TensorHandle;
  #shape: number[] | undefined;

  /** Wraps a native handle; use the creation functions (zeros, tensor ...) instead. */
  constructor(handle: TensorHandle) {
    this.handle = handle;
    trackTensor(this);
  }

  static fromHandle(handle: TensorHandle): Tensor {
    return new Tensor(handle);
  }

  // ---- properties -------------------------------------------------------
  get shape(): number[] {
    if (this.#shape === undefined) this.#shape = this.handle.shape();
    return this.#shape.slice();
  }
  get ndim(): number {
    return this.shape.length;
  }
  get dtype(): DType {
    return this.handle.dtype() as DType;
  }
  get device(): Device {
    return this.handle.device() as Device;
  }
  get strides(): number[] {
    return this.handle.strides();
  }
  numel(): number {
    return this.handle.numel();
  }
  size(dim?: number): number | number[] {
    if (dim === undefined) return this.shape;
    const s = this.shape;
    return s[dim < 0 ? s.length + dim : dim];
  }
  isContiguous(): boolean {
    return this.handle.isContiguous();
  }
  get isDisposed(): boolean {
    return this.handle.isDisposed();
  }

  // ---- lifetime ---------------------------------------------------------
  /** Frees the native memory now (idempotent). */
  dispose(): void {
    this.handle.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- conversion to JS -------------------------------------------------
  /** A copy of the elements; float16/bfloat16 come back as Float32Array, bool as Uint8Array. */
  toTypedArray(): TypedArray {
    const dtype = this.dtype;
    if (dtype === 'float16' || dtype === 'bfloat16') {
      using f = this.to({ dtype: 'float32' });
      return f.toTypedArray();
    }
    return typedArrayOf(dtype, native().toBuffer(this.handle));
  }
  /** The raw little-endian bytes of the elements (row-major, a copy). */
  toBuffer(): Buffer {
    return native().toBuffer(this.handle);
  }
  item(): number {
    return Number(native().item(this.handle));
  }
  /** Nested arrays of numbers (booleans for bool tensors); for small tensors. */
  tolist(): NestedArray {
    const flat = this.toTypedArray();
    const isBool = this.dtype === 'bool';
    const shape = this.shape;
    let pos = 0;
    const build = (d: number): NestedArray => {
      if (d === shape.length) {
        const v = flat[pos++];
        return isBool ? v !== 0 : Number(v);
      }
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[d]; i++) out.push(build(d + 1));
      return out;
    };
    return build(0);
  }
  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ---- device, dtype, memory format --------------------------------------
  to(target: Device | DType | string | ToOptions, options: ToOptions = {}): Tensor {
    let o: ToOptions;
    if (typeof target === 'string') {
      o = (target === 'cpu' || target.startsWith('cuda')) ? { ...options, device: target } : { ...options, dtype: checkDType(target) };
    } else {
      o = { ...target, ...options };
    }
    const device = o.device === undefined ? undefined : checkDevice(o.device);
    const dtype = o.dtype === undefined ? undefined : scalarTypeCode(o.dtype);
    const fmt = o.memoryFormat === undefined ? undefined : MEMORY_FORMAT[o.memoryFormat];
    return T(ops.to([this.handle, dtype, null, device, null, o.nonBlocking ?? false, o.copy ?? false, fmt]));
  }
  cpu(): Tensor {
    return this.to({ device: 'cpu' });
  }
  cuda(index = 0): Tensor {
    return this.to({ device: `cuda:${index}` });
  }
  float(): Tensor {
    return this.to({ dtype: 'float32' });
  }
  double(): Tensor {
    return this.to({ dtype: 'float64' });
  }
  half(): Tensor {
    return this.to({ dtype: 'float16' });
  }
  bfloat16(): Tensor {
    return this.to({ dtype: 'bfloat16' });
  }
  long(): Tensor {
    return this.to({ dtype: 'int64' });
  }
  int(): Tensor {
    return this.to({ dtype: 'int32' });
  }
  bool(): Tensor {
    return this.to({ dtype: 'bool' });
  }
  /** A copy in page-locked host memory, for fast non-blocking uploads (needs CUDA). */
  pinMemory(): Tensor {
    return T(ops.pinMemory([this.handle]));
  }
  isPinned(): boolean {
    return ops.isPinned([this.handle]) as boolean;
  }
  contiguous(memoryFormat: MemoryFormat = 'contiguous'): Tensor {
    return T(ops.contiguous([this.handle, MEMORY_FORMAT[memoryFormat]]));
  }
  /** NHWC memory layout (same shape), preferred by cuDNN and oneDNN convolutions. */
  channelsLast(): Tensor {
    return this.contiguous('channelsLast');
  }
  clone(): Tensor {
    return T(ops.clone([this.handle]));
  }
  detach(): Tensor {
    return T(ops.detach([this.handle]));
  }

  // ---- arithmetic (broadcasting; numbers allowed on the right) ------------
  add(other: TensorOrScalar, alpha: number = 1): Tensor {
    return other instanceof Tensor
      ? T(ops.add([this.handle, other.handle, alpha]))
      : T(ops.addS([this.handle, scalar(other, 'add(other)'), alpha]));
  }
  sub(other: TensorOrScalar, alpha: number = 1): Tensor {
    return other instanceof Tensor
      ? T(ops.sub([this.handle, other.handle, alpha]))
      : T(ops.subS([this.handle, scalar(other, 'sub(other)'), alpha]));
  }
  mul(other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? T(ops.mul([this.handle, other.handle])) : T(ops.mulS([this.handle, scalar(other, 'mul(other)')]));
  }
  div(other: TensorOrScalar, roundingMode?: 'trunc' | 'floor'): Tensor {
    if (roundingMode !== undefined) {
      const o = other instanceof Tensor ? other : null;
      if (o === null) {
        using s = this.fullLikeScalar(scalar(other, 'div(other)'));
        return T(ops.divMode([this.handle, s.handle, roundingMode]));
      }
      return T(ops.divMode([this.handle, o.handle, roundingMode]));
    }
    return other instanceof Tensor ? T(ops.div([this.handle, other.handle])) : T(ops.divS([this.handle, scalar(other, 'div(other)')]));
  }
  remainder(other: TensorOrScalar): Tensor {
    return other instanceof Tensor
      ? T(ops.remainder([this.handle, other.handle]))
      : T(ops.remainderS([this.handle, scalar(other, 'remainder(other)')]));
  }
  pow(exponent: TensorOrScalar): Tensor {
    return exponent instanceof Tensor
      ? T(ops.pow([this.handle, exponent.handle]))
      : T(ops.powS([this.handle, scalar(exponent, 'pow(exponent)')]));
  }
  maximum(other: Tensor): Tensor {
    return T(ops.maximum([this.handle, h(other)]));
  }
  minimum(other: Tensor): Tensor {
    return T(ops.minimum([this.handle, h(other)]));
  }
  neg(): Tensor { return T(ops.neg([this.handle])); }
  exp(): Tensor { return T(ops.exp([this.handle])); }
  log(): Tensor { return T(ops.log([this.handle])); }
  log1p(): Tensor { return T(ops.log1p([this.handle])); }
  expm1(): Tensor { return T(ops.expm1([this.handle])); }
  sqrt(): Tensor { return T(ops.sqrt([this.handle])); }
  rsqrt(): Tensor { return T(ops.rsqrt([this.handle])); }
  square(): Tensor { return T(ops.square([this.handle])); }
  abs(): Tensor { return T(ops.abs([this.handle])); }
  sigmoid(): Tensor { return T(ops.sigmoid([this.handle])); }
  tanh(): Tensor { return T(ops.tanh([this.handle])); }
  relu(): Tensor { return T(ops.relu([this.handle])); }
  floor(): Tensor { return T(ops.floor([this.handle])); }
  ceil(): Tensor { return T(ops.ceil([this.handle])); }
  round(): Tensor { return T(ops.round([this.handle])); }
  sign(): Tensor { return T(ops.sign([this.handle])); }
  reciprocal(): Tensor { return T(ops.reciprocal([this.handle])); }
  sin(): Tensor { return T(ops.sin([this.handle])); }
  cos(): Tensor { return T(ops.cos([this.handle])); }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    if (min instanceof Tensor || max instanceof Tensor) {
      return T(ops.clampT([this.handle, min instanceof Tensor ? min.handle : null, max instanceof Tensor ? max.handle : null]));
    }
    return T(ops.clamp([this.handle, min ?? null, max ?? null]));
  }

  // ---- comparisons and logic ----------------------------------------------
  eq(other: TensorOrScalar): Tensor { return this.compare(ops.eq, ops.eqS, other, 'eq'); }
  ne(other: TensorOrScalar): Tensor { return this.compare(ops.ne, ops.neS, other, 'ne'); }
  lt(other: TensorOrScalar): Tensor { return this.compare(ops.lt, ops.ltS, other, 'lt'); }
  le(other: TensorOrScalar): Tensor { return this.compare(ops.le, ops.leS, other, 'le'); }
  gt(other: TensorOrScalar): Tensor { return this.compare(ops.gt, ops.gtS, other, 'gt'); }
  ge(other: TensorOrScalar): Tensor { return this.compare(ops.ge, ops.geS, other, 'ge'); }
  logicalAnd(other: Tensor): Tensor { return T(ops.logicalAnd([this.handle, h(other)])); }
  logicalOr(other: Tensor): Tensor { return T(ops.logicalOr([this.handle, h(other)])); }
  logicalXor(other: Tensor): Tensor { return T(ops.logicalXor([this.handle, h(other)])); }
  logicalNot(): Tensor { return T(ops.logicalNot([this.handle])); }
  /** True where the element is neither inf nor NaN. */
  isfinite(): Tensor { return T(ops.isfinite([this.handle])); }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    return value instanceof Tensor
      ? T(ops.maskedFillT([this.handle, h(mask), value.handle]))
      : T(ops.maskedFill([this.handle, h(mask), scalar(value, 'maskedFill(value)')]));
  }
  /** where(condition, this, other): this where condition holds, else other. */
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return other instanceof Tensor
      ? T(ops.where([h(condition), this.handle, other.handle]))
      : T(ops.whereSO([h(condition), this.handle, scalar(other, 'where(other)')]));
  }

  // ---- reductions -----------------------------------------------------------
  sum(dim?: number | number[], keepdim = false, dtype?: DType): Tensor {
    const code = dtype === undefined ? null : scalarTypeCode(dtype);
    return dim === undefined ? T(ops.sum([this.handle, code])) : T(ops.sumDim([this.handle, dimList(dim), keepdim, code]));
  }
  mean(dim?: number | number[], keepdim = false, dtype?: DType): Tensor {
    const code = dtype === undefined ? null : scalarTypeCode(dtype);
    return dim === undefined ? T(ops.mean([this.handle, code])) : T(ops.meanDim([this.handle, dimList(dim), keepdim, code]));
  }
  prod(): Tensor { return T(ops.prod([this.handle])); }
  /** Maximum values over dims (no indices). */
  amax(dim: number | number[], keepdim = false): Tensor { return T(ops.amax([this.handle, dimList(dim), keepdim])); }
  amin(dim: number | number[], keepdim = false): Tensor { return T(ops.amin([this.handle, dimList(dim), keepdim])); }
  /** The maximum of all elements. */
  max(): Tensor;
  /** Maximum along dim: [values, indices]. */
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? T(ops.max([this.handle])) : pair(ops.maxDim([this.handle, dim, keepdim]));
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? T(ops.min([this.handle])) : pair(ops.minDim([this.handle, dim, keepdim]));
  }
  argmax(dim?: number, keepdim = false): Tensor { return T(ops.argmax([this.handle, dim ?? null, keepdim])); }
  argmin(dim?: number, keepdim = false): Tensor { return T(ops.argmin([this.handle, dim ?? null, keepdim])); }
  /** Vector p-norm over dims (all elements by default). */
  norm(p = 2, dim?: number | number[], keepdim = false): Tensor {
    return T(ops.norm([this.handle, p, dimList(dim) ?? null, keepdim, null]));
  }
  all(dim?: number, keepdim = false): Tensor {
    return dim === undefined ? T(ops.all([this.handle])) : T(ops.allDim([this.handle, dim, keepdim]));
  }
  any(dim?: number, keepdim = false): Tensor {
    return dim === undefined ? T(ops.any([this.handle])) : T(ops.anyDim([this.handle, dim, keepdim]));
  }
  var(dim?: number | number[], unbiased = true, keepdim = false): Tensor {
    return T(ops.varDim([this.handle, dimList(dim) ?? null, unbiased ? 1 : 0, keepdim]));
  }
  std(dim?: number | number[], unbiased = true, keepdim = false): Tensor {
    return T(ops.stdDim([this.handle, dimList(dim) ?? null, unbiased ? 1 : 0, keepdim]));
  }
  cumsum(dim: number, dtype?: DType): Tensor {
    return T(ops.cumsum([this.handle, dim, dtype === undefined ? null : scalarTypeCode(dtype)]));
  }
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    return pair(ops.topk([this.handle, k, dim, largest, sorted]));
  }
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return pair(ops.sort([this.handle, dim, descending]));
  }
  /** Sorted unique values; with counts/inverse as in torch.unique. */
  unique(options: { returnInverse?: boolean; returnCounts?: boolean } = {}): { values: Tensor; inverse?: Tensor; counts?: Tensor } {
    const [v, inv, cnt] = (ops.unique([this.handle, true, options.returnInverse ?? false, options.returnCounts ?? false]) as TensorHandle[]).map(
      (x) => new Tensor(x),
    );
    const out: { values: Tensor; inverse?: Tensor; counts?: Tensor } = { values: v };
    if (options.returnInverse) out.inverse = inv;
    else inv.dispose();
    if (options.returnCounts) out.counts = cnt;
    else cnt.dispose();
    return out;
  }
  bincount(weights?: Tensor | null, minlength = 0): Tensor {
    return T(ops.bincount([this.handle, weights ? weights.handle : null, minlength]));
  }

  // ---- linear algebra ---------------------------------------------------
  matmul(other: Tensor): Tensor { return T(ops.matmul([this.handle, h(other)])); }
  mm(other: Tensor): Tensor { return T(ops.mm([this.handle, h(other)])); }
  bmm(other: Tensor): Tensor { return T(ops.bmm([this.handle, h(other)])); }
  outer(other: Tensor): Tensor { return T(ops.outer([this.handle, h(other)])); }

  // ---- shape and indexing -----------------------------------------------
  reshape(...shape: number[] | [number[]]): Tensor { return T(ops.reshape([this.handle, flatArgs(shape)])); }
  view(...shape: number[] | [number[]]): Tensor { return T(ops.view([this.handle, flatArgs(shape)])); }
  permute(...dims: number[] | [number[]]): Tensor { return T(ops.permute([this.handle, flatArgs(dims)])); }
  transpose(dim0: number, dim1: number): Tensor { return T(ops.transpose([this.handle, dim0, dim1])); }
  t(): Tensor { return T(ops.t([this.handle])); }
  narrow(dim: number, start: number, length: number): Tensor { return T(ops.narrow([this.handle, dim, start, length])); }
  /** Python's t[start:end:step] along dim (end may be omitted). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return T(ops.slice([this.handle, dim, start ?? null, end ?? null, step]));
  }
  select(dim: number, index: number): Tensor { return T(ops.select([this.handle, dim, index])); }
  indexSelect(dim: number, index: Tensor): Tensor { return T(ops.indexSelect([this.handle, dim, h(index)])); }
  /** Advanced indexing: t[i0, i1, ...] with index tensors (null = full slice). */
  index(indices: Array<Tensor | null>): Tensor {
    return T(ops.index([this.handle, indices.map((i) => (i === null ? null : h(i)))]));
  }
  gather(dim: number, index: Tensor): Tensor { return T(ops.gather([this.handle, dim, h(index), false])); }
  scatter(dim: number, index: Tensor, src: TensorOrScalar): Tensor {
    return src instanceof Tensor
      ? T(ops.scatter([this.handle, dim, h(index), src.handle]))
      : T(ops.scatterV([this.handle, dim, h(index), scalar(src, 'scatter(src)')]));
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return T(ops.scatterAdd([this.handle, dim, h(index), h(src)]));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return (ops.chunk([this.handle, chunks, dim]) as TensorHandle[]).map((x) => new Tensor(x));
  }
  split(sizes: number | number[], dim = 0): Tensor[] {
    const r = Array.isArray(sizes) ? ops.splitSizes([this.handle, sizes, dim]) : ops.split([this.handle, sizes, dim]);
    return (r as TensorHandle[]).map((x) => new Tensor(x));
  }
  squeeze(dim?: number): Tensor {
    return dim === undefined ? T(ops.squeeze([this.handle])) : T(ops.squeezeDim([this.handle, dim]));
  }
  unsqueeze(dim: number): Tensor { return T(ops.unsqueeze([this.handle, dim])); }
  flip(dims: number | number[]): Tensor { return T(ops.flip([this.handle, dimList(dims)])); }
  expand(...shape: number[] | [number[]]): Tensor { return T(ops.expand([this.handle, flatArgs(shape), false])); }
  expandAs(other: Tensor): Tensor { return this.expand(other.shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return T(ops.flatten([this.handle, startDim, endDim])); }
  repeat(...repeats: number[] | [number[]]): Tensor { return T(ops.repeat([this.handle, flatArgs(repeats)])); }
  /** The slices along dim, as views. */
  unbind(dim = 0): Tensor[] {
    return (ops.unbind([this.handle, dim]) as TensorHandle[]).map((x) => new Tensor(x));
  }
  maskedSelect(mask: Tensor): Tensor { return T(ops.maskedSelect([this.handle, h(mask)])); }
  nonzero(): Tensor { return T(ops.nonzero([this.handle])); }

  // ---- in place (return this) -------------------------------------------
  add_(other: TensorOrScalar, alpha = 1): this {
    if (other instanceof Tensor) ops.add_([this.handle, other.handle, alpha], true);
    else ops.addS_([this.handle, scalar(other, 'add_(other)'), alpha], true);
    return this;
  }
  sub_(other: TensorOrScalar, alpha = 1): this {
    if (other instanceof Tensor) ops.sub_([this.handle, other.handle, alpha], true);
    else ops.subS_([this.handle, scalar(other, 'sub_(other)'), alpha], true);
    return this;
  }
  mul_(other: TensorOrScalar): this {
    if (other instanceof Tensor) ops.mul_([this.handle, other.handle], true);
    else ops.mulS_([this.handle, scalar(other, 'mul_(other)')], true);
    return this;
  }
  div_(other: TensorOrScalar): this {
    if (other instanceof Tensor) ops.div_([this.handle, other.handle], true);
    else ops.divS_([this.handle, scalar(other, 'div_(other)')], true);
    return this;
  }
  copy_(src: Tensor, nonBlocking = false): this {
    ops.copy_([this.handle, h(src), nonBlocking], true);
    return this;
  }
  zero_(): this {
    ops.zero_([this.handle], true);
    return this;
  }
  fill_(value: Scalar): this {
    ops.fill_([this.handle, scalar(value, 'fill_(value)')], true);
    return this;
  }
  clamp_(min?: number | null, max?: number | null): this {
    ops.clamp_([this.handle, min ?? null, max ?? null], true);
    return this;
  }
  /** this += value * t1 * t2 */
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    ops.addcmul_([this.handle, h(t1), h(t2), value], true);
    return this;
  }
  /** this += value * t1 / t2 */
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    ops.addcdiv_([this.handle, h(t1), h(t2), value], true);
    return this;
  }
  /** this += weight * (end - this) */
  lerp_(end: Tensor, weight: TensorOrScalar): this {
    if (weight instanceof Tensor) ops.lerpT_([this.handle, h(end), weight.handle], true);
    else ops.lerp_([this.handle, h(end), scalar(weight, 'lerp_(weight)')], true);
    return this;
  }
  maskedFill_(mask: Tensor, value: Scalar): this {
    ops.maskedFill_([this.handle, h(mask), scalar(value, 'maskedFill_(value)')], true);
    return this;
  }
  scatter_(dim: number, index: Tensor, src: TensorOrScalar): this {
    if (src instanceof Tensor) ops.scatter_([this.handle, dim, h(index), src.handle], true);
    else ops.scatterV_([this.handle, dim, h(index), scalar(src, 'scatter_(src)')], true);
    return this;
  }
  uniform_(from = 0, to = 1): this {
    ops.uniform_([this.handle, from, to, null], true);
    return this;
  }
  normal_(mean = 0, std = 1): this {
    ops.normal_([this.handle, mean, std, null], true);
    return this;
  }

  // ---- autograd ---------------------------------------------------------
  get requiresGrad(): boolean {
    return this.handle.requiresGrad();
  }
  set requiresGrad(value: boolean) {
    native().setRequiresGrad(this.handle, value);
  }
  requiresGrad_(value = true): this {
    native().setRequiresGrad(this.handle, value);
    return this;
  }
  get isLeaf(): boolean {
    return this.handle.isLeaf();
  }
  /**
   * The accumulated gradient (a new handle on the same memory), or null.
   * Throws for a non-leaf tensor that did not call retainGrad().
   */
  get grad(): Tensor | null {
    const g = native().grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  set grad(value: Tensor | null) {
    native().setGrad(this.handle, value === null ? null : h(value));
  }
  retainGrad(): this {
    native().retainGrad(this.handle);
    return this;
  }
  /** Accumulates gradients into the leaves; `gradient` is required unless this has one element. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native().backward([this.handle], gradient ? [h(gradient)] : null, options.retainGraph ?? false, options.createGraph ?? false);
  }

  private compare(t: typeof ops.eq, s: typeof ops.eq, other: TensorOrScalar, name: string): Tensor {
    return other instanceof Tensor ? T(t([this.handle, other.handle])) : T(s([this.handle, scalar(other, `${name}(other)`)]));
  }

  private fullLikeScalar(value: Scalar): Tensor {
    return T(ops.fullLike([this.handle, value, null, null, null, null, null]));
  }
}

function flatArgs(args: number[] | [number[]]): number[] {
  return Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
}
