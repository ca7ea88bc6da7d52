// Reading a run log record by record, a chunk of the file at a time: a long run logs
// hundreds of thousands of lines, so a log is never read whole, split into one array or
// spread into a call. A line that is no record (not JSON, or JSON that is no object) is
// left out and said once, by file and line. The line a killed run leaves cut off (the
// last one, or one a resumed run's `start` follows) is left out without a word: it is
// what stopping a run mid-write does, not damage.
import { closeSync, openSync, readSync } from 'node:fs';
import type { LogRecord } from './run-log.js';
import { warnOnce } from './warn-once.js';

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

export interface LogReadOptions {
  /** Told once per file about the lines left out (default: stderr, each message once per process). */
  warn?: (message: string) => void;
}

/** Calls `onLine` with each line's text and number; `ended` is false for a last line with no newline. */
function forEachLine(path: string, onLine: (text: string, line: number, ended: boolean) => void): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK);
  // The start of a line that runs on past the chunk it began in (copies: the buffer is reused).
  let pending: Buffer[] = [];
  let line = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        const tail = chunk.subarray(start, end);
        const bytes = pending.length === 0 ? tail : Buffer.concat(pending.concat([tail]));
        pending = [];
        // A newline byte never falls inside a UTF-8 sequence, so each line decodes on its own.
        onLine(bytes.toString('utf8'), ++line, true);
        start = end + 1;
      }
      if (start < n) pending.push(Buffer.from(chunk.subarray(start)));
    }
    if (pending.length > 0) onLine(Buffer.concat(pending).toString('utf8'), ++line, false);
  } finally {
    closeSync(fd);
  }
}

/** The record a line holds, or why it holds none. */
function parseRecord(text: string): LogRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a record`;
  }
  return value as LogRecord;
}

function leftOutMessage(path: string, bad: Array<{ line: number; why: string }>): string {
  if (bad.length === 1) return `${path} line ${bad[0].line} is not a log record (${bad[0].why}); it is left out`;
  const more = bad.slice(1, 6).map((b) => b.line);
  const rest = bad.length - 1 - more.length;
  return (
    `${path}: ${bad.length} lines are not log records and are left out: line ${bad[0].line} (${bad[0].why}), ` +
    `then line${more.length === 1 ? '' : 's'} ${more.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`
  );
}

/**
 * Calls `visit` with every record of the log at `path`, in file order, with its line number;
 * returns how many there were. Blank lines are passed over.
 */
export function forEachRecord(path: string, visit: (record: LogRecord, line: number) => void, options: LogReadOptions = {}): number {
  const bad: Array<{ line: number; why: string }> = [];
  // A broken line whose next record decides what it is: cut off by a killed run if a resumed run starts there.
  let suspect: { line: number; why: string } | null = null;
  let count = 0;
  forEachLine(path, (text, line, ended) => {
    if (text.trim() === '') return;
    const record = parseRecord(text);
    if (typeof record === 'string') {
      if (suspect) bad.push(suspect);
      // The last line without its newline is a write cut short.
      suspect = ended ? { line, why: record } : null;
      return;
    }
    if (suspect && record.kind !== 'start') bad.push(suspect);
    suspect = null;
    count++;
    visit(record, line);
  });
  if (suspect) bad.push(suspect);
  // Said once per process by default: the curves and the report read the same log at every evaluation.
  if (bad.length > 0) (options.warn ?? warnOnce)(leftOutMessage(path, bad));
  return count;
}
