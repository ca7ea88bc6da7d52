import { CheckpointError } from '../errors.js';
import { describeOpcode, OP } from './opcodes.js';
import { EndOfData, type ByteSource } from './source.js';

// Python values come out as: None → null, bool → boolean, int → number (bigint beyond 2^53),
// float → number, str → string, bytes → Buffer, list → array, tuple → frozen array,
// dict → Map, set → Set. Anything else must be built by a global the caller allows.

/** A Python callable that a pickle may name with GLOBAL and call with REDUCE or NEWOBJ. */
export class PyCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly unknown[]) => unknown,
    /** Applies BUILD's state to an object this callable made; absent: BUILD on it is an error. */
    readonly build?: (obj: unknown, state: unknown) => void,
  ) {}
}

export interface UnpickleOptions {
  /** The checkpoint file, for error messages. */
  path: string;
  /** Which pickle inside the file, for error messages (e.g. "archive/data.pkl"). */
  what: string;
  /** The value of `module.name`, or undefined when the pickle may not use it. */
  findGlobal(module: string, name: string): unknown;
  /** The object behind a persistent id; absent: persistent ids are an error. */
  persistentLoad?(pid: unknown): unknown;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one pickle (up to and including its STOP) from `source` and returns its value. */
export function unpickle(source: ByteSource, options: UnpickleOptions): unknown {
  return new Unpickler(source, options).run();
}

class Unpickler {
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly builders = new WeakMap<object, (obj: unknown, state: unknown) => void>();
  private opStart = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly options: UnpickleOptions,
  ) {}

  run(): unknown {
    try {
      for (;;) {
        this.opStart = this.src.position;
        const op = this.src.u8();
        if (op === OP.STOP) return this.pop();
        this.step(op);
      }
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      const { path, what } = this.options;
      if (err instanceof EndOfData) {
        throw new CheckpointError(
          path,
          `${path} is truncated: ${what} ends at byte ${err.at} in the middle of a pickle`,
        );
      }
      throw new CheckpointError(path, `${path}: cannot read ${what}: ${(err as Error).message}`, { cause: err });
    }
  }

  private fail(message: string): never {
    const { path, what } = this.options;
    throw new CheckpointError(path, `${path}: ${what} at byte ${this.opStart}: ${message}`);
  }

  private step(op: number): void {
    const src = this.src;
    switch (op) {
      case OP.PROTO: {
        const version = src.u8();
        if (version > 5) this.fail(`pickle protocol ${version} is newer than protocol 5, the newest this reader knows`);
        return;
      }
      case OP.FRAME:
        src.take(8);
        return;
      case OP.MARK:
        this.marks.push(this.stack);
        this.stack = [];
        return;
      case OP.POP:
        this.pop();
        return;
      case OP.POP_MARK:
        this.popMark();
        return;
      case OP.DUP:
        this.push(this.top());
        return;

      case OP.NONE:
        return this.push(null);
      case OP.NEWTRUE:
        return this.push(true);
      case OP.NEWFALSE:
        return this.push(false);
      case OP.BININT1:
        return this.push(src.u8());
      case OP.BININT2:
        return this.push(src.take(2).readUInt16LE(0));
      case OP.BININT:
        return this.push(src.take(4).readInt32LE(0));
      case OP.LONG1:
        return this.push(decodeLong(src.take(src.u8())));
      case OP.LONG4:
        return this.push(decodeLong(src.take(this.length(src.take(4).readInt32LE(0)))));
      case OP.BINFLOAT:
        return this.push(src.take(8).readDoubleBE(0));
      case OP.INT:
        return this.push(this.parseIntLine(this.line()));
      case OP.LONG:
        return this.push(this.parseIntLine(this.line().replace(/L$/, '')));
      case OP.FLOAT: {
        const text = this.line();
        const value = Number(text);
        if (Number.isNaN(value) && !/^[-+]?nan$/i.test(text)) this.fail(`FLOAT ${JSON.stringify(text)} is no number`);
        return this.push(value);
      }

      case OP.BINUNICODE:
        return this.push(this.text(src.take(this.length(src.take(4).readUInt32LE(0)))));
      case OP.SHORT_BINUNICODE:
        return this.push(this.text(src.take(src.u8())));
      case OP.BINUNICODE8:
        return this.push(this.text(src.take(this.length(src.take(8).readBigUInt64LE(0)))));
      case OP.UNICODE:
        return this.push(decodeRawUnicodeEscape(this.line()));
      // Python 2 byte strings; torch.load decodes them as UTF-8, and so does this reader.
      case OP.BINSTRING:
        return this.push(this.text(src.take(this.length(src.take(4).readInt32LE(0)))));
      case OP.SHORT_BINSTRING:
        return this.push(this.text(src.take(src.u8())));
      case OP.BINBYTES:
        return this.push(Buffer.from(src.take(this.length(src.take(4).readUInt32LE(0)))));
      case OP.SHORT_BINBYTES:
        return this.push(Buffer.from(src.take(src.u8())));
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        return this.push(Buffer.from(src.take(this.length(src.take(8).readBigUInt64LE(0)))));

      case OP.EMPTY_TUPLE:
        return this.push(Object.freeze([]));
      case OP.TUPLE1:
        return this.push(Object.freeze(this.popN(1)));
      case OP.TUPLE2:
        return this.push(Object.freeze(this.popN(2)));
      case OP.TUPLE3:
        return this.push(Object.freeze(this.popN(3)));
      case OP.TUPLE:
        return this.push(Object.freeze(this.popMark()));
      case OP.EMPTY_LIST:
        return this.push([]);
      case OP.LIST:
        return this.push(this.popMark());
      case OP.APPEND: {
        const item = this.pop();
        this.list(this.top()).push(item);
        return;
      }
      case OP.APPENDS: {
        const items = this.popMark();
        const list = this.list(this.top());
        for (const item of items) list.push(item);
        return;
      }
      case OP.EMPTY_DICT:
        return this.push(new Map());
      case OP.DICT: {
        const dict = new Map<unknown, unknown>();
        this.setItems(dict, this.popMark());
        return this.push(dict);
      }
      case OP.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        this.dict(this.top()).set(key, value);
        return;
      }
      case OP.SETITEMS: {
        const items = this.popMark();
        this.setItems(this.dict(this.top()), items);
        return;
      }
      case OP.EMPTY_SET:
        return this.push(new Set());
      case OP.ADDITEMS: {
        const items = this.popMark();
        const set = this.top();
        if (!(set instanceof Set)) this.fail(`ADDITEMS on ${typeName(set)}, expected a set`);
        for (const item of items) set.add(item);
        return;
      }
      case OP.FROZENSET:
        return this.push(new Set(this.popMark()));

      case OP.BINPUT:
        return this.put(src.u8());
      case OP.LONG_BINPUT:
        return this.put(src.take(4).readUInt32LE(0));
      case OP.PUT:
        return this.put(this.parseIndex(this.line()));
      case OP.MEMOIZE:
        return this.put(this.memo.size);
      case OP.BINGET:
        return this.get(src.u8());
      case OP.LONG_BINGET:
        return this.get(src.take(4).readUInt32LE(0));
      case OP.GET:
        return this.get(this.parseIndex(this.line()));

      case OP.GLOBAL: {
        const module = this.line();
        const name = this.line();
        return this.push(this.global(module, name));
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        return this.push(this.global(module, name));
      }
      case OP.REDUCE: {
        const args = this.pop();
        const fn = this.pop();
        return this.push(this.call(fn, args));
      }
      case OP.NEWOBJ: {
        const args = this.pop();
        const cls = this.pop();
        return this.push(this.call(cls, args));
      }
      case OP.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        if (!(kwargs instanceof Map) || kwargs.size > 0) this.fail('NEWOBJ_EX with keyword arguments is not supported');
        return this.push(this.call(cls, args));
      }
      case OP.BUILD: {
        const state = this.pop();
        const obj = this.top();
        const build = typeof obj === 'object' && obj !== null ? this.builders.get(obj) : undefined;
        if (build) build(obj, state);
        // A dict subclass such as OrderedDict carries instance attributes (a state dict's
        // `_metadata`); they have no place in a Map and are dropped.
        else if (!(obj instanceof Map)) this.fail(`BUILD on ${typeName(obj)} is not supported`);
        return;
      }
      case OP.BINPERSID:
        return this.push(this.persistent(this.pop()));
      case OP.PERSID:
        return this.push(this.persistent(this.line()));

      default:
        this.fail(`opcode ${describeOpcode(op)} is not supported; the file may not be a PyTorch checkpoint`);
    }
  }

  private push(value: unknown): void {
    this.stack.push(value);
  }

  private pop(): unknown {
    if (this.stack.length === 0) this.fail('the pickle stack is empty');
    return this.stack.pop();
  }

  private popN(n: number): unknown[] {
    if (this.stack.length < n) this.fail(`${n} values expected on the pickle stack, found ${this.stack.length}`);
    return this.stack.splice(this.stack.length - n, n);
  }

  private top(): unknown {
    if (this.stack.length === 0) this.fail('the pickle stack is empty');
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const previous = this.marks.pop();
    if (previous === undefined) this.fail('MARK expected before this opcode');
    this.stack = previous;
    return items;
  }

  private put(index: number): void {
    this.memo.set(index, this.top());
  }

  private get(index: number): void {
    if (!this.memo.has(index)) this.fail(`memo entry ${index} is read before it is written`);
    this.push(this.memo.get(index));
  }

  private list(target: unknown): unknown[] {
    if (!Array.isArray(target) || Object.isFrozen(target)) this.fail(`APPEND on ${typeName(target)}, expected a list`);
    return target;
  }

  private dict(target: unknown): Map<unknown, unknown> {
    if (!(target instanceof Map)) this.fail(`SETITEM on ${typeName(target)}, expected a dict`);
    return target;
  }

  private setItems(dict: Map<unknown, unknown>, items: unknown[]): void {
    if (items.length % 2 !== 0) this.fail('odd number of values for dict items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  }

  private global(module: string, name: string): unknown {
    const value = this.options.findGlobal(module, name);
    if (value === undefined) {
      this.fail(
        `global ${module}.${name} is not allowed in a checkpoint (only tensors, storages and plain containers are read)`,
      );
    }
    return value;
  }

  private call(fn: unknown, args: unknown): unknown {
    if (!(fn instanceof PyCallable)) this.fail(`${typeName(fn)} is called but is not a known callable`);
    if (!Array.isArray(args))
      this.fail(`${fn.qualifiedName} is called with ${typeName(args)} instead of an argument tuple`);
    let result: unknown;
    try {
      result = fn.call(args);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      this.fail(`${fn.qualifiedName}: ${(err as Error).message}`);
    }
    if (fn.build && typeof result === 'object' && result !== null) this.builders.set(result, fn.build);
    return result;
  }

  private persistent(pid: unknown): unknown {
    if (!this.options.persistentLoad) this.fail('persistent ids are not expected in this pickle');
    return this.options.persistentLoad(pid);
  }

  private length(n: number | bigint): number {
    if (n < 0 || n > Number.MAX_SAFE_INTEGER) this.fail(`length ${n} is out of range`);
    return Number(n);
  }

  private text(bytes: Buffer): string {
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  }

  // Protocol 0 arguments end at a newline.
  private line(): string {
    const bytes: number[] = [];
    for (;;) {
      const b = this.src.u8();
      if (b === 0x0a) break;
      bytes.push(b);
      if (bytes.length > 1 << 16) this.fail('a text argument runs past 64 KiB without a newline');
    }
    return Buffer.from(bytes).toString('latin1');
  }

  private parseIntLine(text: string): number | bigint | boolean {
    if (text === '00') return false;
    if (text === '01') return true;
    if (!/^[-+]?\d+$/.test(text)) this.fail(`${JSON.stringify(text)} is no integer`);
    return normaliseInt(BigInt(text));
  }

  private parseIndex(text: string): number {
    if (!/^\d+$/.test(text)) this.fail(`memo index ${JSON.stringify(text)} is no integer`);
    return Number(text);
  }
}

function normaliseInt(value: bigint): number | bigint {
  return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

// Little-endian two's complement of any length.
function decodeLong(bytes: Buffer): number | bigint {
  if (bytes.byteLength === 0) return 0;
  let value = 0n;
  for (let i = bytes.byteLength - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.byteLength - 1] & 0x80) value -= 1n << BigInt(bytes.byteLength * 8);
  return normaliseInt(value);
}

function decodeRawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four?: string, eight?: string) =>
    String.fromCodePoint(parseInt(four ?? eight ?? '0', 16)),
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return Object.isFrozen(value) ? 'a tuple' : 'a list';
  if (value instanceof Map) return 'a dict';
  if (value instanceof PyCallable) return value.qualifiedName;
  if (Buffer.isBuffer(value)) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
