import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renameDelayMs } from '../faults.js';
import { writeCause } from '../paths/output-folder.js';

/** Writes all of `data` at the file's current position, looping over short writes. */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.byteLength) {
    done += fs.writeSync(fd, data, done, data.byteLength - done);
  }
}

/**
 * Replaces `target` only once the new content is complete and on disk: the content goes to a
 * temporary file in the same folder (so the rename cannot cross file systems), is flushed with
 * fsync, then renamed over the target. If anything throws on the way, the temporary file is
 * removed and the previous `target`, if any, is left as it was.
 *
 * `content` is either the chunks to write, or a function that writes through the open descriptor
 * (for outputs too large to assemble in memory; use `writeAll`). File-system failures are thrown
 * as errors naming `target`; errors thrown by the function pass through unchanged.
 */
export function writeFileAtomic(target: string, content: readonly Uint8Array[] | ((fd: number) => void)): void {
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', 0o644);
    if (typeof content === 'function') content(fd);
    else for (const chunk of content) writeAll(fd, chunk);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    const delay = renameDelayMs(target); // tests only: a window in which to kill the writer
    if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
    fs.renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    fs.rmSync(temp, { force: true });
    throw isSystemError(err) ? new Error(`cannot write ${target}: ${failure(target, dir, err)}`, { cause: err }) : err;
  }
  syncFolder(dir);
}

// Makes the rename itself durable. Some file systems refuse fsync on a folder; the file is
// complete either way, so that is not an error.
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Folder errors that writeCause words; the system's own text names the temporary file instead. */
const FOLDER_ERRORS = ['EROFS', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'ENOSPC', 'EDQUOT'];

/** Why a write failed, in words naming the user's file and folder rather than the temporary file. */
function failure(target: string, dir: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'EISDIR') return `${target} is a folder`;
  return FOLDER_ERRORS.includes(err.code ?? '') ? writeCause(dir, err) : err.message;
}

function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}
