import { CheckpointError } from '../errors.js';
import { isRawTensor, type RawStateDict } from '../raw.js';

// Where training scripts commonly put the weights inside a checkpoint dict, most likely first.
// The student comes before the teacher: it is the model a self-training run produces.
const WEIGHT_KEYS = [
  'state_dict',
  'model_state_dict',
  'model',
  'student',
  'teacher',
  'net',
  'network',
  'module',
  'params',
  'weights',
];

/** True for a dict whose keys are all strings and whose values are all tensors. */
export function isStateDict(value: unknown): value is RawStateDict {
  if (!(value instanceof Map)) return false;
  for (const [k, v] of value) if (typeof k !== 'string' || !isRawTensor(v)) return false;
  return true;
}

/**
 * The state dict in a checkpoint: the object itself when it maps names to tensors, else the
 * first of WEIGHT_KEYS that holds one (looking one level deeper, as in {model: {state_dict}}).
 */
export function findStateDict(value: unknown, path: string): RawStateDict {
  const found = search(value, 2);
  if (found) return found;
  const keys = value instanceof Map ? [...value.keys()].map((k) => JSON.stringify(k)) : [];
  const shape = value instanceof Map ? `a dict with keys ${keys.join(', ') || '(none)'}` : `a ${describe(value)}`;
  throw new CheckpointError(
    path,
    `${path} holds ${shape}, and no state dict (a dict of tensors) at the top or under ${WEIGHT_KEYS.map((k) => `"${k}"`).join(', ')}`,
  );
}

function search(value: unknown, depth: number): RawStateDict | undefined {
  if (isStateDict(value)) return value;
  if (!(value instanceof Map) || depth === 0) return undefined;
  for (const key of WEIGHT_KEYS) {
    const found = search(value.get(key), depth - 1);
    if (found) return found;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return Object.isFrozen(value) ? 'tuple' : 'list';
  if (isRawTensor(value)) return 'single tensor';
  return typeof value;
}
