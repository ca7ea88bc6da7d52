// The exported model as a file, written whole or not at all.
import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../../checkpoint/atomic.js';
import type { SegModel } from '../../models/index.js';
import { exportOnnx, type OnnxExportOptions } from './export.js';

export interface WriteOnnxOptions extends OnnxExportOptions {
  /** Replace an existing file (default: refuse). */
  overwrite?: boolean;
}

/** Writes `model` to `file` as ONNX; returns the number of bytes written. */
export function writeOnnx(model: SegModel, file: string, options: WriteOnnxOptions = {}): number {
  if (!options.overwrite && existsSync(file)) throw new Error(`${file} exists; give overwrite: true to replace it`);
  const bytes = exportOnnx(model, options);
  writeFileAtomic(file, [bytes]);
  return bytes.byteLength;
}
