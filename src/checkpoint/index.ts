// Checkpoint files as plain bytes: safetensors and PyTorch .pth, read and written without libtorch.
import * as nodePath from 'node:path';
import { asCheckpointErrors, CheckpointError } from './errors.js';
import { CheckpointFile } from './file.js';
import { detectFormat } from './format.js';
import { readPth, writePth } from './pth.js';
import type { RawStateDict } from './raw.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

export { writeFileAtomic } from './atomic.js';
export { CheckpointError } from './errors.js';
export type { CheckpointFormat } from './format.js';
export { readPth, readPthObject, readPthTensor, writePth, writePthTensor } from './pth.js';
export {
  contiguousStrides,
  DTYPES,
  isRawTensor,
  itemSize,
  numel,
  type DType,
  type RawStateDict,
  type RawTensor,
} from './raw.js';
export { readSafetensors, readSafetensorsHeader, writeSafetensors, type SafetensorsEntry } from './safetensors.js';

/** The state dict in a safetensors or .pth file, whatever its name says; the format is told by its content. */
export function readStateDict(path: string): RawStateDict {
  const format = asCheckpointErrors(path, 'read', () => CheckpointFile.use(path, detectFormat));
  return format === 'safetensors' ? readSafetensors(path).tensors : readPth(path);
}

/**
 * Writes a state dict in the format its extension names: .safetensors (with `metadata`), or
 * .pth / .pt (loadable by torch.load; that format has no place for metadata, which is left out).
 */
export function writeStateDict(path: string, tensors: RawStateDict, metadata?: Record<string, string>): void {
  const ext = nodePath.extname(path).toLowerCase();
  if (ext === '.safetensors') return writeSafetensors(path, tensors, metadata);
  if (ext === '.pth' || ext === '.pt') return writePth(path, tensors);
  throw new CheckpointError(path, `cannot write ${path}: unknown extension "${ext}"; use .safetensors, .pth or .pt`);
}
