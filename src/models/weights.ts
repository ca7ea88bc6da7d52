// Model weights in a weight folder: `student` and `teacher`, as our
// safetensors or as the published code's `student.pth` / `teacher.pth`.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSafetensorsHeader, readStateDict } from '../checkpoint/index.js';
import type { RawStateDict } from '../checkpoint/raw.js';
import { saveTensors } from '../checkpoint/tensors.js';
import type { NativeNet } from './native-net.js';
import { presetNames } from './registry.js';
import { StateDictMismatch, type SegModel } from './seg-model.js';

export type WeightRole = 'student' | 'teacher';

/** The safetensors metadata key of a training state (engine/train-state.ts), which holds more than one network's weights. */
export const TRAIN_STATE_KEY = 'diga.train_state';

export type SaveFormat = 'safetensors' | 'pth' | 'both';

/**
 * The file holding `role` in `dir`: `<role>.safetensors`, `.pth` or `.pt`. Where several
 * are there (a folder reused by runs saving different formats), the newest; our format on a tie.
 */
export function findWeights(dir: string, role: WeightRole): string | undefined {
  return findNetWeights(dir, role);
}

/**
 * Saves `model` as `role` in `dir`: safetensors with `metadata`, and/or a zip-format
 * `<role>.pth` holding the state dict with the published names, which the published
 * scripts' `torch.load` + `load_state_dict` read as they are. Returns the files written.
 */
export function saveWeights(dir: string, role: WeightRole, model: SegModel, metadata: Record<string, string> = {}, format: SaveFormat = 'safetensors'): string[] {
  return saveNetWeights(dir, role, model, metadata, format);
}

/** Any network (the translator's too) as `<name>.safetensors` and/or `<name>.pth` in `dir`, its config recorded. */
export function saveNetWeights(
  dir: string,
  name: string,
  net: Pick<NativeNet, 'stateDict'> & { readonly config: unknown },
  metadata: Record<string, string> = {},
  format: SaveFormat = 'safetensors',
): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  if (format !== 'pth') {
    const file = join(dir, `${name}.safetensors`);
    saveTensors(file, net.stateDict(), { model: JSON.stringify(net.config), ...metadata });
    files.push(file);
  }
  if (format !== 'safetensors') {
    const file = join(dir, `${name}.pth`);
    saveTensors(file, net.stateDict());
    files.push(file);
  }
  return files;
}

/** The newest of `<name>.safetensors`, `.pth`, `.pt` in `dir` (our format on a tie). */
export function findNetWeights(dir: string, name: string): string | undefined {
  const found = [`${name}.safetensors`, `${name}.pth`, `${name}.pt`].map((f) => join(dir, f)).filter((f) => existsSync(f));
  if (found.length <= 1) return found[0];
  const mtimes = found.map((f) => statSync(f).mtimeMs);
  return found[mtimes.indexOf(Math.max(...mtimes))];
}

/** Loads `<name>` from `dir` into `net`, strictly; errors name the file and what does not fit. */
export function loadNetWeights(dir: string, name: string, net: Pick<NativeNet, 'loadStateDict' | 'describe'>, hint: string): string {
  const file = findNetWeights(dir, name);
  if (file === undefined) throw new Error(`no ${name} weights in ${dir} (expected ${name}.safetensors or ${name}.pth); ${hint}`);
  try {
    net.loadStateDict(stripModulePrefix(readStateDict(file)), { strict: true });
  } catch (err) {
    throw new Error(`${file} does not fit the ${net.describe()}: ${(err as Error).message}`, { cause: err });
  }
  return file;
}

/** Drops a `module.` prefix that DataParallel-trained checkpoints carry on every key. */
function stripModulePrefix(dict: RawStateDict): RawStateDict {
  const keys = [...dict.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return dict;
  return new Map([...dict].map(([k, v]) => [k.slice('module.'.length), v]));
}

/** The file holding `role` in `dir`; an error says how to get one where there is none. */
export function requireWeights(dir: string, role: WeightRole): string {
  const file = findWeights(dir, role);
  if (file === undefined) {
    throw new Error(
      `no ${role} weights in ${dir} (expected ${role}.safetensors or ${role}.pth); ` +
        'train them first (diga warm-up / diga self-train), or point --weight-dir (self-train: --load-weight-dir) at a folder that has them',
    );
  }
  return file;
}

/** Loads `role` from `dir` into `model`; errors say which file and what does not fit. */
export function loadWeights(dir: string, role: WeightRole, model: SegModel, options: { modelName?: string } = {}): string {
  return loadWeightsFrom(requireWeights(dir, role), role, model, options);
}

/**
 * Refuses a training state given as weights: it holds the student, the teacher, the
 * optimiser and the data streams under prefixes of their own, so as one network it would
 * only read as every key missing. The weights are beside it.
 */
function refuseTrainState(file: string, role: WeightRole): void {
  if (!file.endsWith('.safetensors')) return;
  let metadata: Record<string, string>;
  try {
    metadata = readSafetensorsHeader(file).metadata;
  } catch {
    // Not readable as safetensors: the loader says why.
    return;
  }
  if (metadata[TRAIN_STATE_KEY] === undefined) return;
  const dir = dirname(file);
  throw new Error(
    `${file} is a training-state file (what --resume continues a training stage from: student, teacher, optimiser and ` +
      `data streams), not a network's weights; use ${join(dir, `${role}.safetensors`)}, the ${role} weights the stage saves ` +
      `beside it (or give the folder: --weight-dir ${dir})`,
  );
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

/** `path` as the weights of `role`: a weight folder, or a .safetensors / .pth file itself. */
export function weightFile(path: string, role: WeightRole): string {
  if (!existsSync(path)) throw new Error(`the weights ${path} do not exist; give a weight folder, a .safetensors or a .pth file`);
  if (!statSync(path).isDirectory()) {
    refuseTrainState(path, role);
    return path;
  }
  const file = findWeights(path, role);
  if (file === undefined) throw new Error(`no ${role} weights in ${path} (expected ${role}.safetensors or ${role}.pth)`);
  return file;
}

/** Loads `role` from a weight folder or a weights file into `model`; returns the file read. */
export function loadWeightsFrom(path: string, role: WeightRole, model: SegModel, options: { modelName?: string } = {}): string {
  const file = weightFile(path, role);
  try {
    model.loadStateDict(stripModulePrefix(readStateDict(file)), { strict: true });
  } catch (err) {
    throw fitError(file, `the model${options.modelName ? ` --model ${options.modelName}` : ''}`, err);
  }
  return file;
}

/** The model config our safetensors weights record (saveWeights writes it), if `file` has one. */
export function recordedModel(file: string): object | undefined {
  if (!file.endsWith('.safetensors')) return undefined;
  const json = readSafetensorsHeader(file).metadata.model;
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as object;
  } catch {
    return undefined;
  }
}
