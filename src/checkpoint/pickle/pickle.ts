import { OP } from './opcodes.js';

// A small protocol-2 pickler for the values a checkpoint needs. JavaScript values map to Python:
// null → None, boolean → bool, bigint or safe-integer number → int, other number → float,
// string → str, Buffer → bytes, array → list, Map → dict; the tagged nodes below add the rest.

export type PickleValue =
  null | boolean | number | bigint | string | Buffer | PickleValue[] | Map<PickleValue, PickleValue> | PickleNode;

export type PickleNode =
  | { kind: 'tuple'; items: PickleValue[] }
  | { kind: 'float'; value: number }
  | { kind: 'global'; module: string; name: string }
  | { kind: 'call'; fn: PickleValue; args: PickleValue[] }
  | { kind: 'persistent'; id: PickleValue }
  | { kind: 'ordered-dict'; entries: Array<[PickleValue, PickleValue]> };

export const tuple = (...items: PickleValue[]): PickleNode => ({ kind: 'tuple', items });
/** A Python float even when the value is integral. */
export const float = (value: number): PickleNode => ({ kind: 'float', value });
export const global = (module: string, name: string): PickleNode => ({ kind: 'global', module, name });
/** `fn(*args)`, pickled as REDUCE. */
export const call = (fn: PickleValue, ...args: PickleValue[]): PickleNode => ({ kind: 'call', fn, args });
/** A reference resolved by the loader's persistent_load (BINPERSID). */
export const persistent = (id: PickleValue): PickleNode => ({ kind: 'persistent', id });
export const orderedDict = (entries: Array<[PickleValue, PickleValue]>): PickleNode => ({
  kind: 'ordered-dict',
  entries,
});

// Python's pickler batches APPENDS and SETITEMS by this many items.
const BATCH = 1000;

/** The protocol-2 pickle of `value`. */
export function pickle(value: PickleValue): Buffer {
  const w = new PickleWriter();
  w.op(OP.PROTO, 2);
  w.value(value);
  w.op(OP.STOP);
  return w.finish();
}

class PickleWriter {
  private chunks: Buffer[] = [];
  private pending: number[] = [];
  // Each global is written once and fetched from the memo afterwards, as Python does.
  private readonly memo = new Map<string, number>();

  op(...bytes: number[]): void {
    this.pending.push(...bytes);
  }

  bytes(data: Buffer): void {
    this.flush();
    this.chunks.push(data);
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private flush(): void {
    if (this.pending.length > 0) this.chunks.push(Buffer.from(this.pending));
    this.pending = [];
  }

  value(v: PickleValue): void {
    if (v === null) return this.op(OP.NONE);
    if (typeof v === 'boolean') return this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
    if (typeof v === 'bigint') return this.int(v);
    if (typeof v === 'number') return Number.isSafeInteger(v) ? this.int(BigInt(v)) : this.float(v);
    if (typeof v === 'string') return this.string(v);
    if (Buffer.isBuffer(v)) return this.byteString(v);
    if (Array.isArray(v)) return this.list(v);
    if (v instanceof Map) return this.dict(v);
    switch (v.kind) {
      case 'tuple':
        return this.tuple(v.items);
      case 'float':
        return this.float(v.value);
      case 'global':
        return this.global(v.module, v.name);
      case 'call':
        this.value(v.fn);
        this.tuple(v.args);
        return this.op(OP.REDUCE);
      case 'persistent':
        this.value(v.id);
        return this.op(OP.BINPERSID);
      case 'ordered-dict':
        this.global('collections', 'OrderedDict');
        this.op(OP.EMPTY_TUPLE, OP.REDUCE);
        return this.items(v.entries);
    }
  }

  private int(v: bigint): void {
    if (v >= 0n && v < 0x100n) return this.op(OP.BININT1, Number(v));
    if (v >= 0n && v < 0x10000n) return this.op(OP.BININT2, Number(v & 0xffn), Number(v >> 8n));
    if (v >= -0x80000000n && v < 0x80000000n) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Number(v));
      return this.op(OP.BININT, ...b);
    }
    // LONG1: the shortest little-endian two's complement that keeps the sign.
    const bytes: number[] = [];
    let rest = v;
    for (;;) {
      const byte = Number(rest & 0xffn);
      bytes.push(byte);
      rest >>= 8n;
      if ((rest === 0n && (byte & 0x80) === 0) || (rest === -1n && (byte & 0x80) !== 0)) break;
    }
    this.op(OP.LONG1, bytes.length, ...bytes);
  }

  private float(v: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    this.op(OP.BINFLOAT, ...b);
  }

  private string(v: string): void {
    const utf8 = Buffer.from(v, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(utf8.byteLength);
    this.op(OP.BINUNICODE, ...len);
    this.bytes(utf8);
  }

  // Protocol 2 has no bytes opcode; Python pickles bytes as _codecs.encode(text, 'latin1').
  private byteString(v: Buffer): void {
    this.global('_codecs', 'encode');
    this.tuple([v.toString('latin1'), 'latin1']);
    this.op(OP.REDUCE);
  }

  private tuple(items: PickleValue[]): void {
    const small = [OP.EMPTY_TUPLE, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3];
    if (items.length > 3) this.op(OP.MARK);
    for (const item of items) this.value(item);
    this.op(items.length <= 3 ? small[items.length] : OP.TUPLE);
  }

  private list(items: PickleValue[]): void {
    this.op(OP.EMPTY_LIST);
    for (let i = 0; i < items.length; i += BATCH) {
      this.op(OP.MARK);
      for (const item of items.slice(i, i + BATCH)) this.value(item);
      this.op(OP.APPENDS);
    }
  }

  private dict(map: Map<PickleValue, PickleValue>): void {
    this.op(OP.EMPTY_DICT);
    this.items([...map]);
  }

  private items(entries: Array<[PickleValue, PickleValue]>): void {
    for (let i = 0; i < entries.length; i += BATCH) {
      this.op(OP.MARK);
      for (const [k, v] of entries.slice(i, i + BATCH)) {
        this.value(k);
        this.value(v);
      }
      this.op(OP.SETITEMS);
    }
  }

  private global(module: string, name: string): void {
    const key = `${module}\n${name}\n`;
    const index = this.memo.get(key);
    if (index !== undefined) return this.memoGet(index);
    this.op(OP.GLOBAL);
    this.bytes(Buffer.from(key, 'utf8'));
    const slot = this.memo.size;
    this.memo.set(key, slot);
    if (slot < 0x100) this.op(OP.BINPUT, slot);
    else this.op(OP.LONG_BINPUT, ...uint32(slot));
  }

  private memoGet(index: number): void {
    if (index < 0x100) this.op(OP.BINGET, index);
    else this.op(OP.LONG_BINGET, ...uint32(index));
  }
}

function uint32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}
