// Between checkpoint records (plain bytes) and tensors (native memory).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromBuffer } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { readStateDict, writeStateDict } from './index.js';
import type { RawStateDict, RawTensor } from './raw.js';

export function tensorToRaw(t: Tensor): RawTensor {
  return { dtype: t.dtype, shape: t.shape, data: t.toBuffer() };
}

/** A CPU tensor over the record's bytes (no copy). */
export function rawToTensor(r: RawTensor): Tensor {
  return fromBuffer(r.data, r.dtype, r.shape);
}

export function toRawStateDict(tensors: Map<string, Tensor>): RawStateDict {
  const out: RawStateDict = new Map();
  for (const [k, t] of tensors) out.set(k, tensorToRaw(t));
  return out;
}

/** Writes tensors as .safetensors or .pth by the file's extension (atomically; the folder is created). */
export function saveTensors(path: string, tensors: Map<string, Tensor>, metadata?: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeStateDict(path, toRawStateDict(tensors), metadata);
}

/** Reads a state dict file into CPU tensors. */
export function loadTensors(path: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, r] of readStateDict(path)) out.set(k, rawToTensor(r));
  return out;
}
