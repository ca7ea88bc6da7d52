/** Sequential bytes for the unpickler: a buffer in memory or a cursor over a file. */
export interface ByteSource {
  /** Bytes consumed so far. */
  readonly position: number;
  u8(): number;
  /** The next `n` bytes; throws EndOfData when fewer remain. */
  take(n: number): Buffer;
}

/** Thrown by a ByteSource that runs out; readers turn it into a "truncated" CheckpointError. */
export class EndOfData extends Error {
  constructor(
    readonly wanted: number,
    readonly at: number,
  ) {
    super(`data ends at byte ${at}, ${wanted} more bytes were expected`);
  }
}

export class BufferSource implements ByteSource {
  position = 0;

  constructor(private readonly buffer: Buffer) {}

  u8(): number {
    if (this.position >= this.buffer.byteLength) throw new EndOfData(1, this.position);
    return this.buffer[this.position++];
  }

  take(n: number): Buffer {
    if (n > this.buffer.byteLength - this.position) throw new EndOfData(n, this.position);
    const out = this.buffer.subarray(this.position, this.position + n);
    this.position += n;
    return out;
  }
}
