// The TS side of the generic operator call: each ATen operator is resolved
// once (by name and overload) to an id, then called by id with positional
// arguments in schema order. Arguments left undefined take the schema default.
import { native } from '../native/binding.js';
import type { OpResult } from '../native/types.js';

export type OpCaller = (args: unknown[], discardResult?: boolean) => OpResult;

/** A lazily resolved caller for `aten::<name>.<overload>`. */
export function op(name: string, overload = ''): OpCaller {
  let id = -1;
  const qualified = name.includes('::') ? name : `aten::${name}`;
  return (args, discardResult = false) => {
    if (id < 0) id = native().resolveOp(qualified, overload);
    return native().callOp(id, args, discardResult);
  };
}

/** The schema text of an operator (for error messages and documentation). */
export function schemaOf(name: string, overload = ''): string {
  const qualified = name.includes('::') ? name : `aten::${name}`;
  return native().opSchema(native().resolveOp(qualified, overload));
}
