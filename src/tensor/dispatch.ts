// The TS side of the generic operator call: each ATen operator is resolved
// once (by name and overload) to an id, then called by id with its arguments
// in schema order, or by their schema names. Arguments left undefined take
// the schema default (None for an optional one without a default).
import { native } from '../native/binding.js';
import type { OpResult } from '../native/types.js';

export type OpCaller = (args: unknown[], discardResult?: boolean) => OpResult;

/** Arguments by schema name (`self`, `dtype`, `memory_format` ...); absent ones take their defaults. */
export type NamedArgs = Readonly<Record<string, unknown>>;
export type NamedOpCaller = (args: NamedArgs, discardResult?: boolean) => OpResult;

function qualify(name: string): string {
  return name.includes('::') ? name : `aten::${name}`;
}

/** A lazily resolved caller for `aten::<name>.<overload>`. */
export function op(name: string, overload = ''): OpCaller {
  let id = -1;
  const qualified = qualify(name);
  return (args, discardResult = false) => {
    if (id < 0) id = native().resolveOp(qualified, overload);
    return native().callOp(id, args, discardResult);
  };
}

/**
 * A lazily resolved caller for `aten::<name>.<overload>` that takes its
 * arguments by name, for operators with long runs of optional ones. The
 * schema is read once, on the first call; an unknown name is refused.
 */
export function namedOp(name: string, overload = ''): NamedOpCaller {
  let id = -1;
  let count = 0;
  // Argument name -> position; no prototype, so 'toString' and the like are unknown names.
  const position: Record<string, number> = Object.create(null);
  const qualified = qualify(name);
  return (args, discardResult = false) => {
    if (id < 0) {
      const resolved = native().resolveOp(qualified, overload);
      const names = argumentNames(native().opSchema(resolved));
      names.forEach((n, i) => (position[n] = i));
      count = names.length;
      id = resolved;
    }
    const list = new Array<unknown>(count);
    for (const key in args) {
      const i = position[key];
      if (i === undefined) throw unknownArgument(qualified, overload, key, Object.keys(position));
      list[i] = args[key];
    }
    return native().callOp(id, list, discardResult);
  };
}

function unknownArgument(qualified: string, overload: string, key: string, known: string[]): TypeError {
  const full = overload === '' ? qualified : `${qualified}.${overload}`;
  return new TypeError(`${full}: unknown argument '${key}'; its arguments are ${known.join(', ')}`);
}

/**
 * The argument names of a schema such as `aten::to.dtype_layout(Tensor(a) self, *,
 * ScalarType? dtype=None, ...) -> Tensor(a)`, in order (the keyword-only marker dropped).
 */
export function argumentNames(schema: string): string[] {
  const names: string[] = [];
  const open = schema.indexOf('(');
  let depth = 0;
  let quote = '';
  let start = open + 1;
  for (let i = start; i < schema.length; i++) {
    const c = schema[i];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(' || c === '[') {
      depth++;
    } else if ((c === ',' || c === ')') && depth === 0) {
      const declaration = schema.slice(start, i).split('=')[0].trim();
      if (declaration !== '' && declaration !== '*') names.push(declaration.slice(declaration.lastIndexOf(' ') + 1));
      if (c === ')') break;
      start = i + 1;
    } else if (c === ')' || c === ']') {
      depth--;
    }
  }
  return names;
}

/** The schema text of an operator (for error messages and documentation). */
export function schemaOf(name: string, overload = ''): string {
  return native().opSchema(native().resolveOp(qualify(name), overload));
}
