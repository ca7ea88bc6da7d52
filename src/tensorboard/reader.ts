// Event files read back: every record's CRCs checked, each Event decoded. A file cut inside a
// record (a run killed mid-write, or one still writing) reads up to its last whole record and
// says that it was cut; a CRC mismatch is corruption and throws with the file and byte offset.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEvent, type EventMessage } from './proto.js';
import { walkRecords } from './record.js';

export interface EventFile {
  path: string;
  events: EventMessage[];
  /** The file ends inside a record; `events` are those before it. */
  truncated: boolean;
  /** Bytes up to the end of the last whole record. */
  validBytes: number;
}

export interface ReadEventsOptions {
  /** Told of a file that ends inside a record (as well as its `truncated` flag). */
  onTruncated?: (path: string, validBytes: number) => void;
}

export function readEvents(file: string, options: ReadEventsOptions = {}): EventFile {
  const events: EventMessage[] = [];
  const records = walkRecords(file);
  for (;;) {
    const next = records.next();
    if (next.done) {
      const { truncated, validBytes } = next.value;
      if (truncated) options.onTruncated?.(file, validBytes);
      return { path: file, events, truncated, validBytes };
    }
    try {
      events.push(decodeEvent(next.value.data));
    } catch (e) {
      records.return({ truncated: false, validBytes: next.value.offset }); // closes the file
      throw new Error(`${file}: record at byte ${next.value.offset} is no Event: ${(e as Error).message}`);
    }
  }
}

/** TensorBoard's test for an event file: "tfevents" in its name. */
export const isEventFile = (name: string): boolean => name.includes('tfevents');

/** Every event file of one run's folder (not its subfolders), read in file-name order, which
 * is the order their writers opened them; `events` are all of them in that order, as
 * TensorBoard merges a run's files. */
export function readEventDir(dir: string, options: ReadEventsOptions = {}): { files: EventFile[]; events: EventMessage[] } {
  const names = readdirSync(dir)
    .filter((name) => isEventFile(name) && statSync(join(dir, name)).isFile())
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // code-unit order, as TensorBoard sorts
  const files = names.map((name) => readEvents(join(dir, name), options));
  return { files, events: files.flatMap((f) => f.events) };
}
