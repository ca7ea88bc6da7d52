// Tensor lifetimes, tfjs-style: every tensor made inside tidy(fn) is disposed
// when fn returns, except the ones it returns (which move to the enclosing
// scope) and the ones passed to keep().

interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const scopes: Array<Set<Disposable>> = [];

export function trackTensor(t: Disposable): void {
  const top = scopes[scopes.length - 1];
  if (top !== undefined) top.add(t);
}

/** Excludes a tensor from every enclosing tidy() scope; it then lives until disposed. */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (out.has(value)) return;
  out.add(value);
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, out, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out, depth + 1);
  }
}

/**
 * Runs fn and disposes every tensor created inside it, except those in its
 * result (searched through arrays, Maps and plain objects).
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new TypeError('tidy() takes a synchronous function: tensors cannot be tracked across await');
  }
  const kept = new Set<unknown>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Disposes every tensor found in `value` (a tensor, or arrays/Maps/objects of them). */
export function dispose(value: unknown): void {
  const found = new Set<unknown>();
  collect(value, found);
  for (const v of found) {
    if (v !== null && typeof v === 'object' && 'dispose' in v && 'isDisposed' in v) (v as Disposable).dispose();
  }
}
