/** Any problem reading or writing a checkpoint file; the message names the file and what to do. */
export class CheckpointError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
    this.path = path;
  }
}

/**
 * Runs `fn`, turning any error that is not yet a CheckpointError (a RangeError from a malformed
 * length, a file-system error) into one that names `path`, so callers need to catch one type.
 */
export function asCheckpointErrors<T>(path: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    // An error that already says what could not be done (e.g. from writeFileAtomic) is not prefixed twice.
    const message = (err as Error).message;
    const prefix = `cannot ${action} ${path}: `;
    throw new CheckpointError(path, message.startsWith(prefix) ? message : `${prefix}${message}`, { cause: err });
  }
}
