// Up-front existence checks of a dataset's files, so that a wrong root or a stale list fails
// before training with every missing file named, not at the first batch that needs one.
import { stat } from 'node:fs/promises';
import { plural } from '../plural.js';

export interface FileCheck {
  file: string;
  /** "image", "label", ... */
  what: string;
  /** 1-based line of the file in `list`. */
  line: number;
  /** The list (or listing) that names the file. */
  list: string;
}

/** Throws one error naming each missing file and its list line (the first 10 of them). */
export async function assertFilesExist(checks: readonly FileCheck[], root: string, concurrency = 32): Promise<void> {
  const missing: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const c = checks[next++];
      try {
        if (!(await stat(c.file)).isFile()) missing.push(`${c.what} ${c.file} is not a file (${c.list} line ${c.line})`);
      } catch {
        missing.push(`${c.what} ${c.file} does not exist (${c.list} line ${c.line})`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, checks.length)) }, worker));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join('\n  ');
    const more = missing.length > 10 ? `\n  ... and ${missing.length - 10} more` : '';
    throw new Error(`${missing.length} of ${plural(checks.length, 'dataset file')} ${missing.length === 1 ? 'is' : 'are'} missing under ${root}:\n  ${shown}${more}`);
  }
}
