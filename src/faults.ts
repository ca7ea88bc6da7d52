// Fault injection for the reliability tests (test/faults/), read in this one place.
// DIGA_TEST_FAULT holds comma-separated faults:
//   enospc:<file-name>       appending to a file of that name fails with ENOSPC (e.g. enospc:warm-up.jsonl)
//   slow-rename:<name>:<ms>  an atomic write of that file waits <ms> before its rename
// Unset (always, outside the tests), every check is a cheap no-op.
import { basename } from 'node:path';

const spec = process.env.DIGA_TEST_FAULT ?? '';
const faults = spec === '' ? [] : spec.split(',').map((f) => f.split(':'));

/** Throws ENOSPC when the tests asked appends to `file` to fail. */
export function checkAppendFault(file: string): void {
  if (faults.some(([kind, name]) => kind === 'enospc' && name === basename(file))) {
    throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC', syscall: 'write' });
  }
}

/** The delay (ms) the tests asked before renaming an atomic write of `file` into place; 0 if none. */
export function renameDelayMs(file: string): number {
  const f = faults.find(([kind, name]) => kind === 'slow-rename' && name === basename(file));
  return f ? Number(f[2]) : 0;
}
