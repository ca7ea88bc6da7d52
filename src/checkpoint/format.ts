import { CheckpointError } from './errors.js';
import type { CheckpointFile } from './file.js';

export type CheckpointFormat = 'safetensors' | 'pth-zip' | 'pth-legacy';

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
// PROTO 2, LONG1 of 10 bytes: the little-endian magic number 0x1950a86a20f9469cfc6c that
// PyTorch's legacy format pickles first.
const LEGACY_MAGIC = Buffer.from('8a0a6cfc9c46f9206aa85019', 'hex');

/** Tells the format from the first bytes; throws a CheckpointError for anything else. */
export function detectFormat(file: CheckpointFile): CheckpointFormat {
  const { path, size } = file;
  const head = file.read(0, Math.min(size, 16), 'the file header');
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return 'pth-zip';
  if (head[0] === 0x80 && head.subarray(2, 2 + LEGACY_MAGIC.byteLength).equals(LEGACY_MAGIC)) return 'pth-legacy';
  if (size >= 9) {
    const headerLength = head.readBigUInt64LE(0);
    // A safetensors header is a JSON object right after its 8-byte length.
    if (head[8] === 0x7b && headerLength >= 2n) return 'safetensors';
  }
  if (size >= 262 && file.read(257, 5, 'the tar header').toString('latin1') === 'ustar') {
    throw new CheckpointError(
      path,
      `${path} is a tar archive, the format of PyTorch before 0.1.10; load and save it again with a newer PyTorch`,
    );
  }
  throw new CheckpointError(
    path,
    size === 0
      ? `${path} is empty, not a safetensors or PyTorch checkpoint`
      : `${path} is not a safetensors or PyTorch checkpoint (its first bytes match neither format)`,
  );
}
