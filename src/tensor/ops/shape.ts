// Shapes and views: reshaping, dims, slices and splits (mostly sharing memory).
import { op } from '../dispatch.js';
import type { Tensor } from '../tensor.js';
import { dimList, unaryMethod, wrap, wrapList } from './wrap.js';

// A shape given as numbers or as one array: t.view(2, 3) or t.view([2, 3]).
type Sizes = number[] | [number[]];

export interface ShapeMethods {
  reshape(...shape: Sizes): Tensor;
  view(...shape: Sizes): Tensor;
  permute(...dims: Sizes): Tensor;
  transpose(dim0: number, dim1: number): Tensor;
  t(): Tensor;
  narrow(dim: number, start: number, length: number): Tensor;
  /** Python's t[start:end:step] along dim (end may be omitted). */
  slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
  select(dim: number, index: number): Tensor;
  chunk(chunks: number, dim?: number): Tensor[];
  split(sizes: number | number[], dim?: number): Tensor[];
  /** The slices along dim, as views. */
  unbind(dim?: number): Tensor[];
  squeeze(dim?: number): Tensor;
  unsqueeze(dim: number): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  flip(dims: number | number[]): Tensor;
  expand(...shape: Sizes): Tensor;
  expandAs(other: Tensor): Tensor;
  repeat(...repeats: Sizes): Tensor;
}

const ops = {
  reshape: op('reshape'), view: op('view'), permute: op('permute'), transpose: op('transpose', 'int'),
  narrow: op('narrow'), slice: op('slice', 'Tensor'), select: op('select', 'int'),
  chunk: op('chunk'), split: op('split', 'Tensor'), splitSizes: op('split_with_sizes'), unbind: op('unbind', 'int'),
  squeeze: op('squeeze'), squeezeDim: op('squeeze', 'dim'), unsqueeze: op('unsqueeze'),
  flatten: op('flatten', 'using_ints'), flip: op('flip'), expand: op('expand'), repeat: op('repeat'),
};

function sizes(args: Sizes): number[] {
  return Array.isArray(args[0]) ? args[0] : (args as number[]);
}

export const shapeMethods: ShapeMethods & ThisType<Tensor> = {
  reshape(...shape) {
    return wrap(ops.reshape([this.handle, sizes(shape)]));
  },
  view(...shape) {
    return wrap(ops.view([this.handle, sizes(shape)]));
  },
  permute(...dims) {
    return wrap(ops.permute([this.handle, sizes(dims)]));
  },
  transpose(dim0, dim1) {
    return wrap(ops.transpose([this.handle, dim0, dim1]));
  },
  t: unaryMethod(op('t')),
  narrow(dim, start, length) {
    return wrap(ops.narrow([this.handle, dim, start, length]));
  },
  slice(dim, start, end, step = 1) {
    return wrap(ops.slice([this.handle, dim, start ?? null, end ?? null, step]));
  },
  select(dim, index) {
    return wrap(ops.select([this.handle, dim, index]));
  },
  chunk(chunks, dim = 0) {
    return wrapList(ops.chunk([this.handle, chunks, dim]));
  },
  split(sizes, dim = 0) {
    return wrapList(Array.isArray(sizes) ? ops.splitSizes([this.handle, sizes, dim]) : ops.split([this.handle, sizes, dim]));
  },
  unbind(dim = 0) {
    return wrapList(ops.unbind([this.handle, dim]));
  },
  squeeze(dim) {
    return dim === undefined ? wrap(ops.squeeze([this.handle])) : wrap(ops.squeezeDim([this.handle, dim]));
  },
  unsqueeze(dim) {
    return wrap(ops.unsqueeze([this.handle, dim]));
  },
  flatten(startDim = 0, endDim = -1) {
    return wrap(ops.flatten([this.handle, startDim, endDim]));
  },
  flip(dims) {
    return wrap(ops.flip([this.handle, dimList(dims)]));
  },
  expand(...shape) {
    return wrap(ops.expand([this.handle, sizes(shape), false]));
  },
  expandAs(other) {
    return this.expand(other.shape);
  },
  repeat(...repeats) {
    return wrap(ops.repeat([this.handle, sizes(repeats)]));
  },
};
