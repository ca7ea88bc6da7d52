import { CheckpointError } from '../errors.js';
import { contiguousStrides, itemSize, numel, type DType, type RawTensor } from '../raw.js';

/** Bytes of one storage that one or more tensors look into (a legacy storage view is a byte range of its root). */
export class StorageView {
  constructor(
    /** The key of the root storage in the file. */
    readonly key: string,
    readonly dtype: DType,
    readonly byteOffset: number,
    readonly byteLength: number,
  ) {}
}

interface PendingTensor {
  tensor: RawTensor;
  storage: StorageView;
  offset: number;
  stride: number[];
}

/**
 * Tensors come out of the pickle before their bytes are read (in the legacy format the bytes
 * even follow the pickle). Each gets its RawTensor at once, so the object tree keeps its
 * identity, and its data is filled in by `materialize` once the storages are at hand.
 */
export class TensorCollector {
  private readonly pending: PendingTensor[] = [];

  constructor(private readonly path: string) {}

  /** The tensor `storage[offset + Σ i·stride]` of `shape`, filled later. */
  add(storage: StorageView, dtype: DType, offset: number, shape: number[], stride: number[]): RawTensor {
    const tensor: RawTensor = { dtype, shape, data: Buffer.alloc(0) };
    this.pending.push({ tensor, storage, offset, stride });
    return tensor;
  }

  /** Fills every tensor from `load(key)`, the whole root storage's bytes; each storage is loaded once. */
  materialize(load: (key: string) => Buffer): void {
    const roots = new Map<string, Buffer>();
    const claimed = new Set<Buffer>();
    for (const { tensor, storage, offset, stride } of this.pending) {
      const count = numel(tensor.shape);
      if (count === 0) continue;
      let root = roots.get(storage.key);
      if (root === undefined) {
        root = load(storage.key);
        roots.set(storage.key, root);
      }
      const size = itemSize(tensor.dtype);
      let last = offset;
      tensor.shape.forEach((d, i) => (last += (d - 1) * stride[i]));
      const needed = (last + 1) * size;
      const available = Math.min(storage.byteLength, root.byteLength - storage.byteOffset);
      if (needed > available) {
        const what = `a tensor of shape [${tensor.shape.join(', ')}] at offset ${offset}`;
        throw new CheckpointError(
          this.path,
          `${this.path}: ${what} reaches byte ${needed} of storage ${storage.key}, which has ${available} bytes`,
        );
      }
      const view = root.subarray(storage.byteOffset + offset * size);
      if (isContiguous(tensor.shape, stride)) {
        const bytes = view.subarray(0, count * size);
        // A tensor that is its whole storage takes the buffer as it is, unless another tensor already did.
        const whole = bytes.byteLength === root.byteLength && !claimed.has(root);
        if (whole) claimed.add(root);
        tensor.data = whole ? root : Buffer.from(bytes);
      } else {
        tensor.data = gather(view, tensor.shape, stride, size);
      }
    }
  }
}

// Dimensions of size 1 may carry any stride without changing the layout.
function isContiguous(shape: number[], stride: number[]): boolean {
  const expected = contiguousStrides(shape);
  return shape.every((d, i) => d === 1 || stride[i] === expected[i]);
}

// Copies a strided view into a new row-major buffer.
function gather(view: Buffer, shape: number[], stride: number[], size: number): Buffer {
  const out = Buffer.allocUnsafe(numel(shape) * size);
  const rank = shape.length;
  const inner = shape[rank - 1];
  const innerStride = stride[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  let written = 0;
  for (;;) {
    let base = 0;
    for (let i = 0; i < rank - 1; i++) base += index[i] * stride[i];
    if (innerStride === 1) {
      view.copy(out, written, base * size, (base + inner) * size);
      written += inner * size;
    } else {
      for (let j = 0; j < inner; j++) {
        const from = (base + j * innerStride) * size;
        view.copy(out, written, from, from + size);
        written += size;
      }
    }
    // Advance the outer index like an odometer.
    let dim = rank - 2;
    while (dim >= 0 && ++index[dim] === shape[dim]) index[dim--] = 0;
    if (dim < 0) return out;
  }
}
