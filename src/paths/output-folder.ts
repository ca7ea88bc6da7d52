// The folder a command writes into, checked before any work is done: not a system folder,
// a folder (or one that can be made) and writable. A refusal names the real cause.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isWithin } from './real-path.js';

/** Kernel and device file systems: a write there changes the system, not a file (and may hang). */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];
/** Under /dev, the one plain file system. */
const SHARED_MEMORY = '/dev/shm';

/** The system folder `p` lies in, if any. */
export function systemFolderOf(p: string): string | undefined {
  return SYSTEM_FOLDERS.find((s) => isWithin(p, s) && !isWithin(p, SHARED_MEMORY));
}

/** Refuses an output under /proc, /sys or /dev; `what` is how the command names it ('--out'). */
export function refuseSystemPath(p: string, what: string): void {
  const system = systemFolderOf(p);
  if (system !== undefined) throw new Error(`${what} ${p}: ${system} is a system folder; diga writes no files there`);
}

/** Why files cannot be written in `dir`, in words, from the error the system gave. */
export function writeCause(dir: string, err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EROFS':
      return `${dir} is on a read-only file system`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${dir}`;
    case 'ENOENT':
      return `the folder ${dir} does not exist`;
    case 'ENOTDIR':
      return `${dir} is not a folder`;
    case 'ENOSPC':
      return `no space left on the device of ${dir}`;
    case 'EDQUOT':
      return `the disk quota of ${dir} is used up`;
    default:
      return (err as Error).message;
  }
}

/** Why `dir` cannot be written into or made, or undefined when it can. Makes nothing. */
export function folderProblem(dir: string): string | undefined {
  const system = systemFolderOf(dir);
  if (system !== undefined) return `${system} is a system folder; diga writes no files there`;
  // The folder itself, or the nearest existing one above it, where it would be made.
  let near = resolve(dir);
  while (!existsSync(near) && dirname(near) !== near) near = dirname(near);
  if (!statSync(near).isDirectory()) return `${near} is a file, not a folder`;
  try {
    accessSync(near, constants.W_OK);
  } catch (err) {
    return `not writable: ${writeCause(near, err)}`;
  }
  return undefined;
}

/** Refuses a folder that cannot be written into or made; `what` is how the command names it ('--out'). */
export function checkOutputFolder(dir: string, what: string): void {
  const problem = folderProblem(dir);
  if (problem !== undefined) throw new Error(`${what} ${dir}: ${problem}`);
}

/** Checks `dir` as checkOutputFolder does, then makes it (and the folders above it) if it is missing. */
export function makeOutputFolder(dir: string, what: string): void {
  checkOutputFolder(dir, what);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Error(`${what} ${dir}: cannot be made: ${writeCause(dirname(resolve(dir)), err)}`, { cause: err });
  }
}
