// One file a command writes (a page, a checkpoint, an exported network), checked before any
// work is done: it is never an input, an existing file is replaced only with --overwrite and
// only when it is of the kind the command writes, and its folder can be written into.
import { existsSync, statSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { folderProblem, refuseSystemPath } from './output-folder.js';
import { isWithin, samePath } from './real-path.js';

export interface OutputFileRule {
  /** How the command names the file in messages: '--out', '--json', '<out>'. */
  what: string;
  /** The extensions of what the command writes there ('.html'): only such a file is ever replaced. */
  kinds: readonly string[];
  /** --overwrite was given: an existing file of those kinds may be replaced. */
  overwrite: boolean;
  /** The files and folders the command reads: the output is none of them and lies in none. */
  inputs?: readonly string[];
}

/** Refuses, naming `file` and why, an output the command must not write; makes and writes nothing. */
export function checkOutputFile(file: string, rule: OutputFileRule): void {
  const { what, kinds } = rule;
  refuseSystemPath(file, what);
  const input = rule.inputs?.find((i) => isWithin(file, i));
  if (input !== undefined) {
    const where = samePath(file, input) ? 'is a file' : `lies inside ${input}, a folder`;
    throw new Error(`${what} ${file} ${where} this command reads; give another ${what}`);
  }
  if (existsSync(file)) {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new Error(`${what} ${file} is a folder; name the file to write in it`);
    if (!stat.isFile()) throw new Error(`${what} ${file} exists and is not a plain file; give another ${what}`);
    if (!kinds.includes(extname(file).toLowerCase())) {
      throw new Error(`${what} ${file} exists and is not a ${kinds.join(' or ')} file, which is all this command writes there; it is not replaced, even with --overwrite`);
    }
    if (!rule.overwrite) throw new Error(`${what} ${file} exists; pass --overwrite to replace it`);
  }
  const problem = folderProblem(dirname(file));
  if (problem !== undefined) throw new Error(`${what} ${file} cannot be written: ${problem}`);
}
