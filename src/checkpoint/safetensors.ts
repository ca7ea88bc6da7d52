import { writeAll, writeFileAtomic } from './atomic.js';
import { asCheckpointErrors, CheckpointError } from './errors.js';
import { CheckpointFile } from './file.js';
import { itemSize, numel, rawTensorProblem, type DType, type RawStateDict } from './raw.js';

// Format: 8-byte little-endian header length N, N bytes of JSON header, then the tensors' bytes.
// The header maps each name to { dtype, shape, data_offsets: [begin, end] } (relative to the end
// of the header) and may hold "__metadata__", a map of strings.

export interface SafetensorsEntry {
  name: string;
  dtype: DType;
  shape: number[];
  /** Absolute position of the tensor's bytes in the file. */
  offset: number;
  /** Byte length of the tensor. */
  length: number;
}

const CODES: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const DTYPES_BY_CODE = new Map<string, DType>(Object.entries(CODES).map(([dtype, code]) => [code, dtype as DType]));

// The reference implementation refuses headers above 100 MB; so does this reader.
const MAX_HEADER = 100_000_000;
const METADATA = '__metadata__';

/** The tensor table and metadata, without reading any tensor. */
export function readSafetensorsHeader(path: string): { entries: SafetensorsEntry[]; metadata: Record<string, string> } {
  return asCheckpointErrors(path, 'read', () => CheckpointFile.use(path, (file) => parseHeader(file)));
}

/** Every tensor (in the order of their bytes in the file) and the metadata. */
export function readSafetensors(path: string): { tensors: RawStateDict; metadata: Record<string, string> } {
  return asCheckpointErrors(path, 'read', () =>
    CheckpointFile.use(path, (file) => {
      const { entries, metadata } = parseHeader(file);
      const tensors: RawStateDict = new Map();
      for (const e of entries) {
        tensors.set(e.name, {
          dtype: e.dtype,
          shape: e.shape,
          data: file.read(e.offset, e.length, `tensor "${e.name}"`),
        });
      }
      return { tensors, metadata };
    }),
  );
}

/** Writes `tensors` in their order, then the metadata, atomically. */
export function writeSafetensors(path: string, tensors: RawStateDict, metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = {};
  let end = 0;
  for (const [name, t] of tensors) {
    const problem = rawTensorProblem(t);
    if (problem) throw new CheckpointError(path, `cannot write ${path}: tensor "${name}" ${problem}`);
    if (name === METADATA)
      throw new CheckpointError(path, `cannot write ${path}: "${METADATA}" is reserved and cannot name a tensor`);
    header[name] = { dtype: CODES[t.dtype], shape: t.shape, data_offsets: [end, end + t.data.byteLength] };
    end += t.data.byteLength;
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new CheckpointError(
        path,
        `cannot write ${path}: metadata "${key}" is a ${typeof value}; safetensors metadata values must be strings`,
      );
    }
  }
  if (Object.keys(metadata).length > 0) header[METADATA] = metadata;

  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad with spaces so that the tensor data starts at a multiple of 8 bytes.
  const padded = Buffer.alloc(Math.ceil(json.byteLength / 8) * 8, ' ');
  json.copy(padded);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.byteLength));

  asCheckpointErrors(path, 'write', () =>
    writeFileAtomic(path, (fd) => {
      writeAll(fd, length);
      writeAll(fd, padded);
      for (const t of tensors.values()) writeAll(fd, t.data);
    }),
  );
}

function parseHeader(file: CheckpointFile): { entries: SafetensorsEntry[]; metadata: Record<string, string> } {
  const { path } = file;
  const bad = (why: string): CheckpointError =>
    new CheckpointError(path, `${path} is not a valid safetensors file: ${why}`);
  if (file.size < 8)
    throw new CheckpointError(path, `${path} is truncated: ${file.size} bytes, fewer than the 8-byte header length`);
  const declared = file.read(0, 8, 'the header length').readBigUInt64LE(0);
  if (declared > BigInt(MAX_HEADER)) throw bad(`the header length ${declared} exceeds ${MAX_HEADER} bytes`);
  const headerLength = Number(declared);
  if (8 + headerLength > file.size) {
    throw new CheckpointError(
      path,
      `${path} is truncated: the header says it is ${headerLength} bytes long, the file has ${file.size - 8} after the length`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(file.read(8, headerLength, 'the header').toString('utf8'));
  } catch (err) {
    throw bad(`the header is not JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw bad('the header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = file.size - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Array<SafetensorsEntry & { order: number }> = [];
  let dataEnd = 0;
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw bad(`"${METADATA}" is not an object`);
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw bad(`metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof e?.dtype === 'string' ? DTYPES_BY_CODE.get(e.dtype) : undefined;
    if (dtype === undefined) {
      throw bad(
        `tensor "${name}" has dtype ${JSON.stringify(e?.dtype)}; supported: ${[...DTYPES_BY_CODE.keys()].join(', ')}`,
      );
    }
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw bad(`tensor "${name}" has shape ${JSON.stringify(e.shape)}, expected non-negative integers`);
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[1] < offsets[0]
    ) {
      throw bad(
        `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with begin <= end`,
      );
    }
    const shape = e.shape as number[];
    const [begin, end] = offsets as [number, number];
    const expected = numel(shape) * itemSize(dtype);
    if (end - begin !== expected) {
      throw bad(
        `tensor "${name}" spans ${end - begin} bytes, but shape [${shape.join(', ')}] of ${dtype} needs ${expected}`,
      );
    }
    dataEnd = Math.max(dataEnd, end);
    entries.push({ name, dtype, shape, offset: dataStart + begin, length: expected, order: entries.length });
  }
  if (dataEnd > dataLength) {
    throw new CheckpointError(
      path,
      `${path} is truncated: the header says ${dataEnd} bytes of data, the file has ${dataLength}`,
    );
  }
  // File order is the order of the data: JSON objects do not keep the order of integer-like keys.
  entries.sort((a, b) => a.offset - b.offset || a.order - b.order);
  return { entries: entries.map(({ order: _, ...entry }) => entry), metadata };
}
