// Model weights in a weight folder: `student` and `teacher`, as our
// safetensors or as the published code's `student.pth` / `teacher.pth`.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readStateDict } from '../checkpoint/index.js';
import type { RawStateDict } from '../checkpoint/raw.js';
import { saveTensors } from '../checkpoint/tensors.js';
import { presetNames, StateDictMismatch, type SegModel } from '../models/index.js';

export type WeightRole = 'student' | 'teacher';

export type SaveFormat = 'safetensors' | 'pth' | 'both';

/**
 * The file holding `role` in `dir`: `<role>.safetensors`, `.pth` or `.pt`. Where several
 * are there (a folder reused by runs saving different formats), the newest; our format on a tie.
 */
export function findWeights(dir: string, role: WeightRole): string | undefined {
  const found = [`${role}.safetensors`, `${role}.pth`, `${role}.pt`].map((name) => join(dir, name)).filter((f) => existsSync(f));
  if (found.length <= 1) return found[0];
  const mtimes = found.map((f) => statSync(f).mtimeMs);
  return found[mtimes.indexOf(Math.max(...mtimes))];
}

/**
 * Saves `model` as `role` in `dir`: safetensors with `metadata`, and/or a zip-format
 * `<role>.pth` holding the state dict with the published names, which the published
 * scripts' `torch.load` + `load_state_dict` read as they are. Returns the files written.
 */
export function saveWeights(dir: string, role: WeightRole, model: SegModel, metadata: Record<string, string> = {}, format: SaveFormat = 'safetensors'): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  if (format !== 'pth') {
    const file = join(dir, `${role}.safetensors`);
    saveTensors(file, model.stateDict(), { model: JSON.stringify(model.config), ...metadata });
    files.push(file);
  }
  if (format !== 'safetensors') {
    const file = join(dir, `${role}.pth`);
    saveTensors(file, model.stateDict());
    files.push(file);
  }
  return files;
}

/** Drops a `module.` prefix that DataParallel-trained checkpoints carry on every key. */
function stripModulePrefix(dict: RawStateDict): RawStateDict {
  const keys = [...dict.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return dict;
  return new Map([...dict].map(([k, v]) => [k.slice('module.'.length), v]));
}

/** Loads `role` from `dir` into `model`; errors say which file and what does not fit. */
export function loadWeights(dir: string, role: WeightRole, model: SegModel, options: { modelName?: string } = {}): string {
  const file = findWeights(dir, role);
  if (file === undefined) {
    throw new Error(
      `no ${role} weights in ${dir} (expected ${role}.safetensors or ${role}.pth); ` +
        'train them first (diga warm-up / diga self-train), or point --weight-dir (self-train: --load-weight-dir) at a folder that has them',
    );
  }
  return loadWeightsFile(file, model, options);
}

/** Loads the state dict in `file` (safetensors or .pth) into `model`; errors say what does not fit. */
export function loadWeightsFile(file: string, model: SegModel, options: { modelName?: string } = {}): string {
  if (!existsSync(file)) throw new Error(`no weights file ${file}`);
  const dict = stripModulePrefix(readStateDict(file));
  try {
    model.loadStateDict(dict, { strict: true });
  } catch (err) {
    throw fitError(file, `the model${options.modelName ? ` --model ${options.modelName}` : ''}`, err);
  }
  return file;
}

/** A checkpoint that does not fit `what` (e.g. "--model hrnet48"), said in the command line's terms. */
export function fitError(file: string, what: string, err: unknown): Error {
  if (!(err instanceof StateDictMismatch)) return new Error(`${file} does not fit ${what}: ${(err as Error).message}`, { cause: err });
  return new Error(
    `${file} does not fit ${what} (${err.model}): ${err.problems.join('; ')}. ` +
      `Give --model the preset it was trained with (${presetNames().join(', ')})`,
    { cause: err },
  );
}
