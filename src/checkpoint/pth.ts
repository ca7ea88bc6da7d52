import { writeFileAtomic } from './atomic.js';
import { asCheckpointErrors, CheckpointError } from './errors.js';
import { CheckpointFile } from './file.js';
import { detectFormat } from './format.js';
import { isRawTensor, rawTensorProblem, type RawStateDict, type RawTensor } from './raw.js';
import { readLegacyPth } from './torch/legacy-format.js';
import { findStateDict } from './torch/state-dict.js';
import { readZipPth, writeZipPth } from './torch/zip-format.js';

/**
 * The whole object saved by torch.save, in either the zip format (PyTorch >= 1.6) or the legacy
 * one. Python values map to: dict/OrderedDict → Map (keys in order), list → array, tuple →
 * frozen array, set → Set, int → number (bigint beyond 2^53), float → number, str → string,
 * bytes → Buffer, None → null; tensors and parameters → RawTensor.
 */
export function readPthObject(path: string): unknown {
  return asCheckpointErrors(path, 'read', () =>
    CheckpointFile.use(path, (file) => {
      const format = detectFormat(file);
      if (format === 'pth-zip') return readZipPth(file);
      if (format === 'pth-legacy') return readLegacyPth(file);
      throw new CheckpointError(
        path,
        `${path} is a safetensors file, not a PyTorch .pth; read it with readSafetensors or readStateDict`,
      );
    }),
  );
}

/** The state dict inside a .pth (see findStateDict), names exactly as saved. */
export function readPth(path: string): RawStateDict {
  return findStateDict(readPthObject(path), path);
}

/** Writes `tensors` atomically as a zip-format .pth that Python's torch.load reads as an OrderedDict. */
export function writePth(path: string, tensors: RawStateDict): void {
  for (const [name, t] of tensors) {
    const problem = rawTensorProblem(t);
    if (problem) throw new CheckpointError(path, `cannot write ${path}: tensor "${name}" ${problem}`);
  }
  asCheckpointErrors(path, 'write', () => writeFileAtomic(path, (fd) => writeZipPth(fd, tensors)));
}

/** Writes one tensor atomically as torch.save(tensor) does, e.g. the published `feat_centroids`. */
export function writePthTensor(path: string, tensor: RawTensor): void {
  const problem = rawTensorProblem(tensor);
  if (problem) throw new CheckpointError(path, `cannot write ${path}: the tensor ${problem}`);
  asCheckpointErrors(path, 'write', () => writeFileAtomic(path, (fd) => writeZipPth(fd, tensor)));
}

/** The single tensor saved by torch.save(tensor) (or a one-tensor state dict), e.g. `feat_centroids`. */
export function readPthTensor(path: string): RawTensor {
  const value = readPthObject(path);
  if (isRawTensor(value)) return value;
  if (value instanceof Map && value.size === 1 && isRawTensor([...value.values()][0])) return [...value.values()][0] as RawTensor;
  throw new CheckpointError(path, `${path} holds no single tensor (torch.save(tensor) writes one)`);
}
