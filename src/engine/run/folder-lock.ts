// One run at a time per output folder: `<dir>/.diga.lock`, created exclusively, names the
// holder (pid, host, start time, command). A second run gets an error naming the holder; a
// lock whose process is gone from this host is stale and taken over with a warning.
// Data-parallel ranks share rank 0's lock (only rank 0 takes it).
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

interface Holder {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export const LOCK_FILE = '.diga.lock';

/** Whether process `pid` is alive on this host (EPERM: alive, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOnce(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

/** The lock's holder; a file still unreadable after a moment (not just being written) gives null. */
function readHolder(file: string): Holder | null {
  const first = readOnce(file);
  if (first) return first;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  return readOnce(file);
}

export class FolderLock {
  private constructor(readonly file: string) {}

  /**
   * Takes the lock on `dir` (created if missing) for this process. `warn` receives the line
   * said when a stale lock is taken over.
   */
  static acquire(dir: string, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): FolderLock {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, LOCK_FILE);
    const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: process.argv.slice(2).join(' ') };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o644);
        writeSync(fd, `${JSON.stringify(me)}\n`);
        closeSync(fd);
        return new FolderLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock ${dir}: ${(err as Error).message}`);
      }
      const holder = readHolder(file);
      const stale = holder === null || (holder.host === me.host && !processAlive(holder.pid));
      if (!stale) {
        throw new Error(
          `${dir} is in use by another diga run (pid ${holder.pid} on ${holder.host}, since ${holder.started}: diga ${holder.command}); ` +
            `wait for it to finish or give this run another folder (if that process is gone, remove ${file})`,
        );
      }
      warn(`diga: taking over the stale lock ${file}${holder ? ` (pid ${holder.pid} on ${holder.host} is gone)` : ' (unreadable)'}`);
      rmSync(file, { force: true });
    }
    throw new Error(`cannot lock ${dir}: another run keeps taking ${file}`);
  }

  release(): void {
    const holder = readOnce(this.file);
    if (holder?.pid === process.pid) rmSync(this.file, { force: true });
  }
}
