import * as fs from 'node:fs';
import { CheckpointError } from './errors.js';
import { EndOfData, type ByteSource } from './pickle/source.js';

// One readSync moves at most 2 GiB; larger ranges go in pieces of this size.
const MAX_READ = 1 << 30;

/** A checkpoint opened for positional reads, so that large files are never loaded whole. */
export class CheckpointFile {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Opens `path`, or throws a CheckpointError saying why it cannot be read. */
  static open(path: string): CheckpointFile {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist; check the path'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied)'
            : `cannot be opened: ${(err as Error).message}`;
      throw new CheckpointError(path, `checkpoint ${path} ${why}`, { cause: err });
    }
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      fs.closeSync(fd);
      throw new CheckpointError(path, `checkpoint ${path} is not a file${stat.isDirectory() ? ' but a folder' : ''}`);
    }
    return new CheckpointFile(path, fd, stat.size);
  }

  /** Runs `fn` with the file open and closes it afterwards. */
  static use<T>(path: string, fn: (file: CheckpointFile) => T): T {
    const file = CheckpointFile.open(path);
    try {
      return fn(file);
    } finally {
      file.close();
    }
  }

  /** Exactly `length` bytes from `offset`; `what` names them in the error when the file is too short. */
  read(offset: number, length: number, what: string): Buffer {
    if (offset + length > this.size) {
      throw new CheckpointError(
        this.path,
        `${this.path} is truncated: ${what} ends at byte ${offset + length}, the file has ${this.size} bytes`,
      );
    }
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, out, done, Math.min(length - done, MAX_READ), offset + done);
      if (n === 0) {
        throw new CheckpointError(this.path, `${this.path} shrank while being read (at byte ${offset + done})`);
      }
      done += n;
    }
    return out;
  }

  /** A sequential reader starting at `offset`, for formats whose record lengths are only known by parsing. */
  cursor(offset: number): FileCursor {
    return new FileCursor(this, offset);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Buffered sequential reads over a CheckpointFile. */
export class FileCursor implements ByteSource {
  private static readonly CHUNK = 1 << 20;
  private buffer: Buffer = Buffer.alloc(0);
  private bufferStart: number;
  private index = 0;

  constructor(
    private readonly file: CheckpointFile,
    start: number,
  ) {
    this.bufferStart = start;
  }

  get position(): number {
    return this.bufferStart + this.index;
  }

  u8(): number {
    if (this.index >= this.buffer.byteLength) this.fill(1);
    return this.buffer[this.index++];
  }

  take(n: number): Buffer {
    if (this.index + n > this.buffer.byteLength) this.fill(n);
    const out = this.buffer.subarray(this.index, this.index + n);
    this.index += n;
    return out;
  }

  // Makes at least `n` unread bytes available, or throws EndOfData.
  private fill(n: number): void {
    const at = this.position;
    const remaining = this.file.size - at;
    if (n > remaining) throw new EndOfData(n, at);
    const length = Math.min(Math.max(n, FileCursor.CHUNK), remaining);
    this.buffer = this.file.read(at, length, 'data');
    this.bufferStart = at;
    this.index = 0;
  }
}
