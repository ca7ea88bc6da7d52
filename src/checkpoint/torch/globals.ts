import { CheckpointError } from '../errors.js';
import { itemSize, type DType } from '../raw.js';
import { PyCallable } from '../pickle/unpickle.js';
import { storageDType, torchDType } from './storages.js';
import { StorageView, TensorCollector } from './tensors.js';

/** `torch.FloatStorage` and its kin, as named by a storage's persistent id. */
export class StorageClass {
  constructor(
    readonly name: string,
    readonly dtype: DType,
  ) {}
}

/** A `torch.float32`-style dtype object found in a pickle. */
export class TorchDType {
  constructor(readonly dtype: DType) {}
}

/** What one storage key refers to, as its persistent ids describe it. */
export interface StorageInfo {
  dtype: DType;
  /** Elements of the root storage. */
  numel: number;
}

/**
 * The part of unpickling that knows PyTorch: which globals a checkpoint may use, and how a
 * storage's persistent id becomes a StorageView. Everything else is refused by name, so a
 * pickle cannot run arbitrary code paths of ours by naming them.
 */
export class TorchPickleContext {
  /** Root storages by key, in the order the pickle first mentions them. */
  readonly storages = new Map<string, StorageInfo>();
  readonly tensors: TensorCollector;
  private readonly globals: Map<string, unknown>;

  constructor(private readonly path: string) {
    this.tensors = new TensorCollector(path);
    this.globals = this.makeGlobals();
  }

  findGlobal = (module: string, name: string): unknown => {
    const known = this.globals.get(`${module}.${name}`);
    if (known !== undefined) return known;
    if (module === 'torch') {
      const storage = storageDType(name);
      if (storage !== undefined) return new StorageClass(name, storage);
      const dtype = torchDType(name);
      if (dtype !== undefined) return new TorchDType(dtype);
    }
    return undefined;
  };

  // ('storage', StorageClass, key, location, numel) — the legacy format appends view metadata:
  // null, or (view_key, offset, view_numel) for a slice of the root storage.
  persistentLoad = (pid: unknown): unknown => {
    if (!Array.isArray(pid) || pid[0] !== 'storage') {
      const kind = Array.isArray(pid) ? JSON.stringify(pid[0]) : typeof pid;
      throw this.error(
        `persistent id of kind ${kind} is not a storage; only state dicts and plain objects holding tensors can be read (save model.state_dict())`,
      );
    }
    const [, cls, rawKey, , rawNumel, view] = pid;
    if (!(cls instanceof StorageClass))
      throw this.error(`storage persistent id names ${String(cls)} instead of a storage class`);
    const key = String(rawKey);
    const numel = this.count(rawNumel, `numel of storage ${key}`);
    const known = this.storages.get(key);
    if (known && known.dtype !== cls.dtype) {
      throw this.error(`storage ${key} is referenced both as ${known.dtype} and as ${cls.dtype}`);
    }
    if (!known) this.storages.set(key, { dtype: cls.dtype, numel });
    const size = itemSize(cls.dtype);
    if (view === undefined || view === null) return new StorageView(key, cls.dtype, 0, numel * size);
    if (!Array.isArray(view) || view.length !== 3) throw this.error(`storage ${key} has malformed view metadata`);
    const offset = this.count(view[1], `view offset in storage ${key}`);
    const length = this.count(view[2], `view size in storage ${key}`);
    if (offset + length > numel)
      throw this.error(`a view of ${length} elements at ${offset} exceeds storage ${key} (${numel} elements)`);
    return new StorageView(key, cls.dtype, offset * size, length * size);
  };

  private error(message: string): CheckpointError {
    return new CheckpointError(this.path, `${this.path}: ${message}`);
  }

  private count(value: unknown, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw this.error(`${what} is ${String(value)}, expected a non-negative integer`);
    }
    return value;
  }

  private dims(value: unknown, what: string): number[] {
    if (!Array.isArray(value)) throw this.error(`tensor ${what} is ${String(value)}, expected a tuple of integers`);
    return value.map((v) => this.count(v, `tensor ${what} entry`));
  }

  private tensor(storage: unknown, offset: unknown, size: unknown, stride: unknown, dtype?: DType): unknown {
    if (!(storage instanceof StorageView)) throw this.error('a tensor is rebuilt from something that is not a storage');
    const shape = this.dims(size, 'size');
    const strides = this.dims(stride, 'stride');
    if (strides.length !== shape.length) {
      throw this.error(`tensor size [${shape.join(', ')}] and stride [${strides.join(', ')}] differ in length`);
    }
    return this.tensors.add(storage, dtype ?? storage.dtype, this.count(offset, 'storage offset'), shape, strides);
  }

  private makeGlobals(): Map<string, unknown> {
    const entries: Array<[string, (args: readonly unknown[]) => unknown, ((obj: unknown, state: unknown) => void)?]> = [
      ['collections.OrderedDict', (args) => new Map(args.length > 0 ? pairs(args[0]) : [])],
      ['torch._utils._rebuild_tensor', ([s, o, size, stride]) => this.tensor(s, o, size, stride)],
      ['torch._utils._rebuild_tensor_v2', ([s, o, size, stride]) => this.tensor(s, o, size, stride)],
      [
        'torch._utils._rebuild_tensor_v3',
        ([s, o, size, stride, , , dtype]) => {
          if (!(dtype instanceof TorchDType)) throw this.error('_rebuild_tensor_v3 without a dtype');
          return this.tensor(s, o, size, stride, dtype.dtype);
        },
      ],
      // Parameters are stored as their data tensor; requires_grad and hooks do not apply here.
      ['torch._utils._rebuild_parameter', ([data]) => data],
      ['torch._utils._rebuild_parameter_with_state', ([data]) => data],
      ['torch.Size', ([dims]) => Object.freeze([...(dims as unknown[])])],
      [
        'torch.device',
        ([type, index]) => (index === undefined || index === null ? String(type) : `${String(type)}:${String(index)}`),
      ],
      ['builtins.set', (args) => new Set(args.length > 0 ? (args[0] as unknown[]) : [])],
      ['builtins.frozenset', (args) => new Set(args.length > 0 ? (args[0] as unknown[]) : [])],
      ['__builtin__.set', (args) => new Set(args.length > 0 ? (args[0] as unknown[]) : [])],
      ['__builtin__.frozenset', (args) => new Set(args.length > 0 ? (args[0] as unknown[]) : [])],
      // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
      [
        '_codecs.encode',
        ([text, encoding]) =>
          Buffer.from(String(text), encoding === 'latin1' || encoding === 'latin-1' ? 'latin1' : 'utf8'),
      ],
      // Training scripts often save their parsed arguments next to the weights.
      ['argparse.Namespace', () => new Map(), (obj, state) => mergeAttributes(obj as Map<unknown, unknown>, state)],
    ];
    return new Map(entries.map(([name, call, build]) => [name, new PyCallable(name, call, build)]));
  }
}

function pairs(items: unknown): Array<[unknown, unknown]> {
  if (items instanceof Map) return [...items];
  if (!Array.isArray(items)) throw new Error('OrderedDict expects a list of pairs');
  return items.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error('OrderedDict expects a list of pairs');
    return [pair[0], pair[1]];
  });
}

function mergeAttributes(target: Map<unknown, unknown>, state: unknown): void {
  if (!(state instanceof Map)) throw new Error('object state is not a dict');
  for (const [k, v] of state) target.set(k, v);
}
